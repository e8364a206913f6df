/**
 * Checksums the transfer engine computes locally: per-part MD5 / CRC32 / CRC32C, the multipart ETag and the
 * composite checksum S3 reports for a multipart object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import type { PartChecksum } from '../../../types/transfer';

const CRC32C_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC32C (Castagnoli), as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** CRC32 (IEEE), as an unsigned 32-bit integer: zlib's native implementation. */
export function crc32(data: Uint8Array, previous = 0): number {
  return (zlib as unknown as { crc32(data: Uint8Array, value?: number): number }).crc32(data, previous) >>> 0;
}

function uint32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

/** The base64 flexible checksum of a part, as S3 expects it in `x-amz-checksum-*`; undefined for MD5 and NONE. */
export function partChecksumOf(algorithm: PartChecksum, data: Uint8Array): string | undefined {
  if (algorithm === 'CRC32') return uint32Base64(crc32(data));
  if (algorithm === 'CRC32C') return uint32Base64(crc32c(data));
  return undefined;
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
export function compositeChecksum(algorithm: 'CRC32' | 'CRC32C', partChecksumsBase64: readonly string[]): string {
  const joined = Buffer.concat(partChecksumsBase64.map((c) => Buffer.from(c, 'base64')));
  return `${partChecksumOf(algorithm, joined)}-${partChecksumsBase64.length}`;
}

/** True when S3's ETag for an object written with this encryption is an MD5 of the data (not SSE-KMS, DSSE-KMS or SSE-C). */
export function etagIsMd5Based(serverSideEncryption: string | undefined, sseCustomerAlgorithm: string | undefined): boolean {
  if (sseCustomerAlgorithm) return false;
  return serverSideEncryption === undefined || serverSideEncryption === 'AES256';
}
