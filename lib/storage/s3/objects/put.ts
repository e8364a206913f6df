import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { MIB } from '../../../rules/limits';
import { InvalidArgumentError } from '../../errors';
import type { PutBody, PutOptions, PutResult } from '../../types/objects';
import { assertWriteSupported } from '../core/capabilities';
import type { S3Context } from '../core/context';
import { checksumsOf, definedOnly, normalizeEtag } from '../core/mapping';
import { assertKey, assertPutOptions, assertSinglePutSize } from '../core/validation';
import { writeInput } from '../core/write-input';
import { isReadableBody, openFileRange, prepareBody, readUpTo } from './body';
import { guardBody, StreamWatch } from './stream-guard';

/** A stream of unknown length is buffered up to this size; if it ends within it, one PutObject sends it. */
export const PUT_STREAM_BUFFER_BYTES = 8 * MIB;

/**
 * What `put()` sends: one PutObject (`send`), or, for a stream of unknown length that outgrows
 * {@link PUT_STREAM_BUFFER_BYTES}, a multipart upload of `head` then `rest`, which the facade hands to the upload
 * engine. Objects never start a multipart upload themselves.
 */
export type PutPlan =
  | { readonly kind: 'single'; send(): Promise<PutResult> }
  | { readonly kind: 'multipart'; readonly head: Buffer; readonly rest: AsyncIterator<Uint8Array | string> };

/**
 * Validates a put and decides how it goes: see {@link PutPlan}. Nothing is sent before `send()`.
 * @throws InvalidArgumentError for a bad key, option or body; UnsupportedFeatureError when the profile refuses it
 */
export async function planPut(ctx: S3Context, key: string, body: PutBody, options: PutOptions): Promise<PutPlan> {
  assertKey(key);
  assertPutOptions(options);
  // From here on the caller's stream is ours: its first error is recorded (never an unhandled 'error' event that
  // kills the process), even while the profile below is probed.
  const watch = isReadableBody(body) ? new StreamWatch(body) : undefined;
  assertWriteSupported(await ctx.compatibilityProfile(), options);
  const prepared = await prepareBody(body, options.contentLength);
  const single = (run: () => Promise<PutResult>): PutPlan => ({ kind: 'single', send: run });
  switch (prepared.kind) {
    case 'unknown-length': {
      const { head, ended, rest } = await readUpTo(prepared.stream, PUT_STREAM_BUFFER_BYTES);
      if (!ended) return { kind: 'multipart', head, rest };
      return single(() => sendPut(ctx, key, head, head.length, options, true));
    }
    case 'bytes':
      assertSinglePutSize(prepared.bytes.length, 'body');
      return single(() => sendPut(ctx, key, prepared.bytes, prepared.bytes.length, options, true));
    case 'stream':
      return single(() => sendStream(ctx, key, watch ?? new StreamWatch(prepared.stream), prepared.length, options, 'body'));
    case 'file':
      assertSinglePutSize(prepared.length, 'body.filePath');
      return single(() => sendStream(ctx, key, new StreamWatch(openFileRange(prepared.filePath)), prepared.length, options, 'body.filePath'));
  }
}

/**
 * PutObject of a body whose size is known (bytes or a file): one request, at most 5 GiB.
 * @throws InvalidArgumentError for a bad key, option or size; `StorageError` subclasses from S3
 */
export async function putObject(ctx: S3Context, key: string, body: Uint8Array | { readonly filePath: string }, options: PutOptions): Promise<PutResult> {
  const plan = await planPut(ctx, key, body, options);
  if (plan.kind !== 'single') throw new InvalidArgumentError('body: a body of known size was expected', { field: 'body' });
  return plan.send();
}

/**
 * PutObject of a stream of known length (a caller's stream, or a file read as one). The stream goes through
 * {@link guardBody}: when it errors, is destroyed, ends short of `length` or runs past it (a file deleted or
 * truncated after it was stat'ed too), the request is aborted at once and the put rejects with a `CallerStreamError`
 * naming the input, instead of waiting for bytes that never come.
 */
async function sendStream(ctx: S3Context, key: string, watch: StreamWatch, length: number, options: PutOptions, field: string): Promise<PutResult> {
  const guarded = guardBody(watch, length, { field, bucket: ctx.bucket, key }, options.abortSignal);
  try {
    return await sendPut(ctx, key, guarded.body, length, { ...options, abortSignal: guarded.signal }, false);
  } catch (error) {
    throw guarded.failure() ?? error;
  }
}

async function sendPut(ctx: S3Context, key: string, body: Uint8Array | Readable, length: number, options: PutOptions, replayable: boolean): Promise<PutResult> {
  const output = await sendPutCommand(ctx, key, body, length, options, replayable).catch(async (error: unknown) => {
    // Loaded on a failure only: the diagnosis is not part of a handler's cold start.
    const { diagnoseBrokenPut } = await import('./broken-put');
    throw await diagnoseBrokenPut(ctx, key, error, options);
  });
  return {
    etag: normalizeEtag(output.ETag),
    versionId: output.VersionId,
    size: output.Size ?? length,
    checksums: checksumsOf(output),
    serverSideEncryption: output.ServerSideEncryption,
  };
}

function sendPutCommand(ctx: S3Context, key: string, body: Uint8Array | Readable, length: number, options: PutOptions, replayable: boolean) {
  return ctx.send(
    new PutObjectCommand(
      definedOnly({
        Bucket: ctx.bucket,
        Key: key,
        Body: body,
        ContentLength: length,
        ChecksumAlgorithm: options.checksumAlgorithm ?? (usesObjectLock(options) ? OBJECT_LOCK_CHECKSUM : undefined),
        IfNoneMatch: options.ifNoneMatch,
        IfMatch: options.ifMatch,
        RequestPayer: ctx.requestPayer,
        ...writeInput(options),
      }),
    ),
    { key, abortSignal: options.abortSignal, replayable },
  );
}

/**
 * S3 refuses a write that sets Object Lock retention or a legal hold without Content-MD5 or a flexible checksum
 * (MissingUploadObjectWithObjectLockHeaders), so such writes always carry one.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-object-lock-mode)
 */
export const OBJECT_LOCK_CHECKSUM = 'CRC32';

/** True when a write sets any Object Lock field. */
export function usesObjectLock(options: Pick<PutOptions, 'objectLockMode' | 'objectLockRetainUntil' | 'objectLockLegalHold'>): boolean {
  return options.objectLockMode !== undefined || options.objectLockRetainUntil !== undefined || options.objectLockLegalHold !== undefined;
}
