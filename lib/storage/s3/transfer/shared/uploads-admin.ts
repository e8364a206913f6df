/** Multipart upload housekeeping: list parts, abort, and find or clean up incomplete uploads. */
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithmName } from '../../../../rules/checksums';
import { InvalidArgumentError } from '../../../errors';
import type { AbortIncompleteUploadsOptions, IncompleteUpload, ListIncompleteUploadsOptions } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { mapSettledLimit } from '../../core/concurrency';

/** Every part ListParts shows for an upload, by part number. Throws `MultipartUploadError` (NoSuchUpload) for a gone upload. */
export async function listUploadedParts(ctx: S3Context, key: string, uploadId: string, abortSignal?: AbortSignal): Promise<Map<number, ListedPart>> {
  return (await listUpload(ctx, key, uploadId, abortSignal)).parts;
}

/** A part as ListParts shows it: ETag, size, and the flexible checksums the store reports for it (base64). */
export interface ListedPart {
  readonly etag: string;
  readonly size: number;
  readonly checksums?: Partial<Record<ChecksumAlgorithmName, string>>;
}

/**
 * ListParts, all pages: the parts by part number, and the checksum algorithm the upload was created with
 * (`x-amz-checksum-algorithm`, when the store reports one). Throws `MultipartUploadError` (NoSuchUpload) for a gone upload.
 */
export async function listUpload(
  ctx: S3Context,
  key: string,
  uploadId: string,
  abortSignal?: AbortSignal,
): Promise<{ parts: Map<number, ListedPart>; checksumAlgorithm?: string }> {
  const parts = new Map<number, ListedPart>();
  let checksumAlgorithm: string | undefined;
  let marker: string | undefined;
  do {
    const page = await ctx.send(
      new ListPartsCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker, RequestPayer: ctx.requestPayer }),
      { key, uploadId, abortSignal },
    );
    checksumAlgorithm ??= page.ChecksumAlgorithm;
    for (const p of page.Parts ?? []) {
      if (p.PartNumber === undefined || !p.ETag) continue;
      const checksums = Object.fromEntries(
        CHECKSUM_ALGORITHMS.map((a) => [a, p[`Checksum${a}` as const]]).filter((entry): entry is [ChecksumAlgorithmName, string] => entry[1] !== undefined),
      );
      parts.set(p.PartNumber, { etag: p.ETag, size: p.Size ?? 0, checksums });
    }
    marker = page.IsTruncated ? String(page.NextPartNumberMarker ?? '') || undefined : undefined;
  } while (marker);
  return { parts, checksumAlgorithm };
}

/** AbortMultipartUpload: S3 deletes the parts. */
export async function abortUpload(ctx: S3Context, key: string, uploadId: string, abortSignal?: AbortSignal): Promise<void> {
  await ctx.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, RequestPayer: ctx.requestPayer }), {
    key,
    uploadId,
    abortSignal,
  });
}

/** Every open multipart upload in the bucket (ListMultipartUploads, all pages). */
export async function listIncompleteUploads(ctx: S3Context, options: ListIncompleteUploadsOptions = {}): Promise<IncompleteUpload[]> {
  if (options.prefix !== undefined && typeof options.prefix !== 'string') throw new InvalidArgumentError('prefix: must be a string', { field: 'prefix' });
  // A store that filters uploads by exact key only (MinIO) is asked for every upload, filtered here.
  const profile = await ctx.compatibilityProfile();
  const serverPrefix = profile && !profile.listUploadsByPrefix ? undefined : options.prefix;
  const uploads: IncompleteUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await ctx.send(
      new ListMultipartUploadsCommand({
        Bucket: ctx.bucket,
        Prefix: serverPrefix,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
        RequestPayer: ctx.requestPayer,
      }),
      { abortSignal: options.abortSignal },
    );
    for (const u of page.Uploads ?? []) {
      if (options.prefix && !u.Key?.startsWith(options.prefix)) continue;
      if (u.Key !== undefined && u.UploadId) uploads.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated, storageClass: u.StorageClass });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return uploads;
}

/** Aborts open multipart uploads (those initiated before `olderThan`, when given). Returns the ones aborted; failures throw after every abort was tried. */
export async function abortIncompleteUploads(ctx: S3Context, options: AbortIncompleteUploadsOptions = {}): Promise<IncompleteUpload[]> {
  if (options.olderThan !== undefined && !(options.olderThan instanceof Date && !Number.isNaN(options.olderThan.getTime()))) {
    throw new InvalidArgumentError('olderThan: must be a valid Date', { field: 'olderThan' });
  }
  const olderThan = options.olderThan;
  const targets = (await listIncompleteUploads(ctx, options)).filter((u) => olderThan === undefined || (u.initiated !== undefined && u.initiated < olderThan));
  const results = await mapSettledLimit(targets, ctx.config.concurrency, (u) => abortUpload(ctx, u.key, u.uploadId, options.abortSignal));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return targets;
}
