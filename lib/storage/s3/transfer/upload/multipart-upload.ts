/**
 * The upload engine: one PutObject below the threshold, else a parallel, resumable, bounded-memory multipart upload.
 *
 * Memory: at most `concurrency` part buffers are live (plus one being filled from a stream), so peak memory is about
 * `concurrency x partSize` plus a constant, whatever the object size. On an unrecoverable failure every worker is
 * waited for, then the upload is aborted (no orphaned parts) unless `leavePartsOnError`.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { MAX_PARTS } from '../../../../rules/limits';
import { AbortedError, InvalidArgumentError, MultipartUploadError, PreconditionFailedError, StorageError } from '../../../errors';
import type { PutOptions, PutResult } from '../../../types/objects';
import type { PartChecksum, UploadOptions, UploadResult, UploadSource, UploadState, UploadStateStore, UploadedPart } from '../../../types/transfer';
import { compositeChecksum, etagIsMd5Based, md5Hex, multipartEtag, partChecksumOf, unquoteEtag } from '../shared/checksums';
import type { S3Storage } from '../../s3-storage';
import { customerKeyInput } from '../../core/encryption';
import { checksumsOf } from '../../core/mapping';
import { completedEtag } from '../shared/complete-etag';
import { abortUpload, listUploadedParts } from '../shared/uploads-admin';
import { putObject } from '../../objects/operations';
import { DEFAULT_MULTIPART_THRESHOLD_BYTES, PartLayout, fixedLayout, growingLayout, layoutFor, partCountFor, usesMultipart } from '../shared/part-size';
import { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS, ProgressMeter, Slots, linkedController, withRetry } from '../shared/control';
import { JsonFileUploadStateStore, UPLOAD_STATE_SUFFIX } from '../shared/state';
import { SourceReader, openSource } from '../shared/source';
import { assertKey } from '../../core/validation';
import { writeInput } from '../../core/write-input';

/** An upload's state is saved after a part at most this often (and always when the upload stops). */
export const STATE_SAVE_INTERVAL_MS = 500;
/** Part size `put()` uses for a stream of unknown length larger than its buffer. */
export const STREAM_PART_SIZE_BYTES = 8 * 1024 * 1024;

type CompletedPart = UploadedPart & { readonly checksumAlgorithm?: PartChecksum };

interface Plan {
  readonly uploadId: string;
  readonly layout: PartLayout;
  readonly layoutKind: 'fixed' | 'growing';
  readonly partSizeBytes: number;
  readonly createdAt: string;
  /** Parts confirmed uploaded (by the state and ListParts): never sent again. */
  readonly done: Map<number, CompletedPart>;
  /** Parts ListParts shows that the state does not vouch for: kept if the source's bytes hash to their ETag. */
  readonly candidates: Map<number, { etag: string; size: number }>;
}

/** `storage.upload`: see {@link UploadOptions}. */
export async function uploadObject(storage: S3Storage, key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  return runUpload(storage, key, source, options);
}

/** `storage.resumeUpload`: continues `uploadId` from what ListParts shows, checking kept parts against the source's bytes. */
export async function resumeUpload(storage: S3Storage, uploadId: string, key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  if (typeof uploadId !== 'string' || uploadId.length === 0) throw new InvalidArgumentError('uploadId: must be a non-empty string', { field: 'uploadId' });
  return runUpload(storage, key, source, options, uploadId);
}

/**
 * Multipart upload of a stream of unknown length for `put()`: `head` holds the bytes already read, `rest` the
 * remainder. Fixed 8 MiB parts, sent in parallel; aborted on failure.
 */
