/**
 * The download engine: parallel ranged GETs pinned to the object's ETag with `If-Match`, so an object that changes
 * mid-way fails with `PreconditionFailedError` instead of mixing versions.
 *
 * - To a file: positional writes into `<path>.partial`, a JSON state sidecar `<path>.partial.json` after each range
 *   (so a later call resumes), and an atomic rename only after the size and ETag checks pass.
 * - To a Writable: in order, through a reorder buffer of at most `2 x concurrency` ranges.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { MIB } from '../../../../rules/limits';
import { DEFAULT_RANGE_SIZE_BYTES, DOWNLOAD_STATE_SUFFIX, MAX_ALIGNED_RANGE_SIZE_BYTES, PARTIAL_SUFFIX } from '../shared/defaults';
import { AbortedError, InvalidArgumentError, PreconditionFailedError, StorageError } from '../../../errors';
import { toStorageError } from '../../core/error-mapping';
import type { DownloadDestination, DownloadOptions, DownloadResult } from '../../../types/transfer';
import { etagIsMd5Based, md5Hex, multipartEtag, unquoteEtag } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import { customerKeyInput } from '../../core/encryption';
import { headObject } from '../../objects/get';
import { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS, ProgressMeter, Slots, linkedController, withRetry } from '../shared/control';
import { BufferPool } from '../shared/source';
import { readJsonFile, writeFileAtomic } from '../shared/state';
import { STATE_SAVE_INTERVAL_MS } from '../shared/state';
import { assertKey } from '../../core/validation';


interface DownloadState {
  readonly version: 1;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag: string;
  readonly size: number;
  readonly rangeSizeBytes: number;
  /** Finished ranges: index -> MD5 hex ('' when not computed). */
  readonly done: Record<string, string>;
}

interface Target {
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly rangeSize: number;
  readonly ranges: number;
  /** True when ranges are the object's parts, so their MD5s give the multipart ETag. */
  readonly aligned: boolean;
  /** True when the ETag is a plain MD5 of the whole object. */
  readonly plainMd5: boolean;
}

/** `ctx.download`: see {@link DownloadOptions}. */
export async function downloadObject(ctx: S3Context, key: string, destination: DownloadDestination, options: DownloadOptions = {}): Promise<DownloadResult> {
  assertKey(key);
  for (const field of ['rangeSizeBytes', 'concurrency', 'maxRangeAttempts', 'retryBaseDelayMs'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < (field === 'retryBaseDelayMs' ? 0 : 1))) {
      throw new InvalidArgumentError(`${field}: must be a positive integer (got ${String(value)})`, { field });
    }
  }
  const target = await resolveTarget(ctx, key, options);
  if (typeof destination === 'string' || (typeof destination === 'object' && destination !== null && typeof (destination as { filePath?: unknown }).filePath === 'string')) {
    const path = typeof destination === 'string' ? destination : (destination as { filePath: string }).filePath;
    return downloadToFile(ctx, key, path, target, options);
  }
  if (typeof destination === 'object' && destination !== null && typeof (destination as Writable).write === 'function') {
    return downloadToWritable(ctx, key, destination as Writable, target, options);
  }
  throw new InvalidArgumentError('destination: must be a file path, { filePath } or a Writable', { field: 'destination' });
}

/**
 * HEAD for the size and ETag; for a multipart object, HEAD of part 1 for the part size, so ranges follow parts.
 * (No If-Match on the part HEAD: some stores compare it with the part's own ETag. The ranged GETs carry it.)
 */
