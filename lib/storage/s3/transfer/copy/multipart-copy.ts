/**
 * Large copy: parallel UploadPartCopy, with the upload engine's part sizing, retries and abort-on-failure.
 * `copy()` routes here above 5 GiB (S3 answers CopyObject with "larger than the maximum allowable size") or with
 * `multipart: true`. https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 *
 * The steps: read the source (copy-source.ts), create the upload, copy the parts (copy-parts.ts), complete; abort
 * on any failure.
 */
import { CompleteMultipartUploadCommand, type CompleteMultipartUploadCommandOutput, type CompletedPart } from '@aws-sdk/client-s3';
import { MultipartUploadError, StorageError } from '../../../errors';
import type { CopyOptions, CopyResult } from '../../../types/objects';
import type { S3Context } from '../../core/context';
import { customerKeyInput, customerKeyOf } from '../../core/encryption';
import { checksumsOf } from '../../core/mapping';
import { writeInput } from '../../core/write-input';
import { completedEtag } from '../shared/complete-etag';
import { withRetry } from '../shared/control';
import { createMultipartUpload } from '../shared/create-upload';
import { multipartEtag, unquoteEtag } from '../shared/checksums';
import { abortSuffix, checkStored, mayBeStoredSuffix, storedIdentity, tryAbortUpload } from '../shared/settle';
import { copyLayout, copyParts, copyRetryOptions, type CopyUpload } from './copy-parts';
import { readCopySource, type CopySource } from './copy-source';

/**
 * Copies `sourceKey` to `destinationKey` with parallel UploadPartCopy. Every part is pinned to the source's ETag
 * (`x-amz-copy-source-if-match`); any unrecoverable failure aborts the upload, so no parts are left behind.
 */
export async function multipartCopy(
  ctx: S3Context,
  sourceKey: string,
  destinationKey: string,
  copySourceValue: string,
  options: CopyOptions,
): Promise<CopyResult> {
  const source = await readCopySource(ctx, sourceKey, options);
  // The layout is checked before CreateMultipartUpload: a bad part size must not leave an upload behind.
  const layout = copyLayout(source.size, options);
  const uploadId = await createCopyUpload(ctx, destinationKey, source, options);
  const destinationSse = customerKeyInput(customerKeyOf(options.encryption));
  const upload: CopyUpload = { ctx, source, copySourceValue, destinationKey, uploadId, destinationSse };
  let failedPartNumber: number | undefined;
  let parts: CompletedPart[];
  try {
    const copied = await copyParts(upload, layout, options);
    if (!copied.ok) {
      failedPartNumber = copied.partNumber;
      throw copied.error;
    }
    parts = copied.parts;
  } catch (error) {
    throw await abortCopy(upload, error, failedPartNumber);
  }
  return completeCopy(upload, parts, options);
}

/** CreateMultipartUpload for the destination, with the source's metadata and tags unless the options replace them. */
export async function createCopyUpload(ctx: S3Context, destinationKey: string, source: CopySource, options: CopyOptions): Promise<string> {
  // Not cancelled mid-request, so that its upload id is never lost, and an upload a lost answer left open is aborted
  // (shared/create-upload.ts); a cancel meanwhile aborts it here.
  const { output: created } = await createMultipartUpload(
    ctx,
    {
      Bucket: ctx.bucket,
      Key: destinationKey,
      ChecksumAlgorithm: options.checksumAlgorithm,
      RequestPayer: ctx.requestPayer,
      ...writeInput(options),
      ...source.copiedMetadata,
      Tagging: source.tagging || undefined,
    },
    { ...copyRetryOptions(options), signal: options.abortSignal },
  );
  if (!created.UploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: ctx.bucket, key: destinationKey });
  if (options.abortSignal?.aborted) {
    const suffix = abortSuffix(created.UploadId, await tryAbortUpload(ctx, destinationKey, created.UploadId));
    throw new MultipartUploadError(`multipart copy of ${source.key} to ${destinationKey} was cancelled${suffix}`, {
      uploadId: created.UploadId,
      bucket: ctx.bucket,
      key: destinationKey,
    });
  }
  return created.UploadId;
}

