/**
 * Completing a multipart upload and verifying the result; or, after a failure, aborting or keeping it. What an error
 * says about the upload is what happened: "aborted" only when AbortMultipartUpload succeeded, and a Complete whose
 * outcome is unknown (cancelled mid-request, or retried after a lost answer) is settled by looking at the object.
 */
import { CompleteMultipartUploadCommand, type CompleteMultipartUploadCommandOutput } from '@aws-sdk/client-s3';
import { AbortedError, IntegrityError, InvalidArgumentError, MultipartUploadError, StorageError } from '../../../errors';
import type { UploadResult } from '../../../types/transfer';
import { compositeChecksum, etagIsMd5Based, multipartEtag, unquoteEtag } from '../shared/checksums';
import { checksumsOf } from '../../core/mapping';
import { completedEtag } from '../shared/complete-etag';
import { withRetry } from '../shared/control';
import { abortSuffix, checkStored, mayBeStoredSuffix, storedIdentity, tryAbortUpload, type AbortOutcome, type ExpectedObject } from '../shared/settle';
import { listUploadedParts } from '../shared/uploads-admin';
import { UploadJob, Plan, CompletedPart } from './job';

/** The SDK field of each flexible checksum in a CompletedPart. */
const PART_FIELD = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
  CRC64NVME: 'ChecksumCRC64NVME',
} as const;

/**
 * CompleteMultipartUpload, then the checks. Once Complete has succeeded the object is stored, and a cancel that comes
 * later changes nothing: the result is returned. A Complete that failed is settled by {@link settleFailedComplete}.
 */
export async function completeUpload(job: UploadJob, plan: Plan, done: CompletedPart[]): Promise<UploadResult> {
  let completed: CompleteMultipartUploadCommandOutput;
  try {
    completed = await sendComplete(job, plan, done);
  } catch (error) {
    return settleFailedComplete(job, plan, done, error);
  }
  const finalEtag = await completedEtag(job.ctx, job.key, completed, job.sseC);
  await job.saveChain.catch(() => undefined);
  await job.store?.remove(job.ctx.bucket, job.key).catch(() => undefined);
  const verifiedBy = job.options.verify === false ? 'none' : verifyCompleted(job, plan, done, finalEtag, completed);
  return {
    etag: finalEtag,
    versionId: completed.VersionId,
    size: done.reduce((sum, p) => sum + p.size, 0),
    checksums: checksumsOf(completed),
    serverSideEncryption: completed.ServerSideEncryption,
    uploadId: plan.uploadId,
    partsCount: done.length,
    partsResumed: job.resumed,
    verifiedBy,
  };
}

function sendComplete(job: UploadJob, plan: Plan, done: CompletedPart[]): Promise<CompleteMultipartUploadCommandOutput> {
  const field = job.flexible ? PART_FIELD[job.flexible] : undefined;
  return withRetry(
    () =>
      job.ctx.send(
        new CompleteMultipartUploadCommand({
          Bucket: job.ctx.bucket,
          Key: job.key,
          UploadId: plan.uploadId,
          MultipartUpload: {
            Parts: done.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ...(field && p.checksum ? { [field]: p.checksum } : {}) })),
          },
          ChecksumType: job.checksumType,
          IfNoneMatch: job.options.ifNoneMatch,
          IfMatch: job.options.ifMatch,
          RequestPayer: job.ctx.requestPayer,
          ...job.sseC,
        }),
        { key: job.key, uploadId: plan.uploadId, abortSignal: job.options.abortSignal },
      ),
    job.retryOptions(job.options.abortSignal),
  );
}

/** What the completed object must look like, from the parts sent: the multipart ETag and the composite checksum. */
function expectedObject(job: UploadJob, done: CompletedPart[]): ExpectedObject {
  const md5s = done.map((p) => p.md5);
  const etag = job.md5Based && md5s.every((m): m is string => m !== undefined) ? multipartEtag(md5s) : undefined;
  const composite = job.checksumType === 'COMPOSITE' && job.flexible && job.flexible !== 'CRC64NVME' ? job.flexible : undefined;
  const checksum =
    composite && done.every((p) => p.checksum)
      ? {
          algorithm: composite,
          value: compositeChecksum(
            composite,
            done.map((p) => p.checksum!),
          ),
        }
      : undefined;
  return { etag, checksum };
}

/** Checks the stored object against the parts sent. @throws IntegrityError (the object is stored, and differs) */
function verifyCompleted(
  job: UploadJob,
  plan: Plan,
  done: CompletedPart[],
  finalEtag: string,
  completed: CompleteMultipartUploadCommandOutput,
): UploadResult['verifiedBy'] {
  const expected = expectedObject(job, done);
  const stored = `; the object was stored by upload ${plan.uploadId}`;
  let verifiedBy: UploadResult['verifiedBy'] = 'none';
  const etag = unquoteEtag(finalEtag);
  if (expected.etag !== undefined && etagIsMd5Based(completed.ServerSideEncryption, job.sseC.SSECustomerAlgorithm)) {
    if (etag !== expected.etag) {
      throw new IntegrityError(
        `upload of ${job.key}: the completed object's ETag ${etag} differs from ${expected.etag}, computed from the parts sent${stored}`,
        {
          check: 'multipart-etag',
          expected: expected.etag,
          actual: etag,
          uploadId: plan.uploadId,
          key: job.key,
          bucket: job.ctx.bucket,
        },
      );
    }
    verifiedBy = 'multipart-etag';
  }
  const reported = expected.checksum ? checksumsOf(completed)[expected.checksum.algorithm] : undefined;
  if (expected.checksum && reported?.includes('-')) {
    if (reported !== expected.checksum.value) {
      throw new IntegrityError(
        `upload of ${job.key}: the composite ${expected.checksum.algorithm} ${reported} differs from ${expected.checksum.value}, computed from the parts sent${stored}`,
        { check: 'composite-checksum', expected: expected.checksum.value, actual: reported, uploadId: plan.uploadId, key: job.key, bucket: job.ctx.bucket },
      );
    }
    verifiedBy = 'composite-checksum';
  }
  return verifiedBy;
}

