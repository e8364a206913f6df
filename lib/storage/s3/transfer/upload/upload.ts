/**
 * The upload engine: one PutObject below the threshold, else a parallel, resumable, bounded-memory multipart upload.
 *
 * Memory: at most `concurrency` part buffers are live (plus one being filled from a stream), so peak memory is about
 * `concurrency x partSize` plus a constant, whatever the object size. On an unrecoverable failure every worker is
 * waited for, then the upload is aborted (no orphaned parts) unless `leavePartsOnError`.
 */
import { CHECKSUM_ALGORITHMS, isChecksumAlgorithm } from '../../../../rules/checksums';
import { AbortedError, IntegrityError, InvalidArgumentError } from '../../../errors';
import type { PutOptions, PutResult } from '../../../types/objects';
import type { UploadOptions, UploadResult, UploadSource } from '../../../types/transfer';
import { hashPoolOf } from '../../core/hashing/hash-pool';
import { PART_CHECKSUMS, etagIsMd5Based, flexibleOf, md5Hex, resolvePartChecksum, unquoteEtag } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import { planPut, putObject } from '../../objects/put';
import { openFileRange } from '../../objects/body';
import { ProgressMeter } from '../shared/control';
import { Transform, pipeline } from 'node:stream';
import { DEFAULT_MULTIPART_THRESHOLD_BYTES, layoutFor, usesMultipart } from '../shared/part-size';
import { STREAM_PART_SIZE_BYTES } from '../shared/defaults';
import { SourceReader, assertDeclaredSize, openSource, readWhole } from '../shared/source';
import { assertKey, assertStorageClass } from '../../core/validation';
import { assertWriteSupported } from '../../core/capabilities';
import { customerKeyInput, customerKeyOf } from '../../core/encryption';
import { checkStored, mayBeStoredSuffix, storedIdentity } from '../shared/settle';
import { md5OfFile } from '../shared/file-hash';
import { UploadJob } from './job';
import { runMultipartUpload } from './multipart-upload';

/** `ctx.upload`: see {@link UploadOptions}. */
export async function uploadObject(ctx: S3Context, key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  return runUpload(ctx, key, source, options);
}

/** `ctx.resumeUpload`: continues `uploadId` from what ListParts shows, checking kept parts against the source's bytes. */
export async function resumeUpload(ctx: S3Context, uploadId: string, key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  if (typeof uploadId !== 'string' || uploadId.length === 0) throw new InvalidArgumentError('uploadId: must be a non-empty string', { field: 'uploadId' });
  return runUpload(ctx, key, source, options, uploadId);
}

/**
 * Multipart upload of a stream of unknown length for `put()`: `head` holds the bytes already read, `rest` the
 * remainder. Fixed 8 MiB parts, sent in parallel; aborted on failure.
 */
