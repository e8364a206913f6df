import { GetObjectCommand, HeadObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { AbortedError, IntegrityError, ObjectNotFoundError, StorageError } from '../../errors';
import type { GetOptions, GetResult, HeadOptions, ObjectMetadata } from '../../types/objects';
import type { S3Context } from '../core/context';
import { customerKeyInput } from '../core/encryption';
import { toStorageError } from '../core/error-mapping';
import { definedOnly, objectMetadataOf, parseContentRange } from '../core/mapping';
import { assertKey, assertReadOptions, rangeHeader } from '../core/validation';
import { withDeleteMarkerDetection } from './delete-markers';
import type * as ResumingBodyModule from './resuming-body';

function readInput(ctx: S3Context, key: string, options: GetOptions) {
  return definedOnly({
    Bucket: ctx.bucket,
    Key: key,
    VersionId: options.versionId,
    PartNumber: options.partNumber,
    IfMatch: options.ifMatch,
    IfNoneMatch: options.ifNoneMatch,
    IfModifiedSince: options.ifModifiedSince,
    IfUnmodifiedSince: options.ifUnmodifiedSince,
    ChecksumMode: options.checksumMode ? ('ENABLED' as const) : undefined,
    RequestPayer: ctx.requestPayer,
    ...customerKeyInput(options.customerKey),
  });
}

/** Validates, then sends the GetObject (a delete marker as the latest version is an ObjectNotFoundError that says so). */
async function sendGet(ctx: S3Context, key: string, options: GetOptions): Promise<GetObjectCommandOutput> {
  assertKey(key);
  assertReadOptions(options);
  return withDeleteMarkerDetection(ctx, key, options.versionId, () =>
    ctx.send(new GetObjectCommand(options.range ? { ...readInput(ctx, key, options), Range: rangeHeader(options.range) } : readInput(ctx, key, options)), {
      key,
      abortSignal: options.abortSignal,
    }),
  );
}

/**
 * The resuming body (objects/resuming-body.ts), loaded on the first `get()` or the first break of a `getBuffer()`: it
 * is kept out of a handler's cold start (docs/architecture.md, "Handler bundles").
 */
let resumingBodyLoaded: Promise<typeof ResumingBodyModule> | undefined;
function resumingBodyModule(): Promise<typeof ResumingBodyModule> {
  resumingBodyLoaded ??= import('./resuming-body');
  return resumingBodyLoaded;
}

/**
 * GetObject: a stream plus typed metadata. For a range, `size` is the object's total size.
 *
 * The body resumes by itself when the connection breaks or the answer ends short while it is read: the rest is asked
 * for with a ranged GET pinned to the first answer's ETag (`If-Match`), at most `maxAttempts` answers in all; see
 * {@link resumingBody} for the errors it fails with (`PreconditionFailedError` when the object changed meanwhile).
 */
export async function getObject(ctx: S3Context, key: string, options: GetOptions): Promise<GetResult> {
  const output = await sendGet(ctx, key, options);
  const { resumingBody } = await resumingBodyModule();
  const contentRange = parseContentRange(output.ContentRange);
  const contentLength = output.ContentLength ?? 0;
  return {
    ...objectMetadataOf(key, output, contentRange && !Number.isNaN(contentRange.total) ? contentRange.total : contentLength),
    body: resumingBody(ctx, key, options, output),
    contentLength,
    contentRange,
  };
}

/**
 * GetObject into memory. The SDK's body is read directly (no extra stream hop: `bench:overhead` measures this path);
 * when it breaks, or ends short of its Content-Length, the rest is read through the same resume as
 * {@link getObject}'s body ({@link resumeAfterBreak}), so both give the same bytes and the same errors.
 */
export async function getObjectBuffer(ctx: S3Context, key: string, options: GetOptions): Promise<Buffer> {
  const output = await sendGet(ctx, key, options);
  const raw = output.Body as Readable | undefined;
  if (!raw) return Buffer.alloc(0);
  const length = output.ContentLength;
  const chunks: Buffer[] = [];
  let delivered = 0;
  let broke: unknown;
  try {
    for await (const chunk of raw) {
      const bytes = chunk as Buffer;
      if (length !== undefined && delivered + bytes.length > length) {
        // Never more than the answer said it holds (a server ignoring the range would repeat bytes): not resumed.
        raw.destroy();
        throw new IntegrityError(`${key}: the answer ran past its ${length} bytes`, {
          check: 'size',
          expected: length,
          actual: delivered + bytes.length,
          retryable: false,
          bucket: ctx.bucket,
          key,
        });
      }
      chunks.push(bytes);
      delivered += bytes.length;
    }
    if (length !== undefined && delivered < length) {
      broke = new IntegrityError(`${key}: the answer ended after ${delivered} of ${length} bytes`, {
        check: 'size',
        expected: length,
        actual: delivered,
        retryable: true,
        bucket: ctx.bucket,
        key,
      });
    }
  } catch (error) {
    if (error instanceof IntegrityError && !error.retryable) throw error;
    if (options.abortSignal?.aborted)
      throw new AbortedError(`the read of ${key} was cancelled after ${delivered} bytes`, { bucket: ctx.bucket, key, cause: error });
    broke = error;
  }
  if (broke !== undefined) {
    try {
      const { resumeAfterBreak } = await resumingBodyModule();
      for await (const chunk of resumeAfterBreak(ctx, key, options, output, delivered, broke)) chunks.push(chunk as Buffer);
    } catch (error) {
      throw toStorageError(error, { bucket: ctx.bucket, key });
    }
  }
  return Buffer.concat(chunks);
}

/**
 * HeadObject. A key whose latest version is a delete marker throws `ObjectNotFoundError` with `deleteMarker: true`.
 * With `detectDeleteMarker` (the default), a 404 is also told apart from a missing bucket by one HeadBucket
 * (objects/head-errors.ts): `BucketNotFoundError` then. `exists()` passes false: a miss costs one request there.
 * A 400 or 403 without S3's code (a HEAD has no body) is sent again as a GET of the first byte, whose error names it.
 */
export async function headObject(ctx: S3Context, key: string, options: HeadOptions, detectDeleteMarker = true): Promise<ObjectMetadata> {
  assertKey(key);
  assertReadOptions(options);
  const input = readInput(ctx, key, options);
  const head = () => ctx.send(new HeadObjectCommand(input), { key, abortSignal: options.abortSignal });
  try {
    const output = detectDeleteMarker ? await withDeleteMarkerDetection(ctx, key, options.versionId, head) : await head();
    return objectMetadataOf(key, output);
  } catch (error) {
    // Loaded on a failure only: the diagnoses are not part of a handler's cold start.
    if (detectDeleteMarker && error instanceof ObjectNotFoundError && error.s3Code === 'NotFound') {
      const { diagnoseHeadNotFound } = await import('./head-errors');
      throw await diagnoseHeadNotFound(ctx, key, error, options.abortSignal);
    }
    if (error instanceof StorageError && error.s3Code === undefined && (error.httpStatus === 400 || error.httpStatus === 403)) {
      const { diagnoseHeadError } = await import('./head-errors');
      throw await diagnoseHeadError(ctx, key, input, error, options.abortSignal);
    }
    throw error;
  }
}

/** True if HEAD finds the object, false on 404; anything else throws. */
export async function objectExists(ctx: S3Context, key: string, options: HeadOptions): Promise<boolean> {
  try {
    // false either way: no ListObjectVersions to tell a delete marker from a missing key (a store without
    // x-amz-delete-marker would otherwise pay one per missing key, and need s3:ListBucketVersions).
    await headObject(ctx, key, options, false);
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}