/**
 * CompleteMultipartUpload with retries; the destination's ETag is read with HEAD when the store's answer has none.
 * Once Complete succeeded the copy is stored and a later cancel changes nothing. A Complete that failed, was
 * cancelled mid-request or found the upload gone on a retry is settled by {@link settleFailedComplete}.
 */
export async function completeCopy(upload: CopyUpload, parts: CompletedPart[], options: CopyOptions): Promise<CopyResult> {
  const { ctx, destinationKey, uploadId, destinationSse } = upload;
  let completed: CompleteMultipartUploadCommandOutput;
  try {
    completed = await withRetry(
      () =>
        ctx.send(
          new CompleteMultipartUploadCommand({
            Bucket: ctx.bucket,
            Key: destinationKey,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
            IfNoneMatch: options.ifNoneMatch,
            RequestPayer: ctx.requestPayer,
            ...destinationSse,
          }),
          { key: destinationKey, uploadId, abortSignal: options.abortSignal },
        ),
      { ...copyRetryOptions(options), signal: options.abortSignal },
    );
  } catch (error) {
    return settleFailedComplete(upload, parts, error);
  }
  const etag = await completedEtag(ctx, destinationKey, completed, destinationSse);
  return { etag, versionId: completed.VersionId, sourceVersionId: upload.source.versionId, checksums: checksumsOf(completed) };
}

/**
 * The copy's Complete failed: abort the upload; if it is gone (or cannot be aborted), the copy may have been stored,
 * so the destination is compared with the multipart ETag its part ETags make. Resolves when it is the copy.
 */
async function settleFailedComplete(upload: CopyUpload, parts: CompletedPart[], error: unknown): Promise<CopyResult> {
  const { ctx, destinationKey, uploadId, destinationSse } = upload;
  const outcome = await tryAbortUpload(ctx, destinationKey, uploadId);
  let suffix = abortSuffix(uploadId, outcome);
  {
    // The copy may be stored even when the abort succeeded (MinIO accepts an abort while a Complete is committing).
    const etags = parts.map((p) => unquoteEtag(p.ETag));
    const expected = etags.every((e) => /^[0-9a-f]{32}$/.test(e)) ? multipartEtag(etags) : undefined;
    const verdict = await checkStored(ctx, destinationKey, { etag: expected }, destinationSse);
    if (verdict.stored === 'yes') {
      return { ...storedIdentity(verdict.head), sourceVersionId: upload.source.versionId, checksums: checksumsOf(verdict.head) };
    }
    suffix +=
      verdict.stored === 'no' ? `, and ${destinationKey} does not hold the copy: nothing was stored` : mayBeStoredSuffix(destinationKey, verdict.reason);
  }
  throw copyError(upload, error, undefined, suffix);
}

/** Aborts the upload and returns the error to throw: a {@link MultipartUploadError} that says what the abort did. */
async function abortCopy(upload: CopyUpload, error: unknown, partNumber: number | undefined): Promise<MultipartUploadError> {
  const suffix = abortSuffix(upload.uploadId, await tryAbortUpload(upload.ctx, upload.destinationKey, upload.uploadId));
  return copyError(upload, error, partNumber, suffix);
}

function copyError(upload: CopyUpload, error: unknown, partNumber: number | undefined, suffix: string): MultipartUploadError {
  const { ctx, destinationKey, uploadId } = upload;
  if (error instanceof MultipartUploadError) return error;
  const e = error instanceof StorageError ? error : undefined;
  return new MultipartUploadError(`multipart copy of ${upload.source.key} to ${destinationKey} failed: ${(error as Error)?.message}${suffix}`, {
    cause: error,
    uploadId,
    partNumber,
    bucket: ctx.bucket,
    key: destinationKey,
    s3Code: e?.s3Code,
    httpStatus: e?.httpStatus,
    requestId: e?.requestId,
  });
}