async function resolveTarget(ctx: S3Context, key: string, options: DownloadOptions): Promise<Target> {
  const head = await headObject(ctx, key, { versionId: options.versionId, customerKey: options.customerKey, abortSignal: options.abortSignal });
  const etag = head.etag;
  const match = /-(\d+)$/.exec(unquoteEtag(etag));
  const md5Based = etagIsMd5Based(head.serverSideEncryption, head.sseCustomerAlgorithm);
  let partSize: number | undefined;
  const partsCount = match ? Number(match[1]) : undefined;
  if (partsCount !== undefined && partsCount > 1 && options.rangeSizeBytes === undefined) {
    try {
      const part = await headObject(ctx, key, { versionId: options.versionId, customerKey: options.customerKey, partNumber: 1, abortSignal: options.abortSignal });
      const size = part.size;
      if (size > 0 && size < head.size && Math.ceil(head.size / size) === partsCount) partSize = size;
    } catch (error) {
      if (error instanceof PreconditionFailedError || error instanceof AbortedError) throw error;
      // A store without HEAD ?partNumber: fall back to fixed ranges.
    }
  } else if (partsCount === 1) {
    partSize = head.size;
  }
  const rangeSize = Math.max(1, options.rangeSizeBytes ?? (partSize !== undefined && partSize <= MAX_ALIGNED_RANGE_SIZE_BYTES ? partSize : DEFAULT_RANGE_SIZE_BYTES));
  const ranges = Math.ceil(head.size / rangeSize);
  return {
    size: head.size,
    etag,
    versionId: head.versionId,
    rangeSize,
    ranges,
    aligned: md5Based && partsCount !== undefined && partSize === rangeSize && ranges === partsCount,
    plainMd5: md5Based && match === null && /^[0-9a-f]{32}$/.test(unquoteEtag(etag)),
  };
}

/** Fetches one range into a buffer, with retries; a changed object (412) is never retried. */
async function fetchRange(ctx: S3Context, key: string, target: Target, index: number, options: DownloadOptions, signal: AbortSignal, pool?: BufferPool): Promise<Buffer> {
  const start = index * target.rangeSize;
  const end = Math.min(target.size, start + target.rangeSize) - 1;
  const length = end - start + 1;
  return withRetry(
    async () => {
      const out = await ctx.send(
        new GetObjectCommand({
          Bucket: ctx.bucket,
          Key: key,
          VersionId: options.versionId,
          Range: `bytes=${start}-${end}`,
          IfMatch: target.etag,
          RequestPayer: ctx.requestPayer,
          ...customerKeyInput(options.customerKey),
        }),
        { key, abortSignal: signal },
      );
      const body = out.Body as Readable;
      const buffer = pool ? pool.take(length) : Buffer.allocUnsafeSlow(length);
      let filled = 0;
      try {
        for await (const chunk of body) {
          const bytes = chunk as Buffer;
          if (filled + bytes.length > length) throw new StorageError(`range ${start}-${end} of ${key}: the store sent more than ${length} bytes`, { retryable: true, bucket: ctx.bucket, key });
          bytes.copy(buffer, filled);
          filled += bytes.length;
        }
      } catch (error) {
        pool?.give(buffer);
        body.destroy?.();
        if (signal.aborted) throw new AbortedError(`download of ${key} was cancelled`, { bucket: ctx.bucket, key, cause: error });
        throw toStorageError(error, { bucket: ctx.bucket, key });
      }
      if (filled !== length) pool?.give(buffer);
      if (filled !== length) throw new StorageError(`range ${start}-${end} of ${key}: got ${filled} of ${length} bytes`, { retryable: true, bucket: ctx.bucket, key });
      return buffer;
    },
    { maxAttempts: options.maxRangeAttempts ?? DEFAULT_MAX_PART_ATTEMPTS, baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS, signal },
  );
}