/**
 * Complete failed, or was cancelled mid-request, or a retry of it found the upload gone: the object may be stored.
 * The upload is aborted (or kept, when a cancel asks for a resume) and the result is read from the store: if the
 * object there is the one these parts make, the upload resolves; otherwise the error says what is known.
 */
async function settleFailedComplete(job: UploadJob, plan: Plan, done: CompletedPart[], error: unknown): Promise<UploadResult> {
  const cancelled = job.options.abortSignal?.aborted === true;
  await job.saveChain.catch(() => undefined);
  if (cancelled && job.options.leaveResumableOnAbort === true) {
    const open = await listUploadedParts(job.ctx, job.key, plan.uploadId).then(
      () => true,
      () => false,
    );
    if (open) {
      await job.saveState(plan, true).catch(() => undefined);
      throw new AbortedError(`upload of ${job.key} was cancelled; upload ${plan.uploadId} is kept for a resume`, {
        bucket: job.ctx.bucket,
        key: job.key,
        cause: error,
      });
    }
  }
  const outcome: AbortOutcome = await tryAbortUpload(job.ctx, job.key, plan.uploadId);
  let suffix = abortSuffix(plan.uploadId, outcome);
  {
    // Complete may have stored the object, even when the abort succeeded (MinIO accepts an abort while a Complete it
    // already received is still committing). Look.
    const verdict = await checkStored(job.ctx, job.key, expectedObject(job, done), job.sseC);
    if (verdict.stored === 'yes') {
      await job.store?.remove(job.ctx.bucket, job.key).catch(() => undefined);
      return {
        ...storedIdentity(verdict.head),
        size: done.reduce((sum, p) => sum + p.size, 0),
        checksums: checksumsOf(verdict.head),
        serverSideEncryption: verdict.head.ServerSideEncryption,
        uploadId: plan.uploadId,
        partsCount: done.length,
        partsResumed: job.resumed,
        verifiedBy: job.options.verify === false ? 'none' : verdict.by === 'etag' ? 'multipart-etag' : 'composite-checksum',
      };
    }
    suffix += verdict.stored === 'no' ? `, and ${job.key} does not hold its bytes: nothing was stored` : mayBeStoredSuffix(job.key, verdict.reason);
  }
  await job.store?.remove(job.ctx.bucket, job.key).catch(() => undefined);
  throw errorFor(job, plan, error, cancelled, suffix);
}

/** After a failure before Complete: abort the upload (or keep it resumable), and return the error to throw. */
export async function failUpload(job: UploadJob, plan: Plan, error: unknown): Promise<unknown> {
  const cancelled = job.options.abortSignal?.aborted === true;
  const keep = cancelled ? job.options.leaveResumableOnAbort === true : job.options.leavePartsOnError === true;
  await job.saveChain.catch(() => undefined);
  let suffix: string;
  if (keep) {
    await job.saveState(plan, true).catch(() => undefined);
    suffix = `; upload ${plan.uploadId} is kept for a resume`;
  } else {
    suffix = abortSuffix(plan.uploadId, await tryAbortUpload(job.ctx, job.key, plan.uploadId));
    await job.store?.remove(job.ctx.bucket, job.key).catch(() => undefined);
  }
  return errorFor(job, plan, error, cancelled, suffix);
}

/** The error to throw: AbortedError when cancelled; typed errors that name their cause pass through; else MultipartUploadError. */
function errorFor(job: UploadJob, plan: Plan, error: unknown, cancelled: boolean, suffix: string): unknown {
  if (cancelled) return new AbortedError(`upload of ${job.key} was cancelled${suffix}`, { bucket: job.ctx.bucket, key: job.key, cause: error });
  // These already name the upload (and the part), or the field at fault; they gain what became of the upload.
  if (error instanceof MultipartUploadError || error instanceof IntegrityError || error instanceof InvalidArgumentError) {
    if (!error.message.includes(suffix)) error.message += suffix;
    return error;
  }
  const e = error instanceof StorageError && !(error instanceof AbortedError) ? error : undefined;
  return new MultipartUploadError(`upload of ${job.key} failed: ${(error as Error)?.message ?? String(error)}${suffix}`, {
    cause: error,
    uploadId: plan.uploadId,
    partNumber: job.failedPartNumber,
    key: job.key,
    bucket: job.ctx.bucket,
    s3Code: e?.s3Code,
    httpStatus: e?.httpStatus,
    requestId: e?.requestId,
  });
}
