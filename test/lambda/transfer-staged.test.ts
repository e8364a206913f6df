/**
 * The transfer handler's staged-copy actions (LargeObjectCopy's stages), on a mocked S3 client: validation before any
 * request, the plan's part layout at the limits (5 TiB, 10,000 parts, a plan small enough for a 256 KiB state), each
 * part pinned to the planned ETag (a recorded 412 fails the batch without aborting: the state machine aborts once),
 * the completion's part check and result check, and an idempotent abort.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { MAX_OBJECT_SIZE_BYTES, MAX_PARTS } from '../../lib/rules';
import { MAX_PART_BATCHES, multipartEtag, planPartBatches } from '../../lib/storage';
import { transfer } from '../../lambda/transfer';
import { s3, s3Error, sentCommands, testDeps } from './support';

const MIB = 1024 * 1024;
const SIZE = 23 * MIB;
const PART = 5 * MIB;
const COPY = {
  sourceBucket: 'src',
  sourceKey: 'a/big.bin',
  sourceETag: '"src-etag"',
  destinationBucket: 'dst',
  destinationKey: 'b/big.bin',
  uploadId: 'up-1',
  sizeBytes: SIZE,
  partSizeBytes: PART,
  partCount: 5,
};
const PLAN = { action: 'plan-copy', sourceBucket: 'src', sourceKey: 'a/big.bin', destinationBucket: 'dst', destinationKey: 'b/big.bin' };
const etagOf = (n: number) => `"${String(n).padStart(32, '0')}"`;
const run = (event: unknown) => transfer(event, testDeps()) as Promise<Record<string, unknown>>;

beforeEach(() => {
  s3.reset();
  s3.on(HeadObjectCommand).resolves({ ContentLength: SIZE, ETag: '"src-etag"', ContentType: 'application/x-test' });
  s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
  s3.on(ListMultipartUploadsCommand).resolves({ Uploads: [] });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  s3.on(UploadPartCopyCommand).callsFake((input: { PartNumber: number }) => ({ CopyPartResult: { ETag: etagOf(input.PartNumber) } }));
  s3.on(AbortMultipartUploadCommand).resolves({});
});

describe('a bad event fails at the door with a ValidationError naming the field, and sends no S3 request', () => {
  test.each([
    ['unknown action', { action: 'copy-everything' }, 'action'],
    ['plan without sourceKey', { action: 'plan-copy', sourceBucket: 'src' }, 'sourceKey'],
    ['plan onto itself', { ...PLAN, destinationBucket: 'src', destinationKey: 'a/big.bin' }, 'destinationKey'],
    ['part size below 5 MiB', { ...PLAN, partSizeBytes: 1024 }, 'partSizeBytes'],
    ['part size above 5 GiB', { ...PLAN, partSizeBytes: 5 * 1024 * MIB + 1 }, 'partSizeBytes'],
    ['partsPerBatch 0', { ...PLAN, partsPerBatch: 0 }, 'partsPerBatch'],
    ['unknown storage class', { ...PLAN, storageClass: 'COLD' }, 'storageClass'],
    ['SSE-C (its key would sit in the execution history)', { ...PLAN, encryption: { type: 'SSE-C' } }, 'encryption.type'],
    ['SSE-S3 with a key', { ...PLAN, encryption: { type: 'SSE-S3', keyId: 'k' } }, 'encryption.keyId'],
    ['misspelt option', { ...PLAN, partSize: 8 }, 'partSize'],
    ['batch without copy', { action: 'copy-part-batch', firstPartNumber: 1, lastPartNumber: 1 }, 'copy'],
    [
      'batch with a copy whose part count does not fit its size',
      { action: 'copy-part-batch', copy: { ...COPY, partCount: 4 }, firstPartNumber: 1, lastPartNumber: 1 },
      'copy.partCount',
    ],
    ['batch past the last part', { action: 'copy-part-batch', copy: COPY, firstPartNumber: 5, lastPartNumber: 6 }, 'lastPartNumber'],
    ['batch ending before it starts', { action: 'copy-part-batch', copy: COPY, firstPartNumber: 3, lastPartNumber: 2 }, 'lastPartNumber'],
    ['complete without uploadId', { action: 'complete-copy', copy: { ...COPY, uploadId: undefined } }, 'copy.uploadId'],
    ['abort without uploadId', { action: 'abort-copy', destinationBucket: 'dst', destinationKey: 'k' }, 'uploadId'],
  ])('%s', async (_, event, field) => {
    const result = await run(event);
    expect(result).toMatchObject({ status: 'Failed', errorType: 'ValidationError', field });
    expect(String(result.errorMessage).startsWith(`${field}: `)).toBe(true);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('plan-copy', () => {
  test('HEADs the source, plans 5 MiB parts in batches of 2, and creates the upload with the class and SSE-KMS asked for', async () => {
    const result = await run({
      ...PLAN,
      partSizeBytes: PART,
      partsPerBatch: 2,
      storageClass: 'STANDARD_IA',
      encryption: { type: 'SSE-KMS', keyId: 'alias/k' },
    });
    expect(result).toEqual({
      status: 'Succeeded',
      action: 'plan-copy',
      copy: { ...COPY, sourceVersionId: undefined },
      batches: [
        { firstPartNumber: 1, lastPartNumber: 2 },
        { firstPartNumber: 3, lastPartNumber: 4 },
        { firstPartNumber: 5, lastPartNumber: 5 },
      ],
    });
    expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      Bucket: 'dst',
      Key: 'b/big.bin',
      StorageClass: 'STANDARD_IA',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/k',
      ContentType: 'application/x-test',
    });
  });

  test('a 5 TiB source: 525 MiB parts (the engine partSizeForKnownSize), at most 10,000 parts and 2,000 batches, a plan far under 256 KiB', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: MAX_OBJECT_SIZE_BYTES, ETag: '"e"' });
    const result = (await run({ ...PLAN, partsPerBatch: 1 })) as { copy: { partSizeBytes: number; partCount: number }; batches: unknown[] };
    expect(result.copy.partSizeBytes).toBe(525 * MIB);
    expect(result.copy.partCount).toBe(Math.ceil(MAX_OBJECT_SIZE_BYTES / (525 * MIB)));
    expect(result.copy.partCount).toBeLessThanOrEqual(MAX_PARTS);
    // partsPerBatch 1 is raised: 10,000 one-part batches would not fit a 256 KiB state.
    expect(result.batches.length).toBeLessThanOrEqual(MAX_PART_BATCHES);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(256 * 1024);
  });

  test('a fixed part size that would need more than 10,000 parts fails naming partSizeBytes, before any upload is created', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 60 * 1024 * MIB, ETag: '"e"' });
    const result = await run({ ...PLAN, partSizeBytes: PART });
    expect(result).toMatchObject({ status: 'Failed', errorType: 'InvalidArgumentError', field: 'partSizeBytes' });
    expect(sentCommands()).not.toContain('CreateMultipartUploadCommand');
  });

  test('a missing source is a failure result (ObjectNotFoundError), not a retry', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    expect(await run(PLAN)).toMatchObject({ status: 'Failed', errorType: 'ObjectNotFoundError' });
    expect(sentCommands()).not.toContain('CreateMultipartUploadCommand');
  });
});

describe('planPartBatches', () => {
  test.each([
    [1, 10, [[1, 1]]],
    [
      12,
      10,
      [
        [1, 10],
        [11, 12],
      ],
    ],
    [10_000, 1, null],
  ])('%d parts by %d', (parts, per, expected) => {
    const batches = planPartBatches(parts, per);
    if (expected) expect(batches.map((b) => [b.firstPartNumber, b.lastPartNumber])).toEqual(expected);
    expect(batches.length).toBeLessThanOrEqual(MAX_PART_BATCHES);
    expect(batches[0].firstPartNumber).toBe(1);
    expect(batches.at(-1)!.lastPartNumber).toBe(parts);
    for (let i = 1; i < batches.length; i++) expect(batches[i].firstPartNumber).toBe(batches[i - 1].lastPartNumber + 1);
  });

  test('rejects a batch size out of range', () => {
    expect(() => planPartBatches(10, 0)).toThrow(/partsPerBatch: must be an integer from 1 to 10000/);
  });
});

describe('copy-part-batch', () => {
  test('UploadPartCopy of each part of the batch, with its byte range, pinned to the planned ETag', async () => {
    const result = await run({ action: 'copy-part-batch', copy: COPY, firstPartNumber: 4, lastPartNumber: 5, concurrency: 1 });
    expect(result).toEqual({
      status: 'Succeeded',
      action: 'copy-part-batch',
      firstPartNumber: 4,
      lastPartNumber: 5,
      parts: [
        { PartNumber: 4, ETag: etagOf(4) },
        { PartNumber: 5, ETag: etagOf(5) },
      ],
    });
    expect(s3).toHaveReceivedCommandTimes(UploadPartCopyCommand, 2);
    expect(s3).toHaveReceivedCommandWith(UploadPartCopyCommand, {
      Bucket: 'dst',
      Key: 'b/big.bin',
      UploadId: 'up-1',
      PartNumber: 5,
      CopySource: 'src/a/big.bin',
      CopySourceRange: `bytes=${4 * PART}-${SIZE - 1}`,
      CopySourceIfMatch: '"src-etag"',
    });
  });

  test('a source changed since the plan (recorded 412 PreconditionFailed) fails the batch, and leaves the abort to the state machine', async () => {
    s3.on(UploadPartCopyCommand).rejects(s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold'));
    const result = await run({ action: 'copy-part-batch', copy: COPY, firstPartNumber: 1, lastPartNumber: 2 });
    expect(result).toMatchObject({ status: 'Failed', errorType: 'PreconditionFailedError' });
    expect(sentCommands()).not.toContain('AbortMultipartUploadCommand');
  });

  test('throttling that outlasts the retries is rethrown (the state machine retries the batch)', async () => {
    s3.on(UploadPartCopyCommand).rejects(s3Error('SlowDown', 503, 'Please reduce your request rate.'));
    await expect(run({ action: 'copy-part-batch', copy: COPY, firstPartNumber: 1, lastPartNumber: 1 })).rejects.toMatchObject({ retryable: true });
  }, 20_000);
});

describe('complete-copy', () => {
  const listed = (sizes: number[]) => ({ Parts: sizes.map((Size, i) => ({ PartNumber: i + 1, ETag: etagOf(i + 1), Size })), IsTruncated: false });
  const sizes = [PART, PART, PART, PART, SIZE - 4 * PART];

  test('lists the parts, completes with all of them in order, and checks the size and multipart ETag of the result', async () => {
    const etag = multipartEtag([1, 2, 3, 4, 5].map((n) => etagOf(n).replace(/"/g, '')));
    s3.on(ListPartsCommand).resolves(listed(sizes));
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${etag}"`, VersionId: 'v7' });
    s3.on(HeadObjectCommand).resolves({ ContentLength: SIZE, ETag: `"${etag}"` });
    const result = await run({ action: 'complete-copy', copy: COPY });
    expect(result).toMatchObject({ status: 'Succeeded', destination: { bucket: 'dst', key: 'b/big.bin', versionId: 'v7' }, sizeBytes: SIZE, partCount: 5 });
    expect(s3).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      UploadId: 'up-1',
      MultipartUpload: { Parts: [1, 2, 3, 4, 5].map((n) => ({ PartNumber: n, ETag: etagOf(n) })) },
    });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'dst', Key: 'b/big.bin', VersionId: 'v7' });
  });

  test('a missing or short part fails before Complete, naming the parts', async () => {
    s3.on(ListPartsCommand).resolves(listed([PART, PART, 1024]));
    const result = await run({ action: 'complete-copy', copy: COPY });
    expect(result).toMatchObject({ status: 'Failed', errorType: 'MultipartUploadError' });
    expect(result.errorMessage).toMatch(/lacks 3 of 5 parts at their planned size \(first: 3, 4, 5\)/);
    expect(sentCommands()).not.toContain('CompleteMultipartUploadCommand');
  });

  test('a result whose size is not the copy fails', async () => {
    s3.on(ListPartsCommand).resolves(listed(sizes));
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"x-5"' });
    s3.on(HeadObjectCommand).resolves({ ContentLength: SIZE - 1, ETag: '"x-5"' });
    expect(await run({ action: 'complete-copy', copy: COPY })).toMatchObject({ status: 'Failed', errorType: 'MultipartUploadError' });
  });
});

describe('abort-copy', () => {
  test('aborts, and an upload already gone is a success too (the abort is idempotent)', async () => {
    s3.on(ListPartsCommand).rejects(s3Error('NoSuchUpload', 404));
    const event = { action: 'abort-copy', destinationBucket: 'dst', destinationKey: 'b/big.bin', uploadId: 'up-1' };
    expect(await run(event)).toEqual({ status: 'Succeeded', action: 'abort-copy', uploadId: 'up-1', aborted: true });
    expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: 'dst', Key: 'b/big.bin', UploadId: 'up-1' });
    s3.on(AbortMultipartUploadCommand).rejects(s3Error('NoSuchUpload', 404));
    expect(await run(event)).toEqual({ status: 'Succeeded', action: 'abort-copy', uploadId: 'up-1', aborted: false });
  });
});
