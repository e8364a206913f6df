/** Planning a multipart upload: find the upload to resume (state file, ListParts) or create one. */
import { AbortedError, MultipartUploadError, EncryptionKeyMismatchError, PreconditionFailedError } from '../../../errors';
import { abortSuffix, tryAbortUpload } from '../shared/settle';
import type { UploadState } from '../../../types/transfer';
import { checksumTypeOf, unquoteEtag } from '../shared/checksums';
import { listUpload, type ListedPart } from '../shared/uploads-admin';
import { NEGOTIATED_CHECKSUM, storeChecksCrc32 } from './checksum-negotiation';
import { fixedLayout, growingLayout, layoutFor, partCountFor } from '../shared/part-size';
import type { ChecksumAlgorithmName } from '../../../../rules/checksums';
import { createMultipartUpload } from '../shared/create-upload';
import { writeInput } from '../../core/write-input';
import { UploadJob, Plan, CompletedPart } from './job';
import { checkKeptPart } from './parts';

/** Finds or creates the upload, and what of it is already done. */
export async function planUpload(job: UploadJob, explicitUploadId?: string): Promise<Plan> {
  const { bucket } = job.ctx;
  const saved = job.store ? await job.store.load(bucket, job.key) : undefined;
  const usable = saved && job.options.resume !== false && (explicitUploadId === undefined || saved.uploadId === explicitUploadId) ? saved : undefined;
  if (usable) {
    // A default part check goes on as the upload began (CRC32 if the store proved it checks CRC32, else Content-MD5).
    if (job.negotiatesChecksum && (usable.partChecksum === 'CRC32' || usable.partChecksum === 'MD5')) job.adoptPartChecksum(usable.partChecksum);
    const checks = describeChecksumChange(usable, job);
    if (checks) {
      throw new PreconditionFailedError(
        `upload of ${job.key}: upload ${usable.uploadId} began with ${checks}; refusing to resume with other part checks. Pass the same partChecksum / checksumAlgorithm, or resume: false`,
        { bucket, key: job.key },
      );
    }
    if (usable.customerKeyMd5 !== undefined && usable.customerKeyMd5 !== job.sseC.SSECustomerKeyMD5) {
      const id = usable.customerKeyId === undefined ? 'an SSE-C key' : `SSE-C key id ${usable.customerKeyId}`;
      throw new EncryptionKeyMismatchError(
        `upload of ${job.key}: upload ${usable.uploadId} began with ${id} (key MD5 ${usable.customerKeyMd5}) and S3 refuses parts under another key; resume with that key, or resume: false`,
        { bucket, key: job.key, keyId: usable.customerKeyId },
      );
    }
    const changed = describeChange(usable.source, job.fingerprint);
    if (changed) {
      throw new PreconditionFailedError(
        `upload of ${job.key}: the source changed since upload ${usable.uploadId} began (${changed}); refusing to resume. Abort it with abortIncompleteUploads() or pass resume: false`,
        { bucket, key: job.key },
      );
    }
  } else if (saved && explicitUploadId === undefined && job.options.resume === false) {
    // Starting afresh: the saved upload is this caller's and would otherwise be left open, unknown to anyone.
    await tryAbortUpload(job.ctx, job.key, saved.uploadId);
    await job.store?.remove(bucket, job.key);
  }
  const uploadId = explicitUploadId ?? usable?.uploadId;
  if (uploadId !== undefined) {
    const listing = await listUpload(job.ctx, job.key, uploadId, job.options.abortSignal).catch((error: unknown) => {
      if (explicitUploadId === undefined && error instanceof MultipartUploadError && error.s3Code === 'NoSuchUpload') return undefined;
      throw error;
    });
    if (listing) {
      if (job.negotiatesChecksum) {
        // An upload resumed by id alone, created by someone else: a store that took a declared CRC32 wants it on every
        // part; whether it checks it is not known, so Content-MD5 goes along. Otherwise Content-MD5 alone, as before.
        if (listing.checksumAlgorithm === NEGOTIATED_CHECKSUM) job.adoptPartChecksum(NEGOTIATED_CHECKSUM, true);
        else job.adoptPartChecksum('MD5');
      }
      const plan = reconcile(job, uploadId, usable, listing.parts);
      await proveKeptParts(job, plan);
      return plan;
    }
    await job.store?.remove(bucket, job.key);
  }
  return createUpload(job);
}

