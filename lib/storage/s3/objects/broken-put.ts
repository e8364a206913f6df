/** The diagnosis of a PUT whose connection broke while its body was sent (objects/put.ts loads it on that failure). */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { BucketNotFoundError, ServiceError, StorageError } from '../../errors';
import type { PutOptions } from '../../types/objects';
import type { S3Context } from '../core/context';

/**
 * A store may answer a PUT before it has read the body (MinIO answers 404 NoSuchBucket and closes the connection) and
 * the client, still writing, sees only the broken connection (write EPIPE / ECONNRESET). After such a failure one
 * HeadBucket tells whether the bucket is there: a `BucketNotFoundError` then, instead of a network error that hides
 * the cause (the CLI exits 3, not 1). Any other error, or a HeadBucket that cannot tell, leaves the error as it was.
 */
export async function diagnoseBrokenPut(ctx: S3Context, key: string, error: unknown, options: PutOptions): Promise<unknown> {
  // A broken connection maps to a ServiceError without an S3 code, its message naming the network code.
  const broken = error instanceof ServiceError && error.s3Code === undefined && /^(EPIPE|ECONNRESET)\b/.test(error.message);
  if (!broken || options.abortSignal?.aborted) return error;
  const missing = await ctx.send(new HeadBucketCommand({ Bucket: ctx.bucket }), { abortSignal: options.abortSignal }).then(
    () => false,
    (headError: unknown) => headError instanceof StorageError && headError.httpStatus === 404,
  );
  if (!missing) return error;
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
