import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import {
  IntelligentTieringConfigurationInput,
  LifecycleConfigurationInput,
  LifecycleRuleInput,
  NotificationConfigurationInput,
  NotificationDestinationInput,
} from '../../rules';

// Adapters from rendered CloudFormation (PascalCase, tokens resolved) to the inputs of lib/rules.
// Reading the rendered template, not the L2 props, means one code path serves StorageBucket, s3.Bucket
// and a raw CfnBucket (property overrides included). Anything that is still an intrinsic
// ({ Ref }, { Fn::GetAtt }, ...) after resolution is unknown at synth and left out of the checks.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && !Token.isUnresolved(v) ? v : undefined);

/** The resource's rendered `Type` and `Properties`, with every token the stack can resolve resolved. */
export function renderResource(resource: CfnResource): { readonly type: string; readonly properties: Json } {
  const rendered = Stack.of(resource).resolve(resource._toCloudFormation()) as { Resources?: Record<string, { Type?: string; Properties?: Json }> };
  const [body] = Object.values(rendered.Resources ?? {});
  return { type: body?.Type ?? resource.cfnResourceType, properties: body?.Properties ?? {} };
}

function date(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString();
  return str(v);
}

/** `LifecycleConfiguration` of an AWS::S3::Bucket. */
export function lifecycleFromTemplate(properties: Json): LifecycleConfigurationInput | undefined {
  const config = properties.LifecycleConfiguration;
  if (!isObject(config)) return undefined;
  const rules: LifecycleRuleInput[] = list(config.Rules)
    .filter(isObject)
    .map((rule) => {
      const noncurrentExpiration = isObject(rule.NoncurrentVersionExpiration) ? rule.NoncurrentVersionExpiration : {};
      const abort = isObject(rule.AbortIncompleteMultipartUpload) ? rule.AbortIncompleteMultipartUpload : {};
      const input = {
        id: str(rule.Id),
        enabled: rule.Status !== 'Disabled',
        prefix: str(rule.Prefix),
        tagFilters: list(rule.TagFilters)
          .filter(isObject)
          .map((t) => ({ key: String(t.Key), value: String(t.Value) })),
        transitions: [...list(rule.Transitions), ...(isObject(rule.Transition) ? [rule.Transition] : [])]
          .filter(isObject)
          .map((t) => ({ storageClass: String(t.StorageClass), days: num(t.TransitionInDays), date: date(t.TransitionDate) })),
        expirationDays: num(rule.ExpirationInDays),
        expirationDate: date(rule.ExpirationDate),
        expiredObjectDeleteMarker: typeof rule.ExpiredObjectDeleteMarker === 'boolean' ? rule.ExpiredObjectDeleteMarker : undefined,
        noncurrentVersionTransitions: [
          ...list(rule.NoncurrentVersionTransitions),
          ...(isObject(rule.NoncurrentVersionTransition) ? [rule.NoncurrentVersionTransition] : []),
        ]
          .filter(isObject)
          .map((t) => ({
            storageClass: String(t.StorageClass),
            noncurrentDays: num(t.TransitionInDays),
            newerNoncurrentVersions: num(t.NewerNoncurrentVersions),
          })),
        noncurrentVersionExpirationDays: num(noncurrentExpiration.NoncurrentDays) ?? num(rule.NoncurrentVersionExpirationInDays),
        noncurrentVersionsToRetain: num(noncurrentExpiration.NewerNoncurrentVersions),
        abortIncompleteMultipartUploadDays: num(abort.DaysAfterInitiation),
        objectSizeGreaterThan: num(rule.ObjectSizeGreaterThan),
        objectSizeLessThan: num(rule.ObjectSizeLessThan),
      };
      // An action whose value did not resolve (a token) still counts as an action.
      const actionKeys = [
        'ExpirationInDays',
        'ExpirationDate',
        'ExpiredObjectDeleteMarker',
        'NoncurrentVersionExpiration',
        'NoncurrentVersionExpirationInDays',
        'AbortIncompleteMultipartUpload',
      ];
      return { ...input, actionsUnknown: actionKeys.some((k) => rule[k] !== undefined) };
    });
  return { rules, transitionDefaultMinimumObjectSize: str(config.TransitionDefaultMinimumObjectSize) };
}

/** `IntelligentTieringConfigurations` of an AWS::S3::Bucket. */
export function intelligentTieringFromTemplate(properties: Json): IntelligentTieringConfigurationInput[] {
  return list(properties.IntelligentTieringConfigurations)
    .filter(isObject)
    .map((c) => ({
      id: str(c.Id),
      tierings: list(c.Tierings)
        .filter(isObject)
        .map((t) => ({ accessTier: String(t.AccessTier), days: num(t.Days) })),
    }));
}

