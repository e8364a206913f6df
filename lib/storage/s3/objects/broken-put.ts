/** The diagnosis of a PUT whose connection broke while its body was sent (objects/put.ts loads it on that failure). */
import { BucketNotFoundError, ObjectNotFoundError, ServiceError, UnknownStorageError } from '../../errors';
import type { PutOptions } from '../../types/objects';
import type { S3Context } from '../core/context';
import { bucketIsMissing } from './head-errors';

/**
 * A store may answer a PUT before it has read the body (MinIO answers 404 NoSuchBucket and closes the connection) and
 * the client, still writing, sees only the broken connection (write EPIPE / ECONNRESET), or a 404 whose body the
 * reset cut off. After a failure without an S3 error code one
 * HeadBucket tells whether the bucket is there: a `BucketNotFoundError` then, instead of a network error that hides
 * the cause (the CLI exits 3, not 1). Any other error, or a HeadBucket that cannot tell, leaves the error as it was.
 */
export async function diagnoseBrokenPut(ctx: S3Context, key: string, error: unknown, options: PutOptions): Promise<unknown> {
  // No S3 answer to go by: a broken connection (a ServiceError naming EPIPE or ECONNRESET; an UnknownStorageError
  // where the error crossed a realm and lost its code), or a 404 whose body the reset cut off (Ceph RGW:
  // "ECONNRESET, HTTP 404 ...: aborted"). Timeouts, cancels and the caller's own stream failures are not diagnosed.
  const connectionLost = error instanceof UnknownStorageError && /\b(aborted|socket hang up|EPIPE|ECONNRESET)\b/.test(error.message);
  const broken =
    (error instanceof ServiceError || error instanceof ObjectNotFoundError || connectionLost) && (error.s3Code === undefined || error.s3Code === 'NotFound');
  if (!broken || options.abortSignal?.aborted || !(await bucketIsMissing(ctx, options.abortSignal))) return error;
  return new BucketNotFoundError(
    `NoSuchBucket (${ctx.bucket}/${key}): the bucket ${ctx.bucket} does not exist (the store closed the connection while the body was sent; HeadBucket answered 404)`,
    {
      cause: error,
      s3Code: 'NoSuchBucket',
      httpStatus: 404,
      bucket: ctx.bucket,
      key,
    },
  );
}
