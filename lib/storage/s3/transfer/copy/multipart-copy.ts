/**
 * Large copy: parallel UploadPartCopy, with the upload engine's part sizing, retries and abort-on-failure.
 * `copy()` routes here above 5 GiB (S3 answers CopyObject with "larger than the maximum allowable size") or with
 * `multipart: true`. https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 *
 * The steps: read the source (copy-source.ts), create the upload, copy the parts (copy-parts.ts), complete; abort
 * on any failure.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, type CompletedPart } from '@aws-sdk/client-s3';
import { MultipartUploadError, StorageError } from '../../../errors';
import type { CopyOptions, CopyResult } from '../../../types/objects';
import type { S3Context } from '../../core/context';
import { customerKeyInput, customerKeyOf } from '../../core/encryption';
import { checksumsOf } from '../../core/mapping';
import { writeInput } from '../../core/write-input';
import { completedEtag } from '../shared/complete-etag';
import { withRetry } from '../shared/control';
import { abortUpload } from '../shared/uploads-admin';
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
  try {
    const copied = await copyParts(upload, layout, options);
    if (!copied.ok) {
      failedPartNumber = copied.partNumber;
      throw copied.error;
    }
    return await completeCopy(upload, copied.parts, options);
  } catch (error) {
    throw await abortCopy(upload, error, failedPartNumber);
  }
}

/** CreateMultipartUpload for the destination, with the source's metadata and tags unless the options replace them. */
async function createCopyUpload(ctx: S3Context, destinationKey: string, source: CopySource, options: CopyOptions): Promise<string> {
  const created = await ctx.send(
    new CreateMultipartUploadCommand({
      Bucket: ctx.bucket,
      Key: destinationKey,
      ChecksumAlgorithm: options.checksumAlgorithm,
      RequestPayer: ctx.requestPayer,
      ...writeInput(options),
      ...source.copiedMetadata,
      Tagging: source.tagging || undefined,
    }),
    { key: destinationKey, abortSignal: options.abortSignal },
  );
  if (!created.UploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: ctx.bucket, key: destinationKey });
  return created.UploadId;
}

/** CompleteMultipartUpload with retries; the destination's ETag is read with HEAD when the store's answer has none. */
async function completeCopy(upload: CopyUpload, parts: CompletedPart[], options: CopyOptions): Promise<CopyResult> {
  const { ctx, destinationKey, uploadId, destinationSse } = upload;
  const completed = await withRetry(
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
  const etag = await completedEtag(ctx, destinationKey, completed, destinationSse, options.abortSignal);
  return { etag, versionId: completed.VersionId, sourceVersionId: upload.source.versionId, checksums: checksumsOf(completed) };
}

/** Aborts the upload (ignoring a failure to) and returns the error to throw: a {@link MultipartUploadError}. */
async function abortCopy(upload: CopyUpload, error: unknown, partNumber: number | undefined): Promise<MultipartUploadError> {
  const { ctx, destinationKey, uploadId } = upload;
  await abortUpload(ctx, destinationKey, uploadId).catch(() => undefined);
  if (error instanceof MultipartUploadError) return error;
  const e = error instanceof StorageError ? error : undefined;
  return new MultipartUploadError(
    `multipart copy of ${upload.source.key} to ${destinationKey} failed: ${(error as Error)?.message}; upload ${uploadId} was aborted`,
    {
      cause: error,
      uploadId,
      partNumber,
      bucket: ctx.bucket,
      key: destinationKey,
      s3Code: e?.s3Code,
      httpStatus: e?.httpStatus,
      requestId: e?.requestId,
    },
  );
}
