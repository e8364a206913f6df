/**
 * The state sidecar of a download to a file, `<path>.partial.json`: which ranges of `<path>.partial` are finished, so
 * a later call for the same object (same ETag, size and range size) fetches only the others.
 */
import { open, stat } from 'node:fs/promises';
import { md5Hex } from '../shared/checksums';
import { DOWNLOAD_STATE_SUFFIX, PARTIAL_SUFFIX } from '../shared/defaults';
import type { DownloadOptions } from '../../../types/transfer';
import { readJsonFile, writeFileAtomic, STATE_SAVE_INTERVAL_MS } from '../shared/state';
import { rangeLength, rangeStart, type DownloadTarget } from './target';

/** Finished ranges: index -> MD5 hex of the bytes written ('' when not computed, by older versions: such a range is fetched again). */
export type FinishedRanges = Record<string, string>;

interface DownloadState {
  readonly version: 1;
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
 * the object's size; otherwise (or with `resume: false`) none. Each one is read back from the partial file and kept
 * only if it still hashes to the MD5 recorded when it was written: a partial file changed in between (by another
 * program, a restore from backup, a bad disk) is fetched again where it differs, never trusted and then "verified"
 * from the recorded digests.
 */
export async function loadFinishedRanges(
  bucket: string,
  key: string,
  files: DownloadFiles,
  target: DownloadTarget,
  options: DownloadOptions,
): Promise<FinishedRanges> {
  if (options.resume === false) return {};
  const saved = await readJsonFile<DownloadState>(files.state);
  const partialSize = await stat(files.partial).then(
    (s) => s.size,
    () => -1,
  );
  const matches =
    saved?.version === 1 &&
    saved.bucket === bucket &&
    saved.key === key &&
    saved.etag === target.etag &&
    saved.size === target.size &&
    saved.rangeSizeBytes === target.rangeSize &&
    partialSize === target.size;
  return matches ? proveFinishedRanges(files.partial, target, saved.done) : {};
}

/** The finished ranges whose bytes in `partial` still hash to their recorded MD5. */
async function proveFinishedRanges(partial: string, target: DownloadTarget, done: FinishedRanges): Promise<FinishedRanges> {
  const proven: FinishedRanges = {};
  const handle = await open(partial, 'r');
  try {
    for (const [index, md5] of Object.entries(done)) {
      const i = Number(index);
      if (!md5 || !Number.isInteger(i) || i < 0 || i >= target.ranges) continue;
      const length = rangeLength(target, i);
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, rangeStart(target, i));
      if (bytesRead === length && md5Hex(buffer) === md5) proven[index] = md5;
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
  ) {}

  /** Saves the finished ranges. A range missing from the saved state is only fetched again on resume. */
  public save(force = false): Promise<unknown> {
    if (!force && Date.now() - this.lastSave < STATE_SAVE_INTERVAL_MS) return this.chain;
    this.lastSave = Date.now();
    const { target } = this;
    const state: DownloadState = {
      version: 1,
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
