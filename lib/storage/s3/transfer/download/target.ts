/** What a download reads: the object's size and ETag, and the ranges it is fetched in. */
import { MAX_ALIGNED_RANGE_SIZE_BYTES, DEFAULT_RANGE_SIZE_BYTES } from '../shared/defaults';
import { AbortedError, PreconditionFailedError } from '../../../errors';
import type { DownloadOptions } from '../../../types/transfer';
import { etagIsMd5Based, unquoteEtag } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import { headObject } from '../../objects/get';
import { listObjectParts } from './object-parts';
import { inFlightLimit } from '../../core/concurrency';
import type { ChecksumAlgorithmName } from '../../../../rules/checksums';
import type { ObjectPart } from '@aws-sdk/client-s3';

/** The object being downloaded, as HEAD saw it, and the range layout chosen for it. */
export interface DownloadTarget {
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly rangeSize: number;
  readonly ranges: number;
  /** True when ranges are the object's parts, so their MD5s give the multipart ETag. */
  readonly aligned: boolean;
  /** True when ranges are the object's parts (range i is part i + 1), whatever its encryption. */
  readonly partsAligned: boolean;
  /** The object's flexible checksums, from HEAD with `ChecksumMode: ENABLED` (none when the store sends none). */
  readonly checksums: Partial<Record<ChecksumAlgorithmName, string>>;
  /** The type of those checksums, when the store says. */
  readonly checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  /** True when the ETag is a plain MD5 of the whole object. */
  readonly plainMd5: boolean;
  /** The object's part size (all parts but the last) when it is a multipart object whose layout could be told. */
  readonly partSize?: number;
  /** True when the caller chose the range size (`rangeSizeBytes`). */
  readonly rangeSizeChosen: boolean;
  /** The object's parts, when GetObjectAttributes listed them while the layout was checked (object-parts.ts). */
  readonly listedParts?: readonly ObjectPart[];
  /** True when the object's parts were seen to differ in size (other than a shorter last part): ranges cannot follow them. */
  readonly unequalParts?: boolean;
}

/**
 * HEAD for the size, ETag and (unless `verify: false`) flexible checksums; for a multipart object, HEAD of part 1 for the
 * part size, confirmed against the other parts' sizes (see partLayoutOf), so ranges follow parts.
 * (No If-Match on the part HEAD: some stores compare it with the part's own ETag. The ranged GETs carry it.)
 */
export async function resolveTarget(ctx: S3Context, key: string, options: DownloadOptions): Promise<DownloadTarget> {
  const head = await headObject(ctx, key, {
    versionId: options.versionId,
    customerKey: options.customerKey,
    checksumMode: options.verify !== false,
    abortSignal: options.abortSignal,
  });
  const etag = head.etag;
  const match = /-(\d+)$/.exec(unquoteEtag(etag));
  const md5Based = etagIsMd5Based(head.serverSideEncryption, head.sseCustomerAlgorithm);
  const partsCount = match ? Number(match[1]) : undefined;
  const { partSize, listedParts, unequalParts } = await partLayoutOf(ctx, key, head.size, head.versionId, partsCount, options);
  const rangeSize = Math.max(
    1,
    options.rangeSizeBytes ?? (partSize !== undefined && partSize <= MAX_ALIGNED_RANGE_SIZE_BYTES ? partSize : DEFAULT_RANGE_SIZE_BYTES),
  );
  const ranges = Math.ceil(head.size / rangeSize);
  const partsAligned = partsCount !== undefined && partSize === rangeSize && ranges === partsCount;
  return {
    size: head.size,
    etag,
    versionId: head.versionId,
    rangeSize,
    ranges,
    aligned: md5Based && partsAligned,
    partsAligned,
    checksums: head.checksums,
    checksumType: head.checksumType,
    plainMd5: md5Based && match === null && /^[0-9a-f]{32}$/.test(unquoteEtag(etag)),
    partSize: partsCount !== undefined && partsCount > 1 ? partSize : undefined,
    rangeSizeChosen: options.rangeSizeBytes !== undefined,
    listedParts,
    unequalParts,
  };
}

