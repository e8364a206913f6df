/**
 * Download to a file: positional writes (`FileHandle.write` at the range's offset) into `<path>.partial`, sized up
 * front, made as each range's bytes arrive (range-writes.ts): memory stays at concurrency x range size, with no
 * head-of-line blocking. A range is recorded as finished in `<path>.partial.json` (so a later call resumes) only after
 * it was written, hashed and checked (see checks.ts); the file is renamed into place only after the size and the
 * final check pass. One download at a time per destination (`<path>.partial.lock`, destination-lock.ts).
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { AbortedError, CallerStreamError, IntegrityError, PreconditionFailedError, StorageError } from '../../../errors';
import type { DownloadOptions, DownloadResult } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { ProgressMeter } from '../shared/control';
import { BufferPool } from '../shared/source';
import { fetchRange, runRanges } from './range';
import { RangeWrites } from './range-writes';
import { DownloadStateWriter, downloadFilesFor, loadFinishedRanges, type DownloadFiles, type FinishedRanges } from './resume-state';
import { rangeLength, rangeStart, type DownloadTarget } from './target';
import { RangeChecker, planVerification } from './checks';
import { assertRangesMatch, digestsOfFile } from './verify';
import { md5OfFile } from '../shared/file-hash';
import { lockDestination } from './destination-lock';
import { inFlightLimit } from '../../core/concurrency';

/**
 * Downloads `target` to `path`, resuming from a matching partial file unless `resume: false`. Holds
 * `<path>.partial.lock` meanwhile (destination-lock.ts): a second download to the same path fails with ConflictError.
 */
