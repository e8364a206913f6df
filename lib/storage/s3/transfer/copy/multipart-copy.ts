/**
 * Large copy: parallel UploadPartCopy, with the upload engine's part sizing, retries and abort-on-failure.
 * `copy()` routes here above 5 GiB (S3 answers CopyObject with "larger than the maximum allowable size") or with
 * `multipart: true`. https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectTaggingCommand, HeadObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { DEFAULT_COPY_PART_SIZE_BYTES } from '../shared/defaults';
import { MultipartUploadError, StorageError } from '../../../errors';
import { METADATA_OPTIONS } from '../../objects/copy';
import type { CopyOptions, CopyResult } from '../../../types/objects';
import type { S3Context } from '../../core/context';
import { mapSettledLimit } from '../../core/concurrency';
import { customerKeyInput } from '../../core/encryption';
import { completedEtag } from '../shared/complete-etag';
import { checksumsOf } from '../../core/mapping';
import { abortUpload } from '../shared/uploads-admin';
import { partCountFor, partSizeForKnownSize } from '../shared/part-size';
import { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS, linkedController, withRetry } from '../shared/control';
import { taggingHeader, writeInput } from '../../core/write-input';



/**
 * Copies `sourceKey` to `destinationKey` with parallel UploadPartCopy. Every part is pinned to the source's ETag
 * (`x-amz-copy-source-if-match`); any unrecoverable failure aborts the upload, so no parts are left behind.
 */
