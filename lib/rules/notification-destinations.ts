import { RuleProblem, ruleProblem } from './problem';

/**
 * Every event type S3 publishes to SQS, SNS and Lambda destinations: the `Event` enum of @aws-sdk/client-s3
 * 3.1173.0 (S3's API model), case-sensitive.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 */
export const NOTIFICATION_EVENT_TYPES = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:Replication:OperationNotTracked',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
  's3:ObjectRetention:Put',
  's3:ObjectAnnotation:*',
  's3:ObjectAnnotation:Put',
  's3:ObjectAnnotation:Delete',
] as const;

/** One of {@link NOTIFICATION_EVENT_TYPES}. */
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

/** A notification destination, as far as it is known offline. */
export interface NotificationDestinationInput {
  /** How the destination is named in messages, e.g. `SQS queue Stack/Queue`. */
  readonly name: string;
  /** `queue` (SQS), `topic` (SNS) or `function` (Lambda). */
  readonly type: 'queue' | 'topic' | 'function';
  /** The destination ARN, when it is known; its region is compared with `bucketRegion`. @default - unknown */
  readonly arn?: string;
  /**
   * The queue's or topic's `KmsMasterKeyId` (key id, key ARN, alias name or alias ARN). Parts unknown at synth may
   * be replaced by `*`. @default - not SSE-KMS, or unknown
   */
  readonly kmsMasterKeyId?: string;
  /** A FIFO queue or topic. @default false */
  readonly fifo?: boolean;
  /** The bucket's region, when it is known. @default - unknown */
  readonly bucketRegion?: string;
}

/**
 * Whether a KMS key id names an AWS managed key (`alias/aws/<service>`, or its alias ARN), whose key policy
 * nobody can change. Matches `alias/aws/sqs`, `arn:aws:kms:us-east-1:111122223333:alias/aws/sns`, and an ARN whose
 * partition, region or account is unknown.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
export function isAwsManagedKmsKey(keyId: string | undefined): boolean {
  return typeof keyId === 'string' && /(^|:)alias\/aws\//.test(keyId);
}

/** The region of an ARN, when it is literal. */
function arnRegion(arn: string | undefined): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(parts[3]) ? parts[3] : undefined;
}

/**
 * Checks a destination S3 cannot deliver to, which S3 rejects when the notification configuration is put:
 * - an SQS queue or SNS topic encrypted with an AWS managed key (alias/aws/sqs, alias/aws/sns), whose key policy
 *   cannot grant s3.amazonaws.com `kms:GenerateDataKey*` and `kms:Decrypt`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html);
 * - a FIFO queue or topic, and a destination in another region
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
 */
export function checkNotificationDestination(destination: NotificationDestinationInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (typeof destination !== 'object' || destination === null) return problems;
  const { name, type } = destination;
  const kind = type === 'queue' ? 'queue' : type === 'topic' ? 'topic' : 'function';
  if (type !== 'function' && isAwsManagedKmsKey(destination.kmsMasterKeyId)) {
    const managed = type === 'queue' ? 'alias/aws/sqs' : 'alias/aws/sns';
    const fix =
      type === 'queue'
        ? 'encrypt the queue with a customer managed KMS key (encryption: QueueEncryption.KMS with encryptionMasterKey: a kms.Key, which StorageBucket grants to S3), or use SSE-SQS (QueueEncryption.SQS_MANAGED)'
        : 'encrypt the topic with a customer managed KMS key (masterKey: a kms.Key, which StorageBucket grants to S3), or leave the topic unencrypted';
    problems.push(
      ruleProblem(
        'S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY',
        `${name}: the ${kind} is encrypted with the AWS managed key ${destination.kmsMasterKeyId}; its key policy cannot be changed to let s3.amazonaws.com use it, so S3 cannot deliver to the ${kind} (no statement can be added to ${managed})`,
        destination.kmsMasterKeyId,
        fix,
      ),
    );
  }
  if (type !== 'function' && destination.fifo === true) {
    problems.push(
      ruleProblem(
        'S3-NOTIFICATION-FIFO-DESTINATION',
        `${name}: S3 event notifications cannot go to a FIFO ${kind}`,
        destination.arn ?? name,
        `use a standard ${kind}, or send the events to EventBridge and route them to the FIFO ${kind} from there`,
      ),
    );
  }
  const region = arnRegion(destination.arn);
  if (
    region !== undefined &&
    typeof destination.bucketRegion === 'string' &&
    /^[a-z]{2}(-[a-z]+)+-\d+$/.test(destination.bucketRegion) &&
    region !== destination.bucketRegion
  ) {
    problems.push(
      ruleProblem(
        'S3-NOTIFICATION-DESTINATION-REGION',
        `${name}: the ${kind} is in ${region} but the bucket is in ${destination.bucketRegion}; S3 only notifies destinations in the bucket's region`,
        destination.arn,
        `create the ${kind} in ${destination.bucketRegion}, or route the events through EventBridge`,
      ),
    );
  }
  return problems;
}
