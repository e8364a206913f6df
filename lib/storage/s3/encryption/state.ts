import { HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type { EncryptionState } from '../../types/encryption';
import type { ServerSideEncryption } from '../../types/objects';
import type { S3Context } from '../core/context';
import { customerKeyInput, customerKeyMd5, customerKeyOf, kmsKeyIdOf } from '../core/encryption';

const TYPE_OF_ALGORITHM: Readonly<Record<string, EncryptionState['type']>> = { AES256: 'SSE-S3', 'aws:kms': 'SSE-KMS', 'aws:kms:dsse': 'DSSE-KMS' };

/** The SSE fields of a HEAD (or GET) answer. */
export type SseHeaders = Pick<
  HeadObjectCommandOutput,
  'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled' | 'SSECustomerAlgorithm' | 'SSECustomerKeyMD5'
>;

/**
 * An object's encryption from its HEAD answer: `x-amz-server-side-encryption` (AES256, aws:kms, aws:kms:dsse), the KMS
 * key, the Bucket Key flag, and for SSE-C the key's MD5. https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 */
export function encryptionStateOf(head: SseHeaders): EncryptionState {
  if (head.SSECustomerAlgorithm) return { type: 'SSE-C', customerKeyMd5: head.SSECustomerKeyMD5 };
  const type = head.ServerSideEncryption ? (TYPE_OF_ALGORITHM[head.ServerSideEncryption] ?? 'unknown') : 'none';
  return { type, keyId: head.SSEKMSKeyId, bucketKey: head.BucketKeyEnabled };
}

/** An encryption option as an {@link EncryptionState}: an SSE-C key becomes its MD5, so the state can be shown. */
export function expectedStateOf(expected: ServerSideEncryption): EncryptionState {
  const key = customerKeyOf(expected);
  if (expected.type === 'SSE-C') return { type: 'SSE-C', customerKeyMd5: key ? customerKeyMd5(key) : undefined };
  if (expected.type === 'SSE-S3') return { type: 'SSE-S3' };
  const bucketKey = expected.type === 'SSE-KMS' ? (expected.bucketKey ?? expected.bucketKeyEnabled) : undefined;
  return { type: expected.type, keyId: kmsKeyIdOf(expected), bucketKey };
}

/**
 * True when S3's reported key (an ARN) is the expected key id, ARN or multi-Region key id. MinIO's built-in KMS reports
 * a key named `k` as `arn:aws:kms:k` (no region, account or `key/`), which matches `k` too.
 */
export function sameKmsKey(actual: string | undefined, expected: string): boolean {
  if (actual === undefined) return false;
  return (
    actual === expected ||
    actual.endsWith(`:key/${expected}`) ||
    expected.endsWith(`:key/${actual}`) ||
    actual === `arn:aws:kms:${expected}` ||
    expected === `arn:aws:kms:${actual}`
  );
}

/**
 * What differs between an object's encryption and the expectation, one sentence each. Only what the expectation
 * sets is compared: SSE-KMS without `keyId` accepts any KMS key, without `bucketKey` either Bucket Key setting.
 */
export function encryptionProblems(actual: EncryptionState, expected: EncryptionState): string[] {
  if (actual.type !== expected.type) return [`type is ${actual.type}, expected ${expected.type}`];
  const problems: string[] = [];
  if (expected.keyId !== undefined && !sameKmsKey(actual.keyId, expected.keyId)) {
    const alias = expected.keyId.startsWith('alias/') || expected.keyId.includes(':alias/');
    problems.push(
      `KMS key is ${actual.keyId ?? 'not reported'}, expected ${expected.keyId}` +
        (alias ? ' (S3 reports the key ARN, never an alias: give the key ARN or id to compare)' : ''),
    );
  }
  if (expected.bucketKey !== undefined && (actual.bucketKey ?? false) !== expected.bucketKey) {
    problems.push(`S3 Bucket Key is ${actual.bucketKey ? 'on' : 'off'}, expected ${expected.bucketKey ? 'on' : 'off'}`);
  }
  if (expected.customerKeyMd5 !== undefined && actual.customerKeyMd5 !== undefined && actual.customerKeyMd5 !== expected.customerKeyMd5) {
    problems.push(`SSE-C key MD5 is ${actual.customerKeyMd5}, expected ${expected.customerKeyMd5}`);
  }
  return problems;
}

/** HEAD with an SSE-C key when given (an SSE-C object answers HEAD only with its key). */
export function headWithKey(
  ctx: S3Context,
  key: string,
  customerKey: Uint8Array | undefined,
  options: { versionId?: string; abortSignal?: AbortSignal } = {},
): Promise<HeadObjectCommandOutput> {
  return ctx.send(
    new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: options.versionId, RequestPayer: ctx.requestPayer, ...customerKeyInput(customerKey) }),
    { key, abortSignal: options.abortSignal },
  );
}
