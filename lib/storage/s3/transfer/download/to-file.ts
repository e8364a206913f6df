/**
 * Download to a file: positional writes into `<path>.partial`, the finished ranges recorded in `<path>.partial.json`
 * (so a later call resumes), and an atomic rename only after the size and ETag checks pass.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { AbortedError, IntegrityError, PreconditionFailedError } from '../../../errors';
import type { DownloadOptions, DownloadResult } from '../../../types/transfer';
import { md5Hex } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import { ProgressMeter } from '../shared/control';
import { BufferPool } from '../shared/source';
import { fetchRange, runRanges } from './range';
import { DownloadStateWriter, downloadFilesFor, loadFinishedRanges, type DownloadFiles, type FinishedRanges } from './resume-state';
import { rangeLength, rangeStart, type DownloadTarget } from './target';
import { assertMultipartEtag, verifyFromFile, type VerifiedBy } from './verify';

/** Downloads `target` to `path`, resuming from a matching partial file unless `resume: false`. */
export async function downloadToFile(ctx: S3Context, key: string, path: string, target: DownloadTarget, options: DownloadOptions): Promise<DownloadResult> {
  const files = downloadFilesFor(path);
  const done = await loadFinishedRanges(ctx.bucket, key, files, target, options);
  const rangesResumed = Object.keys(done).length;
  if (rangesResumed === 0) await rm(files.state, { force: true });
  const handle = await open(files.partial, rangesResumed > 0 ? 'r+' : 'w');
  let keepPartial = true;
  try {
    if (rangesResumed === 0) await handle.truncate(target.size);
    const state = new DownloadStateWriter(ctx.bucket, key, files.state, target, done);
    try {
      await fetchMissingRanges(ctx, key, handle, target, done, state, options);
    } catch (error) {
      await state.save(true).catch(() => undefined);
      keepPartial = keepsPartialAfter(error, options);
      throw cancelledOr(ctx, key, files, error, keepPartial, options);
    }
    await state.flushed();
    // From here on, a partial file that fails a check is removed: it could never be resumed.
    keepPartial = false;
    await assertWrittenSize(ctx, key, handle, target);
    const verifiedBy = await verifyPartial(ctx, key, files.partial, target, done, options);
    keepPartial = true;
    await moveIntoPlace(handle, files);
    return { size: target.size, etag: target.etag, versionId: target.versionId, ranges: target.ranges, rangesResumed, verifiedBy };
  } finally {
    await handle.close().catch(() => undefined);
    if (!keepPartial) {
      await rm(files.partial, { force: true });
      await rm(files.state, { force: true });
    }
  }
}

/**
 * Fetches every range not in `done` and writes it at its offset; records each in `done` (with its MD5) and in the
 * state sidecar. Range buffers are reused, so
 * memory stays at about concurrency x range size.
 */
async function fetchMissingRanges(
  ctx: S3Context,
  key: string,
  handle: FileHandle,
  target: DownloadTarget,
  done: FinishedRanges,
  state: DownloadStateWriter,
  options: DownloadOptions,
): Promise<void> {
  // Every range's MD5 goes into the state, so that a resume can prove the partial file still holds it.
  const pool = new BufferPool();
  const resumedBytes = Object.keys(done).reduce((sum, i) => sum + rangeLength(target, Number(i)), 0);
  const progress = new ProgressMeter(options.onProgress, target.size, target.ranges, { bytes: resumedBytes, parts: Object.keys(done).length });
  await runRanges(
    target,
    options,
    (i) => done[String(i)] !== undefined,
    async (i, signal) => {
      const data = await fetchRange(ctx, key, target, i, options, signal, pool);
      const md5 = md5Hex(data);
      await writeAt(handle, data, rangeStart(target, i)).finally(() => pool.give(data));
      done[String(i)] = md5;
      await state.save();
      progress.partDone(data.length);
    },
    options.concurrency ?? ctx.config.concurrency,
  );
}

/** A changed object can never be resumed; a cancelled one is kept unless asked otherwise; anything else is kept. */
function keepsPartialAfter(error: unknown, options: DownloadOptions): boolean {
  if (options.abortSignal?.aborted === true) return options.leaveResumableOnAbort !== false;
  return !(error instanceof PreconditionFailedError);
}

/** The error to throw after a range failed: an {@link AbortedError} when the caller cancelled, else the failure itself. */
function cancelledOr(ctx: S3Context, key: string, files: DownloadFiles, error: unknown, keepPartial: boolean, options: DownloadOptions): unknown {
  if (options.abortSignal?.aborted !== true) return error;
  return new AbortedError(`download of ${key} was cancelled${keepPartial ? `; ${files.partial} is kept for a resume` : ''}`, {
    bucket: ctx.bucket,
    key,
    cause: error,
  });
}

/** The partial file must have exactly the object's size. */
async function assertWrittenSize(ctx: S3Context, key: string, handle: FileHandle, target: DownloadTarget): Promise<void> {
  const written = (await handle.stat()).size;
  if (written !== target.size) {
    throw new IntegrityError(`download of ${key}: wrote ${written} bytes, expected ${target.size}`, {
      check: 'size',
      expected: target.size,
      actual: written,
      bucket: ctx.bucket,
      key,
    });
  }
}

/**
 * Checks the partial file against the ETag, when asked and when the ETag says something about the bytes: from the
 * ranges' MD5s when every range was hashed, else by hashing the file (a whole-object MD5, or ranges resumed from a run
 * that did not hash them).
 */
async function verifyPartial(
  ctx: S3Context,
  key: string,
  partial: string,
  target: DownloadTarget,
  done: FinishedRanges,
  options: DownloadOptions,
): Promise<VerifiedBy> {
  if (options.verify === false || !(target.aligned || target.plainMd5)) return 'size';
  const md5s = Array.from({ length: target.ranges }, (_, i) => done[String(i)]);
  if (target.aligned && md5s.every((m) => m)) {
    assertMultipartEtag(ctx, key, target, md5s);
    return 'multipart-etag';
  }
  return verifyFromFile(ctx, key, partial, target);
}

/** Closes the partial file, renames it to the destination and removes the state sidecar. */
async function moveIntoPlace(handle: FileHandle, files: DownloadFiles): Promise<void> {
  await handle.close();
  await rename(files.partial, files.path);
  // The download is done once renamed: a sidecar that cannot be removed is harmless (it no longer matches a partial file).
  await rm(files.state, { force: true }).catch(() => undefined);
}

/** Writes all of `data` at `position`. */
async function writeAt(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
}