export async function uploadFromIterator(storage: S3Storage, key: string, head: Buffer, rest: AsyncIterator<Uint8Array | string>, options: PutOptions): Promise<PutResult> {
  async function* joined(): AsyncIterable<Uint8Array | string> {
    yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  const { contentLength: _ignored, ...rest2 } = options;
  const result = await runUpload(storage, key, joined(), { ...rest2, partSizeBytes: STREAM_PART_SIZE_BYTES, multipartThresholdBytes: 0, resume: false, verify: false });
  return { etag: result.etag, versionId: result.versionId, size: result.size, checksums: result.checksums, serverSideEncryption: result.serverSideEncryption };
}

function assertUploadOptions(options: UploadOptions): void {
  const positiveInt = (field: keyof UploadOptions, min: number) => {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min)) {
      throw new InvalidArgumentError(`${field}: must be an integer >= ${min} (got ${String(value)})`, { field });
    }
  };
  positiveInt('multipartThresholdBytes', 0);
  positiveInt('concurrency', 1);
  positiveInt('maxPartAttempts', 1);
  positiveInt('retryBaseDelayMs', 0);
  positiveInt('sizeBytes', 0);
  if (options.partChecksum !== undefined && !['CRC32', 'CRC32C', 'MD5', 'NONE'].includes(options.partChecksum)) {
    throw new InvalidArgumentError(`partChecksum: must be CRC32, CRC32C, MD5 or NONE (got ${String(options.partChecksum)})`, { field: 'partChecksum' });
  }
}

async function runUpload(storage: S3Storage, key: string, source: UploadSource, requested: UploadOptions, explicitUploadId?: string): Promise<UploadResult> {
  assertKey(key);
  assertUploadOptions(requested);
  // A store that needs equal parts (compatibility profile, e.g. Cloudflare R2) gets them unless the caller said otherwise.
  const profile = await storage.compatibilityProfile();
  const options: UploadOptions = profile?.requiresEqualParts && requested.equalParts === undefined ? { ...requested, equalParts: true } : requested;
  const reader = await openSource(source, options.sizeBytes);
  try {
    const threshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
    if (explicitUploadId === undefined && reader.size !== undefined && !usesMultipart(reader.size, threshold)) {
      return await singlePut(storage, key, reader, options);
    }
    let first: { data: Buffer; ended: boolean } | undefined;
    if (explicitUploadId === undefined && reader.size === undefined) {
      // A stream that ends within its first part goes in one PutObject.
      first = await reader.readNext(layoutFor(undefined, options).partSize(1));
      if (first.ended && first.data.length <= threshold) return await singlePutBytes(storage, key, first.data, options);
    }
    return await new MultipartUpload(storage, key, reader, options, first).run(explicitUploadId);
  } finally {
    await reader.close();
  }
}

async function singlePut(storage: S3Storage, key: string, reader: SourceReader, options: UploadOptions): Promise<UploadResult> {
  if (reader.filePath === undefined) return singlePutBytes(storage, key, await reader.readPart(0, reader.size ?? 0), options);
  const put = await putObject(storage, key, { filePath: reader.filePath }, putOptionsOf(options));
  return { ...put, partsCount: 1, partsResumed: 0, verifiedBy: 'none' };
}

async function singlePutBytes(storage: S3Storage, key: string, data: Buffer, options: UploadOptions): Promise<UploadResult> {
  const put = await putObject(storage, key, data, putOptionsOf(options));
  const md5Based = etagIsMd5Based(put.serverSideEncryption, options.encryption?.type === 'SSE-C' ? 'AES256' : undefined);
  if (options.verify !== false && md5Based && unquoteEtag(put.etag) !== md5Hex(data)) {
    throw new StorageError(`upload of ${key}: the stored object's ETag ${put.etag} is not the MD5 of the bytes sent`, { bucket: storage.bucket, key });
  }
  return { ...put, partsCount: 1, partsResumed: 0, verifiedBy: options.verify !== false && md5Based ? 'md5-etag' : 'none' };
}

function putOptionsOf(options: UploadOptions): PutOptions {
  const { abortSignal, contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata, tags, acl, storageClass } = options;
  const { checksumAlgorithm, objectLockMode, objectLockRetainUntil, objectLockLegalHold, ifNoneMatch, ifMatch, encryption, websiteRedirectLocation } = options;
  return { abortSignal, contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata, tags, acl, storageClass, checksumAlgorithm, objectLockMode, objectLockRetainUntil, objectLockLegalHold, ifNoneMatch, ifMatch, encryption, websiteRedirectLocation };
}

