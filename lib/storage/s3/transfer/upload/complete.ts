/** Completing a multipart upload and verifying the result; or, after a failure, aborting or keeping it. */
import { CompleteMultipartUploadCommand } from '@aws-sdk/client-s3';
import { AbortedError, IntegrityError, MultipartUploadError, StorageError } from '../../../errors';
import type { UploadResult } from '../../../types/transfer';
import { compositeChecksum, etagIsMd5Based, multipartEtag, unquoteEtag } from '../shared/checksums';
import { checksumsOf } from '../../core/mapping';
import { completedEtag } from '../shared/complete-etag';
import { abortUpload } from '../shared/uploads-admin';
import { withRetry } from '../shared/control';
import { UploadJob, Plan, CompletedPart } from './job';

export async function completeUpload(job: UploadJob, plan: Plan, done: CompletedPart[]): Promise<UploadResult> {
  const flexible = job.partChecksum === 'CRC32' || job.partChecksum === 'CRC32C' ? job.partChecksum : undefined;
  const completed = await withRetry(
    () =>
      job.ctx.send(
        new CompleteMultipartUploadCommand({
          Bucket: job.ctx.bucket,
          Key: job.key,
          UploadId: plan.uploadId,
          MultipartUpload: {
            Parts: done.map((p) => ({
              PartNumber: p.partNumber,
              ETag: p.etag,
              ...(flexible === 'CRC32' && p.checksum ? { ChecksumCRC32: p.checksum } : {}),
              ...(flexible === 'CRC32C' && p.checksum ? { ChecksumCRC32C: p.checksum } : {}),
            })),
          },
          IfNoneMatch: job.options.ifNoneMatch,
          IfMatch: job.options.ifMatch,
          RequestPayer: job.ctx.requestPayer,
          ...job.sseC,
        }),
        { key: job.key, uploadId: plan.uploadId, abortSignal: job.options.abortSignal },
      ),
    job.retryOptions(job.options.abortSignal),
  );
  const size = done.reduce((sum, p) => sum + p.size, 0);
  const finalEtag = await completedEtag(job.ctx, job.key, completed, job.sseC, job.options.abortSignal);
  let verifiedBy: UploadResult['verifiedBy'] = 'none';
  if (job.options.verify !== false) {
    const etag = unquoteEtag(finalEtag);
    const md5s = done.map((p) => p.md5);
    if (etagIsMd5Based(completed.ServerSideEncryption, job.sseC.SSECustomerAlgorithm) && job.md5Based && md5s.every((m): m is string => m !== undefined)) {
      const expected = multipartEtag(md5s);
      if (etag !== expected) {
        throw new IntegrityError(`upload of ${job.key}: the completed object's ETag ${etag} differs from ${expected}, computed from the parts sent`, {
          check: 'multipart-etag',
          expected,
          actual: etag,
          uploadId: plan.uploadId,
          key: job.key,
          bucket: job.ctx.bucket,
        });
      }
      verifiedBy = 'multipart-etag';
    }
    const reported = flexible ? checksumsOf(completed)[flexible] : undefined;
    if (flexible && reported && done.every((p) => p.checksum)) {
      const expected = compositeChecksum(
        flexible,
        done.map((p) => p.checksum!),
      );
      if (reported.includes('-') && reported !== expected) {
        throw new IntegrityError(`upload of ${job.key}: the composite ${flexible} ${reported} differs from ${expected}, computed from the parts sent`, {
          check: 'composite-checksum',
          expected,
          actual: reported,
          uploadId: plan.uploadId,
          key: job.key,
          bucket: job.ctx.bucket,
        });
      }
      if (reported.includes('-')) verifiedBy = 'composite-checksum';
    }
  }
  await job.saveChain.catch(() => undefined);
  await job.store?.remove(job.ctx.bucket, job.key);
  return {
    etag: finalEtag,
    versionId: completed.VersionId,
    size,
    checksums: checksumsOf(completed),
    serverSideEncryption: completed.ServerSideEncryption,
    uploadId: plan.uploadId,
    partsCount: done.length,
    partsResumed: job.resumed,
    verifiedBy,
  };
}

/** After a failure: abort the upload (or keep it resumable), and return the error to throw. */
export async function failUpload(job: UploadJob, plan: Plan, error: unknown): Promise<unknown> {
  const cancelled = job.options.abortSignal?.aborted === true;
  const keep = cancelled ? job.options.leaveResumableOnAbort === true : job.options.leavePartsOnError === true;
  await job.saveChain.catch(() => undefined);
  if (keep) {
    await job.saveState(plan, true).catch(() => undefined);
  } else {
    await abortUpload(job.ctx, job.key, plan.uploadId).catch(() => undefined);
    await job.store?.remove(job.ctx.bucket, job.key).catch(() => undefined);
  }
  const suffix = keep ? `; upload ${plan.uploadId} is kept for a resume` : `; upload ${plan.uploadId} was aborted`;
  if (cancelled) return new AbortedError(`upload of ${job.key} was cancelled${suffix}`, { bucket: job.ctx.bucket, key: job.key, cause: error });
  // Both already name the upload (and the part, when one is to blame).
  if (error instanceof MultipartUploadError || error instanceof IntegrityError) return error;
  if (error instanceof StorageError && !(error instanceof AbortedError)) {
    return new MultipartUploadError(`upload of ${job.key} failed: ${error.message}${suffix}`, {
      cause: error,
      uploadId: plan.uploadId,
      partNumber: job.failedPartNumber,
      key: job.key,
      bucket: job.ctx.bucket,
      s3Code: error.s3Code,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
    });
  }
  return new MultipartUploadError(`upload of ${job.key} failed: ${(error as Error)?.message ?? String(error)}${suffix}`, {
    cause: error,
    uploadId: plan.uploadId,
    partNumber: job.failedPartNumber,
    key: job.key,
    bucket: job.ctx.bucket,
  });
}
