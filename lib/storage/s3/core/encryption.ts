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

/** SSE-C headers for a 256-bit key: the base64 key and the base64 MD5 of its bytes. */
export function customerKeyInput(key: Uint8Array | undefined): SseCustomerInput {
  if (key === undefined) return {};
  const bytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: bytes.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(bytes).digest('base64'),
  };
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
        SSEKMSKeyId: encryption.kmsKeyId,
        SSEKMSEncryptionContext: encryption.context ? Buffer.from(JSON.stringify(encryption.context)).toString('base64') : undefined,
        BucketKeyEnabled: encryption.bucketKeyEnabled,
      };
    case 'DSSE-KMS':
      return {
        ServerSideEncryption: 'aws:kms:dsse',
        SSEKMSKeyId: encryption.kmsKeyId,
        SSEKMSEncryptionContext: encryption.context ? Buffer.from(JSON.stringify(encryption.context)).toString('base64') : undefined,
      };
    case 'SSE-C':
      return customerKeyInput(encryption.customerKey);
  }
}
