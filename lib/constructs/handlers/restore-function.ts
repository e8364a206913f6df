import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HandlerFunction, HandlerFunctionOptions } from './handler-function';
import { LIST_BUCKET_ACTIONS, RESTORE_OBJECT_ACTIONS } from './permissions';
import { checkPrefixes } from './validation';

/** Environment variables the restore handler reads: the bucket this function may restore in. */
export const RESTORE_ENVIRONMENT = { bucket: 'BUCKETKIT_BUCKET' } as const;

/** Props of {@link RestoreFunction}. */
export interface RestoreFunctionProps extends HandlerFunctionOptions {
  /** The bucket whose archived objects (S3 Glacier Flexible Retrieval, Deep Archive, Intelligent-Tiering archive tiers) are restored. */
  readonly bucket: s3.IBucket;
  /**
   * Key prefixes the function may restore and list (`<bucket ARN>/<prefix>*`, and `s3:prefix` on ListBucket).
   * Literal prefixes: no `*`, `?` or `${`.
   * @default - every key of the bucket
   */
  readonly prefixes?: string[];
}

/**
 * The bundled restore handler (`dist/lambda/restore/`): restores one key, a list or a prefix from the archive
 * classes and reports each object's restore status. It accepts S3 Batch Operations tasks.
 *
 * Grants (nothing else): s3:RestoreObject, s3:GetObject and s3:GetObjectVersion (HEAD for the status) on the
 * objects under `prefixes`, and s3:ListBucket on the bucket scoped by `s3:prefix`. No KMS permission: RestoreObject
 * and HEAD read no object data, and S3 asks only for s3:RestoreObject
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html). This is the only handler function
 * with s3:RestoreObject on a user's bucket.
 */
export class RestoreFunction extends HandlerFunction {
  /** The bucket the function restores in. */
  public readonly bucket: s3.IBucket;

  /**
   * @param scope - the parent; the role, log group and dead-letter queue are its children `<id>ServiceRole`,
   *   `<id>LogGroup` and `<id>DeadLetterQueue`
   * @param id - the construct id
   * @param props - the bucket, prefix scope and function options
   * @throws ValidationError (bucketkit's) listing every problem: function options, prefixes, a missing bundle
   */
  public constructor(scope: Construct, id: string, props: RestoreFunctionProps) {
    super(scope, id, props, {
      name: 'restore',
      className: 'RestoreFunction',
      defaultTimeout: Duration.minutes(5),
      defaultMemoryMb: 256,
      description: 'bucketkit restore: RestoreObject for a key, a list or a prefix, and the restore status of each',
      environment: { [RESTORE_ENVIRONMENT.bucket]: props.bucket.bucketName },
      problems: checkPrefixes('prefixes', props.prefixes),
    });
    this.bucket = props.bucket;
    this.grants.objects(props.bucket, props.prefixes, RESTORE_OBJECT_ACTIONS, 'Archived objects to restore');
    this.grants.bucket(props.bucket, props.prefixes, LIST_BUCKET_ACTIONS);
  }
}
