/**
 * A multipart copy run in stages by an orchestrator outside this process (the `LargeObjectCopy` state machine drives
 * it through the transfer handler): start (HEAD, part layout, CreateMultipartUpload), copy batches of parts in any
 * number of workers, complete (ListParts, check, CompleteMultipartUpload, check the result), or abort.
 *
 * Every stage is the engine's own code (copy-source.ts, copy-parts.ts, multipart-copy.ts, shared/part-size.ts), so
 * a staged copy plans and copies exactly as `S3Storage.copy()` does; what differs is that the state between stages
 * is the {@link StagedCopy} record the caller carries (JSON, no secrets), not memory.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 */
import { HeadObjectCommand, type CompletedPart } from '@aws-sdk/client-s3';
import { InvalidArgumentError, MultipartUploadError } from '../../../errors';
import type { CopyOptions, CopyResult, ServerSideEncryption } from '../../../types/objects';
import type { S3Context } from '../../core/context';
import { copySource } from '../../objects/copy';
import { multipartEtag, unquoteEtag } from '../shared/checksums';
import { partCountFor, partSizeForKnownSize } from '../shared/part-size';
import { DEFAULT_COPY_PART_SIZE_BYTES, DEFAULT_PARTS_PER_BATCH, MAX_PART_BATCHES } from '../shared/defaults';
// The engine is loaded on first use (as S3Storage.copy loads it), so that a handler importing this file for a constant
// or for planPartBatches does not load it at cold start.
import type { CopyUpload } from './copy-parts';
import type { CopySource } from './copy-source';

/** The state of a staged copy between stages: what `startStagedCopy` returns and every later stage takes. JSON-safe. */
export interface StagedCopy {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  /** The source version copied (HEAD's answer, else the one asked for). */
  readonly sourceVersionId?: string;
  /** The source's ETag at the start (quoted, as S3 sends it); every UploadPartCopy is pinned to it. */
  readonly sourceETag: string;
  readonly destinationKey: string;
  readonly uploadId: string;
  readonly sizeBytes: number;
  /** Every part but the last is this long. */
  readonly partSizeBytes: number;
  readonly partCount: number;
}

/** A run of part numbers one worker copies (inclusive). */
export interface PartBatch {
  readonly firstPartNumber: number;
  readonly lastPartNumber: number;
}

/** Options of {@link startStagedCopy}. */
export interface StartStagedCopyOptions {
  /** The bucket the source is in. @default - the context's bucket */
  readonly sourceBucket?: string;
  /** @default - the latest version */
  readonly sourceVersionId?: string;
  /** Exactly this part size (5 MiB to 5 GiB, and at most 10,000 parts). @default - DEFAULT_COPY_PART_SIZE_BYTES raised to fit 10,000 parts */
  readonly partSizeBytes?: number;
  /** @default - STANDARD (S3's default for a multipart upload) */
  readonly storageClass?: CopyOptions['storageClass'];
  /** The destination's encryption. SSE-C is refused: its key would travel in the stage records. @default - the bucket's default */
  readonly encryption?: ServerSideEncryption;
}

/**
 * Cuts `partCount` parts into runs of `partsPerBatch` (raised so that there are at most {@link MAX_PART_BATCHES}).
 * @throws InvalidArgumentError (field `partsPerBatch`) for a count that is not an integer from 1 to 10,000
 */
export function planPartBatches(partCount: number, partsPerBatch: number = DEFAULT_PARTS_PER_BATCH): PartBatch[] {
  if (!Number.isInteger(partsPerBatch) || partsPerBatch < 1 || partsPerBatch > 10_000)
    throw new InvalidArgumentError(`partsPerBatch: must be an integer from 1 to 10000 (got ${partsPerBatch})`, { field: 'partsPerBatch' });
  const per = Math.max(partsPerBatch, Math.ceil(partCount / MAX_PART_BATCHES));
  const batches: PartBatch[] = [];
  for (let first = 1; first <= partCount; first += per) batches.push({ firstPartNumber: first, lastPartNumber: Math.min(partCount, first + per - 1) });
  return batches;
}

/**
 * HEAD of the source, the part layout (the engine's `partSizeForKnownSize`), then CreateMultipartUpload on the
 * context's bucket with the source's metadata and tags (as `copy()` carries them), the storage class and encryption.
 * The layout is checked before the upload is created, so a bad part size leaves nothing behind.
 * @throws InvalidArgumentError for a bad part size, a source over 5 TiB or SSE-C; ObjectNotFoundError and the like from S3
 */
export async function startStagedCopy(ctx: S3Context, sourceKey: string, destinationKey: string, options: StartStagedCopyOptions = {}): Promise<StagedCopy> {
  if (options.encryption?.type === 'SSE-C')
    throw new InvalidArgumentError('encryption: SSE-C is not supported by a staged copy (the key would be stored with every stage)', { field: 'encryption' });
  const copyOptions: CopyOptions = {
    sourceBucket: options.sourceBucket,
    sourceVersionId: options.sourceVersionId,
    storageClass: options.storageClass,
    encryption: options.encryption,
  };
  const [{ readCopySource }, { createCopyUpload }] = await Promise.all([import('./copy-source'), import('./multipart-copy')]);
  const source = await readCopySource(ctx, sourceKey, copyOptions);
  const partSizeBytes = partSizeForKnownSize(
    source.size,
    options.partSizeBytes !== undefined ? { partSizeBytes: options.partSizeBytes } : { targetPartSizeBytes: DEFAULT_COPY_PART_SIZE_BYTES },
  );
  if (!source.etag) throw new MultipartUploadError(`HEAD of ${sourceKey} returned no ETag; the parts cannot be pinned to it`, { key: sourceKey });
  const uploadId = await createCopyUpload(ctx, destinationKey, source, copyOptions);
  return {
    sourceBucket: source.bucket,
    sourceKey,
    sourceVersionId: source.versionId ?? options.sourceVersionId,
    sourceETag: source.etag,
    destinationKey,
    uploadId,
    sizeBytes: source.size,
    partSizeBytes,
    partCount: source.size === 0 ? 1 : partCountFor(source.size, partSizeBytes),
  };
}

