/** Download to a Writable: ranges fetched in parallel, written in order through a reorder buffer of at most `2 x concurrency` ranges. */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { AbortedError } from '../../../errors';
import type { DownloadOptions, DownloadResult } from '../../../types/transfer';
import { md5Hex } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import { ProgressMeter } from '../shared/control';
import { fetchRange, runRanges } from './range';
import type { DownloadTarget } from './target';
import { assertHashMatches, assertMultipartEtag, type VerifiedBy } from './verify';

/** Downloads `target` into `out`, in order, then ends `out`. */
export async function downloadToWritable(
  ctx: S3Context,
  key: string,
  out: Writable,
  target: DownloadTarget,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const concurrency = options.concurrency ?? ctx.config.concurrency;
  const writer = new OrderedWriter(out, target, options.verify !== false, 2 * concurrency);
  const progress = new ProgressMeter(options.onProgress, target.size, target.ranges);
  await runRanges(
    target,
    options,
    () => false,
    async (i, signal) => {
      const data = await fetchRange(ctx, key, target, i, options, signal);
      progress.partDone(data.length);
      await writer.push(i, data);
    },
    concurrency,
    (i, signal) => writer.waitForRoom(i, signal),
  ).catch((error) => {
    if (options.abortSignal?.aborted) throw new AbortedError(`download of ${key} was cancelled`, { bucket: ctx.bucket, key, cause: error });
    throw error;
  });
  await writer.flushed();
  const verifiedBy = writer.verify(ctx, key);
  await endWritable(out);
  return { size: target.size, etag: target.etag, versionId: target.versionId, ranges: target.ranges, rangesResumed: 0, verifiedBy };
}

/**
 * Writes ranges to `out` in index order, whatever order they arrive in, honouring back-pressure; hashes them on the
 * way when the ETag can be checked.
 */
class OrderedWriter {
  private readonly pending = new Map<number, Buffer>();
  private readonly md5s: string[] = [];
  private readonly whole = createHash('md5');
  private cursor = 0;
  private advanced: () => void = () => undefined;
  private flushing: Promise<void> = Promise.resolve();

  public constructor(
    private readonly out: Writable,
    private readonly target: DownloadTarget,
    private readonly verifying: boolean,
    /** Ranges held at most: range `i` starts only once `i < cursor + window`. */
    private readonly window: number,
  ) {}

  /** Adds range `index` and writes every range that is now next in line. */
  public push(index: number, data: Buffer): Promise<void> {
    this.pending.set(index, data);
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

  /** Checks what was written against the ETag: a whole-object MD5, or the multipart ETag when ranges are parts. */
  public verify(ctx: S3Context, key: string): VerifiedBy {
    if (this.verifying && this.target.plainMd5) {
      assertHashMatches(ctx, key, this.target, 'md5-etag', this.whole.digest('hex'));
      return 'md5-etag';
    }
    if (this.verifying && this.target.aligned) {
      assertMultipartEtag(ctx, key, this.target, this.md5s);
      return 'multipart-etag';
    }
    return 'size';
  }

  private async flush(): Promise<void> {
    while (this.pending.has(this.cursor)) {
      const data = this.pending.get(this.cursor)!;
      this.pending.delete(this.cursor);
      if (this.verifying && this.target.plainMd5) this.whole.update(data);
      if (this.verifying && this.target.aligned) this.md5s.push(md5Hex(data));
      if (!this.out.write(data)) await drained(this.out);
      this.cursor++;
      this.advanced();
    }
  }
}

/** Resolves on `drain`, rejects on `error`. */
function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    out.once('error', onError);
    out.once('drain', () => {
      out.off('error', onError);
      resolve();
    });
  });
}

/** Ends `out` and waits for it to finish. */
function endWritable(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}