export async function downloadToFile(ctx: S3Context, key: string, path: string, target: DownloadTarget, options: DownloadOptions): Promise<DownloadResult> {
  const lock = await lockDestination(path, { bucket: ctx.bucket, key });
  try {
    return await downloadLocked(ctx, key, path, target, options);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** {@link downloadToFile} once this download holds the destination's lock. */
async function downloadLocked(ctx: S3Context, key: string, path: string, target: DownloadTarget, options: DownloadOptions): Promise<DownloadResult> {
  const files = downloadFilesFor(path);
  const checker = new RangeChecker(ctx, key, target, planVerification(target, options), options);
  const done = await loadFinishedRanges(ctx.bucket, key, files, target, options, checker.plan.rangeAlgorithm, checker.pool);
  const rangesResumed = Object.keys(done).length;
  if (rangesResumed === 0) await rm(files.state, { force: true });
  const handle = await open(files.partial, rangesResumed > 0 ? 'r+' : 'w').catch((error: NodeJS.ErrnoException) => {
    throw new CallerStreamError(`destination: ${files.partial} cannot be opened for writing (${error.code ?? error.message})`, {
      field: 'destination',
      cause: error,
      bucket: ctx.bucket,
      key,
    });
  });
  let keepPartial = true;
  try {
    if (rangesResumed === 0) await handle.truncate(target.size);
    const state = new DownloadStateWriter(ctx.bucket, key, files.state, target, done, checker.plan.rangeAlgorithm);
    try {
      await fetchMissingRanges(ctx, key, handle, target, done, state, checker, options);
    } catch (error) {
      await state.save(true).catch(() => undefined);
      keepPartial = keepsPartialAfter(error, options);
      throw cancelledOr(ctx, key, files, destinationError(ctx, key, files, error), keepPartial, options);
    }
    await state.flushed().catch((error: unknown) => {
      throw destinationError(ctx, key, files, error);
    });
    // From here on, a partial file that fails a check is removed: it could never be resumed.
    keepPartial = false;
    await assertWrittenSize(ctx, key, handle, target);
    await verifyPartial(ctx, key, files.partial, target, done, checker);
    const verification = checker.reported();
    keepPartial = true;
    await moveIntoPlace(handle, files).catch((error: NodeJS.ErrnoException) => {
      throw new CallerStreamError(
        `destination: the download of ${key} is complete and checked in ${files.partial}, but it could not be renamed to ${files.path} (${error.code ?? error.message}); a second download resumes from it and renames it`,
        { field: 'destination', cause: error, bucket: ctx.bucket, key },
      );
    });
    const verifiedBy = verification.kind === 'none' ? 'size' : verification.kind;
    return { size: target.size, etag: target.etag, versionId: target.versionId, ranges: target.ranges, rangesResumed, verification, verifiedBy };
  } finally {
    await handle.close().catch(() => undefined);
    if (!keepPartial) {
      await rm(files.partial, { force: true });
      await rm(files.state, { force: true });
    }
  }
}

/**
 * Fetches every range not in `done`, hashes and checks it (a range that fails its part's checksum is fetched again,
 * within `maxRangeAttempts`), writes it at its offset, and only then records it in `done` (with its digest) and in
 * the state sidecar. Range buffers are reused, so memory stays at about concurrency x range size.
 */
async function fetchMissingRanges(
  ctx: S3Context,
  key: string,
  handle: FileHandle,
  target: DownloadTarget,
  done: FinishedRanges,
  state: DownloadStateWriter,
  checker: RangeChecker,
  options: DownloadOptions,
): Promise<void> {
  // Every range's digest goes into the state, so that a resume can prove the partial file still holds it.
  const pool = new BufferPool();
  const resumedBytes = Object.keys(done).reduce((sum, i) => sum + rangeLength(target, Number(i)), 0);
  const progress = new ProgressMeter(options.onProgress, target.size, target.ranges, { bytes: resumedBytes, parts: Object.keys(done).length });
  await runRanges(
    target,
    options,
    (i) => done[String(i)] !== undefined,
    async (i, signal) => {
      // The part's checksum first, on this range's own socket (see RangeChecker.prefetch).
      await checker.prefetch(i, signal);
      // Written at its offset as it arrives (range-writes.ts); fetchRange resolves once it is written and checked.
      const { data, digest } = await fetchRange(
        ctx,
        key,
        target,
        i,
        options,
        signal,
        pool,
        (bytes) => checker.inspect(i, bytes, signal),
        (buffer) => new RangeWrites(handle, buffer, rangeStart(target, i)),
      );
      pool.give(data);
      done[String(i)] = digest;
      await state.save();
      progress.partDone(data.length);
    },
    inFlightLimit(options.concurrency, ctx.config),
  );
}

/**
 * A failed write of the partial file or its state (ENOSPC, EIO, EDQUOT...) as a {@link CallerStreamError} on
 * `destination`, naming the file and the code; any other error as it is.
 */
function destinationError(ctx: S3Context, key: string, files: DownloadFiles, error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof StorageError || typeof e?.code !== 'string' || typeof e.syscall !== 'string') return error;
  return new CallerStreamError(`destination: writing ${files.partial} (or its state) failed (${e.code}); the ranges checked so far are kept for a resume`, {
    field: 'destination',
    cause: error,
    bucket: ctx.bucket,
    key,
  });
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
 * The final check of the partial file: from the ranges' digests, hashing from the file only what no digest covers (a
 * range resumed from a run that did not record one, or the whole-object MD5 of a plain-MD5 object in several ranges).
 */
async function verifyPartial(ctx: S3Context, key: string, partial: string, target: DownloadTarget, done: FinishedRanges, checker: RangeChecker): Promise<void> {
  const { plan, pool } = checker;
  if (plan.verification.kind === 'none') return;
  let digests = Array.from({ length: target.ranges }, (_, i) => done[String(i)]);
  if (!digests.every((d) => d)) digests = await digestsOfFile(pool, partial, target, plan.rangeAlgorithm);
  const wholeMd5 = plan.verification.kind === 'md5-etag' && target.ranges !== 1 ? await md5OfFile(pool, partial, target.size) : undefined;
  assertRangesMatch(ctx, key, target, plan, digests, wholeMd5);
}

/** Closes the partial file, renames it to the destination and removes the state sidecar. */
async function moveIntoPlace(handle: FileHandle, files: DownloadFiles): Promise<void> {
  await handle.close();
  await rename(files.partial, files.path);
  // The download is done once renamed: a sidecar that cannot be removed is harmless (it no longer matches a partial file).
  await rm(files.state, { force: true }).catch(() => undefined);
}