/**
 * The size of the object's parts (all but the last), or undefined when it is not a multipart object or cannot be
 * told. S3 lets parts differ in size (each at least 5 MiB but the last), so part 1's size is confirmed: with the sizes
 * GetObjectAttributes lists (object-parts.ts; not for `verify: false`, which checks only the size), and for parts it
 * does not list, every other part's size from HEAD `?partNumber` (8 at a time). Parts of 6, 5 and 5 MiB once passed
 * as parts of 6 MiB (three of them make 16 MiB), and their second range could never match its part's checksum.
 */
async function partLayoutOf(
  ctx: S3Context,
  key: string,
  size: number,
  versionId: string | undefined,
  partsCount: number | undefined,
  options: DownloadOptions,
): Promise<{ partSize?: number; listedParts?: readonly ObjectPart[]; unequalParts?: boolean }> {
  if (partsCount === 1) return { partSize: size };
  if (partsCount === undefined || partsCount <= 1) return {};
  const headPart = async (partNumber: number): Promise<number | undefined> => {
    try {
      const part = await headObject(ctx, key, { versionId: options.versionId, customerKey: options.customerKey, partNumber, abortSignal: options.abortSignal });
      return part.size;
    } catch (error) {
      if (error instanceof PreconditionFailedError || error instanceof AbortedError) throw error;
      // A store without HEAD ?partNumber: fall back to fixed ranges.
      return undefined;
    }
  };
  const first = await headPart(1);
  if (first === undefined || !(first > 0 && first < size)) return {};
  if (Math.ceil(size / first) !== partsCount) return { unequalParts: true };
  // `verify: false` checks the size only: ranges of part 1's size need no confirming.
  if (options.verify === false) return { partSize: first };
  const expected = (partNumber: number): number => (partNumber < partsCount ? first : size - (partsCount - 1) * first);
  const listed = await listObjectParts(ctx, key, {
    versionId: versionId ?? options.versionId,
    customerKey: options.customerKey,
    abortSignal: options.abortSignal,
  });
  const parts = listed?.parts ?? [];
  // The listed sizes are compared with each other: MinIO lists an encrypted object's stored sizes (a 5 MiB part of
  // an SSE object as 5,245,440 bytes), equal for equal parts all the same.
  const listedFirst = parts.find((p) => p.PartNumber === 1)?.Size;
  const listedOk = (p: ObjectPart): boolean =>
    p.PartNumber !== undefined &&
    (p.PartNumber < partsCount ? p.Size === listedFirst : p.Size !== undefined && listedFirst !== undefined && p.Size <= listedFirst);
  if (parts.some((p) => !listedOk(p))) return { listedParts: parts, unequalParts: true };
  // Parts the listing does not cover (no GetObjectAttributes here): their sizes from HEAD ?partNumber, a few at a time.
  const listedNumbers = new Set(parts.map((p) => p.PartNumber));
  const unlisted = Array.from({ length: partsCount - 1 }, (_, i) => i + 2).filter((n) => !listedNumbers.has(n));
  const atOnce = Math.min(UNLISTED_HEADS_AT_ONCE, inFlightLimit(options.concurrency, ctx.config));
  for (let i = 0; i < unlisted.length; i += atOnce) {
    const batch = unlisted.slice(i, i + atOnce);
    const sizes = await Promise.all(batch.map((n) => headPart(n)));
    if (sizes.some((s, j) => s !== expected(batch[j]))) return { listedParts: listed?.parts, unequalParts: true };
  }
  return { partSize: first, listedParts: listed?.parts };
}

/** HEAD `?partNumber` requests in flight at once when the parts' sizes are not listed (at most the download's concurrency). */
const UNLISTED_HEADS_AT_ONCE = 8;

/** The first byte of range `index`. */
export function rangeStart(target: DownloadTarget, index: number): number {
  return index * target.rangeSize;
}

/** The length of range `index` (the last one may be short). */
export function rangeLength(target: DownloadTarget, index: number): number {
  return Math.min(target.size, (index + 1) * target.rangeSize) - index * target.rangeSize;
}
