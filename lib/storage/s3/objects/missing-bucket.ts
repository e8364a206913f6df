/** The diagnosis of a HEAD 404 (objects/get.ts loads it on that failure only). */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { BucketNotFoundError, ObjectNotFoundError, StorageError } from '../../errors';
import type { S3Context } from '../core/context';

/**
 * A HEAD answer has no body, so S3's 404 for a missing bucket (NoSuchBucket) and for a missing key (NoSuchKey) look the
 * same: `NotFound`. After such a 404 one HeadBucket tells them apart: a `BucketNotFoundError` when the bucket answers
 * 404 too (docs/errors.md maps NoSuchBucket so; the CLI exits 3 either way), else the error as it was. A delete
 * marker's 404, or a HeadBucket that cannot tell (403, a network error), leaves the error as it was.
 */
export async function diagnoseHeadNotFound(
  ctx: S3Context,
  key: string,
  error: ObjectNotFoundError,
  abortSignal: AbortSignal | undefined,
): Promise<StorageError> {
  if (error.deleteMarker === true || abortSignal?.aborted) return error;
  const missing = await ctx.send(new HeadBucketCommand({ Bucket: ctx.bucket }), { abortSignal }).then(
    () => false,
    (headError: unknown) => headError instanceof StorageError && headError.httpStatus === 404,
  );
  if (!missing) return error;
  return new BucketNotFoundError(
    `NoSuchBucket (${ctx.bucket}/${key}): the bucket ${ctx.bucket} does not exist (HEAD of the key answered 404 with no body; HeadBucket answered 404)`,
    {
      cause: error,
      s3Code: 'NoSuchBucket',
      httpStatus: 404,
      bucket: ctx.bucket,
      key,
    },
  );
}
