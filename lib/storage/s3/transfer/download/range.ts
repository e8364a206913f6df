/** One ranged GET of the download engine, pinned to the object's ETag with `If-Match`, and the loop that runs them all. */
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { AbortedError, IntegrityError } from '../../../errors';
import { toStorageError } from '../../core/error-mapping';
import type { DownloadOptions } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { customerKeyInput } from '../../core/encryption';
import { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS, Slots, linkedController, withRetry } from '../shared/control';
import type { BufferPool } from '../shared/source';
import { rangeLength, rangeStart, type DownloadTarget } from './target';

/**
 * Where a range's bytes go while they arrive (to-file.ts writes them at their file offsets, range-writes.ts). Every
 * call of {@link fetchRange} that passes one settles it before its buffer is reused.
 */
export interface RangeSink {
  /** The buffer's first `filled` bytes hold the range's first `filled` bytes. An attempt that starts over counts from 0 again. Never throws. */
  received(filled: number): void;
  /** Takes what is left on, then waits for all of it: throws the first failure. */
  finish(): Promise<void>;
  /** Waits for what is in flight, ignoring failures (before the buffer goes back). */
  settle(): Promise<void>;
}

/** What {@link fetchRange} gives when no `inspect` step is passed: the bytes, as received. */
const asReceived = async (data: Buffer): Promise<Buffer> => data;

/**
 * Fetches one range into a buffer and runs `inspect` on it (a hash and check), with retries of both: a range that
 * fails its check with a retryable error is fetched again. A changed object (412) is never retried. With `sinkFor`,
 * each attempt's bytes also go to a sink as they arrive; the range resolves once both `inspect` and the sink are done.
 */
export async function fetchRange<T = Buffer>(
  ctx: S3Context,
  key: string,
  target: DownloadTarget,
  index: number,
  options: DownloadOptions,
  signal: AbortSignal,
  pool?: BufferPool,
  inspect: (data: Buffer) => Promise<T> = asReceived as unknown as (data: Buffer) => Promise<T>,
  sinkFor?: (buffer: Buffer) => RangeSink,
): Promise<T> {
  const attempt = async (): Promise<T> => {
    const { data, sink } = await fetchRangeOnce(ctx, key, target, index, options, signal, pool, sinkFor);
    try {
      const [result] = await Promise.all([inspect(data), sink?.finish()]);
      return result;
    } catch (error) {
      // The bytes failed their check (or the hash pool lost its worker): the buffer goes back, the range is fetched again.
      await sink?.settle();
      if (data.length > 0) pool?.give(data);
      throw error;
    }
  };
  return withRetry(attempt, {
    maxAttempts: options.maxRangeAttempts ?? DEFAULT_MAX_PART_ATTEMPTS,
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
    signal,
  });
}

/** One attempt: GET `bytes=start-end` with `If-Match`, and read exactly the range's length. */
async function fetchRangeOnce(
  ctx: S3Context,
  key: string,
  target: DownloadTarget,
  index: number,
  options: DownloadOptions,
  signal: AbortSignal,
  pool?: BufferPool,
  sinkFor?: (buffer: Buffer) => RangeSink,
): Promise<{ data: Buffer; sink?: RangeSink }> {
  const start = rangeStart(target, index);
  const length = rangeLength(target, index);
  const end = start + length - 1;
  const buffer = pool ? pool.take(length) : Buffer.allocUnsafeSlow(length);
  const sink = sinkFor?.(buffer);
  const giveBack = async (): Promise<void> => {
    await sink?.settle();
    pool?.give(buffer);
  };
  let out;
  try {
    out = await ctx.send(
      new GetObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        VersionId: options.versionId,
        Range: `bytes=${start}-${end}`,
        IfMatch: target.etag,
        RequestPayer: ctx.requestPayer,
        ...customerKeyInput(options.customerKey),
      }),
      // The clients bucketkit builds read the range straight into the buffer (core/direct-read/handler.ts).
      { key, abortSignal: signal, receiveInto: buffer, onReceived: sink && ((filled) => sink.received(filled)) },
    );
  } catch (error) {
    await giveBack();
    throw error;
  }
  const body = out.Body as Readable;
  let filled = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      if (bytes.buffer === buffer.buffer && bytes.byteOffset === buffer.byteOffset + filled && filled + bytes.length <= length) {
        // Already in place: the direct read put it there.
        filled += bytes.length;
        continue;
      }
      if (filled + bytes.length > length) {
        throw new IntegrityError(`range ${start}-${end} of ${key}: the store sent more than ${length} bytes`, {
          check: 'size',
          expected: length,
          actual: filled + bytes.length,
          retryable: true,
          bucket: ctx.bucket,
          key,
        });
      }
      bytes.copy(buffer, filled);
      filled += bytes.length;
      sink?.received(filled);
    }
  } catch (error) {
    body.destroy?.();
    await giveBack();
    if (signal.aborted) throw new AbortedError(`download of ${key} was cancelled`, { bucket: ctx.bucket, key, cause: error });
    throw toStorageError(error, { bucket: ctx.bucket, key });
  }
  if (filled !== length) {
    await giveBack();
    // A truncated range (a dropped connection the SDK did not notice) may well come whole next time: retryable.
    throw new IntegrityError(`range ${start}-${end} of ${key}: got ${filled} of ${length} bytes`, {
      check: 'size',
      expected: length,
      actual: filled,
      retryable: true,
      bucket: ctx.bucket,
      key,
    });
  }
  return { data: buffer, sink };
}

/**
 * Runs `work` for every range not `skip`ped, at most `concurrency` at once (and only once `gate` lets a range start);
 * on the first failure cancels the others, waits for them all, and throws that failure.
 */
export async function runRanges(
  target: DownloadTarget,
  options: DownloadOptions,
  skip: (index: number) => boolean,
  work: (index: number, signal: AbortSignal) => Promise<void>,
  concurrency: number,
  gate: (index: number, signal: AbortSignal) => Promise<void> = async () => undefined,
): Promise<void> {
  const { controller, dispose } = linkedController(options.abortSignal);
  const slots = new Slots(concurrency);
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  try {
    for (let i = 0; i < target.ranges && failure === undefined && !controller.signal.aborted; i++) {
      if (skip(i)) continue;
      await gate(i, controller.signal);
      if (controller.signal.aborted) break;
      await slots.acquire();
      if (failure !== undefined || controller.signal.aborted) {
        slots.release();
        break;
      }
      const task: Promise<void> = work(i, controller.signal)
        .catch((error) => {
          failure ??= error;
          controller.abort();
        })
        .finally(() => {
          slots.release();
          inflight.delete(task);
        });
      inflight.add(task);
    }
    await Promise.all([...inflight]);
  } finally {
    dispose();
  }
  if (failure !== undefined) throw failure;
  if (options.abortSignal?.aborted) throw new AbortedError('the download was cancelled');
}
