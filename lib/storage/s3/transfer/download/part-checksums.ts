/**
 * Every part's checksum in one request, for a `part-checksums` download: GetObjectAttributes with `ObjectParts`
 * lists each part's size and checksum (up to 1,000 parts per answer), in place of one HEAD `?partNumber` per range.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
import type { ObjectPart } from '@aws-sdk/client-s3';
import type { DownloadOptions } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { listObjectParts } from './object-parts';
import { rangeLength, type DownloadTarget } from './target';

/**
 * The checksums (base64, as S3 reports them) of the object's parts, by range index, for the ranges whose part the
 * listing (the target's, else one GetObjectAttributes: object-parts.ts) gives with the range's exact size and an
 * `algorithm` checksum. Undefined when the store does not list parts (see {@link listObjectParts}). The caller asks
 * HEAD `?partNumber` for any range not listed.
 * @throws AbortedError when the download was cancelled
 */
export async function listPartChecksums(
  ctx: S3Context,
  key: string,
  target: DownloadTarget,
  algorithm: string,
  options: DownloadOptions,
  signal: AbortSignal,
): Promise<Map<number, string> | undefined> {
  const parts =
    target.listedParts ??
    (await listObjectParts(ctx, key, { versionId: target.versionId ?? options.versionId, customerKey: options.customerKey, abortSignal: signal }))?.parts;
  if (parts === undefined) return undefined;
  const listed = new Map<number, string>();
  for (const part of parts) {
    const index = (part.PartNumber ?? 0) - 1;
    const value = part[`Checksum${algorithm}` as keyof ObjectPart];
    if (index >= 0 && index < target.ranges && part.Size === rangeLength(target, index) && typeof value === 'string') listed.set(index, value);
  }
  return listed;
}
