import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MIB } from '../../../../../lib/rules/limits';
import {
  IntegrityError,
  InvalidArgumentError,
  MemoryUploadStateStore,
  MultipartUploadError,
  PreconditionFailedError,
  S3Storage,
  multipartEtag,
} from '../../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_REQUIRED' });
const PART = 5 * MIB;
const SMALL = { multipartThresholdBytes: PART, targetPartSizeBytes: PART, retryBaseDelayMs: 0 };

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const partsOf = (data: Buffer) => Array.from({ length: Math.ceil(data.length / PART) }, (_, i) => data.subarray(i * PART, (i + 1) * PART));

/** Answers like S3: each part's ETag is its MD5, the completed ETag the multipart ETag. */
function behaveLikeS3(data: Buffer): void {
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
  s3.on(UploadPartCommand).callsFake((input: { Body: Buffer }) => ({ ETag: `"${md5(input.Body)}"` }));
  s3.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${multipartEtag(partsOf(data).map(md5))}"` });
}

beforeEach(() => s3.reset());

test('every part carries its Content-MD5 and the SSE-C key; Complete lists the parts in order', async () => {
  const data = Buffer.alloc(2 * PART + 10, 3);
  behaveLikeS3(data);
  const key = Buffer.alloc(32, 9);
  const result = await storage.upload('k', data, { ...SMALL, encryption: { type: 'SSE-C', customerKey: key } });
  expect(result.partsCount).toBe(3);
  const [p1, , p3] = partsOf(data);
  expect(s3).toHaveReceivedCommandWith(UploadPartCommand, {
    PartNumber: 1,
    UploadId: 'u-1',
    ContentMD5: createHash('md5').update(p1).digest('base64'),
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key.toString('base64'),
  });
  expect(s3).toHaveReceivedCommandWith(UploadPartCommand, { PartNumber: 3, ContentLength: p3.length });
  const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input;
  expect(complete.MultipartUpload?.Parts?.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
  expect(complete.SSECustomerKey).toBe(key.toString('base64'));
  // SSE-C: the ETag is not an MD5, so no ETag check is claimed.
  expect(result.verifiedBy).toBe('none');
});

test('a completed ETag that differs from the one computed from the parts fails the upload', async () => {
  const data = Buffer.alloc(2 * PART, 1);
  behaveLikeS3(data);
  s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"00000000000000000000000000000000-2"' });
  const error = await storage.upload('k', data, SMALL).catch((e) => e);
  expect(error).toBeInstanceOf(IntegrityError);
  expect(error.message).toMatch(/differs from .* computed from the parts sent/);
  expect(error).toMatchObject({
    code: 'Integrity',
    check: 'multipart-etag',
    expected: multipartEtag(partsOf(data).map(md5)),
    actual: '00000000000000000000000000000000-2',
    uploadId: 'u-1',
    retryable: false,
  });
});

test('a part the store acknowledges with a wrong ETag is retried, then the upload is aborted with an IntegrityError naming the part', async () => {
  const data = Buffer.alloc(2 * PART, 2);
  behaveLikeS3(data);
  s3.on(UploadPartCommand, { PartNumber: 2 }).resolves({ ETag: '"ffffffffffffffffffffffffffffffff"' });
  const error = await storage.upload('k', data, { ...SMALL, maxPartAttempts: 3 }).catch((e) => e);
  expect(error).toBeInstanceOf(IntegrityError);
  expect(error).toMatchObject({
    check: 'md5-etag',
    expected: md5(partsOf(data)[1]),
    actual: 'ffffffffffffffffffffffffffffffff',
    uploadId: 'u-1',
    partNumber: 2,
    retryable: true,
  });
  expect(s3.commandCalls(UploadPartCommand, { PartNumber: 2 })).toHaveLength(3);
  expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'u-1', Key: 'k' });
  expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
});

test('at most `concurrency` parts are in flight', async () => {
  const data = Buffer.alloc(6 * PART, 4);
  behaveLikeS3(data);
  let inFlight = 0;
  let peak = 0;
  s3.on(UploadPartCommand).callsFake(async (input: { Body: Buffer }) => {
    peak = Math.max(peak, ++inFlight);
    // Longer than hashing a part on the hash pool (one worker on a 2-core machine), so parts overlap.
    await new Promise((resolve) => setTimeout(resolve, 60));
    inFlight--;
    return { ETag: `"${md5(input.Body)}"` };
  });
  await storage.upload('k', data, { ...SMALL, concurrency: 2 });
  expect(peak).toBe(2);
});

test('below the threshold: one PutObject, MD5 ETag checked', async () => {
  const data = Buffer.from('small');
  s3.on(PutObjectCommand).resolves({ ETag: `"${md5(data)}"` });
  const result = await storage.upload('k', data);
  expect(result).toMatchObject({ partsCount: 1, verifiedBy: 'md5-etag' });
  expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
});

test('a stream resumed from a state whose bytes no longer match is refused', async () => {
  const first = Buffer.alloc(2 * PART, 5);
  const store = new MemoryUploadStateStore();
  await store.save({
    version: 1,
    bucket: 'unit-bucket',
    key: 'k',
    uploadId: 'u-old',
    partSizeBytes: PART,
    layout: 'fixed',
    partChecksum: 'MD5',
    source: { id: 'stream-1' },
    parts: [{ partNumber: 1, etag: `"${md5(first.subarray(0, PART))}"`, size: PART, md5: md5(first.subarray(0, PART)) }],
    createdAt: new Date().toISOString(),
  });
  s3.on(ListPartsCommand).resolves({ Parts: [{ PartNumber: 1, ETag: `"${md5(first.subarray(0, PART))}"`, Size: PART }] });
  const changed = Buffer.alloc(2 * PART, 6);
  const error = await storage.upload('k', Readable.from([changed]), { ...SMALL, stateStore: store, sourceId: 'stream-1', partSizeBytes: PART }).catch((e) => e);
  expect(error).toBeInstanceOf(MultipartUploadError);
  expect(error.cause).toBeInstanceOf(PreconditionFailedError);
  expect(s3).not.toHaveReceivedCommand(UploadPartCommand);
});

test('a different sourceId is refused before any request', async () => {
  const store = new MemoryUploadStateStore();
  await store.save({
    version: 1,
    bucket: 'unit-bucket',
    key: 'k',
    uploadId: 'u-old',
    partSizeBytes: PART,
    layout: 'fixed',
    partChecksum: 'MD5',
    source: { id: 'v1', size: 2 * PART },
    parts: [],
    createdAt: '',
  });
  await expect(storage.upload('k', Buffer.alloc(2 * PART), { ...SMALL, stateStore: store, sourceId: 'v2' })).rejects.toBeInstanceOf(PreconditionFailedError);
  expect(s3.calls()).toHaveLength(0);
});

test('bad options throw InvalidArgumentError and send nothing', async () => {
  await expect(storage.upload('k', Buffer.alloc(1), { concurrency: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  await expect(storage.upload('k', Buffer.alloc(1), { partChecksum: 'SHA512' as 'MD5' })).rejects.toBeInstanceOf(InvalidArgumentError);
  await expect(storage.upload('k', 42 as unknown as Buffer)).rejects.toBeInstanceOf(InvalidArgumentError);
  expect(s3.calls()).toHaveLength(0);
});
