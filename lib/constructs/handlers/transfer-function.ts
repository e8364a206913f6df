import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HandlerFunction, HandlerFunctionOptions } from './handler-function';
import {
  KMS_READ_ACTIONS,
  KMS_WRITE_ACTIONS,
  LIST_BUCKET_ACTIONS,
  TRANSFER_DESTINATION_BUCKET_ACTIONS,
  TRANSFER_DESTINATION_OBJECT_ACTIONS,
  TRANSFER_SOURCE_OBJECT_ACTIONS,
} from './permissions';
import { checkPrefixes } from './validation';

/** Environment variables the transfer handler reads: the buckets this function may copy between. */
export const TRANSFER_ENVIRONMENT = { sourceBucket: 'BUCKETKIT_SOURCE_BUCKET', destinationBucket: 'BUCKETKIT_DESTINATION_BUCKET' } as const;

/** Props of {@link TransferFunction}. */
export interface TransferFunctionProps extends HandlerFunctionOptions {
  /** The bucket objects are copied from. The function may read objects (and their tags) under `sourcePrefixes`. */
  readonly sourceBucket: s3.IBucket;
  /**
   * The bucket objects are copied to, in the same region or another. The function may write objects (and tags)
   * under `destinationPrefixes` and finish or abort its own multipart copies there.
   * @default - the source bucket (copies within one bucket)
   */
  readonly destinationBucket?: s3.IBucket;
  /**
   * Key prefixes the function may read in the source bucket (`<bucket ARN>/<prefix>*`, and `s3:prefix` on
   * ListBucket). Literal prefixes: no `*`, `?` or `${`.
   * @default - every key of the source bucket
   */
  readonly sourcePrefixes?: string[];
  /**
   * Key prefixes the function may write in the destination bucket.
   * @default - every key of the destination bucket
   */
  readonly destinationPrefixes?: string[];
}

/**
 * The bundled transfer handler (`dist/lambda/transfer/`): server-side copy within a bucket or across buckets and
 * regions, with CopyObject up to 5 GiB and multipart copy (UploadPartCopy) past it. A copy that cannot finish in one
 * invocation returns a continuation; invoking again with it carries on. It accepts S3 Batch Operations tasks.
 *
 * Grants (nothing else): on source objects under `sourcePrefixes` s3:GetObject, s3:GetObjectVersion,
 * s3:GetObjectTagging, s3:GetObjectVersionTagging; on destination objects under `destinationPrefixes` s3:GetObject
 * (HEAD, so a repeated invocation sees its copy done), s3:PutObject, s3:PutObjectTagging, s3:AbortMultipartUpload,
 * s3:ListMultipartUploadParts; s3:ListBucket on both buckets (scoped by `s3:prefix`) and
 * s3:ListBucketMultipartUploads on the destination; kms:Decrypt on the source bucket's key and
 * kms:GenerateDataKey + kms:Decrypt on the destination bucket's key, when they have one.
 */
export class TransferFunction extends HandlerFunction {
  /** The bucket objects are copied from. */
  public readonly sourceBucket: s3.IBucket;
  /** The bucket objects are copied to. */
  public readonly destinationBucket: s3.IBucket;

  /**
   * @param scope - the parent; the role, log group and dead-letter queue are its children `<id>ServiceRole`,
   *   `<id>LogGroup` and `<id>DeadLetterQueue`
   * @param id - the construct id
   * @param props - the buckets, prefix scopes and function options
   * @throws ValidationError (bucketkit's) listing every problem: timeout, memory, reserved concurrency, retry
   *   attempts, event age, prefixes, and a missing handler bundle
   */
  public constructor(scope: Construct, id: string, props: TransferFunctionProps) {
    const destinationBucket = props.destinationBucket ?? props.sourceBucket;
    super(scope, id, props, {
      name: 'transfer',
      className: 'TransferFunction',
      defaultTimeout: Duration.minutes(15),
      defaultMemoryMb: 512,
      description: 'bucketkit transfer: server-side copy (CopyObject, multipart copy past 5 GiB) with continuations',
      environment: {
        [TRANSFER_ENVIRONMENT.sourceBucket]: props.sourceBucket.bucketName,
        [TRANSFER_ENVIRONMENT.destinationBucket]: destinationBucket.bucketName,
      },
      problems: [...checkPrefixes('sourcePrefixes', props.sourcePrefixes), ...checkPrefixes('destinationPrefixes', props.destinationPrefixes)],
    });
    this.sourceBucket = props.sourceBucket;
    this.destinationBucket = destinationBucket;

    this.grants.objects(props.sourceBucket, props.sourcePrefixes, TRANSFER_SOURCE_OBJECT_ACTIONS, 'Copy sources');
    this.grants.bucket(props.sourceBucket, props.sourcePrefixes, LIST_BUCKET_ACTIONS);
    this.grants.objects(destinationBucket, props.destinationPrefixes, TRANSFER_DESTINATION_OBJECT_ACTIONS, 'Copy destinations');
    this.grants.bucket(destinationBucket, props.destinationPrefixes, [...LIST_BUCKET_ACTIONS, ...TRANSFER_DESTINATION_BUCKET_ACTIONS]);
    this.grants.key(props.sourceBucket.encryptionKey, KMS_READ_ACTIONS);
    this.grants.key(destinationBucket.encryptionKey, KMS_WRITE_ACTIONS);
  }
}
