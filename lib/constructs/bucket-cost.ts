import { Stack, Token } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { estimateStorageCost, type CostEstimate, type CostLifecycleRule, type StorageWorkload } from '../rules';

/**
 * What `StorageBucket.estimateCost` prices: an {@link StorageWorkload} without `storageClass` and `lifecycleRules`,
 * which come from the bucket (objects are written in STANDARD, then follow the bucket's lifecycle rules).
 */
export type BucketCostWorkload = Omit<StorageWorkload, 'storageClass' | 'lifecycleRules'>;

/** One rule of `CfnBucket.lifecycleConfiguration` once resolved (`CfnBucket.RuleProperty`, read as data). */
interface RenderedRule {
  readonly status?: string;
  readonly prefix?: string;
  readonly tagFilters?: unknown;
  readonly objectSizeGreaterThan?: number | string;
  readonly objectSizeLessThan?: number | string;
  readonly expirationInDays?: number;
  readonly expirationDate?: unknown;
  readonly transitions?: readonly { readonly storageClass: string; readonly transitionInDays?: number; readonly transitionDate?: unknown }[];
}

const bytes = (v: number | string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/**
 * The lifecycle rules a bucket will deploy, as the cost estimator reads them: the `lifecycleConfiguration` of its
 * `CfnBucket` resolved (so rules from props, `addLifecycleRule`, property injectors and StorageBucket's own
 * abort-incomplete-uploads rule are all there, exactly as synthesized), mapped to {@link CostLifecycleRule}. Only what
 * changes storage cost is kept: status, current-version transitions in days, expiration in days, and the filters.
 * @returns the rules, and notes on what the estimate cannot price (date-based actions, unresolved tokens)
 */
export function lifecycleRulesForCost(bucket: s3.CfnBucket): { rules: CostLifecycleRule[]; notes: string[] } {
  const config = Stack.of(bucket).resolve(bucket.lifecycleConfiguration) as { rules?: readonly RenderedRule[] } | undefined;
  const notes = new Set<string>();
  const rules = (config?.rules ?? []).map((rule): CostLifecycleRule => {
    if (rule.expirationDate !== undefined || rule.transitions?.some((t) => t.transitionDate !== undefined))
      notes.add('date-based lifecycle actions (transition or expiration on a date) are not priced');
    const transitions = (rule.transitions ?? []).filter((t) => typeof t.transitionInDays === 'number' && !Token.isUnresolved(t.storageClass));
    return {
      enabled: rule.status !== 'Disabled',
      transitions: transitions.map((t) => ({ storageClass: t.storageClass, days: t.transitionInDays })),
      expirationDays: rule.expirationInDays,
      prefix: rule.prefix,
      tagFilters: rule.tagFilters,
      objectSizeGreaterThan: bytes(rule.objectSizeGreaterThan),
      objectSizeLessThan: bytes(rule.objectSizeLessThan),
    };
  });
  return { rules, notes: [...notes] };
}

/**
 * Runs {@link estimateStorageCost} on a bucket's own lifecycle rules (see {@link lifecycleRulesForCost}).
 * @throws InvalidArgumentError (from `bucketkit/rules`) naming the field of the workload that is wrong
 */
export function estimateBucketCost(bucket: s3.CfnBucket, workload: BucketCostWorkload): CostEstimate {
  const { rules, notes } = lifecycleRulesForCost(bucket);
  const estimate = estimateStorageCost({ ...workload, storageClass: 'STANDARD', lifecycleRules: rules });
  return notes.length === 0 ? estimate : { ...estimate, notes: [...estimate.notes, ...notes] };
}
