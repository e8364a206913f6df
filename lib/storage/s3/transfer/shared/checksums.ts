/**
 * Checksums the transfer engine computes locally: per-part MD5 / CRC32 / CRC32C, the multipart ETag and the
 * composite checksum S3 reports for a multipart object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { isChecksumAlgorithm, type ChecksumAlgorithmName } from '../../../../rules/checksums';
import { InvalidArgumentError } from '../../../errors';
import { crcCombine } from '../../core/hashing/crc-combine';
import { engines } from '../../core/hashing/hash-pool';
import type { PartChecksum, UploadOptions } from '../../../types/transfer';

/** CRC32C (Castagnoli), as an unsigned 32-bit integer. `previous` continues an earlier CRC (0 to start). */
export function crc32c(data: Uint8Array, previous = 0): number {
  return crcAsUint32('CRC32C', data, previous);
}

/** CRC32 (IEEE), as an unsigned 32-bit integer: zlib's native implementation where Node has it. */
export function crc32(data: Uint8Array, previous = 0): number {
  const native = (zlib as unknown as { crc32?(data: Uint8Array, value?: number): number }).crc32;
  return native ? native(data, previous) >>> 0 : crcAsUint32('CRC32', data, previous);
}

/** A 32-bit CRC on the hash engines (slicing-by-8), continuing `previous` by CRC combine when it is not 0. */
function crcAsUint32(algorithm: 'CRC32' | 'CRC32C', data: Uint8Array, previous: number): number {
  const hasher = engines().create(algorithm);
  hasher.update(data);
  let digest: Buffer = Buffer.from(hasher.digest());
  if (previous !== 0) {
    const before = Buffer.alloc(4);
    before.writeUInt32BE(previous >>> 0);
    digest = crcCombine(algorithm, before, digest, data.length);
  }
  return digest.readUInt32BE(0);
}

/** CRC-64/NVME (S3's `CRC64NVME`), as 8 big-endian bytes. Check value: "123456789" gives ae8b14860a799888. */
export function crc64nvme(data: Uint8Array): Buffer {
  const hasher = engines().create('CRC64NVME');
  hasher.update(data);
  return Buffer.from(hasher.digest());
}

function uint32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

/** The base64 flexible checksum of a part, as S3 expects it in `x-amz-checksum-*`; undefined for MD5 and NONE. */
export function partChecksumOf(algorithm: PartChecksum, data: Uint8Array): string | undefined {
  switch (algorithm) {
    case 'CRC32':
      return uint32Base64(crc32(data));
    case 'CRC32C':
      return uint32Base64(crc32c(data));
    case 'CRC64NVME':
      return crc64nvme(data).toString('base64');
    case 'SHA1':
      return createHash('sha1').update(data).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(data).digest('base64');
    default:
      return undefined;
  }
}

/**
 * The multipart checksum type declared on CreateMultipartUpload with `flexible`: CRC64NVME is FULL_OBJECT only, the
 * others are COMPOSITE here (their per-part checksums are what a download checks); none without an algorithm.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
export function checksumTypeOf(flexible: ChecksumAlgorithmName | undefined): 'COMPOSITE' | 'FULL_OBJECT' | undefined {
  return flexible === undefined ? undefined : flexible === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}

/** The flexible algorithm of a per-part check, or undefined for MD5 and NONE. */
export function flexibleOf(partChecksum: PartChecksum): ChecksumAlgorithmName | undefined {
  return isChecksumAlgorithm(partChecksum) ? partChecksum : undefined;
}

/** Every value `partChecksum` takes. */
export const PART_CHECKSUMS: readonly PartChecksum[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME', 'MD5', 'NONE'];

/**
 * The per-part check of a multipart upload, and whether parts also carry Content-MD5. A declared `checksumAlgorithm`
 * is the parts' algorithm (S3 checks every part against the algorithm declared on CreateMultipartUpload, and MinIO
 * refuses parts without it); `partChecksum: 'MD5'` then adds Content-MD5. Otherwise `partChecksum`, else CRC32 under
 * `WHEN_SUPPORTED` and Content-MD5 under `WHEN_REQUIRED`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 * @throws InvalidArgumentError when `partChecksum` is another flexible algorithm than `checksumAlgorithm`, or NONE with one
 */
export function resolvePartChecksum(
  options: Pick<UploadOptions, 'partChecksum' | 'checksumAlgorithm'>,
  checksumPolicy: string,
): { partChecksum: PartChecksum; contentMd5: boolean } {
  const { partChecksum, checksumAlgorithm } = options;
  if (checksumAlgorithm === undefined) {
    const chosen = partChecksum ?? (checksumPolicy === 'WHEN_SUPPORTED' ? 'CRC32' : 'MD5');
    return { partChecksum: chosen, contentMd5: chosen === 'MD5' };
  }
  if (partChecksum !== undefined && partChecksum !== 'MD5' && partChecksum !== checksumAlgorithm) {
    throw new InvalidArgumentError(
      `partChecksum: ${partChecksum} conflicts with checksumAlgorithm ${checksumAlgorithm}; every part of a multipart upload carries the object's algorithm. Drop partChecksum, or set it to ${checksumAlgorithm} or MD5`,
      { field: 'partChecksum' },
    );
  }
  return { partChecksum: checksumAlgorithm, contentMd5: partChecksum === 'MD5' };
}

/** MD5 as hex. */
export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Strips the quotes S3 puts around an ETag. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '').replace(/^W\//, '');
}

/** `md5(concat(binary md5 of each part)) + "-" + partCount`: the ETag S3 gives a multipart object (no SSE-KMS, no SSE-C). */
export function multipartEtag(partMd5Hex: readonly string[]): string {
  const hash = createHash('md5');
  for (const md5 of partMd5Hex) hash.update(Buffer.from(md5, 'hex'));
  return `${hash.digest('hex')}-${partMd5Hex.length}`;
}

/** The COMPOSITE checksum of a multipart object: the checksum of the concatenated binary part checksums, then `-N`. */
export function compositeChecksum(algorithm: Exclude<ChecksumAlgorithmName, 'CRC64NVME'>, partChecksumsBase64: readonly string[]): string {
  const joined = Buffer.concat(partChecksumsBase64.map((c) => Buffer.from(c, 'base64')));
  return `${partChecksumOf(algorithm, joined)}-${partChecksumsBase64.length}`;
}

/** True when S3's ETag for an object written with this encryption is an MD5 of the data (not SSE-KMS, DSSE-KMS or SSE-C). */
export function etagIsMd5Based(serverSideEncryption: string | undefined, sseCustomerAlgorithm: string | undefined): boolean {
  if (sseCustomerAlgorithm) return false;
  return serverSideEncryption === undefined || serverSideEncryption === 'AES256';
}