class MultipartUpload {
  private readonly partChecksum: PartChecksum;
  private readonly sseC: ReturnType<typeof customerKeyInput>;
  private readonly md5Based: boolean;
  private readonly store?: UploadStateStore;
  private readonly concurrency: number;
  private saveChain: Promise<unknown> = Promise.resolve();
  /** Parts found uploaded already and not sent again. */
  private resumed = 0;
  /** The part whose failure stopped the upload. */
  private failedPartNumber?: number;
  private lastSave = 0;

  public constructor(
    private readonly storage: S3Storage,
    private readonly key: string,
    private readonly reader: SourceReader,
    private readonly options: UploadOptions,
    private readonly first: { data: Buffer; ended: boolean } | undefined,
  ) {
    // CRC32 where the store takes flexible checksums (cheap, and the composite checksum verifies the object);
    // Content-MD5, which every S3-compatible store checks, elsewhere.
    this.partChecksum = options.partChecksum ?? (storage.config.checksumPolicy === 'WHEN_SUPPORTED' ? 'CRC32' : 'MD5');
    this.sseC = options.encryption?.type === 'SSE-C' ? customerKeyInput(options.encryption.customerKey) : {};
    this.md5Based = etagIsMd5Based(sseTypeOf(options), this.sseC.SSECustomerAlgorithm);
    this.store = options.stateStore ?? (reader.filePath !== undefined ? new JsonFileUploadStateStore(reader.filePath + UPLOAD_STATE_SUFFIX) : undefined);
    this.concurrency = options.concurrency ?? storage.config.concurrency;
  }

  private get fingerprint(): UploadState['source'] {
    return { ...this.reader.fingerprint, id: this.options.sourceId };
  }

  public async run(explicitUploadId?: string): Promise<UploadResult> {
    const plan = await this.plan(explicitUploadId);
    const { controller, dispose } = linkedController(this.options.abortSignal);
    try {
      const parts = await this.sendParts(plan, controller);
      return await this.complete(plan, parts);
    } catch (error) {
      controller.abort();
      throw await this.fail(plan, error);
    } finally {
      dispose();
    }
  }

  /** Finds or creates the upload, and what of it is already done. */
  private async plan(explicitUploadId?: string): Promise<Plan> {
    const { bucket } = this.storage;
    const saved = this.store && this.options.resume !== false ? await this.store.load(bucket, this.key) : undefined;
    const usable = saved && (explicitUploadId === undefined || saved.uploadId === explicitUploadId) ? saved : undefined;
    if (usable) {
      const changed = describeChange(usable.source, this.fingerprint);
      if (changed) {
        throw new PreconditionFailedError(
          `upload of ${this.key}: the source changed since upload ${usable.uploadId} began (${changed}); refusing to resume. Abort it with abortIncompleteUploads() or pass resume: false`,
          { bucket, key: this.key },
        );
      }
    } else if (saved && explicitUploadId === undefined && this.options.resume === false) {
      await this.store?.remove(bucket, this.key);
    }
    const uploadId = explicitUploadId ?? usable?.uploadId;
    if (uploadId !== undefined) {
      const listed = await listUploadedParts(this.storage, this.key, uploadId, this.options.abortSignal).catch((error: unknown) => {
        if (explicitUploadId === undefined && error instanceof MultipartUploadError && error.s3Code === 'NoSuchUpload') return undefined;
        throw error;
      });
      if (listed) return this.reconcile(uploadId, usable, listed);
      await this.store?.remove(bucket, this.key);
    }
    return this.create();
  }

