/**
 * Download to a Writable: ranges fetched (and hashed, off the event loop) in parallel, written in order through a
 * reorder buffer of at most `2 x concurrency` ranges. A stream cannot be written at offsets, so this path stays ordered.
 */
import type { Writable } from 'node:stream';
import { AbortedError, CallerStreamError } from '../../../errors';
import type { DownloadOptions, DownloadResult } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { ProgressMeter } from '../shared/control';
import { fetchRange, runRanges } from './range';
import type { DownloadTarget } from './target';
import type { HashJob } from '../../core/hashing/hash-pool';
import { RangeChecker, planVerification } from './checks';
import { assertRangesMatch } from './verify';
import { inFlightLimit } from '../../core/concurrency';

/** Downloads `target` into `out`, in order, then ends `out`. */
export async function downloadToWritable(
  ctx: S3Context,
  key: string,
  out: Writable,
  target: DownloadTarget,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const concurrency = inFlightLimit(options.concurrency, ctx.config);
  // A destination that errors or is destroyed stops the download at once (no range waits on a 'drain' that never comes).
  const destination = watchDestination(out, ctx.bucket, key, options.abortSignal);
  const checker = new RangeChecker(ctx, key, target, planVerification(target, options), options);
  const kind = checker.plan.verification.kind;
  // A plain MD5 over several ranges is taken in order, as they are written; every other check needs each range's digest.
  const wholeMd5 = kind === 'md5-etag' && target.ranges !== 1 ? checker.pool.open('MD5', target.size) : undefined;
  const perRange = kind !== 'none' && wholeMd5 === undefined;
  const writer = new OrderedWriter(out, 2 * concurrency, wholeMd5);
  const progress = new ProgressMeter(options.onProgress, target.size, target.ranges);
  await runRanges(
    target,
    { ...options, abortSignal: destination.signal },
    () => false,
    async (i, signal) => {
      // The part's checksum first, on this range's own socket (see RangeChecker.prefetch).
      if (perRange) await checker.prefetch(i, signal);
      const { data, digest } = await fetchRange(ctx, key, target, i, options, signal, undefined, (bytes) =>
        perRange ? checker.inspect(i, bytes, signal) : Promise.resolve({ data: bytes, digest: '' }),
      );
      progress.partDone(data.length);
      await writer.push(i, data, digest);
    },
    concurrency,
    (i, signal) => writer.waitForRoom(i, signal),
  ).catch((error) => {
    if (destination.failure()) throw destination.failure();
    if (options.abortSignal?.aborted) throw new AbortedError(`download of ${key} was cancelled`, { bucket: ctx.bucket, key, cause: error });
    throw error;
  });
  await writer.flushed();
  if (kind !== 'none') assertRangesMatch(ctx, key, target, checker.plan, writer.digests, await wholeMd5?.digest().then((d) => d.toString('hex')));
  const verification = checker.reported();
  const verifiedBy = verification.kind === 'none' ? 'size' : verification.kind;
  await endWritable(out).catch((error) => {
    throw destination.failure() ?? error;
  });
  return { size: target.size, etag: target.etag, versionId: target.versionId, ranges: target.ranges, rangesResumed: 0, verification, verifiedBy };
}

/**
 * Writes ranges to `out` in index order, whatever order they arrive in, honouring back-pressure; keeps their digests,
 * and feeds the whole-object MD5 job (when there is one) in order, before each write.
 */
class OrderedWriter {
  /** The ranges' digests, by index. */
  public readonly digests: string[] = [];
  private readonly pending = new Map<number, Buffer>();
  private cursor = 0;
  private advanced: () => void = () => undefined;
  private flushing: Promise<void> = Promise.resolve();

  public constructor(
    private readonly out: Writable,
    /** Ranges held at most: range `i` starts only once `i < cursor + window`. */
    private readonly window: number,
    private readonly wholeMd5?: HashJob,
  ) {}

  /** Adds range `index` and writes every range that is now next in line. */
  public push(index: number, data: Buffer, digest: string): Promise<void> {
    this.pending.set(index, data);
    this.digests[index] = digest;
    this.flushing = this.flushing.then(() => this.flush());
    return this.flushing;
  }

  /** Waits until range `index` fits in the window (or the transfer is cancelled). */
  public async waitForRoom(index: number, signal: AbortSignal): Promise<void> {
    while (index >= this.cursor + this.window && !signal.aborted) {
      await new Promise<void>((resolve) => {
        this.advanced = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  /** Settles when every range pushed so far is written. */
  public flushed(): Promise<void> {
    return this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.has(this.cursor)) {
      let data = this.pending.get(this.cursor)!;
      this.pending.delete(this.cursor);
      // Hashed before it is written: once in the stream's buffer, it must not be transferred to a worker.
      if (this.wholeMd5) data = await this.wholeMd5.update(data, true);
      if (this.out.destroyed) throw new Error('the destination was destroyed');
      if (!this.out.write(data)) await drained(this.out);
      this.cursor++;
      this.advanced();
    }
  }
}

/** Resolves on `drain`, rejects on `error` or `close` (a destroyed stream never drains). */
function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    const onClose = () => reject(new Error('the destination was closed before the download ended'));
    out.once('error', onError);
    out.once('close', onClose);
    out.once('drain', () => {
      out.off('error', onError);
      out.off('close', onClose);
      resolve();
    });
  });
}

/** Ends `out` and waits for it to finish; rejects if it errors or is closed first. */
function endWritable(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (out.destroyed) return reject(new Error('the destination was destroyed'));
    out.once('error', reject);
    out.once('close', () => (out.writableFinished ? resolve() : reject(new Error('the destination was closed before it finished'))));
    out.end(() => resolve());
  });
}

/**
 * Watches the destination: its first error, or a close before the download ended, becomes a CallerStreamError
 * (field `destination`) and aborts the ranges through the returned signal (which also follows the caller's own).
 */
function watchDestination(out: Writable, bucket: string, key: string, callerSignal?: AbortSignal) {
  const controller = new AbortController();
  let failure: CallerStreamError | undefined;
  let finishing = false;
  const fail = (cause?: Error) => {
    if (failure || finishing) return;
    const reason = cause ? `: ${cause.message}` : ': it was destroyed before the download ended';
    failure = new CallerStreamError(`destination failed while ${bucket}/${key} was downloaded into it${reason}`, { field: 'destination', cause, bucket, key });
    controller.abort(failure);
  };
  out.on('error', (e: Error) => fail(e));
  out.once('close', () => fail());
  out.once('finish', () => (finishing = true));
  if (out.errored) fail(out.errored);
  else if (out.destroyed) fail();
  const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
  return { signal, failure: () => failure };
}
