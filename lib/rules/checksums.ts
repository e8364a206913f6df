/**
 * Checksum algorithms: the flexible checksums S3 computes and stores (`x-amz-checksum-<algorithm>`), and
 * `Content-MD5`, the older integrity check that S3 verifies but does not store.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */

/** COMPOSITE: a checksum of the part checksums, shown as `<base64>-<parts>`. FULL_OBJECT: of the whole object. */
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/** One row of {@link CHECKSUM_TABLE}. */
export interface ChecksumInfo {
  /** The name S3 uses, e.g. `CRC64NVME`. */
  readonly name: string;
  /** `flexible`: sent as `x-amz-checksum-*` and stored with the object. `content-md5`: the Content-MD5 header only. */
  readonly kind: 'flexible' | 'content-md5';
  /** The request and response header. */
  readonly header: string;
  /** Digest length, in bytes (before base64). */
  readonly digestBytes: number;
  /** Multipart checksum types S3 accepts for it; empty for Content-MD5, which is per request. */
  readonly multipartTypes: readonly ChecksumType[];
}

/**
 * Every checksum, one row each. Digest sizes: CRC32 and CRC32C 4 bytes, CRC64NVME 8, SHA1 20, SHA256 32, MD5 16.
 * Multipart types: CRC64NVME is FULL_OBJECT only, SHA1 and SHA256 COMPOSITE only, CRC32 and CRC32C either.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#AmazonS3-PutObject-request-header-ContentMD5
 */
export const CHECKSUM_TABLE = [
  { name: 'CRC32', kind: 'flexible', header: 'x-amz-checksum-crc32', digestBytes: 4, multipartTypes: ['COMPOSITE', 'FULL_OBJECT'] },
  { name: 'CRC32C', kind: 'flexible', header: 'x-amz-checksum-crc32c', digestBytes: 4, multipartTypes: ['COMPOSITE', 'FULL_OBJECT'] },
  { name: 'SHA1', kind: 'flexible', header: 'x-amz-checksum-sha1', digestBytes: 20, multipartTypes: ['COMPOSITE'] },
  { name: 'SHA256', kind: 'flexible', header: 'x-amz-checksum-sha256', digestBytes: 32, multipartTypes: ['COMPOSITE'] },
  { name: 'CRC64NVME', kind: 'flexible', header: 'x-amz-checksum-crc64nvme', digestBytes: 8, multipartTypes: ['FULL_OBJECT'] },
  { name: 'MD5', kind: 'content-md5', header: 'Content-MD5', digestBytes: 16, multipartTypes: [] },
] as const satisfies readonly ChecksumInfo[];

type Row = (typeof CHECKSUM_TABLE)[number];

/** A flexible checksum algorithm: `CRC32`, `CRC32C`, `SHA1`, `SHA256` or `CRC64NVME` (S3's `ChecksumAlgorithm`). */
export type ChecksumAlgorithmName = Extract<Row, { kind: 'flexible' }>['name'];
/** Any integrity check bucketkit can send: a flexible checksum or `MD5` (Content-MD5). */
export type IntegrityCheckName = Row['name'];

/** The flexible checksum algorithms, in table order. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithmName[] = Object.freeze(
  CHECKSUM_TABLE.filter((row) => row.kind === 'flexible').map((row) => row.name as ChecksumAlgorithmName),
);
/** Every integrity check: the flexible algorithms and MD5. */
export const INTEGRITY_CHECKS: readonly IntegrityCheckName[] = Object.freeze(CHECKSUM_TABLE.map((row) => row.name));

/** Whether `name` is a flexible checksum algorithm. */
export function isChecksumAlgorithm(name: unknown): name is ChecksumAlgorithmName {
  return typeof name === 'string' && (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/** The table row of `name`, or undefined. */
export function checksumInfo(name: string): ChecksumInfo | undefined {
  return CHECKSUM_TABLE.find((row) => row.name === name);
}

/** Length of the base64 form of a digest of `digestBytes` bytes (padding included). */
export function base64Length(digestBytes: number): number {
  return Math.ceil(digestBytes / 3) * 4;
}
