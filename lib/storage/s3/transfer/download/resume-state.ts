/**
 * The state sidecar of a download to a file, `<path>.partial.json`: which ranges of `<path>.partial` are finished, so
 * a later call for the same object (same ETag, size and range size) fetches only the others.
 */
import { open, stat } from 'node:fs/promises';
import type { HashAlgorithm } from '../../core/hashing/engines';
import type { HashPool } from '../../core/hashing/hash-pool';
import { DOWNLOAD_STATE_SUFFIX, PARTIAL_SUFFIX } from '../shared/defaults';
import type { DownloadOptions } from '../../../types/transfer';
import { readJsonFile, writeFileAtomic, STATE_SAVE_INTERVAL_MS } from '../shared/state';
import { rangeLength, rangeStart, type DownloadTarget } from './target';

/**
 * Finished ranges: index -> the hex digest of the bytes written, in the state's `algorithm` ('' when not computed, by
 * older versions: such a range is fetched again). A range is recorded only once written and checked.
 */
export type FinishedRanges = Record<string, string>;

interface DownloadState {
  /** 1: digests are MD5 (no `algorithm`); 2: digests are `algorithm`. */
  readonly version: 1 | 2;
  readonly algorithm?: HashAlgorithm;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag: string;
  readonly size: number;
  readonly rangeSizeBytes: number;
  readonly done: FinishedRanges;
}

/** The files of a download to `path`: the partial file the ranges are written into, and its state sidecar. */
export interface DownloadFiles {
  readonly path: string;
  readonly partial: string;
  readonly state: string;
}

/** The partial file and state sidecar of a download to `path`. */
export function downloadFilesFor(path: string): DownloadFiles {
  return { path, partial: path + PARTIAL_SUFFIX, state: path + DOWNLOAD_STATE_SUFFIX };
}

/**
 * The ranges a previous run finished, when its state is for this very object and range size and the partial file has
 * the object's size, and its digests are in `algorithm` (the one the download's check takes of each range);
 * otherwise (or with `resume: false`) none. Each one is read back from the partial file and kept only if it still
 * hashes (on the hash pool) to the digest recorded when it was written: a partial file changed in between (by another
 * program, a restore from backup, a bad disk) is fetched again where it differs, never trusted and then "verified"
 * from the recorded digests.
 */
export async function loadFinishedRanges(
  bucket: string,
  key: string,
  files: DownloadFiles,
  target: DownloadTarget,
  options: DownloadOptions,
  algorithm: HashAlgorithm,
  pool: HashPool,
): Promise<FinishedRanges> {
  if (options.resume === false) return {};
  const saved = await readJsonFile<DownloadState>(files.state);
  const partialSize = await stat(files.partial).then(
    (s) => s.size,
    () => -1,
  );
  const savedAlgorithm = saved?.version === 1 ? 'MD5' : saved?.version === 2 ? saved.algorithm : undefined;
  const matches =
    saved !== undefined &&
    savedAlgorithm === algorithm &&
    saved.bucket === bucket &&
    saved.key === key &&
    saved.etag === target.etag &&
    saved.size === target.size &&
    saved.rangeSizeBytes === target.rangeSize &&
    partialSize === target.size;
  return matches ? proveFinishedRanges(files.partial, target, saved.done, algorithm, pool) : {};
}

/** The finished ranges whose bytes in `partial` still hash to their recorded digest. */
async function proveFinishedRanges(
  partial: string,
  target: DownloadTarget,
  done: FinishedRanges,
  algorithm: HashAlgorithm,
  pool: HashPool,
): Promise<FinishedRanges> {
  const proven: FinishedRanges = {};
  const handle = await open(partial, 'r');
  try {
    for (const [index, digest] of Object.entries(done)) {
      const i = Number(index);
      if (!digest || !Number.isInteger(i) || i < 0 || i >= target.ranges) continue;
      const length = rangeLength(target, i);
      const buffer = Buffer.allocUnsafeSlow(length);
      const { bytesRead } = await handle.read(buffer, 0, length, rangeStart(target, i));
      if (bytesRead === length && (await pool.digest(algorithm, buffer, true)).digest.toString('hex') === digest) proven[index] = digest;
    }
  } finally {
    await handle.close();
  }
  return proven;
}

/** Writes the state sidecar, one write at a time, and at most every {@link STATE_SAVE_INTERVAL_MS} unless forced. */
export class DownloadStateWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private lastSave = 0;

  public constructor(
    private readonly bucket: string,
    private readonly key: string,
    private readonly statePath: string,
    private readonly target: DownloadTarget,
    private readonly done: FinishedRanges,
    private readonly algorithm: HashAlgorithm,
  ) {}

  /** Saves the finished ranges. A range missing from the saved state is only fetched again on resume. */
  public save(force = false): Promise<unknown> {
    if (!force && Date.now() - this.lastSave < STATE_SAVE_INTERVAL_MS) return this.chain;
    this.lastSave = Date.now();
    const { target } = this;
    const state: DownloadState = {
      version: 2,
      algorithm: this.algorithm,
      bucket: this.bucket,
      key: this.key,
      versionId: target.versionId,
      etag: target.etag,
      size: target.size,
      rangeSizeBytes: target.rangeSize,
      done: { ...this.done },
    };
    this.chain = this.chain.catch(() => undefined).then(() => writeFileAtomic(this.statePath, JSON.stringify(state)));
    return this.chain;
  }

  /** Settles when the last save has; rejects if it failed. */
  public flushed(): Promise<unknown> {
    return this.chain;
  }
}
