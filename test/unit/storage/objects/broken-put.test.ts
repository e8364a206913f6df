/**
 * A PUT the store answers before reading its body (MinIO: 404 NoSuchBucket, then the connection closed) reaches the
 * client as a broken connection: write EPIPE or ECONNRESET, which the SDK's HTTP handler names "TimeoutError".
 * bucketkit asks HeadBucket once: a missing bucket is a BucketNotFoundError; otherwise the error stays a retryable
 * network error (ServiceError), never a TimeoutError, since nothing timed out. Recorded shapes; the MinIO run is
 * in test/integration/objects/error-targets.test.ts.
 */
import { HeadBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { BucketNotFoundError, S3Storage, ServiceError, TimeoutError, toStorageError } from '../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, maxAttempts: 1 });

beforeEach(() => s3.reset());

/** What @smithy/node-http-handler rejects with when the socket breaks under a request. */
const broken = (code: string) => Object.assign(new Error(`write ${code}`), { name: 'TimeoutError', code });
const notFound = () => new S3ServiceException({ name: 'NotFound', $fault: 'client', message: 'NotFound', $metadata: { httpStatusCode: 404 } });

test.each(['EPIPE', 'ECONNRESET'])('write %s, and HeadBucket answers 404: BucketNotFoundError naming the bucket', async (code) => {
  s3.on(PutObjectCommand).rejects(broken(code));
  s3.on(HeadBucketCommand).rejects(notFound());
  const error = await storage.put('k', Buffer.alloc(1024)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BucketNotFoundError);
  expect(error).toMatchObject({ s3Code: 'NoSuchBucket', httpStatus: 404, bucket: 'unit-bucket', key: 'k' });
  expect((error as Error).message).toContain('the bucket unit-bucket does not exist');
  expect(s3.commandCalls(HeadBucketCommand)).toHaveLength(1);
});

test('a 404 whose body the reset cut off (Ceph RGW: "aborted" while the answer is deserialized): HeadBucket tells the missing bucket', async () => {
  const cut = Object.assign(new Error('aborted'), { code: 'ECONNRESET', $metadata: { httpStatusCode: 404 } });
  s3.on(PutObjectCommand).rejects(cut);
  s3.on(HeadBucketCommand).rejects(notFound());
  await expect(storage.put('k', Buffer.alloc(1024))).rejects.toBeInstanceOf(BucketNotFoundError);
  // The same failure crossing a realm (the SDK's wrapper keeps only the message): still diagnosed.
  s3.on(PutObjectCommand).rejects(new Error('AWS SDK error wrapper for Error: aborted'));
  await expect(storage.put('k', Buffer.alloc(1024))).rejects.toBeInstanceOf(BucketNotFoundError);
});

test('an S3 answer with a code is not diagnosed (AccessDenied stays AccessDenied; no HeadBucket)', async () => {
  s3.on(PutObjectCommand).rejects(
    new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }),
  );
  await expect(storage.put('k', Buffer.alloc(1024))).rejects.toMatchObject({ name: 'AccessDeniedError' });
  expect(s3).not.toHaveReceivedCommand(HeadBucketCommand);
});

test('write EPIPE while the bucket exists: a retryable ServiceError that says EPIPE, not a TimeoutError', async () => {
  s3.on(PutObjectCommand).rejects(broken('EPIPE'));
  s3.on(HeadBucketCommand).resolves({});
  const error = await storage.put('k', Buffer.alloc(1024)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  expect(error).not.toBeInstanceOf(TimeoutError);
  expect(error).toMatchObject({ retryable: true, s3Code: undefined });
  expect((error as Error).message).toMatch(/^EPIPE \(unit-bucket\/k\): write EPIPE/);
});

test('a real timeout (ETIMEDOUT, or a socket timeout without a code) stays a TimeoutError, and no HeadBucket is asked', async () => {
  expect(toStorageError(broken('ETIMEDOUT'))).toBeInstanceOf(TimeoutError);
  s3.on(PutObjectCommand).rejects(Object.assign(new Error('socket timed out after 500 ms of inactivity'), { name: 'TimeoutError' }));
  const error = await storage.put('k', Buffer.alloc(1024)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TimeoutError);
  expect(s3).not.toHaveReceivedCommand(HeadBucketCommand);
});

test('the SDK wrapper of an error from another realm (a VM context, Jest) keeps the network code in its message only: it is recovered', () => {
  const wrapped = toStorageError(new Error('AWS SDK error wrapper for TimeoutError: write ECONNRESET'), { bucket: 'b', key: 'k' });
  expect(wrapped).toBeInstanceOf(ServiceError);
  expect(wrapped.message).toMatch(/^ECONNRESET \(b\/k\)/);
  expect(toStorageError(new Error('AWS SDK error wrapper for TimeoutError: socket timed out'))).toBeInstanceOf(TimeoutError);
});
