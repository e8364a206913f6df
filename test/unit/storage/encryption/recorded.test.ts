import {
  CopyObjectCommand,
  GetBucketEncryptionCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UpdateObjectEncryptionCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash, randomBytes } from 'node:crypto';
import { AccessDeniedError, S3Storage, UnsupportedFeatureError } from '../../../../lib/storage';

// What moto does not model, with the answers Amazon S3 documents (recorded shapes): UpdateObjectEncryption (moto
// overwrites the object with the request body), BlockedEncryptionTypes (moto drops it) and SSE-C (moto ignores the
// key: no 403 for a wrong or blocked key). Named in docs/compatibility.md (UNIT_TESTED_GAPS).
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
/** Amazon S3 (no endpoint): reencrypt tries UpdateObjectEncryption first. */
const storage = new S3Storage({ bucket: 'unit-bucket', region: 'us-east-1', client });
const KEY_B = 'arn:aws:kms:us-east-1:111122223333:key/0b0b0b0b-0000-4000-8000-000000000000';

beforeEach(() => s3.reset());

function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', message, $metadata: { httpStatusCode: status, requestId: 'R1' } });
}

const md5 = (key: Buffer) => createHash('md5').update(key).digest('base64');

describe('UpdateObjectEncryption (moto answers it as a PutObject and overwrites the object)', () => {
  test('an SSE-S3 object moves to SSE-KMS key B with UpdateObjectEncryption: no data copy, the version read by HEAD', async () => {
    s3.on(HeadObjectCommand).resolves({ ServerSideEncryption: 'AES256', VersionId: 'v1', ETag: '"e"', ContentLength: 5 });
    s3.on(UpdateObjectEncryptionCommand).resolves({});
    const result = await storage.reencrypt('k', { to: { type: 'SSE-KMS', keyId: KEY_B } });
    expect(result.items).toEqual([expect.objectContaining({ key: 'k', outcome: 'reencrypted', method: 'update', versionId: 'v1' })]);
    expect(s3).toHaveReceivedCommandWith(UpdateObjectEncryptionCommand, {
      Bucket: 'unit-bucket',
      Key: 'k',
      VersionId: 'v1',
      ObjectEncryption: { SSEKMS: { KMSKeyArn: KEY_B, BucketKeyEnabled: undefined } },
    });
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
  });

  test('501 NotImplemented falls back to CopyObject in place (metadata, tags, class and If-Match kept)', async () => {
    s3.on(HeadObjectCommand)
      .resolvesOnce({ ServerSideEncryption: 'AES256', ETag: '"e"', ContentLength: 5, StorageClass: 'STANDARD_IA' })
      .resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_B, ETag: '"e2"' });
    s3.on(UpdateObjectEncryptionCommand).rejects(s3Error('NotImplemented', 501));
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    const result = await storage.reencrypt('k', { to: { type: 'SSE-KMS', keyId: KEY_B } });
    expect(result.items[0]).toEqual(expect.objectContaining({ outcome: 'reencrypted', method: 'copy' }));
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Key: 'k',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_B,
      MetadataDirective: 'COPY',
      TaggingDirective: 'COPY',
      StorageClass: 'STANDARD_IA',
      CopySourceIfMatch: '"e"',
    });
  });

  test('a copy the store wrote without the target encryption (Ceph RGW) is a failed item, not re-encrypted', async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"', ContentLength: 5, VersionId: 'v1' });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' }, VersionId: 'v2' });
    const result = await storage.reencrypt('k', { to: { type: 'SSE-KMS', keyId: KEY_B } });
    expect([result.reencrypted, result.failed]).toEqual([0, 1]);
    const item = result.items[0];
    expect(item).toMatchObject({ key: 'k', outcome: 'failed', method: 'copy', versionId: 'v2', before: { type: 'none' } });
    expect(item.error).toBeInstanceOf(UnsupportedFeatureError);
    expect(item.error).toMatchObject({ feature: 'copy-encryption', key: 'k' });
    expect(item.reason).toContain('did not apply the target encryption (type is none, expected SSE-KMS)');
    // The HEAD after the copy reads the version the copy wrote.
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual([undefined, 'v2']);
  });

  test('a copy is held only to what the store reports: no Bucket Key flag in the answer (MinIO) is not a failure', async () => {
    s3.on(HeadObjectCommand)
      .resolvesOnce({ ServerSideEncryption: 'AES256', ETag: '"e"' })
      .resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_B, ETag: '"e2"' });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    const result = await storage.reencrypt('k', { to: { type: 'SSE-KMS', keyId: KEY_B, bucketKey: true }, method: 'copy' });
    expect(result.items[0]).toMatchObject({ outcome: 'reencrypted', method: 'copy' });
    // A wrong key reported is a failure.
    s3.reset();
    s3.on(HeadObjectCommand)
      .resolvesOnce({ ServerSideEncryption: 'AES256', ETag: '"e"' })
      .resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/other', BucketKeyEnabled: false });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    const wrong = await storage.reencrypt('k', { to: { type: 'SSE-KMS', keyId: KEY_B, bucketKey: true }, method: 'copy' });
    expect(wrong.items[0]).toMatchObject({ outcome: 'failed', method: 'copy' });
    expect(wrong.items[0].reason).toContain(`expected ${KEY_B}`);
    expect(wrong.items[0].reason).toContain('S3 Bucket Key is off, expected on');
  });

  test('an object already under key B is skipped: nothing is sent after the HEAD', async () => {
    s3.on(HeadObjectCommand).resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_B, ETag: '"e"' });
    const result = await storage.reencrypt('k', { to: { type: 'SSE-KMS', keyId: KEY_B } });
    expect(result.items[0]).toEqual(expect.objectContaining({ outcome: 'skipped', reason: 'already under the target encryption' }));
    expect(s3.calls()).toHaveLength(1);
  });
});