/**
 * UploadPartCopy of parts `batch.firstPartNumber`..`batch.lastPartNumber`, `concurrency` at once, each pinned to the
 * planned ETag (`x-amz-copy-source-if-match`: a source changed since the start fails with PreconditionFailedError)
 * and retried as the engine retries. Copying a part again overwrites it, so a batch may be replayed. Does not abort:
 * the orchestrator does, once, for the whole copy.
 * @throws InvalidArgumentError for a batch outside 1..partCount; the first part's StorageError that failed for good
 */
export async function copyStagedParts(
  ctx: S3Context,
  copy: StagedCopy,
  batch: PartBatch,
  options: { readonly concurrency?: number; readonly abortSignal?: AbortSignal } = {},
): Promise<CompletedPart[]> {
  const { firstPartNumber: first, lastPartNumber: last } = batch;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first || last > copy.partCount)
    throw new InvalidArgumentError(`batch: parts ${first}..${last} are not within 1..${copy.partCount}`, { field: 'firstPartNumber' });
  const upload = uploadOf(ctx, copy);
  const { copyParts } = await import('./copy-parts');
  const outcome = await copyParts(
    upload,
    { partSize: copy.partSizeBytes, count: copy.partCount },
    { copyConcurrency: options.concurrency, abortSignal: options.abortSignal },
    Array.from({ length: last - first + 1 }, (_, i) => first + i),
  );
  if (!outcome.ok) throw outcome.error;
  return outcome.parts;
}

/**
 * Lists the upload's parts (all pages), checks that parts 1..partCount are there with their planned sizes, completes
 * (the engine's Complete, with retries; a Complete that fails is settled and aborted), then checks the result: its
 * size (HEAD) and, when the part ETags are MD5s, the multipart ETag they make.
 * @throws MultipartUploadError naming the missing or short parts, or a result that is not the copy
 */
export async function completeStagedCopy(ctx: S3Context, copy: StagedCopy): Promise<CopyResult & { readonly sizeBytes: number }> {
  const { listUploadedParts } = await import('../shared/uploads-admin');
  const listed = await listUploadedParts(ctx, copy.destinationKey, copy.uploadId);
  const parts: CompletedPart[] = [];
  const wrong: number[] = [];
  for (let n = 1; n <= copy.partCount; n++) {
    const part = listed.get(n);
    const expected = n < copy.partCount ? copy.partSizeBytes : copy.sizeBytes - (copy.partCount - 1) * copy.partSizeBytes;
    if (!part || part.size !== expected) wrong.push(n);
    else parts.push({ PartNumber: n, ETag: part.etag });
  }
  const context = { uploadId: copy.uploadId, bucket: ctx.bucket, key: copy.destinationKey };
  if (wrong.length > 0)
    throw new MultipartUploadError(
      `upload ${copy.uploadId} lacks ${wrong.length} of ${copy.partCount} parts at their planned size (first: ${wrong.slice(0, 10).join(', ')})`,
      { ...context, partNumber: wrong[0] },
    );
  const { completeCopy } = await import('./multipart-copy');
  const result = await completeCopy(uploadOf(ctx, copy), parts, {});
  // The version Complete made ("null" in a bucket that never had versioning is no version id to ask for).
  const versionId = result.versionId && result.versionId !== 'null' ? result.versionId : undefined;
  const head = await ctx.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: copy.destinationKey, VersionId: versionId, RequestPayer: ctx.requestPayer }), {
    key: copy.destinationKey,
  });
  const etags = parts.map((p) => unquoteEtag(p.ETag));
  const expectedEtag = etags.every((e) => /^[0-9a-f]{32}$/.test(e)) ? multipartEtag(etags) : undefined;
  if (head.ContentLength !== copy.sizeBytes || (expectedEtag !== undefined && unquoteEtag(head.ETag) !== expectedEtag))
    throw new MultipartUploadError(
      `the completed ${copy.destinationKey} is ${head.ContentLength} bytes with ETag ${head.ETag}; the copy is ${copy.sizeBytes} bytes` +
        (expectedEtag ? ` with ETag "${expectedEtag}"` : ''),
      context,
    );
  return { ...result, sizeBytes: copy.sizeBytes };
}

/**
 * AbortMultipartUpload, confirmed with ListParts. Idempotent: an upload already gone (aborted or completed) is
 * `false`. @throws the StorageError of an abort that failed
 */
export async function abortStagedCopy(ctx: S3Context, destinationKey: string, uploadId: string): Promise<boolean> {
  const { tryAbortUpload } = await import('../shared/settle');
  const outcome = await tryAbortUpload(ctx, destinationKey, uploadId);
  if (outcome.kind === 'failed') throw outcome.error;
  return outcome.kind === 'aborted';
}

function uploadOf(ctx: S3Context, copy: StagedCopy): CopyUpload {
  const source: CopySource = {
    bucket: copy.sourceBucket,
    key: copy.sourceKey,
    size: copy.sizeBytes,
    etag: copy.sourceETag,
    versionId: copy.sourceVersionId,
    sse: {},
    copiedMetadata: {},
  };
  return {
    ctx,
    source,
    copySourceValue: copySource(copy.sourceBucket, copy.sourceKey, copy.sourceVersionId),
    destinationKey: copy.destinationKey,
    uploadId: copy.uploadId,
    destinationSse: {},
  };
}