function reconcile(job: UploadJob, uploadId: string, saved: UploadState | undefined, listed: Map<number, ListedPart>): Plan {
  let layoutKind: 'fixed' | 'growing';
  let partSizeBytes: number;
  if (saved) {
    layoutKind = saved.layout;
    partSizeBytes = saved.partSizeBytes;
  } else if (job.options.partSizeBytes !== undefined || listed.size === 0 || job.reader.size === undefined) {
    const layout = layoutFor(job.reader.size, job.options);
    layoutKind = layout.equalParts ? 'fixed' : 'growing';
    partSizeBytes = job.options.partSizeBytes ?? layout.partSize(1);
  } else {
    // No state: the first listed part that is not the last shows the part size.
    const sizes = [...listed.entries()].sort((a, b) => a[0] - b[0]);
    layoutKind = 'fixed';
    partSizeBytes = sizes[0][1].size;
    if (sizes[0][0] !== 1 || partCountFor(job.reader.size, partSizeBytes) < sizes[sizes.length - 1][0]) {
      throw new MultipartUploadError(`resumeUpload: cannot infer the part size of upload ${uploadId}; pass partSizeBytes`, {
        uploadId,
        key: job.key,
        bucket: job.ctx.bucket,
      });
    }
  }
  const layout = layoutKind === 'fixed' ? fixedLayout(partSizeBytes) : growingLayout(partSizeBytes);
  const done = new Map<number, CompletedPart>();
  const candidates = new Map<number, ListedPart>();
  const savedParts = new Map((saved?.parts ?? []).map((p) => [p.partNumber, p]));
  for (const [partNumber, part] of listed) {
    const mine = savedParts.get(partNumber);
    // Kept only with a digest that can prove the source's bytes (proveKeptParts, or checkKeptPart for a stream).
    const provable = mine !== undefined && (mine.md5 !== undefined || mine.checksum !== undefined);
    if (provable && unquoteEtag(mine.etag) === unquoteEtag(part.etag) && mine.size === part.size) {
      done.set(partNumber, { ...mine, checksumAlgorithm: saved!.partChecksum });
    } else candidates.set(partNumber, part);
  }
  return { uploadId, layout, layoutKind, partSizeBytes, createdAt: saved?.createdAt ?? new Date().toISOString(), done, candidates };
}

async function createUpload(job: UploadJob): Promise<Plan> {
  const layout = layoutFor(job.reader.size, job.options);
  const created = await sendCreate(job, job.negotiatesChecksum ? NEGOTIATED_CHECKSUM : job.flexible);
  const uploadId = job.negotiatesChecksum ? await settleNegotiation(job, created) : created.uploadId;
  const plan: Plan = {
    uploadId,
    layout,
    layoutKind: layout.equalParts ? 'fixed' : 'growing',
    partSizeBytes: layout.partSize(1),
    createdAt: new Date().toISOString(),
    done: new Map(),
    candidates: new Map(),
  };
  await job.saveState(plan, true);
  return plan;
}

/**
 * CreateMultipartUpload declaring `flexible` (COMPOSITE, or FULL_OBJECT for CRC64NVME). Not cancelled mid-request, and
 * an upload a lost answer left open is aborted (shared/create-upload.ts); a cancel that came meanwhile aborts the
 * upload it created. Resolves with the upload id, and the algorithm the store answered with (`x-amz-checksum-algorithm`).
 */