describe('BlockedEncryptionTypes (moto drops it)', () => {
  test('getBucketEncryption reports it; setBucketEncryption allowSseC sends NONE, false sends SSE-C', async () => {
    s3.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: {
        Rules: [
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } },
        ],
      },
    });
    s3.on(PutBucketEncryptionCommand).resolves({});
    expect(await storage.getBucketEncryption()).toEqual({ type: 'SSE-S3', keyId: undefined, bucketKey: false, blockedEncryptionTypes: ['SSE-C'] });
    await storage.setBucketEncryption({ type: 'SSE-S3', allowSseC: true });
    await storage.setBucketEncryption({ type: 'SSE-S3', allowSseC: false });
    const sent = s3.commandCalls(PutBucketEncryptionCommand).map((c) => c.args[0].input.ServerSideEncryptionConfiguration?.Rules?.[0].BlockedEncryptionTypes);
    expect(sent).toEqual([{ EncryptionType: ['NONE'] }, { EncryptionType: ['SSE-C'] }]);
  });
});

describe('SSE-C semantics (moto ignores the key)', () => {
  const key = randomBytes(32);
  const other = randomBytes(32);
  const sseC = new S3Storage({ bucket: 'unit-bucket', region: 'us-east-1', client, encryption: { type: 'SSE-C', key } });

  test('a write to a bucket that blocks SSE-C (403 AccessDenied) says how to opt the bucket in', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const error = await sseC.put('k', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toMatch(/SSE-C writes are blocked on this bucket[\s\S]*allowSseC: true/);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(key) });
  });

  test('a HEAD with the wrong key (403, no body) is AccessDeniedError saying the key is not the one written with', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('403', 403, 'UnknownError'));
    const error = await sseC.head('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toContain('the key sent is not the one it was written with');
    expect((error as Error).message).not.toContain(key.toString('base64'));
  });

  test('reencrypt SSE-C to a new key: 403 with the old key and success with the new one means already done', async () => {
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(key) }).rejects(s3Error('403', 403, 'UnknownError'));
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(other) }).resolves({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(other), ETag: '"e"' });
    const result = await sseC.reencrypt('k', { from: { type: 'SSE-C', key }, to: { type: 'SSE-C', key: other } });
    expect(result.items[0]).toEqual(expect.objectContaining({ outcome: 'skipped', reason: 'already under the target encryption' }));
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
  });

  test('reencrypt to SSE-C: a read with the new key that reports SSE-S3 is a failed copy; one that reports no encryption at all (moto) cannot be checked', async () => {
    s3.on(HeadObjectCommand).resolves({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(key), ETag: '"e"' });
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(other) }).resolves({ ServerSideEncryption: 'AES256', ETag: '"e2"' });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    const wrong = await sseC.reencrypt('k', { from: { type: 'SSE-C', key }, to: { type: 'SSE-C', key: other } });
    expect(wrong.items[0]).toMatchObject({ outcome: 'failed', error: { feature: 'copy-encryption' } });
    expect(wrong.items[0].reason).toContain('type is SSE-S3, expected SSE-C');
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(other) }).resolves({ ETag: '"e2"' });
    const unchecked = await sseC.reencrypt('k', { from: { type: 'SSE-C', key }, to: { type: 'SSE-C', key: other } });
    expect(unchecked.items[0]).toMatchObject({ outcome: 'reencrypted', method: 'copy' });
  });

  test('reencrypt SSE-C to a new key copies with the old key as copy-source key and the new one as destination key', async () => {
    s3.on(HeadObjectCommand).resolves({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(key), ETag: '"e"' });
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(other) }).resolves({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(other), ETag: '"e2"' });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    const result = await sseC.reencrypt('k', { from: { type: 'SSE-C', key }, to: { type: 'SSE-C', key: other } });
    expect(result.items[0]).toEqual(expect.objectContaining({ outcome: 'reencrypted', method: 'copy' }));
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      CopySourceSSECustomerKey: key.toString('base64'),
      CopySourceSSECustomerKeyMD5: md5(key),
      SSECustomerKey: other.toString('base64'),
      SSECustomerKeyMD5: md5(other),
    });
  });
});
