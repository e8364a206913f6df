/**
 * The transfer core, on a mocked S3 client: validation before any request, CopyObject vs multipart copy, the
 * continuation across invocations (nothing copied twice, parts an invocation could not report are found with
 * ListParts), the error policy (permanent: abort + failure result; retryable: continuation or rethrow), replay
 * after completion, and S3 Batch Operations schemas 1.0 and 2.0.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { multipartEtag } from '../../lib/storage';
import { transfer, type TransferContinuation, type TransferInProgress } from '../../lambda/transfer';
import { fakeClock, s3, s3Error, sentCommands, testDeps } from './support';

const MIB = 1024 * 1024;
const SIZE = 20 * MIB;
const PART = 5 * MIB;
const EVENT = {
  sourceBucket: 'src',
  sourceKey: 'a/big.bin',
  destinationBucket: 'dst',
  destinationKey: 'b/big.bin',
  multipart: true,
  partSizeBytes: PART,
  concurrency: 1,
};

beforeEach(() => {
  s3.reset();
  s3.on(HeadObjectCommand).resolves({ ContentLength: SIZE, ETag: '"src-etag"', ContentType: 'application/x-test', Metadata: { owner: 'me' } });
  s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'team', Value: 'data' }] });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  s3.on(UploadPartCopyCommand).callsFake((input: { PartNumber: number }) => ({ CopyPartResult: { ETag: `"${String(input.PartNumber).padStart(32, '0')}"` } }));
  s3.on(ListPartsCommand).resolves({ Parts: [], IsTruncated: false });
  s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"done-4"', VersionId: 'v1' });
  s3.on(AbortMultipartUploadCommand).resolves({});
  s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"copied"' }, VersionId: 'v0' });
});

describe('a bad event fails at the door with a ValidationError naming the field, and sends no S3 request', () => {
  test.each([
    ['not an object', 'hello', 'event'],
    ['no sourceBucket', { sourceKey: 'k' }, 'sourceBucket'],
    ['empty sourceKey', { sourceBucket: 'b', sourceKey: '' }, 'sourceKey'],
    ['copy onto itself', { sourceBucket: 'b', sourceKey: 'k' }, 'destinationBucket'],
    ['same bucket and key', { sourceBucket: 'b', sourceKey: 'k', destinationKey: 'k' }, 'destinationKey'],
    ['part size below 5 MiB', { ...EVENT, partSizeBytes: 1024 }, 'partSizeBytes'],
    ['concurrency 0', { ...EVENT, concurrency: 0 }, 'concurrency'],
    ['unknown storage class', { ...EVENT, storageClass: 'COLD' }, 'storageClass'],
    ['bad region', { ...EVENT, destinationRegion: 'mars' }, 'destinationRegion'],
    ['misspelt option', { ...EVENT, partSize: 8 }, 'partSize'],
    [
      'continuation without uploadId',
      { ...EVENT, continuation: { sourceETag: 'e', sizeBytes: SIZE, partSizeBytes: PART, parts: [] } },
      'continuation.uploadId',
    ],
    [
      'continuation part out of range',
      { ...EVENT, continuation: { uploadId: 'u', sourceETag: 'e', sizeBytes: SIZE, partSizeBytes: PART, parts: [[9, 'x']] } },
      'continuation.parts[0]',
    ],
  ])('%s', async (_what, event, field) => {
    const result = await transfer(event, testDeps());
    expect(result).toMatchObject({ status: 'Failed', errorType: 'ValidationError', field });
    expect(sentCommands()).toEqual([]);
  });
});

test('up to 5 GiB without multipart: one CopyObject pinned to the source ETag', async () => {
  const result = await transfer({ ...EVENT, multipart: false }, testDeps());
  expect(result).toMatchObject({ status: 'Succeeded', method: 'CopyObject', sizeBytes: SIZE });
  expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: 'dst', Key: 'b/big.bin', CopySource: 'src/a/big.bin', CopySourceIfMatch: '"src-etag"' });
  expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
});

test('past 5 GiB the copy goes multipart by itself, with 64 MiB parts raised to fit', async () => {
  s3.on(HeadObjectCommand).resolves({ ContentLength: 6 * 1024 * MIB, ETag: '"e"' });
  const result = (await transfer(
    { sourceBucket: 'src', sourceKey: 'k', destinationBucket: 'dst', minRemainingTimeMs: 900_000 },
    testDeps(fakeClock(899_000)),
  )) as TransferInProgress;
  expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
  expect(result.status).toBe('InProgress');
  expect(result.continuation.partSizeBytes).toBe(64 * MIB);
  expect(result.progress).toMatchObject({ partsDone: 1, partsTotal: 96 });
});

test('a multipart copy pauses when time runs low and resumes from its continuation: every part copied exactly once', async () => {
  const clock = fakeClock(10_000);
  s3.on(UploadPartCopyCommand).callsFake((input: { PartNumber: number }) => {
    clock.tick(3_000);
    return { CopyPartResult: { ETag: `"${String(input.PartNumber).padStart(32, '0')}"` } };
  });
  const event = { ...EVENT, minRemainingTimeMs: 5_000 };
  const first = (await transfer(event, testDeps(clock))) as TransferInProgress;
  // 10 s left: part 1 (7 s left), part 2 (4 s left < 5 s): stop.
  expect(first).toMatchObject({ status: 'InProgress', reason: 'time', progress: { partsDone: 2, partsTotal: 4, bytesDone: 2 * PART, totalBytes: SIZE } });
  expect(first.nextRange).toEqual({ start: 2 * PART, end: 3 * PART - 1 });
  expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
    Bucket: 'dst',
    Key: 'b/big.bin',
    ContentType: 'application/x-test',
    Metadata: { owner: 'me' },
    Tagging: 'team=data',
  });
  clock.tick(-100_000);
  const second = await transfer({ ...event, continuation: first.continuation }, testDeps(clock));
  expect(second).toMatchObject({
    status: 'Succeeded',
    method: 'UploadPartCopy',
    partsTotal: 4,
    destination: { bucket: 'dst', key: 'b/big.bin', versionId: 'v1' },
  });
  const copied = s3.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input);
  expect(copied.map((i) => i.PartNumber)).toEqual([1, 2, 3, 4]);
  expect(copied.map((i) => i.CopySourceRange)).toEqual([0, 1, 2, 3].map((i) => `bytes=${i * PART}-${(i + 1) * PART - 1}`));
  expect(copied.every((i) => i.CopySourceIfMatch === '"src-etag"' && i.UploadId === 'up-1')).toBe(true);
  expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(1);
  expect(s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload?.Parts?.map((p) => p.PartNumber)).toEqual([1, 2, 3, 4]);
  expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
});

test('each invocation copies at least one part, even when it starts with less than minRemainingTimeMs', async () => {
  const result = (await transfer({ ...EVENT, minRemainingTimeMs: 60_000 }, testDeps(fakeClock(1_000)))) as TransferInProgress;
  expect(result.progress.partsDone).toBe(1);
});

test('a resumed copy skips parts S3 already has that the continuation lacks (an invocation that timed out)', async () => {
  s3.on(ListPartsCommand).resolves({
    Parts: [
      { PartNumber: 1, ETag: '"p1"', Size: PART },
      { PartNumber: 3, ETag: '"p3"', Size: PART },
      { PartNumber: 4, ETag: '"short"', Size: 1 },
    ],
  });
  const continuation: TransferContinuation = { uploadId: 'up-1', sourceETag: '"src-etag"', sizeBytes: SIZE, partSizeBytes: PART, parts: [[1, '"p1"']] };
  const result = await transfer({ ...EVENT, continuation }, testDeps());
  expect(result).toMatchObject({ status: 'Succeeded' });
  expect(s3.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input.PartNumber)).toEqual([2, 4]);
});

test('a permanent part failure (the source changed: 412) aborts the upload and returns a failure result', async () => {
  s3.on(UploadPartCopyCommand).rejects(s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold'));
  const result = await transfer(EVENT, testDeps());
  expect(result).toMatchObject({ status: 'Failed', errorType: 'PreconditionFailedError' });
  expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: 'dst', Key: 'b/big.bin', UploadId: 'up-1' });
});

test('a retryable part failure keeps the parts done: InProgress with the continuation, no abort', async () => {
  let n = 0;
  s3.on(UploadPartCopyCommand).callsFake((input: { PartNumber: number }) => {
    if (++n === 3) throw s3Error('SlowDown', 503, 'Please reduce your request rate.');
    return { CopyPartResult: { ETag: `"${input.PartNumber}"` } };
  });
  const result = (await transfer(EVENT, testDeps())) as TransferInProgress;
  expect(result).toMatchObject({ status: 'InProgress', reason: 'retryable-error', lastError: { s3Code: 'SlowDown' } });
  expect(result.continuation.parts.map(([p]) => p)).toEqual([1, 2]);
  expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
});

test('a retryable error before anything started is rethrown (Lambda or the caller retries)', async () => {
  s3.on(HeadObjectCommand).rejects(s3Error('ServiceUnavailable', 503));
  await expect(transfer(EVENT, testDeps())).rejects.toMatchObject({ retryable: true });
  expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
});

test('continuations: false and not enough time: the upload is aborted and the result says why', async () => {
  const result = await transfer({ ...EVENT, continuations: false, minRemainingTimeMs: 60_000 }, testDeps(fakeClock(1_000)));
  expect(result).toMatchObject({ status: 'Failed', errorType: 'InvocationTooShort', progress: { partsDone: 1, partsTotal: 4 } });
  expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'up-1' });
});

test('replaying a continuation after the copy completed succeeds without copying (at-least-once delivery)', async () => {
  const parts: [number, string][] = [1, 2, 3, 4].map((n) => [n, `"${String(n).padStart(32, '0')}"`]);
  const etag = multipartEtag(parts.map(([, e]) => e.replace(/"/g, '')));
  s3.on(ListPartsCommand).rejects(s3Error('NoSuchUpload', 404, 'The specified upload does not exist.'));
  s3.on(HeadObjectCommand, { Bucket: 'dst' }).resolves({ ContentLength: SIZE, ETag: `"${etag}"`, VersionId: 'v1' });
  const continuation: TransferContinuation = { uploadId: 'up-1', sourceETag: '"src-etag"', sizeBytes: SIZE, partSizeBytes: PART, parts };
  const result = await transfer({ ...EVENT, continuation }, testDeps());
  expect(result).toMatchObject({ status: 'Succeeded', destination: { etag } });
  expect(s3).not.toHaveReceivedCommand(UploadPartCopyCommand);
  expect(s3).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
});

test('a continuation whose upload is gone (and the destination does not match) fails permanently', async () => {
  s3.on(ListPartsCommand).rejects(s3Error('NoSuchUpload', 404));
  s3.on(HeadObjectCommand, { Bucket: 'dst' }).rejects(s3Error('NotFound', 404));
  const continuation: TransferContinuation = { uploadId: 'gone', sourceETag: '"e"', sizeBytes: SIZE, partSizeBytes: PART, parts: [[1, '"x"']] };
  const result = await transfer({ ...EVENT, continuation }, testDeps());
  expect(result).toMatchObject({ status: 'Failed', errorType: 'MultipartUploadError', s3Code: 'NoSuchUpload' });
});

describe('S3 Batch Operations', () => {
  test('schema 1.0: bucket from the ARN, URL-encoded key, destination from the environment; Succeeded', async () => {
    process.env.BUCKETKIT_DESTINATION_BUCKET = 'dst';
    process.env.BUCKETKIT_DESTINATION_PREFIX = 'copies/';
    try {
      const result = await transfer(
        {
          invocationSchemaVersion: '1.0',
          invocationId: 'inv-1',
          job: { id: 'job-1' },
          tasks: [{ taskId: 't1', s3Key: 'a/my+file%21.txt', s3VersionId: null, s3BucketArn: 'arn:aws:s3:::src' }],
        },
        testDeps(),
      );
      expect(result).toEqual({
        invocationSchemaVersion: '1.0',
        treatMissingKeysAs: 'PermanentFailure',
        invocationId: 'inv-1',
        results: [expect.objectContaining({ taskId: 't1', resultCode: 'Succeeded' })],
      });
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: 'dst', Key: 'copies/a/my file!.txt', CopySource: 'src/a/my%20file!.txt' });
    } finally {
      delete process.env.BUCKETKIT_DESTINATION_BUCKET;
      delete process.env.BUCKETKIT_DESTINATION_PREFIX;
    }
  });

  test('schema 2.0: bucket name and userArguments; a bad argument is a PermanentFailure of every task, naming the field, with no request sent', async () => {
    const result = await transfer(
      {
        invocationSchemaVersion: '2.0',
        invocationId: 'inv-2',
        job: { id: 'job-2', userArguments: { destinationBucket: 'dst', storageClass: 'COLD' } },
        tasks: [
          { taskId: 't1', s3BucketName: 'src', s3Key: 'k' },
          { taskId: 't2', s3BucketName: 'src', s3Key: 'slow' },
        ],
      },
      testDeps(),
    );
    const results = (result as unknown as { results: { taskId: string; resultCode: string; resultString: string }[] }).results;
    expect(results[0]).toMatchObject({ taskId: 't1', resultCode: 'PermanentFailure', resultString: expect.stringMatching(/^ValidationError: storageClass/) });
    expect(results[1]).toMatchObject({ taskId: 't2', resultCode: 'PermanentFailure' });
    // The bad storage class fails both tasks at the door: nothing is sent.
    expect(sentCommands()).toEqual([]);
  });

  test('schema 2.0 retryable error -> TemporaryFailure', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));
    const result = await transfer(
      {
        invocationSchemaVersion: '2.0',
        invocationId: 'i',
        job: { id: 'j', userArguments: { destinationBucket: 'dst' } },
        tasks: [{ taskId: 't', s3BucketName: 'src', s3Key: 'k' }],
      },
      testDeps(),
    );
    expect((result as unknown as { results: { resultCode: string }[] }).results[0].resultCode).toBe('TemporaryFailure');
  });

  test('a malformed Batch invocation is a ValidationError naming the field', async () => {
    const result = await transfer(
      { invocationSchemaVersion: '1.0', invocationId: 'i', tasks: [{ taskId: 't', s3Key: 'k', s3BucketArn: 'not-an-arn' }] },
      testDeps(),
    );
    expect(result).toMatchObject({ status: 'Failed', errorType: 'ValidationError', field: 'tasks[0].s3BucketArn' });
    expect(sentCommands()).toEqual([]);
  });
});

test('logs are JSON lines with the request id and no secrets', async () => {
  const deps = testDeps();
  await transfer(EVENT, deps);
  expect(deps.lines.length).toBeGreaterThan(0);
  for (const line of deps.lines) {
    const entry = JSON.parse(line);
    expect(entry.requestId).toBe('req-1');
    expect(line).not.toMatch(/secretAccessKey|"b"/);
  }
});
