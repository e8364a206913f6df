/**
 * A multipart copy that spans invocations. State lives in S3 (the multipart upload and its parts) and in the
 * continuation the handler returns; each invocation copies the parts not yet done, in order, `concurrency` at a
 * time, and starts no new part once less than `minRemainingTimeMs` is left (it always starts at least one, so every
 * invocation makes progress).
 *
 * - Nothing is copied twice: the continuation lists the parts done, and a resumed copy also asks S3 (ListParts)
 *   for parts that an invocation finished but could not report (it timed out).
 * - Nothing is orphaned: a permanent failure aborts the upload; with `continuations: false` an unfinished copy is
 *   aborted too. A retryable failure returns the continuation (the parts done are kept) for the caller to retry.
 * - Idempotent: replaying a continuation whose upload was already completed finds the destination with the ETag
 *   the completed parts give, and succeeds without copying.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { multipartEtag, MultipartUploadError, ObjectNotFoundError, StorageError, type ObjectMetadata, type S3Storage } from 'bucketkit/storage';
import type { Logger, InvocationContext } from '../shared';
import type { TransferContinuation, TransferEvent } from './event';

/** Where a multipart copy stands after one invocation. */
export type StepOutcome =
  | { readonly kind: 'completed'; readonly etag: string; readonly versionId?: string; readonly partsTotal: number }
  | { readonly kind: 'paused'; readonly continuation: TransferContinuation; readonly reason: 'time' | 'retryable-error'; readonly lastError?: StorageError };

/** The `x-amz-copy-source` value: bucket and URL-encoded key, with `?versionId=`. */
export function copySourceOf(bucket: string, key: string, versionId?: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
}

/** The byte range of part `n` (1-based, inclusive ends). */
export function partRange(n: number, sizeBytes: number, partSizeBytes: number): { start: number; end: number } {
  const start = (n - 1) * partSizeBytes;
  return { start, end: Math.min(sizeBytes, start + partSizeBytes) - 1 };
}

/** CreateMultipartUpload on the destination with the source's content headers, metadata and tags. */
export async function createCopyUpload(dst: S3Storage, ev: TransferEvent, head: ObjectMetadata, tagging: string | undefined): Promise<string> {
  const created = await dst.send(
    new CreateMultipartUploadCommand({
      Bucket: dst.bucket,
      Key: ev.destinationKey,
      ContentType: head.contentType,
      CacheControl: head.cacheControl,
      ContentDisposition: head.contentDisposition,
      ContentEncoding: head.contentEncoding,
      ContentLanguage: head.contentLanguage,
      Expires: head.expires,
      Metadata: { ...head.metadata },
      Tagging: tagging || undefined,
      StorageClass: ev.storageClass,
      RequestPayer: dst.requestPayer,
    }),
    { key: ev.destinationKey },
  );
  if (!created.UploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: dst.bucket, key: ev.destinationKey });
  return created.UploadId;
}