  private reconcile(uploadId: string, saved: UploadState | undefined, listed: Map<number, { etag: string; size: number }>): Plan {
    let layoutKind: 'fixed' | 'growing';
    let partSizeBytes: number;
    if (saved) {
      layoutKind = saved.layout;
      partSizeBytes = saved.partSizeBytes;
    } else if (this.options.partSizeBytes !== undefined || listed.size === 0 || this.reader.size === undefined) {
      const layout = layoutFor(this.reader.size, this.options);
      layoutKind = layout.equalParts ? 'fixed' : 'growing';
      partSizeBytes = this.options.partSizeBytes ?? layout.partSize(1);
    } else {
      // No state: the first listed part that is not the last shows the part size.
      const sizes = [...listed.entries()].sort((a, b) => a[0] - b[0]);
      layoutKind = 'fixed';
      partSizeBytes = sizes[0][1].size;
      if (sizes[0][0] !== 1 || partCountFor(this.reader.size, partSizeBytes) < sizes[sizes.length - 1][0]) {
        throw new MultipartUploadError(`resumeUpload: cannot infer the part size of upload ${uploadId}; pass partSizeBytes`, { uploadId, key: this.key, bucket: this.storage.bucket });
      }
    }
    const layout = layoutKind === 'fixed' ? fixedLayout(partSizeBytes) : growingLayout(partSizeBytes);
    const done = new Map<number, CompletedPart>();
    const candidates = new Map<number, { etag: string; size: number }>();
    const savedParts = new Map((saved?.parts ?? []).map((p) => [p.partNumber, p]));
    for (const [partNumber, part] of listed) {
      const mine = savedParts.get(partNumber);
      if (mine && unquoteEtag(mine.etag) === unquoteEtag(part.etag) && mine.size === part.size) done.set(partNumber, mine);
      else candidates.set(partNumber, part);
    }
    return { uploadId, layout, layoutKind, partSizeBytes, createdAt: saved?.createdAt ?? new Date().toISOString(), done, candidates };
  }

