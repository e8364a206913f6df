/** The parts of a multipart copy: parallel UploadPartCopy of byte ranges of the source, pinned to its ETag. */
import { UploadPartCopyCommand, type CompletedPart, type CopyPartResult } from '@aws-sdk/client-s3';
import { DEFAULT_COPY_PART_SIZE_BYTES } from '../shared/defaults';
import { StorageError } from '../../../errors';
import type { CopyOptions } from '../../../types/objects';
import { mapSettledLimit, inFlightLimit } from '../../core/concurrency';
import type { SseCustomerInput } from '../../core/encryption';
import { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS, linkedController, withRetry } from '../shared/control';
import { partCountFor, partSizeForKnownSize } from '../shared/part-size';
import type { S3Context } from '../../core/context';
import type { CopySource } from './copy-source';

/** A multipart upload that copies `source` to `destinationKey`. */
export interface CopyUpload {
  readonly ctx: S3Context;
  readonly source: CopySource;
  /** The `x-amz-copy-source` value. */
  readonly copySourceValue: string;
  readonly destinationKey: string;
  readonly uploadId: string;
  /** The destination's SSE-C key headers, when it is written with one. */
  readonly destinationSse: SseCustomerInput;
}

/** Every part copied, in order; or the first failure and the part it came from (none when the caller cancelled). */
export type CopyPartsOutcome =
  { readonly ok: true; readonly parts: CompletedPart[] } | { readonly ok: false; readonly error: unknown; readonly partNumber?: number };

/** How the source is cut into parts. */
export interface CopyLayout {
  readonly partSize: number;
  readonly count: number;
}

/**
 * The part size (`copyPartSizeBytes`, raised to fit 10,000 parts) and the part count; an empty source is one part.
 * @throws InvalidArgumentError above 5 TiB or for a bad `copyPartSizeBytes`
 */
export function copyLayout(size: number, options: CopyOptions): CopyLayout {
  const partSize = partSizeForKnownSize(size, { targetPartSizeBytes: options.copyPartSizeBytes ?? DEFAULT_COPY_PART_SIZE_BYTES });
  return { partSize, count: size === 0 ? 1 : partCountFor(size, partSize) };
}

/** Retries of one part (or of Complete), on top of the SDK's own. */
export function copyRetryOptions(options: CopyOptions): { maxAttempts: number; baseDelayMs: number } {
  return { maxAttempts: options.maxPartAttempts ?? DEFAULT_MAX_PART_ATTEMPTS, baseDelayMs: DEFAULT_RETRY_BASE_DELAY_MS };
}

/**
 * Copies every part (or only `partNumbers`, in that order: a staged copy's batch), at most `copyConcurrency` at once,
 * each with retries. The first part that fails for good cancels the others; every one is waited for before this returns.
 */
export async function copyParts(
  upload: CopyUpload,
  layout: CopyLayout,
  options: CopyOptions,
  partNumbers: readonly number[] = Array.from({ length: layout.count }, (_, i) => i + 1),
): Promise<CopyPartsOutcome> {
  const { controller, dispose } = linkedController(options.abortSignal);
  let firstFailure: { error: unknown; partNumber: number } | undefined;
  try {
    const results = await mapSettledLimit([...partNumbers], inFlightLimit(options.copyConcurrency, upload.ctx.config), async (partNumber) => {
      if (controller.signal.aborted) throw new StorageError('skipped after an earlier failure');
      try {
        return await copyPart(upload, partNumber, layout.partSize, options, controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) firstFailure ??= { error, partNumber };
        controller.abort();
        throw error;
      }
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed || controller.signal.aborted) {
      return {
        ok: false,
        error: firstFailure?.error ?? failed?.reason ?? new StorageError(`copy of ${upload.source.key} was cancelled`),
        partNumber: firstFailure?.partNumber,
      };
    }
    return { ok: true, parts: results.map((r) => (r as PromiseFulfilledResult<CompletedPart>).value) };
  } finally {
    dispose();
  }
}

/** UploadPartCopy of part `partNumber` (the whole, empty source for a 0-byte object), with retries. */
async function copyPart(upload: CopyUpload, partNumber: number, partSize: number, options: CopyOptions, signal: AbortSignal): Promise<CompletedPart> {
  const { ctx, source, destinationKey, uploadId } = upload;
  const start = (partNumber - 1) * partSize;
  const end = Math.min(source.size, start + partSize) - 1;
  const out = await withRetry(
    () =>
      ctx.send(
        new UploadPartCopyCommand({
          Bucket: ctx.bucket,
          Key: destinationKey,
          UploadId: uploadId,
          PartNumber: partNumber,
          CopySource: upload.copySourceValue,
          CopySourceRange: source.size === 0 ? undefined : `bytes=${start}-${end}`,
          CopySourceIfMatch: source.etag,
          CopySourceSSECustomerAlgorithm: source.sse.SSECustomerAlgorithm,
          CopySourceSSECustomerKey: source.sse.SSECustomerKey,
          CopySourceSSECustomerKeyMD5: source.sse.SSECustomerKeyMD5,
          RequestPayer: ctx.requestPayer,
          ...upload.destinationSse,
        }),
        { key: destinationKey, uploadId, partNumber, abortSignal: signal },
      ),
    { ...copyRetryOptions(options), signal },
  );
  return { PartNumber: partNumber, ETag: out.CopyPartResult?.ETag, ...partChecksums(out.CopyPartResult ?? {}) };
}

function partChecksums(result: CopyPartResult) {
  const { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME } = result;
  return { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME };
}