async function downloadToFile(ctx: S3Context, key: string, path: string, target: Target, options: DownloadOptions): Promise<DownloadResult> {
  const partial = path + PARTIAL_SUFFIX;
  const statePath = path + DOWNLOAD_STATE_SUFFIX;
  const verify = options.verify !== false;
  let done: Record<string, string> = {};
  if (options.resume !== false) {
    const saved = await readJsonFile<DownloadState>(statePath);
    const partialSize = await stat(partial).then((s) => s.size, () => -1);
    if (
      saved?.version === 1 &&
      saved.bucket === ctx.bucket &&
      saved.key === key &&
      saved.etag === target.etag &&
      saved.size === target.size &&
      saved.rangeSizeBytes === target.rangeSize &&
      partialSize === target.size
    ) {
      done = { ...saved.done };
    }
  }
  const resumed = Object.keys(done).length;
  if (resumed === 0) await rm(statePath, { force: true });
  const handle = await open(partial, resumed > 0 ? 'r+' : 'w');
  // Range buffers are reused: memory stays at about concurrency x range size.
  const pool = new BufferPool();
  let keepPartial = true;
  try {
    if (resumed === 0) await handle.truncate(target.size);
    let saveChain: Promise<unknown> = Promise.resolve();
    let lastSave = 0;
    const save = (force = false) => {
      // At most every STATE_SAVE_INTERVAL_MS: a range missing from the state is only fetched again on resume.
      if (!force && Date.now() - lastSave < STATE_SAVE_INTERVAL_MS) return saveChain;
      lastSave = Date.now();
      const state: DownloadState = { version: 1, bucket: ctx.bucket, key, versionId: target.versionId, etag: target.etag, size: target.size, rangeSizeBytes: target.rangeSize, done: { ...done } };
      saveChain = saveChain.catch(() => undefined).then(() => writeFileAtomic(statePath, JSON.stringify(state)));
      return saveChain;
    };
    const resumedBytes = Object.keys(done).reduce((sum, i) => sum + rangeLength(target, Number(i)), 0);
    const progress = new ProgressMeter(options.onProgress, target.size, target.ranges, { bytes: resumedBytes, parts: resumed });
    try {
      await runRanges(
        target,
        options,
        (i) => done[String(i)] !== undefined,
        async (i, signal) => {
          const data = await fetchRange(ctx, key, target, i, options, signal, pool);
          const md5 = verify && target.aligned ? md5Hex(data) : '';
          await writeAt(handle, data, i * target.rangeSize).finally(() => pool.give(data));
          done[String(i)] = md5;
          await save();
          progress.partDone(data.length);
        },
        options.concurrency ?? ctx.config.concurrency,
      );
    } catch (error) {
      await save(true).catch(() => undefined);
      const cancelled = options.abortSignal?.aborted === true;
      // A changed object can never be resumed; a cancelled one is kept unless asked otherwise.
      keepPartial = cancelled ? options.leaveResumableOnAbort !== false : !(error instanceof PreconditionFailedError);
      if (cancelled) throw new AbortedError(`download of ${key} was cancelled${keepPartial ? `; ${partial} is kept for a resume` : ''}`, { bucket: ctx.bucket, key, cause: error });
      throw error;
    }
    await saveChain;
    const written = (await handle.stat()).size;
    if (written !== target.size) {
      keepPartial = false;
      throw new StorageError(`download of ${key}: wrote ${written} bytes, expected ${target.size}`, { bucket: ctx.bucket, key });
    }
    let verifiedBy: DownloadResult['verifiedBy'] = 'size';
    if (verify && (target.aligned || target.plainMd5)) {
      const md5s = Array.from({ length: target.ranges }, (_, i) => done[String(i)]);
      keepPartial = false;
      if (target.aligned && md5s.every((m) => m)) {
        const computed = multipartEtag(md5s);
        if (computed !== unquoteEtag(target.etag)) {
          throw new StorageError(`download of ${key}: the multipart ETag of the bytes received, ${computed}, differs from ${target.etag}`, { bucket: ctx.bucket, key });
        }
        verifiedBy = 'multipart-etag';
      } else {
        // A whole-object MD5, or ranges resumed from a run that did not hash them: hash the file.
        verifiedBy = await verifyFromFile(partial, target, key);
      }
      keepPartial = true;
    }
    await handle.close();
    await rename(partial, path);
    keepPartial = true;
    await rm(statePath, { force: true });
    return { size: target.size, etag: target.etag, versionId: target.versionId, ranges: target.ranges, rangesResumed: resumed, verifiedBy };
  } finally {
    await handle.close().catch(() => undefined);
    if (!keepPartial) {
      await rm(partial, { force: true });
      await rm(statePath, { force: true });
    }
  }
}

