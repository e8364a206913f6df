/** The diagnosis of a failed HEAD, which has no body to name S3's error code (objects/get.ts loads it on a failure only). */
import { GetObjectCommand, HeadBucketCommand, type HeadObjectCommandInput } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { BucketNotFoundError, ObjectNotFoundError, StorageError } from '../../errors';
import type { S3Context } from '../core/context';

/**
 * True when HeadBucket answers 404: the bucket is not there. False when it is there, or HeadBucket cannot tell (403, a
 * network error). Also used by objects/broken-put.ts.
 */
export async function bucketIsMissing(ctx: S3Context, abortSignal: AbortSignal | undefined): Promise<boolean> {
  return ctx.send(new HeadBucketCommand({ Bucket: ctx.bucket }), { abortSignal }).then(
    () => false,
    (headError: unknown) => headError instanceof StorageError && headError.httpStatus === 404,
  );
}

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
  if (error.deleteMarker === true || abortSignal?.aborted || !(await bucketIsMissing(ctx, abortSignal))) return error;
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

/**
 * A HEAD that failed with 400 or 403 says only `HTTP 403`: the code that tells a wrong secret key
 * (SignatureDoesNotMatch), an unknown access key (InvalidAccessKeyId), a policy (AccessDenied), a missing SSE-C key or
 * a malformed version id apart is in a body HEAD does not have. One GET of the first byte with the same input
 * (`Range: bytes=0-0`) gets it: its error, when it is a 4xx that names a code, replaces the HEAD's (mapped as usual,
 * with S3's message); otherwise (a 5xx, a network error, a 416 for a zero-byte object), or when the GET succeeds,
 * the HEAD's error stays.
 */
export async function diagnoseHeadError(
  ctx: S3Context,
  key: string,
  input: HeadObjectCommandInput,
  error: StorageError,
  abortSignal: AbortSignal | undefined,
): Promise<StorageError> {
  if (abortSignal?.aborted) return error;
  try {
    const output = await ctx.send(new GetObjectCommand({ ...input, Range: 'bytes=0-0' }), { key, abortSignal });
    (output.Body as Readable | undefined)?.destroy();
    return error;
  } catch (getError) {
    // A client error that names its code (moto answers a bad version id 400 to HEAD, 404 NoSuchVersion to GET). Not
    // a 416: that is about this GET's own range (a zero-byte object has no first byte), not what the HEAD met.
    const status = getError instanceof StorageError && getError.s3Code !== undefined ? getError.httpStatus : undefined;
    return status !== undefined && status >= 400 && status < 500 && status !== 416 ? (getError as StorageError) : error;
  }
}