export async function uploadFromIterator(
  ctx: S3Context,
  key: string,
  head: Buffer,
  rest: AsyncIterator<Uint8Array | string>,
  options: PutOptions,
): Promise<PutResult> {
  async function* joined(): AsyncIterable<Uint8Array | string> {
    yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  const { contentLength: _ignored, ...rest2 } = options;
  const result = await runUpload(ctx, key, joined(), {
    ...rest2,
    partSizeBytes: STREAM_PART_SIZE_BYTES,
    multipartThresholdBytes: 0,
    resume: false,
    verify: false,
  });
  return { etag: result.etag, versionId: result.versionId, size: result.size, checksums: result.checksums, serverSideEncryption: result.serverSideEncryption };
}

function assertUploadOptions(options: UploadOptions): void {
  assertStorageClass(options.storageClass);
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
  if (options.partChecksum !== undefined && !PART_CHECKSUMS.includes(options.partChecksum)) {
    throw new InvalidArgumentError(`partChecksum: must be one of ${PART_CHECKSUMS.join(', ')} (got ${String(options.partChecksum)})`, {
      field: 'partChecksum',
    });
  }
  if (options.checksumAlgorithm !== undefined && !isChecksumAlgorithm(options.checksumAlgorithm)) {
    throw new InvalidArgumentError(`checksumAlgorithm: must be one of ${CHECKSUM_ALGORITHMS.join(', ')} (got ${String(options.checksumAlgorithm)})`, {
      field: 'checksumAlgorithm',
    });
  }
  // A checksumAlgorithm that the parts could not carry is refused here, before any request.
  resolvePartChecksum(options, 'WHEN_REQUIRED');
}

async function runUpload(ctx: S3Context, key: string, source: UploadSource, requested: UploadOptions, explicitUploadId?: string): Promise<UploadResult> {
  assertKey(key);
  assertUploadOptions(requested);
  // A store that needs equal parts (compatibility profile, e.g. Cloudflare R2) gets them unless the caller said otherwise.
  const profile = await ctx.compatibilityProfile();
  // The class is checked before any request on both paths (the multipart one sends no PutObject to check it).
  assertWriteSupported(profile, { storageClass: requested.storageClass });
  const options: UploadOptions = profile?.requiresEqualParts && requested.equalParts === undefined ? { ...requested, equalParts: true } : requested;
  const reader = await openSource(source, options.sizeBytes);
  try {
    assertDeclaredSize(reader, options.sizeBytes);
    const threshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
    if (explicitUploadId === undefined && reader.size !== undefined && !usesMultipart(reader.size, threshold)) {
      return await singlePut(ctx, key, reader, options);
    }
    let first: { data: Buffer; ended: boolean } | undefined;
    if (explicitUploadId === undefined && reader.size === undefined) {
      // A stream that ends within its first part goes in one PutObject.
      first = await reader.readNext(layoutFor(undefined, options).partSize(1));
      if (first.ended && first.data.length <= threshold) return await singlePutBytes(ctx, key, first.data, options);
    }
    // A profile that knows the store has no flexible checksums spares the CRC32 negotiation (checksum-negotiation.ts).
    const noFlexibleChecksums = profile?.unsupported.has('flexibleChecksums') === true;
    return await runMultipartUpload(new UploadJob(ctx, key, reader, options, first, noFlexibleChecksums), explicitUploadId);
  } finally {
    await reader.close();
  }
}

async function singlePut(ctx: S3Context, key: string, reader: SourceReader, options: UploadOptions): Promise<UploadResult> {
  // Bytes are sliced; a stream of declared length is read whole (at most the threshold) and checked against it.
  if (reader.filePath === undefined) return singlePutBytes(ctx, key, await readWhole(reader, reader.size ?? 0), options);
  // The file is streamed (memory stays bounded); its MD5 is taken on the hash pool from a second read of the file while
  // the PUT runs, and the ETag checked against it, as for bytes. A file changed meanwhile fails the check.
  const size = reader.size ?? 0;
  const md5 = options.verify !== false ? md5OfFile(hashPoolOf(ctx), reader.filePath, size) : undefined;
  md5?.catch(() => undefined);
  const meter = new ProgressMeter(options.onProgress, size, 1);
  const put =
    options.onProgress === undefined
      ? await putObject(ctx, key, { filePath: reader.filePath }, putOptionsOf(options))
      : await putCountingFile(ctx, key, reader.filePath, size, meter, options);
  const result = await checkedSinglePut(ctx, key, put, md5, options);
  meter.partDone(size);
  return result;
}

/**
 * PutObject of a file whose bytes are counted as the request reads them, so that `onProgress` moves while the one
 * request runs (at most every IN_FLIGHT_REPORT_MS), not only once it is answered. A read error of the file ends the
 * request as it would without the count.
 */
async function putCountingFile(ctx: S3Context, key: string, filePath: string, size: number, meter: ProgressMeter, options: UploadOptions): Promise<PutResult> {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      meter.bytesInFlight(chunk.length);
      done(null, chunk);
    },
  });
  // pipeline() passes a read error of the file on to `counted` (destroyed with it), which the PUT's guard reports.
  pipeline(openFileRange(filePath), counted, () => undefined);
  try {
    const plan = await planPut(ctx, key, counted, { ...putOptionsOf(options), contentLength: size });
    if (plan.kind !== 'single') throw new InvalidArgumentError('source: a file of known size was expected', { field: 'source' });
    return await plan.send();
  } finally {
    // Read to the end on success; otherwise closes the file (pipeline() destroys the read stream with it).
    counted.destroy();
  }
}

async function singlePutBytes(ctx: S3Context, key: string, data: Buffer, options: UploadOptions): Promise<UploadResult> {
  const signal = options.abortSignal;
  const sentBeforeCancel = signal?.aborted !== true;
  // The MD5 the ETag is checked against, taken on the hash pool (a copy: the bytes are the caller's) while the PUT runs.
  const md5 = options.verify !== false ? hashPoolOf(ctx).digest('MD5', data) : undefined;
  md5?.catch(() => undefined);
  const put = await putObject(ctx, key, data, putOptionsOf(options)).catch((error: unknown) => {
    if (!(error instanceof AbortedError) || !sentBeforeCancel) throw error;
    return settleCancelledPut(ctx, key, data, options, error);
  });
  if ('partsCount' in put) return put;
  const result = await checkedSinglePut(
    ctx,
    key,
    put,
    md5?.then((d) => d.digest.toString('hex')),
    options,
  );
  new ProgressMeter(options.onProgress, data.length, 1).partDone(data.length);
  return result;
}

