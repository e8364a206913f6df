import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** The encryption props StorageBucket passes to s3.Bucket. */
export interface ResolvedEncryption {
  /** The kind of server-side encryption. */
  readonly encryption: s3.BucketEncryption;
  /** The customer managed key, when one was given. */
  readonly encryptionKey?: kms.IKey;
  /** Whether to use an S3 Bucket Key; unset leaves it to aws-cdk-lib. */
  readonly bucketKeyEnabled?: boolean;
}

/** The kinds that take an S3 Bucket Key (DSSE-KMS does not). */
const BUCKET_KEY_KINDS: readonly s3.BucketEncryption[] = [s3.BucketEncryption.KMS, s3.BucketEncryption.KMS_MANAGED];

/**
 * S3-managed keys by default; SSE-KMS with an S3 Bucket Key when a key is given (the bucket key cuts KMS
 * requests and their cost). An explicit `encryption` wins.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
export function resolveEncryption(props: { encryption?: s3.BucketEncryption; encryptionKey?: kms.IKey; bucketKeyEnabled?: boolean }): ResolvedEncryption {
  const encryption = props.encryption ?? (props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED);
  return {
    encryption,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: props.bucketKeyEnabled ?? (BUCKET_KEY_KINDS.includes(encryption) ? true : undefined),
  };
}
