import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Duration } from 'aws-cdk-lib';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { NotificationsHandler } from './bucket-notifications';

/**
 * Props for {@link StorageBucket}: every `s3.BucketProps` prop under the same name, with secure defaults,
 * plus a few of our own.
 */
export interface StorageBucketProps extends s3.BucketProps {
  /**
   * The kind of server-side encryption.
   * @default - `KMS` (with an S3 Bucket Key) if `encryptionKey` is given, `S3_MANAGED` otherwise
   */
  readonly encryption?: s3.BucketEncryption;
  /**
   * The KMS key for SSE-KMS.
   * @default - none: S3-managed keys, unless `encryption` is `KMS`, in which case a key is created
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Use an S3 Bucket Key with SSE-KMS, which cuts KMS requests.
   * @default - true with `KMS` or `KMS_MANAGED` encryption; not set otherwise
   */
  readonly bucketKeyEnabled?: boolean;
  /**
   * Deny requests that do not use TLS, through the bucket policy.
   * @default true
   */
  readonly enforceSSL?: boolean;
  /**
   * Deny requests made with a TLS version below this one. Needs `enforceSSL`.
   * @default 1.2 (when `enforceSSL` is on)
   */
  readonly minimumTLSVersion?: number;
  /**
   * The block-public-access settings.
   * @default BlockPublicAccess.BLOCK_ALL
   */
  readonly blockPublicAccess?: s3.BlockPublicAccess;
  /**
   * Keep every version of every object.
   * @default true
   */
  readonly versioned?: boolean;
  /**
   * Object ownership.
   * @default ObjectOwnership.BUCKET_OWNER_ENFORCED (ACLs disabled)
   */
  readonly objectOwnership?: s3.ObjectOwnership;
  /**
   * What happens to the bucket (and the log bucket it creates) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Where server access logs go.
   * @default - a log bucket the construct creates next to this one (`<id>AccessLogs`), unless `serverAccessLogs` is false
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * Turn server access logging on. With `false` and no `serverAccessLogsBucket`, no log bucket is created.
   * @default true
   */
  readonly serverAccessLogs?: boolean;
  /**
   * Add a lifecycle rule that aborts incomplete multipart uploads (their parts are billed until then).
   * @default true
   */
  readonly abortIncompleteMultipartUploads?: boolean;
  /**
   * How long an incomplete multipart upload may stay before it is aborted.
   * @default Duration.days(7)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * Allow writes with customer-provided keys (SSE-C): sets `BlockedEncryptionTypes` to `NONE`. Since April 2026
   * Amazon S3 blocks SSE-C on new general purpose buckets, and a blocked SSE-C write is 403 AccessDenied.
   * `true` with a `blockedEncryptionTypes` other than `[NONE]` is a `ValidationError`.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
   * @default false - `blockedEncryptionTypes` as given, else what Amazon S3 applies (SSE-C blocked on new buckets)
   */
  readonly allowSseC?: boolean;
  /**
   * Which custom resource applies the bucket's event notifications (`addEventNotification`, `eventBridgeEnabled`).
   * With `BUCKETKIT`, bucketkit's own handler reads the configuration, merges this stack's entries by owner-prefixed
   * id and writes it back, so entries made by other stacks, by the run-time API or by hand survive every deploy,
   * update and stack deletion; EventBridge is turned on when `eventBridgeEnabled` is set and otherwise left as found
   * (also when the stack is deleted). `CDK` keeps aws-cdk-lib's resource, which replaces the whole configuration.
   * `notificationsHandlerRole` applies to `CDK` only (with `BUCKETKIT` it is a `ValidationError`): bucketkit's handler
   * has its own least-privilege role. docs/notifications.md, "At deploy time".
   * @default NotificationsHandler.BUCKETKIT
   */
  readonly notificationsHandler?: NotificationsHandler;
}
