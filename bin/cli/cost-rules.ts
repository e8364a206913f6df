/**
 * Lifecycle rules for `bucketkit cost`, read from where they live: an `AWS::S3::Bucket` in a synthesized
 * CloudFormation template (`LifecycleConfiguration.Rules`, CloudFormation's names), or a bucket's own configuration
 * (GetBucketLifecycleConfiguration, S3's names). Both map to `CostLifecycleRule` of `bucketkit/rules`; what cannot
 * be priced (date-based actions, unresolved intrinsics such as `{"Ref": ...}`) is left out with a note.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-rule.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
 */
import { GetBucketLifecycleConfigurationCommand, type LifecycleRule } from '@aws-sdk/client-s3';
import type { CostLifecycleRule } from '../../lib/rules';
import type { S3Storage } from '../../lib/storage';
import { UsageError } from './exit-codes';

/** Rules and the notes on what was left out. */
export interface RulesForCost {
  readonly rules: CostLifecycleRule[];
  readonly notes: string[];
}

interface CfnRule {
  readonly Status?: unknown;
  readonly Prefix?: unknown;
  readonly TagFilters?: unknown;
  readonly ObjectSizeGreaterThan?: unknown;
  readonly ObjectSizeLessThan?: unknown;
  readonly ExpirationInDays?: unknown;
  readonly ExpirationDate?: unknown;
  readonly Transitions?: readonly { readonly StorageClass?: unknown; readonly TransitionInDays?: unknown; readonly TransitionDate?: unknown }[];
  readonly Transition?: { readonly StorageClass?: unknown; readonly TransitionInDays?: unknown; readonly TransitionDate?: unknown };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/**
 * The lifecycle rules of the template's `AWS::S3::Bucket` named `logicalId`, or of its only bucket.
 * @throws UsageError when the template is not a CloudFormation template, has no bucket, or has several and no id is given
 */
export function rulesFromTemplate(template: unknown, logicalId?: string): RulesForCost & { logicalId: string } {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: { LifecycleConfiguration?: { Rules?: CfnRule[] } } }> })?.Resources;
  if (!resources || typeof resources !== 'object') throw new UsageError('--template: not a CloudFormation template (no Resources)');
  const buckets = Object.entries(resources).filter(([, r]) => r?.Type === 'AWS::S3::Bucket');
  if (buckets.length === 0) throw new UsageError('--template: the template has no AWS::S3::Bucket');
  let chosen = buckets[0];
  if (logicalId !== undefined) {
    const found = buckets.find(([id]) => id === logicalId);
    if (!found)
      throw new UsageError(`--bucket-id: no AWS::S3::Bucket ${JSON.stringify(logicalId)} in the template (it has ${buckets.map(([id]) => id).join(', ')})`);
    chosen = found;
  } else if (buckets.length > 1) {
    throw new UsageError(`--bucket-id: the template has ${buckets.length} buckets; name one of ${buckets.map(([id]) => id).join(', ')}`);
  }
  const notes = new Set<string>();
  const rules = (chosen[1].Properties?.LifecycleConfiguration?.Rules ?? []).map((r): CostLifecycleRule => {
    const transitions = [...(r.Transitions ?? []), ...(r.Transition ? [r.Transition] : [])];
    if (r.ExpirationDate !== undefined || transitions.some((t) => t.TransitionDate !== undefined)) notes.add('date-based lifecycle actions are not priced');
    const priced = transitions.filter((t) => typeof t.StorageClass === 'string' && num(t.TransitionInDays) !== undefined);
    if (priced.length < transitions.filter((t) => t.TransitionDate === undefined).length)
      notes.add('transitions with unresolved values (Ref, Fn::*) are not priced');
    return {
      enabled: r.Status !== 'Disabled',
      transitions: priced.map((t) => ({ storageClass: t.StorageClass as string, days: num(t.TransitionInDays) })),
      expirationDays: num(r.ExpirationInDays),
      prefix: typeof r.Prefix === 'string' ? r.Prefix : undefined,
      tagFilters: r.TagFilters,
      objectSizeGreaterThan: num(r.ObjectSizeGreaterThan),
      objectSizeLessThan: num(r.ObjectSizeLessThan),
    };
  });
  return { rules, notes: [...notes], logicalId: chosen[0] };
}

/** Maps S3's lifecycle rules (GetBucketLifecycleConfiguration) to the estimator's. */
export function rulesFromS3(s3Rules: readonly LifecycleRule[]): RulesForCost {
  const notes = new Set<string>();
  const rules = s3Rules.map((r): CostLifecycleRule => {
    const filter = r.Filter;
    const and = filter?.And;
    if (r.Expiration?.Date !== undefined || (r.Transitions ?? []).some((t) => t.Date !== undefined)) notes.add('date-based lifecycle actions are not priced');
    return {
      enabled: r.Status !== 'Disabled',
      transitions: (r.Transitions ?? []).filter((t) => t.Days !== undefined && t.StorageClass).map((t) => ({ storageClass: t.StorageClass!, days: t.Days })),
      expirationDays: r.Expiration?.Days,
      prefix: filter?.Prefix ?? and?.Prefix ?? r.Prefix,
      tagFilters: filter?.Tag ?? and?.Tags,
      objectSizeGreaterThan: filter?.ObjectSizeGreaterThan ?? and?.ObjectSizeGreaterThan,
      objectSizeLessThan: filter?.ObjectSizeLessThan ?? and?.ObjectSizeLessThan,
    };
  });
  return { rules, notes: [...notes] };
}

/** The bucket's lifecycle rules; none (with a note) when it has no lifecycle configuration. */
export async function rulesFromBucket(storage: S3Storage, bucket: string): Promise<RulesForCost> {
  try {
    const out = await storage.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return rulesFromS3(out.Rules ?? []);
  } catch (error) {
    const e = error as { name?: string; s3Code?: string; code?: string };
    if ([e.name, e.s3Code, e.code].includes('NoSuchLifecycleConfiguration')) return { rules: [], notes: ['the bucket has no lifecycle configuration'] };
    throw error;
  }
}