/** Names a destination by its logical id when the ARN is a reference, else by the ARN itself. */
function destinationName(arn: unknown): string {
  if (typeof arn === 'string') return arn;
  if (isObject(arn)) {
    const getAtt = arn['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
    if (typeof arn.Ref === 'string') return arn.Ref;
  }
  return 'an unresolved ARN';
}

function filterRules(filter: unknown, keyName: 'S3Key' | 'Key', rulesName: 'Rules' | 'FilterRules'): { name: string; value: string }[] | undefined {
  if (!isObject(filter) || !isObject(filter[keyName])) return [];
  const rules = list(filter[keyName][rulesName]).filter(isObject);
  if (rules.some((r) => str(r.Value) === undefined)) return undefined;
  return rules.map((r) => ({ name: String(r.Name), value: String(r.Value) }));
}

const KINDS = [
  { native: 'QueueConfigurations', custom: 'QueueConfigurations', nativeArn: 'Queue', customArn: 'QueueArn', label: 'SQS queue' },
  { native: 'TopicConfigurations', custom: 'TopicConfigurations', nativeArn: 'Topic', customArn: 'TopicArn', label: 'SNS topic' },
  { native: 'LambdaConfigurations', custom: 'LambdaFunctionConfigurations', nativeArn: 'Function', customArn: 'LambdaFunctionArn', label: 'Lambda function' },
] as const;

/**
 * Notification configurations, from a bucket's own `NotificationConfiguration` (one `Event` each) or from the
 * `Custom::S3BucketNotifications` resource that aws-cdk-lib's s3.Bucket renders (`Events` lists).
 * Configurations whose filter values are unresolved tokens are left out: their overlap cannot be known.
 */
export function notificationsFromTemplate(config: unknown, shape: 'bucket' | 'custom-resource'): NotificationConfigurationInput[] {
  if (!isObject(config)) return [];
  const result: NotificationConfigurationInput[] = [];
  for (const kind of KINDS) {
    const key = shape === 'bucket' ? kind.native : kind.custom;
    list(config[key])
      .filter(isObject)
      .forEach((c, index) => {
        const rules = shape === 'bucket' ? filterRules(c.Filter, 'S3Key', 'Rules') : filterRules(c.Filter, 'Key', 'FilterRules');
        const events = shape === 'bucket' ? [str(c.Event)] : list(c.Events).map(str);
        if (rules === undefined || events.some((e) => e === undefined)) return;
        result.push({
          name: `${key}[${index}] (${kind.label} ${destinationName(c[shape === 'bucket' ? kind.nativeArn : kind.customArn])})`,
          events: events as string[],
          filterRules: rules,
        });
      });
  }
  return result;
}

/** A value with its unresolved parts as `*`: a literal string, or the literal parts of an Fn::Join. */
function flatten(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v) && Array.isArray(v['Fn::Join']) && Array.isArray(v['Fn::Join'][1])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => flatten(p) ?? '*').join(String(sep));
  }
  return undefined;
}

/** The logical id an ARN refers to ({ Ref } or { Fn::GetAtt: [id, 'Arn'] }). */
function logicalIdOf(arn: unknown): string | undefined {
  if (!isObject(arn)) return undefined;
  const getAtt = arn['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return typeof arn.Ref === 'string' ? arn.Ref : undefined;
}

/**
 * The SQS and SNS destinations of a notification configuration that are resources of the same stack, with their
 * `KmsMasterKeyId` and FIFO setting, for checkNotificationDestination. Destinations outside the stack are left out.
 */
export function notificationDestinationsFromTemplate(scope: CfnResource, config: unknown, shape: 'bucket' | 'custom-resource'): NotificationDestinationInput[] {
  if (!isObject(config)) return [];
  const stack = Stack.of(scope);
  const resources = new Map<string, CfnResource>();
  for (const c of stack.node.findAll()) if (c instanceof CfnResource) resources.set(stack.resolve(c.logicalId) as string, c);
  const result: NotificationDestinationInput[] = [];
  for (const kind of KINDS.filter((k) => k.label !== 'Lambda function')) {
    const key = shape === 'bucket' ? kind.native : kind.custom;
    for (const c of list(config[key]).filter(isObject)) {
      const id = logicalIdOf(c[shape === 'bucket' ? kind.nativeArn : kind.customArn]);
      const target = id === undefined ? undefined : resources.get(id);
      if (!target) continue;
      const { properties } = renderResource(target);
      result.push({
        name: `${kind.label} ${target.node.path}`,
        type: kind.label === 'SQS queue' ? 'queue' : 'topic',
        kmsMasterKeyId: flatten(properties.KmsMasterKeyId),
        fifo: properties.FifoQueue === true || properties.FifoTopic === true,
        bucketRegion: Token.isUnresolved(stack.region) ? undefined : stack.region,
      });
    }
  }
  return result;
}