export async function multipartCopy(ctx: S3Context, sourceKey: string, destinationKey: string, copySourceValue: string, options: CopyOptions): Promise<CopyResult> {
  const sourceBucket = options.sourceBucket ?? ctx.bucket;
  const sourceSse = customerKeyInput(options.sourceCustomerKey);
  const conditions = options.sourceConditions ?? {};
  const head = await ctx.send(
    new HeadObjectCommand({
      Bucket: sourceBucket,
      Key: sourceKey,
      VersionId: options.sourceVersionId,
      IfMatch: conditions.ifMatch,
      IfNoneMatch: conditions.ifNoneMatch,
      IfModifiedSince: conditions.ifModifiedSince,
      IfUnmodifiedSince: conditions.ifUnmodifiedSince,
      RequestPayer: ctx.requestPayer,
      ...sourceSse,
    }),
    { key: sourceKey, abortSignal: options.abortSignal },
  );
  const size = head.ContentLength ?? 0;
  const etag = head.ETag;
  const replacesMetadata = (options.metadataDirective ?? (METADATA_OPTIONS.some((o) => options[o] !== undefined) ? 'REPLACE' : 'COPY')) === 'REPLACE';
  const copiedMetadata = replacesMetadata
    ? {}
    : {
        ContentType: head.ContentType,
        CacheControl: head.CacheControl,
        ContentDisposition: head.ContentDisposition,
        ContentEncoding: head.ContentEncoding,
        ContentLanguage: head.ContentLanguage,
        Expires: head.Expires,
        Metadata: head.Metadata,
        WebsiteRedirectLocation: head.WebsiteRedirectLocation,
      };
  let tagging: string | undefined;
  if ((options.taggingDirective ?? (options.tags !== undefined ? 'REPLACE' : 'COPY')) === 'COPY') {
    const tags = await ctx.send(new GetObjectTaggingCommand({ Bucket: sourceBucket, Key: sourceKey, VersionId: options.sourceVersionId ?? head.VersionId }), {
      key: sourceKey,
      abortSignal: options.abortSignal,
    });
    tagging = taggingHeader(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
  } else tagging = taggingHeader(options.tags);
  const write = writeInput(options);
  const retry = { maxAttempts: options.maxPartAttempts ?? DEFAULT_MAX_PART_ATTEMPTS, baseDelayMs: DEFAULT_RETRY_BASE_DELAY_MS };
  const created = await ctx.send(
    new CreateMultipartUploadCommand({
      Bucket: ctx.bucket,
      Key: destinationKey,
      ChecksumAlgorithm: options.checksumAlgorithm,
      RequestPayer: ctx.requestPayer,
      ...write,
      ...(replacesMetadata ? {} : copiedMetadata),
      Tagging: tagging || undefined,
    }),
    { key: destinationKey, abortSignal: options.abortSignal },
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: ctx.bucket, key: destinationKey });
  const destinationSse = options.encryption?.type === 'SSE-C' ? customerKeyInput(options.encryption.customerKey) : {};
  const partSize = partSizeForKnownSize(size, { targetPartSizeBytes: options.copyPartSizeBytes ?? DEFAULT_COPY_PART_SIZE_BYTES });
  const count = size === 0 ? 1 : partCountFor(size, partSize);
  const { controller, dispose } = linkedController(options.abortSignal);
  let firstFailure: { error: unknown; partNumber: number } | undefined;
  try {
    const results = await mapSettledLimit(
      Array.from({ length: count }, (_, i) => i + 1),
      options.copyConcurrency ?? ctx.config.concurrency,
      async (partNumber) => {
        if (controller.signal.aborted) throw new StorageError('skipped after an earlier failure');
        const start = (partNumber - 1) * partSize;
        const end = Math.min(size, start + partSize) - 1;
        try {
          const out = await withRetry(
            () =>
              ctx.send(
                new UploadPartCopyCommand({
                  Bucket: ctx.bucket,
                  Key: destinationKey,
                  UploadId: uploadId,
                  PartNumber: partNumber,
                  CopySource: copySourceValue,
                  CopySourceRange: size === 0 ? undefined : `bytes=${start}-${end}`,
                  CopySourceIfMatch: etag,
                  CopySourceSSECustomerAlgorithm: sourceSse.SSECustomerAlgorithm,
                  CopySourceSSECustomerKey: sourceSse.SSECustomerKey,
                  CopySourceSSECustomerKeyMD5: sourceSse.SSECustomerKeyMD5,
                  RequestPayer: ctx.requestPayer,
                  ...destinationSse,
                }),
                { key: destinationKey, uploadId, partNumber, abortSignal: controller.signal },
              ),
            { ...retry, signal: controller.signal },
          );
          return { PartNumber: partNumber, ETag: out.CopyPartResult?.ETag, ...partChecksums(out.CopyPartResult ?? {}) };
        } catch (error) {
          if (!controller.signal.aborted) firstFailure ??= { error, partNumber };
          controller.abort();
          throw error;
        }
      },
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed || controller.signal.aborted) throw firstFailure?.error ?? failed?.reason ?? new StorageError(`copy of ${sourceKey} was cancelled`);
    const parts = results.map((r) => (r as PromiseFulfilledResult<{ PartNumber: number; ETag?: string }>).value);
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
      { ...retry, signal: options.abortSignal },
    );
    const destinationEtag = await completedEtag(ctx, destinationKey, completed, destinationSse, options.abortSignal);
    return { etag: destinationEtag, versionId: completed.VersionId, sourceVersionId: head.VersionId, checksums: checksumsOf(completed) };
  } catch (error) {
    await abortUpload(ctx, destinationKey, uploadId).catch(() => undefined);
    if (error instanceof MultipartUploadError) throw error;
    const e = error instanceof StorageError ? error : undefined;
    throw new MultipartUploadError(`multipart copy of ${sourceKey} to ${destinationKey} failed: ${(error as Error)?.message}; upload ${uploadId} was aborted`, {
      cause: error,
      uploadId,
      partNumber: firstFailure?.partNumber,
      bucket: ctx.bucket,
      key: destinationKey,
      s3Code: e?.s3Code,
      httpStatus: e?.httpStatus,
      requestId: e?.requestId,
    });
  } finally {
    dispose();
  }
}

function partChecksums(result: { ChecksumCRC32?: string; ChecksumCRC32C?: string; ChecksumSHA1?: string; ChecksumSHA256?: string; ChecksumCRC64NVME?: string }) {
  const { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME } = result;
  return { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME };
}