async function sendCreate(job: UploadJob, flexible: ChecksumAlgorithmName | undefined): Promise<{ uploadId: string; checksumAlgorithm?: string }> {
  const { output: created } = await createMultipartUpload(
    job.ctx,
    {
      Bucket: job.ctx.bucket,
      Key: job.key,
      ChecksumAlgorithm: flexible,
      ChecksumType: checksumTypeOf(flexible),
      RequestPayer: job.ctx.requestPayer,
      ...writeInput(job.options),
    },
    job.retryOptions(job.options.abortSignal),
  );
  if (!created.UploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: job.ctx.bucket, key: job.key });
  if (job.options.abortSignal?.aborted) {
    const suffix = abortSuffix(created.UploadId, await tryAbortUpload(job.ctx, job.key, created.UploadId));
    throw new AbortedError(`upload of ${job.key} was cancelled${suffix}`, { bucket: job.ctx.bucket, key: job.key });
  }
  return { uploadId: created.UploadId, checksumAlgorithm: created.ChecksumAlgorithm };
}

/**
 * Settles the default part check of an upload created declaring CRC32 (checksum-negotiation.ts): CRC32 when the
 * store answered with it and refused a wrong one; Content-MD5 on the same upload when it ignored the declaration;
 * Content-MD5 on a new plain upload when it took the declaration but not the check (the first one is aborted).
 * @returns the upload id the parts go to
 */
async function settleNegotiation(job: UploadJob, created: { uploadId: string; checksumAlgorithm?: string }): Promise<string> {
  const { uploadId } = created;
  if (created.checksumAlgorithm !== NEGOTIATED_CHECKSUM) {
    job.adoptPartChecksum('MD5');
    return uploadId;
  }
  const verdict = await storeChecksCrc32(job, uploadId).catch(async (error: unknown) => {
    const suffix = abortSuffix(uploadId, await tryAbortUpload(job.ctx, job.key, uploadId));
    throw error instanceof AbortedError ? new AbortedError(`${error.message}${suffix}`, { bucket: job.ctx.bucket, key: job.key, cause: error.cause }) : error;
  });
  if (verdict === 'checked') {
    job.adoptPartChecksum(NEGOTIATED_CHECKSUM);
    return uploadId;
  }
  job.adoptPartChecksum('MD5');
  const outcome = await tryAbortUpload(job.ctx, job.key, uploadId);
  if (outcome.kind === 'failed') {
    throw new MultipartUploadError(
      `upload of ${job.key}: the store took a CRC32 it does not check, and the upload declared with it${abortSuffix(uploadId, outcome)}`,
      { uploadId, bucket: job.ctx.bucket, key: job.key, cause: outcome.error },
    );
  }
  return (await sendCreate(job, undefined)).uploadId;
}

/**
 * A file (or bytes) source: every part kept from the saved state is read back and hashed before the upload goes on.
 * Size and mtime do not prove the bytes (a same-size rewrite with the mtime set back, as tar, unzip and rsync -t
 * leave it, passes them); the MD5 or checksum recorded for each part does.
 * @throws PreconditionFailedError when a kept part's bytes differ; nothing has been sent, and the upload stays open
 */
async function proveKeptParts(job: UploadJob, plan: Plan): Promise<void> {
  if (!job.reader.randomAccess || job.reader.size === undefined) return;
  for (const part of plan.done.values()) {
    const offset = plan.layout.offset(part.partNumber);
    const size = Math.min(plan.layout.partSize(part.partNumber), job.reader.size - offset);
    if (size !== part.size) {
      plan.done.delete(part.partNumber);
      continue;
    }
    const holder = { data: await job.reader.readPart(offset, size) };
    try {
      await checkKeptPart(job, plan, part.partNumber, holder);
    } finally {
      job.reader.release(holder.data);
    }
  }
}

/** A resume must send its parts with the checks the upload began with (S3 checks each part against them). */
function describeChecksumChange(saved: UploadState, job: UploadJob): string | undefined {
  return saved.partChecksum === job.partChecksum ? undefined : `part checksum ${saved.partChecksum}, not ${job.partChecksum}`;
}

/** Why a source no longer matches its fingerprint, or undefined when it does. */
function describeChange(before: UploadState['source'], now: UploadState['source']): string | undefined {
  if (before.id !== now.id) return `source id ${String(before.id)} -> ${String(now.id)}`;
  if (before.size !== now.size) return `size ${String(before.size)} -> ${String(now.size)}`;
  if (before.mtimeMs !== now.mtimeMs) return `modified at ${new Date(now.mtimeMs ?? 0).toISOString()}`;
  return undefined;
}