  private async create(): Promise<Plan> {
    const layout = layoutFor(this.reader.size, this.options);
    const flexible = this.partChecksum === 'CRC32' || this.partChecksum === 'CRC32C' ? this.partChecksum : undefined;
    const created = await withRetry(
      () =>
        this.storage.send(
          new CreateMultipartUploadCommand({
            Bucket: this.storage.bucket,
            Key: this.key,
            ChecksumAlgorithm: flexible ?? this.options.checksumAlgorithm,
            RequestPayer: this.storage.requestPayer,
            ...writeInput(this.options),
          }),
          { key: this.key, abortSignal: this.options.abortSignal },
        ),
      this.retryOptions(this.options.abortSignal),
    );
    if (!created.UploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: this.storage.bucket, key: this.key });
    const plan: Plan = {
      uploadId: created.UploadId,
      layout,
      layoutKind: layout.equalParts ? 'fixed' : 'growing',
      partSizeBytes: layout.partSize(1),
      createdAt: new Date().toISOString(),
      done: new Map(),
      candidates: new Map(),
    };
    await this.saveState(plan, true);
    return plan;
  }

  private retryOptions(signal: AbortSignal | undefined) {
    return { maxAttempts: this.options.maxPartAttempts ?? DEFAULT_MAX_PART_ATTEMPTS, baseDelayMs: this.options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS, signal };
  }

  /**
   * Saves the state: at once when `force`d, else at most every {@link STATE_SAVE_INTERVAL_MS} (a part missing from
   * the state is still found by ListParts on resume and checked against the source's bytes).
   */
  private saveState(plan: Plan, force = false): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    const now = Date.now();
    if (!force && now - this.lastSave < STATE_SAVE_INTERVAL_MS) return Promise.resolve();
    this.lastSave = now;
    const state: UploadState = {
      version: 1,
      bucket: this.storage.bucket,
      key: this.key,
      uploadId: plan.uploadId,
      partSizeBytes: plan.partSizeBytes,
      layout: plan.layoutKind,
      partChecksum: this.partChecksum,
      source: this.fingerprint,
      parts: parts(plan),
      createdAt: plan.createdAt,
    };
    const next = this.saveChain.catch(() => undefined).then(() => store.save(state));
    this.saveChain = next;
    return next;
  }

  /** Sends every missing part, at most `concurrency` at once; throws the first unrecoverable failure after all settle. */
  private async sendParts(plan: Plan, controller: AbortController): Promise<CompletedPart[]> {
    const signal = controller.signal;
    const size = this.reader.size;
    const totalParts = size !== undefined ? partCountFor(size, plan.partSizeBytes) : undefined;
    if (size !== undefined && plan.layout.equalParts && plan.partSizeBytes * MAX_PARTS < size) {
      throw new InvalidArgumentError(`upload of ${size} bytes does not fit ${MAX_PARTS} parts of ${plan.partSizeBytes} bytes`, { field: 'partSizeBytes' });
    }
    this.resumed = plan.done.size;
    const resumedBytes = [...plan.done.values()].reduce((sum, p) => sum + p.size, 0);
    const progress = new ProgressMeter(this.options.onProgress, size, totalParts, { bytes: resumedBytes, parts: plan.done.size });
    const slots = new Slots(this.concurrency);
    const inflight = new Set<Promise<void>>();
    let failure: unknown;
    let first = this.first;
    const fail = (error: unknown, partNumber?: number) => {
      if (failure === undefined) {
        failure = error;
        this.failedPartNumber = partNumber;
      }
      // Parts in flight are cancelled, unless they are to be kept for a resume.
      if (!this.options.leavePartsOnError) controller.abort();
    };

    for (let partNumber = 1; failure === undefined && !signal.aborted; partNumber++) {
      if (totalParts !== undefined && partNumber > totalParts) break;
      const offset = plan.layout.offset(partNumber);
      const partSize = totalParts !== undefined ? Math.min(plan.layout.partSize(partNumber), size! - offset) : plan.layout.partSize(partNumber);
      if (this.reader.randomAccess && plan.done.has(partNumber)) continue;
      await slots.acquire();
      if (failure !== undefined || signal.aborted) {
        slots.release();
        break;
      }
      let data: Buffer;
      let ended = false;
      try {
        if (this.reader.randomAccess) data = await this.reader.readPart(offset, partSize);
        else {
          const next = first ?? (await this.reader.readNext(partSize));
          first = undefined;
          ({ data, ended } = next);
          if (size !== undefined && (data.length !== partSize || (partNumber === totalParts) !== ended)) {
            throw new InvalidArgumentError(`sizeBytes: the stream's length differs from the declared ${size} bytes`, { field: 'sizeBytes' });
          }
        }
      } catch (error) {
        slots.release();
        fail(error);
        break;
      }
      if (data.length === 0 && partNumber > 1) {
        this.reader.release(data);
        slots.release();
        break;
      }
      if (!this.reader.randomAccess && plan.done.has(partNumber)) {
        // A stream re-read on resume: check the part here, before any later part is sent.
        try {
          this.checkKeptPart(plan, partNumber, data);
        } catch (error) {
          fail(error, partNumber);
          break;
        } finally {
          this.reader.release(data);
          slots.release();
        }
        if (ended) break;
        continue;
      }
      if (partNumber > MAX_PARTS) {
        this.reader.release(data);
        slots.release();
        fail(new MultipartUploadError(`the stream does not fit in ${MAX_PARTS} parts (${plan.layout.capacityBytes} bytes with this layout)`, { uploadId: plan.uploadId, key: this.key }));
        break;
      }
      const task = this.sendPart(plan, partNumber, data, signal)
        .then(async (part) => {
          if (part) {
            plan.done.set(partNumber, part);
            await this.saveState(plan);
            progress.partDone(part.size);
          }
        })
        .catch((error) => fail(error, partNumber))
        .finally(() => {
          this.reader.release(data);
          slots.release();
          inflight.delete(task);
        });
      inflight.add(task);
      if (ended) break;
    }
    await Promise.all([...inflight]);
    if (failure !== undefined) throw failure;
    if (this.options.abortSignal?.aborted) throw new AbortedError(`upload of ${this.key} was cancelled (upload ${plan.uploadId})`, { bucket: this.storage.bucket, key: this.key });
    return parts(plan);
  }

  /** A stream's part that was uploaded before: its bytes must be the ones sent then, else the source changed. */
  private checkKeptPart(plan: Plan, partNumber: number, data: Buffer): void {
    const kept = plan.done.get(partNumber)!;
    const changed =
      (kept.md5 !== undefined && kept.md5 !== md5Hex(data)) ||
      (kept.md5 === undefined && kept.checksum !== undefined && kept.checksum !== partChecksumOf(this.partChecksum, data)) ||
      kept.size !== data.length;
    if (changed) {
      throw new PreconditionFailedError(`upload of ${this.key}: part ${partNumber} of the source differs from the part uploaded before; the source changed`, {
        bucket: this.storage.bucket,
        key: this.key,
      });
    }
  }

  /** Sends one part with retries; for a part ListParts already shows, only checks that the source still hashes to its ETag. */
  private async sendPart(plan: Plan, partNumber: number, data: Buffer, signal: AbortSignal): Promise<CompletedPart | undefined> {
    // MD5 is the costliest step on a small machine: computed for Content-MD5, or to verify the multipart ETag when
    // no flexible checksum does the job.
    const md5 = this.partChecksum === 'MD5' || (this.partChecksum === 'NONE' && this.md5Based && this.options.verify !== false) ? md5Hex(data) : undefined;
    const candidate = plan.candidates.get(partNumber);
    if (candidate && md5 && this.md5Based && unquoteEtag(candidate.etag) === md5 && candidate.size === data.length) {
      this.resumed++;
      return { partNumber, etag: candidate.etag, size: data.length, md5 };
    }
    const checksum = partChecksumOf(this.partChecksum, data);
    const checksumField = this.partChecksum === 'CRC32' ? { ChecksumCRC32: checksum } : this.partChecksum === 'CRC32C' ? { ChecksumCRC32C: checksum } : {};
    const out = await withRetry(async () => {
      const result = await this.storage.send(
        new UploadPartCommand({
          Bucket: this.storage.bucket,
          Key: this.key,
          UploadId: plan.uploadId,
          PartNumber: partNumber,
          Body: data,
          ContentLength: data.length,
          ContentMD5: this.partChecksum === 'MD5' ? Buffer.from(md5!, 'hex').toString('base64') : undefined,
          ChecksumAlgorithm: checksum ? (this.partChecksum as 'CRC32' | 'CRC32C') : undefined,
          ...checksumField,
          RequestPayer: this.storage.requestPayer,
          ...this.sseC,
        }),
        { key: this.key, uploadId: plan.uploadId, partNumber, abortSignal: signal },
      );
      if (md5 && this.md5Based && this.options.verify !== false && result.ETag && unquoteEtag(result.ETag) !== md5) {
        throw new MultipartUploadError(`part ${partNumber}: the store's ETag ${result.ETag} is not the MD5 of the bytes sent`, {
          uploadId: plan.uploadId,
          partNumber,
          key: this.key,
          bucket: this.storage.bucket,
          retryable: true,
        });
      }
      return result;
    }, this.retryOptions(signal));
    if (!out.ETag) throw new MultipartUploadError(`UploadPart ${partNumber} returned no ETag`, { uploadId: plan.uploadId, partNumber, key: this.key, bucket: this.storage.bucket });
    return { partNumber, etag: out.ETag, size: data.length, md5, checksum: checksum ?? checksumsOf(out)[this.partChecksum as 'CRC32'], checksumAlgorithm: this.partChecksum };
  }

  private async complete(plan: Plan, done: CompletedPart[]): Promise<UploadResult> {
    const flexible = this.partChecksum === 'CRC32' || this.partChecksum === 'CRC32C' ? this.partChecksum : undefined;
    const completed = await withRetry(
      () =>
        this.storage.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.storage.bucket,
            Key: this.key,
            UploadId: plan.uploadId,
            MultipartUpload: {
              Parts: done.map((p) => ({
                PartNumber: p.partNumber,
                ETag: p.etag,
                ...(flexible === 'CRC32' && p.checksum ? { ChecksumCRC32: p.checksum } : {}),
                ...(flexible === 'CRC32C' && p.checksum ? { ChecksumCRC32C: p.checksum } : {}),
              })),
            },
            IfNoneMatch: this.options.ifNoneMatch,
            IfMatch: this.options.ifMatch,
            RequestPayer: this.storage.requestPayer,
            ...this.sseC,
          }),
          { key: this.key, uploadId: plan.uploadId, abortSignal: this.options.abortSignal },
        ),
      this.retryOptions(this.options.abortSignal),
    );
    const size = done.reduce((sum, p) => sum + p.size, 0);
    const finalEtag = await completedEtag(this.storage, this.key, completed, this.sseC, this.options.abortSignal);
    let verifiedBy: UploadResult['verifiedBy'] = 'none';
    if (this.options.verify !== false) {
      const etag = unquoteEtag(finalEtag);
      const md5s = done.map((p) => p.md5);
      if (etagIsMd5Based(completed.ServerSideEncryption, this.sseC.SSECustomerAlgorithm) && this.md5Based && md5s.every((m): m is string => m !== undefined)) {
        const expected = multipartEtag(md5s);
        if (etag !== expected) throw new MultipartUploadError(`upload of ${this.key}: the completed object's ETag ${etag} differs from ${expected}, computed from the parts sent`, { uploadId: plan.uploadId, key: this.key, bucket: this.storage.bucket });
        verifiedBy = 'multipart-etag';
      }
      const reported = flexible ? checksumsOf(completed)[flexible] : undefined;
      if (flexible && reported && done.every((p) => p.checksum)) {
        const expected = compositeChecksum(flexible, done.map((p) => p.checksum!));
        if (reported.includes('-') && reported !== expected) {
          throw new MultipartUploadError(`upload of ${this.key}: the composite ${flexible} ${reported} differs from ${expected}, computed from the parts sent`, { uploadId: plan.uploadId, key: this.key, bucket: this.storage.bucket });
        }
        if (reported.includes('-')) verifiedBy = 'composite-checksum';
      }
    }
    await this.saveChain.catch(() => undefined);
    await this.store?.remove(this.storage.bucket, this.key);
    return {
      etag: finalEtag,
      versionId: completed.VersionId,
      size,
      checksums: checksumsOf(completed),
      serverSideEncryption: completed.ServerSideEncryption,
      uploadId: plan.uploadId,
      partsCount: done.length,
      partsResumed: this.resumed,
      verifiedBy,
    };
  }

  /** After a failure: abort the upload (or keep it resumable), and return the error to throw. */
  private async fail(plan: Plan, error: unknown): Promise<unknown> {
    const cancelled = this.options.abortSignal?.aborted === true;
    const keep = cancelled ? this.options.leaveResumableOnAbort === true : this.options.leavePartsOnError === true;
    await this.saveChain.catch(() => undefined);
    if (keep) {
      await this.saveState(plan, true).catch(() => undefined);
    } else {
      await abortUpload(this.storage, this.key, plan.uploadId).catch(() => undefined);
      await this.store?.remove(this.storage.bucket, this.key).catch(() => undefined);
    }
    const suffix = keep ? `; upload ${plan.uploadId} is kept for a resume` : `; upload ${plan.uploadId} was aborted`;
    if (cancelled) return new AbortedError(`upload of ${this.key} was cancelled${suffix}`, { bucket: this.storage.bucket, key: this.key, cause: error });
    if (error instanceof MultipartUploadError) return error;
    if (error instanceof StorageError && !(error instanceof AbortedError)) {
      return new MultipartUploadError(`upload of ${this.key} failed: ${error.message}${suffix}`, {
        cause: error,
        uploadId: plan.uploadId,
        partNumber: this.failedPartNumber,
        key: this.key,
        bucket: this.storage.bucket,
        s3Code: error.s3Code,
        httpStatus: error.httpStatus,
        requestId: error.requestId,
      });
    }
    return new MultipartUploadError(`upload of ${this.key} failed: ${(error as Error)?.message ?? String(error)}${suffix}`, {
      cause: error,
      uploadId: plan.uploadId,
      partNumber: this.failedPartNumber,
      key: this.key,
      bucket: this.storage.bucket,
    });
  }
}

function parts(plan: Plan): CompletedPart[] {
  return [...plan.done.values()].sort((a, b) => a.partNumber - b.partNumber);
}

function sseTypeOf(options: UploadOptions): string | undefined {
  switch (options.encryption?.type) {
    case undefined:
      return undefined;
    case 'SSE-S3':
      return 'AES256';
    case 'SSE-KMS':
      return 'aws:kms';
    case 'DSSE-KMS':
      return 'aws:kms:dsse';
    case 'SSE-C':
      return undefined;
  }
}

/** Why a source no longer matches its fingerprint, or undefined when it does. */
function describeChange(before: UploadState['source'], now: UploadState['source']): string | undefined {
  if (before.id !== now.id) return `source id ${String(before.id)} -> ${String(now.id)}`;
  if (before.size !== now.size) return `size ${String(before.size)} -> ${String(now.size)}`;
  if (before.mtimeMs !== now.mtimeMs) return `modified at ${new Date(now.mtimeMs ?? 0).toISOString()}`;
  return undefined;
}