/** Hashes the written file in the object's part layout and compares with the ETag. */
async function verifyFromFile(file: string, target: Target, key: string): Promise<DownloadResult['verifiedBy']> {
  const md5s: string[] = [];
  let hash = createHash('md5');
  let inRange = 0;
  const chunkSize = target.plainMd5 ? Number.MAX_SAFE_INTEGER : target.rangeSize;
  for await (const chunk of createReadStream(file, { highWaterMark: MIB })) {
    let bytes = chunk as Buffer;
    while (bytes.length > 0) {
      const take = Math.min(bytes.length, chunkSize - inRange);
      hash.update(bytes.subarray(0, take));
      inRange += take;
      bytes = bytes.subarray(take);
      if (inRange === chunkSize) {
        md5s.push(hash.digest('hex'));
        hash = createHash('md5');
        inRange = 0;
      }
    }
  }
  if (inRange > 0 || md5s.length === 0) md5s.push(hash.digest('hex'));
  const computed = target.plainMd5 ? md5s[0] : multipartEtag(md5s);
  if (computed !== unquoteEtag(target.etag)) throw new StorageError(`download of ${key}: the bytes received hash to ${computed}, not ${target.etag}`, { key });
  return target.plainMd5 ? 'md5-etag' : 'multipart-etag';
}

async function downloadToWritable(ctx: S3Context, key: string, out: Writable, target: Target, options: DownloadOptions): Promise<DownloadResult> {
  const verify = options.verify !== false;
  const concurrency = options.concurrency ?? ctx.config.concurrency;
  const window = 2 * concurrency;
  const pending = new Map<number, Buffer>();
  const md5s: string[] = [];
  const whole = createHash('md5');
  let cursor = 0;
  let advanced: () => void = () => undefined;
  let flushing: Promise<void> = Promise.resolve();
  const progress = new ProgressMeter(options.onProgress, target.size, target.ranges);
  const flush = async () => {
    while (pending.has(cursor)) {
      const data = pending.get(cursor)!;
      pending.delete(cursor);
      if (verify && target.plainMd5) whole.update(data);
      if (verify && target.aligned) md5s.push(md5Hex(data));
      if (!out.write(data)) await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        out.once('error', onError);
        out.once('drain', () => {
          out.off('error', onError);
          resolve();
        });
      });
      cursor++;
      advanced();
    }
  };
  await runRanges(
    target,
    options,
    () => false,
    async (i, signal) => {
      const data = await fetchRange(ctx, key, target, i, options, signal);
      pending.set(i, data);
      progress.partDone(data.length);
      flushing = flushing.then(flush);
      await flushing;
    },
    concurrency,
    async (i, signal) => {
      while (i >= cursor + window && !signal.aborted) {
        await new Promise<void>((resolve) => {
          advanced = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
    },
  ).catch((error) => {
    if (options.abortSignal?.aborted) throw new AbortedError(`download of ${key} was cancelled`, { bucket: ctx.bucket, key, cause: error });
    throw error;
  });
  await flushing;
  let verifiedBy: DownloadResult['verifiedBy'] = 'size';
  if (verify && target.plainMd5) {
    const computed = whole.digest('hex');
    if (computed !== unquoteEtag(target.etag)) throw new StorageError(`download of ${key}: the bytes received hash to ${computed}, not ${target.etag}`, { bucket: ctx.bucket, key });
    verifiedBy = 'md5-etag';
  } else if (verify && target.aligned) {
    const computed = multipartEtag(md5s);
    if (computed !== unquoteEtag(target.etag)) throw new StorageError(`download of ${key}: the multipart ETag of the bytes received, ${computed}, differs from ${target.etag}`, { bucket: ctx.bucket, key });
    verifiedBy = 'multipart-etag';
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  return { size: target.size, etag: target.etag, versionId: target.versionId, ranges: target.ranges, rangesResumed: 0, verifiedBy };
}

/**
 * Runs `work` for every range not `skip`ped, at most `concurrency` at once (and only once `gate` lets a range start);
 * on the first failure cancels the others, waits for them all, and throws that failure.
 */
async function runRanges(
  target: Target,
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

function rangeLength(target: Target, index: number): number {
  return Math.min(target.size, (index + 1) * target.rangeSize) - index * target.rangeSize;
}

async function writeAt(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
}
