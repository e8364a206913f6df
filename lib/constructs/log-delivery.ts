import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** The service that writes server access logs. */
export const LOG_DELIVERY_SERVICE_PRINCIPAL = 'logging.s3.amazonaws.com';

/**
 * The method aws-cdk-lib's `s3.Bucket` constructor calls on its `serverAccessLogsBucket` (and on itself, for
 * `serverAccessLogsPrefix` alone) to let S3 deliver logs. It is private in aws-cdk-lib's typings. Without the
 * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag it sets the `LogDeliveryWrite` ACL on the target, which a
 * bucket with ACLs disabled (`BUCKET_OWNER_ENFORCED`) refuses.
 */
const ALLOW_LOG_DELIVERY = 'allowLogDelivery';

type LogDeliveryGrant = (this: s3.Bucket, from: s3.IBucket, prefix?: string) => void;

/** `s3.Bucket` still has the method this module routes (checked once, so a renamed method is noticed by tests). */
const ROUTABLE = typeof (s3.Bucket.prototype as unknown as Record<string, unknown>)[ALLOW_LOG_DELIVERY] === 'function';

/**
 * Lets S3 deliver server access logs from `from` into `target` through the target's bucket policy, never an ACL,
 * whatever the app's feature flags: `s3:PutObject` for `logging.s3.amazonaws.com` on the log objects, scoped with
 * `aws:SourceArn` (the source bucket) and `aws:SourceAccount`. This is the statement aws-cdk-lib writes with the
 * flag on. When the source is in another stack, naming its ARN would make the two stacks reference each other,
 * so the statement is scoped to the account only (aws-cdk-lib leaves it unscoped).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 */
export function grantLogDeliveryThroughPolicy(target: s3.Bucket, from: s3.IBucket, prefix?: string): void {
  const sameStack = from instanceof s3.Bucket && Stack.of(target) === Stack.of(from);
  target.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.ALLOW,
      principals: [new iam.ServicePrincipal(LOG_DELIVERY_SERVICE_PRINCIPAL)],
      actions: ['s3:PutObject'],
      resources: [target.arnForObjects(prefix ? `${prefix}*` : '*')],
      conditions: sameStack
        ? { ArnLike: { 'aws:SourceArn': from.bucketArn }, StringEquals: { 'aws:SourceAccount': from.env.account } }
        : { StringEquals: { 'aws:SourceAccount': Stack.of(target).account } },
    }),
  );
}

const policyGrant: LogDeliveryGrant = function (this: s3.Bucket, from: s3.IBucket, prefix?: string) {
  grantLogDeliveryThroughPolicy(this, from, prefix);
};

/**
 * Makes every bucket built from `prototype` (StorageBucket) grant log delivery through its policy when it is a
 * log target: for a StorageBucket source, an `s3.Bucket` source, or itself.
 */
export function routeLogDeliveryToPolicy(prototype: s3.Bucket): void {
  if (!ROUTABLE) return;
  Object.defineProperty(prototype, ALLOW_LOG_DELIVERY, { value: policyGrant, writable: true, configurable: true });
}

/**
 * For a StorageBucket source whose log target is a plain `s3.Bucket`: while the source is constructed, the target
 * grants delivery through its policy instead of switching on ACLs. Returns the function that undoes it, to call
 * once the source is built. Imported buckets are left alone: aws-cdk-lib warns that it cannot grant on them.
 */
export function routeTargetLogDelivery(target: s3.IBucket | undefined): () => void {
  if (!ROUTABLE || !(target instanceof s3.Bucket) || Object.prototype.hasOwnProperty.call(target, ALLOW_LOG_DELIVERY)) return () => undefined;
  Object.defineProperty(target, ALLOW_LOG_DELIVERY, { value: policyGrant, writable: true, configurable: true });
  return () => {
    delete (target as unknown as Record<string, unknown>)[ALLOW_LOG_DELIVERY];
  };
}
