import { createHash } from 'node:crypto';
import type { ServerSideEncryption } from '../../types/objects';

/** The SSE request fields of PutObject, CreateMultipartUpload and CopyObject. */
export interface SseWriteInput {
  ServerSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** The SSE-C fields every request on an SSE-C object carries (GET, HEAD, UploadPart, ...). */
export interface SseCustomerInput {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** Base64 of the MD5 of the raw key bytes, as `x-amz-server-side-encryption-customer-key-MD5` carries it (RFC 1321). */
export function customerKeyMd5(key: Uint8Array): string {
  return createHash('md5')
    .update(Buffer.from(key.buffer, key.byteOffset, key.byteLength))
    .digest('base64');
}

/** SSE-C headers for a 256-bit key: the base64 key and the base64 MD5 of its bytes. */
export function customerKeyInput(key: Uint8Array | undefined): SseCustomerInput {
  if (key === undefined) return {};
  const bytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: bytes.toString('base64'),
    SSECustomerKeyMD5: customerKeyMd5(bytes),
  };
}

/** The SSE-C key of an encryption option (`key`, or the deprecated `customerKey`), else undefined. */
export function customerKeyOf(encryption: ServerSideEncryption | undefined): Uint8Array | undefined {
  return encryption?.type === 'SSE-C' ? (encryption.key ?? encryption.customerKey) : undefined;
}

/** The KMS key id of an SSE-KMS or DSSE-KMS option (`keyId`, or the deprecated `kmsKeyId`). */
export function kmsKeyIdOf(encryption: ServerSideEncryption | undefined): string | undefined {
  return encryption?.type === 'SSE-KMS' || encryption?.type === 'DSSE-KMS' ? (encryption.keyId ?? encryption.kmsKeyId) : undefined;
}

function contextHeader(context: Readonly<Record<string, string>> | undefined): string | undefined {
  return context ? Buffer.from(JSON.stringify(context)).toString('base64') : undefined;
}

/** SSE request fields for a write. */
export function sseWriteInput(encryption: ServerSideEncryption | undefined): SseWriteInput {
  if (encryption === undefined) return {};
  switch (encryption.type) {
    case 'SSE-S3':
      return { ServerSideEncryption: 'AES256' };
    case 'SSE-KMS':
      return {
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKeyIdOf(encryption),
        SSEKMSEncryptionContext: contextHeader(encryption.context),
        BucketKeyEnabled: encryption.bucketKey ?? encryption.bucketKeyEnabled,
      };
    case 'DSSE-KMS':
      return { ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: kmsKeyIdOf(encryption), SSEKMSEncryptionContext: contextHeader(encryption.context) };
    case 'SSE-C':
      return customerKeyInput(customerKeyOf(encryption));
  }
}