/**
 * The result of an upload in one PutObject, once its ETag was checked against `md5` (hex) where the ETag is the MD5
 * of the bytes (not SSE-KMS or SSE-C): `verifiedBy: 'md5-etag'`; else `'none'`.
 * @throws IntegrityError (`md5-etag`) when the stored object's ETag is not the MD5 of the bytes sent
 */
async function checkedSinglePut(ctx: S3Context, key: string, put: PutResult, md5: Promise<string> | undefined, options: UploadOptions): Promise<UploadResult> {
  const md5Based = etagIsMd5Based(put.serverSideEncryption, options.encryption?.type === 'SSE-C' ? 'AES256' : undefined);
  const sent = md5 && md5Based ? await md5 : undefined;
  if (sent !== undefined && unquoteEtag(put.etag) !== sent) {
    throw new IntegrityError(`upload of ${key}: the stored object's ETag ${put.etag} is not the MD5 of the bytes sent`, {
      check: 'md5-etag',
      expected: sent,
      actual: unquoteEtag(put.etag),
      bucket: ctx.bucket,
      key,
    });
  }
  return { ...put, partsCount: 1, partsResumed: 0, verifiedBy: options.verify !== false && md5Based ? 'md5-etag' : 'none' };
}

/** Pauses before the HEADs that confirm a cancelled PutObject stored nothing: 1.4 s in all. */
const CANCELLED_PUT_SETTLE_MS = [200, 400, 800] as const;

/**
 * A PutObject cancelled after it was sent may have stored the object (the store answered, but the answer was not
 * read). HEAD tells: the object holds these bytes (its MD5 ETag) -> resolve; it does not -> AbortedError "nothing
 * stored" once it stays absent through {@link CANCELLED_PUT_SETTLE_MS}; cannot tell (a non-MD5 ETag) -> AbortedError
 * that says the object may be stored.
 */
async function settleCancelledPut(ctx: S3Context, key: string, data: Buffer, options: UploadOptions, error: AbortedError): Promise<UploadResult> {
  const sseC = options.encryption?.type === 'SSE-C' ? customerKeyInput(customerKeyOf(options.encryption)) : {};
  const expected = { etag: md5Hex(data) };
  let verdict = await checkStored(ctx, key, expected, sseC);
  // A store that had the whole body when the connection closed may still commit it a moment later (seen on Ceph
  // RGW): "nothing stored" is said only after the object has stayed absent through the settle window.
  for (const delay of CANCELLED_PUT_SETTLE_MS) {
    if (verdict.stored !== 'no') break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    verdict = await checkStored(ctx, key, expected, sseC);
  }
  if (verdict.stored === 'yes') {
    const { head } = verdict;
    return {
      ...storedIdentity(head),
      size: data.length,
      checksums: {},
      serverSideEncryption: head.ServerSideEncryption,
      partsCount: 1,
      partsResumed: 0,
      verifiedBy: 'md5-etag',
    };
  }
  const suffix = verdict.stored === 'no' ? `; ${key} does not hold its bytes: nothing was stored` : mayBeStoredSuffix(key, verdict.reason);
  throw new AbortedError(`upload of ${key} was cancelled${suffix}`, { bucket: ctx.bucket, key, cause: error });
}

/**
 * The PutObject options of an upload that goes in one request. A flexible `partChecksum` (CRC32, CRC32C, SHA1, SHA256,
 * CRC64NVME) is the object's checksum then, as it would be each part's: asked for, it is never silently dropped.
 */
function putOptionsOf(options: UploadOptions): PutOptions {
  const { abortSignal, contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage, expires, metadata, tags, acl, storageClass } = options;
  const { checksumAlgorithm, objectLockMode, objectLockRetainUntil, objectLockLegalHold, ifNoneMatch, ifMatch, encryption, websiteRedirectLocation } = options;
  return {
    abortSignal,
    contentType,
    cacheControl,
    contentDisposition,
    contentEncoding,
    contentLanguage,
    expires,
    metadata,
    tags,
    acl,
    storageClass,
    checksumAlgorithm: checksumAlgorithm ?? flexibleOf(options.partChecksum ?? 'NONE'),
    objectLockMode,
    objectLockRetainUntil,
    objectLockLegalHold,
    ifNoneMatch,
    ifMatch,
    encryption,
    websiteRedirectLocation,
  };
}