/** Copies the parts still missing, then completes; see the file comment. */
export async function copyStep(
  dst: S3Storage,
  ev: TransferEvent,
  state: TransferContinuation,
  context: InvocationContext,
  log: Logger,
  resumed: boolean,
): Promise<StepOutcome> {
  const total = Math.ceil(state.sizeBytes / state.partSizeBytes);
  const done = new Map<number, string>(state.parts);
  if (resumed) {
    const replay = await reconcile(dst, ev, state, done);
    if (replay) return replay;
  }
  const pending: number[] = [];
  for (let n = 1; n <= total; n++) if (!done.has(n)) pending.push(n);
  const source = copySourceOf(ev.sourceBucket, ev.sourceKey, state.sourceVersionId);
  let next = 0;
  let started = 0;
  let failure: StorageError | undefined;
  const worker = async (): Promise<void> => {
    while (next < pending.length && failure === undefined) {
      if (started > 0 && context.getRemainingTimeInMillis() < ev.minRemainingTimeMs) return;
      const n = pending[next++];
      started++;
      const { start, end } = partRange(n, state.sizeBytes, state.partSizeBytes);
      try {
        const out = await dst.send(
          new UploadPartCopyCommand({
            Bucket: dst.bucket,
            Key: ev.destinationKey,
            UploadId: state.uploadId,
            PartNumber: n,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
            CopySourceIfMatch: state.sourceETag,
            RequestPayer: dst.requestPayer,
          }),
          { key: ev.destinationKey, uploadId: state.uploadId },
        );
        const etag = out.CopyPartResult?.ETag;
        if (!etag)
          throw new MultipartUploadError(`UploadPartCopy of part ${n} returned no ETag`, {
            uploadId: state.uploadId,
            partNumber: n,
            bucket: dst.bucket,
            key: ev.destinationKey,
          });
        done.set(n, etag);
      } catch (error) {
        failure ??= asStorageError(error, n, state.uploadId);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ev.concurrency, Math.max(1, pending.length)) }, worker));
  const continuation: TransferContinuation = { ...state, parts: [...done.entries()].sort((a, b) => a[0] - b[0]) };
  log.info('parts copied', { uploadId: state.uploadId, copiedNow: started - (failure ? 1 : 0), partsDone: done.size, partsTotal: total });
  if (failure) {
    if (failure.retryable && ev.continuations) return { kind: 'paused', continuation, reason: 'retryable-error', lastError: failure };
    throw await abort(dst, ev, state.uploadId, failure, log);
  }
  if (done.size < total) return { kind: 'paused', continuation, reason: 'time' };
  try {
    const completed = await dst.send(
      new CompleteMultipartUploadCommand({
        Bucket: dst.bucket,
        Key: ev.destinationKey,
        UploadId: state.uploadId,
        MultipartUpload: { Parts: continuation.parts.map(([PartNumber, ETag]) => ({ PartNumber, ETag })) },
        RequestPayer: dst.requestPayer,
      }),
      { key: ev.destinationKey, uploadId: state.uploadId },
    );
    return { kind: 'completed', etag: (completed.ETag ?? '').replace(/"/g, ''), versionId: completed.VersionId, partsTotal: total };
  } catch (error) {
    const e = asStorageError(error, undefined, state.uploadId);
    if (e.retryable && ev.continuations) return { kind: 'paused', continuation, reason: 'retryable-error', lastError: e };
    throw await abort(dst, ev, state.uploadId, e, log);
  }
}

/**
 * Adds the parts S3 holds that the continuation lacks (an invocation that timed out after copying them). When the
 * upload is gone, the copy may have completed already (a replayed continuation): then the destination's ETag is
 * the multipart ETag of the parts, and the replay succeeds.
 */
async function reconcile(dst: S3Storage, ev: TransferEvent, state: TransferContinuation, done: Map<number, string>): Promise<StepOutcome | undefined> {
  let marker: string | undefined;
  try {
    do {
      const page = await dst.send(
        new ListPartsCommand({
          Bucket: dst.bucket,
          Key: ev.destinationKey,
          UploadId: state.uploadId,
          PartNumberMarker: marker,
          RequestPayer: dst.requestPayer,
        }),
        { key: ev.destinationKey, uploadId: state.uploadId },
      );
      for (const p of page.Parts ?? []) {
        if (p.PartNumber === undefined || !p.ETag || done.has(p.PartNumber)) continue;
        const { start, end } = partRange(p.PartNumber, state.sizeBytes, state.partSizeBytes);
        if (p.Size === end - start + 1) done.set(p.PartNumber, p.ETag);
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (error) {
    if (!(error instanceof StorageError) || error.s3Code !== 'NoSuchUpload') throw error;
    const total = Math.ceil(state.sizeBytes / state.partSizeBytes);
    const expected = state.parts.length === total ? multipartEtag(state.parts.map(([, etag]) => etag.replace(/"/g, ''))) : undefined;
    const head = await dst.head(ev.destinationKey).catch((e: unknown) => (e instanceof ObjectNotFoundError ? undefined : Promise.reject(e)));
    if (expected !== undefined && head?.etag.replace(/"/g, '') === expected) {
      return { kind: 'completed', etag: expected, versionId: head.versionId, partsTotal: total };
    }
    throw new MultipartUploadError(
      `upload ${state.uploadId} for ${ev.destinationKey} no longer exists (aborted, or expired by a lifecycle rule); start the copy again without a continuation`,
      {
        cause: error,
        uploadId: state.uploadId,
        bucket: dst.bucket,
        key: ev.destinationKey,
        s3Code: 'NoSuchUpload',
        retryable: false,
      },
    );
  }
  return undefined;
}

/** Aborts the upload (a failure to abort is logged; the bucket's lifecycle rule is the backstop) and returns `error`. */
export async function abort(dst: S3Storage, ev: TransferEvent, uploadId: string, error: StorageError, log: Logger): Promise<StorageError> {
  try {
    await dst.send(new AbortMultipartUploadCommand({ Bucket: dst.bucket, Key: ev.destinationKey, UploadId: uploadId, RequestPayer: dst.requestPayer }), {
      key: ev.destinationKey,
      uploadId,
    });
    log.warn('upload aborted', { uploadId, key: ev.destinationKey, reason: error.message });
  } catch (abortError) {
    log.error('abort failed; the bucket lifecycle rule (AbortIncompleteMultipartUpload) must remove it', { uploadId, error: (abortError as Error).message });
  }
  return error;
}

function asStorageError(error: unknown, partNumber: number | undefined, uploadId: string): StorageError {
  if (error instanceof StorageError) return error;
  return new MultipartUploadError(`part ${partNumber ?? '-'}: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    uploadId,
    partNumber,
    retryable: false,
  });
}
