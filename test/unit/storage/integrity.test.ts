/**
 * Integrity mismatches (checksum, ETag, size) raise IntegrityError, saying what was compared, the value expected and
 * the value found; retryable only where the same request may succeed (a truncated or over-long range, one part).
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { MIB } from '../../../lib/rules/limits';
import { IntegrityError, MultipartUploadError, S3Storage, StorageError, multipartEtag, type StorageErrorCode } from '../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_REQUIRED' });
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const FAST = { retryBaseDelayMs: 0 };

let dir: string;
beforeEach(() => {
  s3.reset();
  dir = mkdtempSync(join(tmpdir(), 'bucketkit-integrity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Serves `data` like S3 (ranged GETs honour `Range`), with `etag` as its ETag. */
function serve(data: Buffer, etag: string, partSize?: number): void {
  s3.on(HeadObjectCommand).resolves({ ContentLength: data.length, ETag: `"${etag}"` });
  if (partSize !== undefined) {
    // Every part's HEAD ?partNumber, the last one shorter (the download confirms the layout with the last part's size).
    const parts = Math.ceil(data.length / partSize);
    for (let n = 1; n <= parts; n++) {
      const length = n < parts ? partSize : data.length - (parts - 1) * partSize;
      s3.on(HeadObjectCommand, { PartNumber: n }).resolves({ ContentLength: length, ETag: `"${etag}"` });
    }
  }
  s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const [, start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
    return { Body: Readable.from([data.subarray(Number(start), Number(end) + 1)]) };
  });
}

function sink(): PassThrough {
  const out = new PassThrough();
  out.resume();
  return out;
}

describe('IntegrityError', () => {
  test('is a StorageError with code Integrity, not retryable unless told, and carries what was compared', () => {
    const error = new IntegrityError('bad', { check: 'size', expected: 10, actual: 9, uploadId: 'u', partNumber: 3 });
    expect(error).toBeInstanceOf(StorageError);
    expect(error).not.toBeInstanceOf(MultipartUploadError);
    const code: StorageErrorCode = error.code;
    expect(code).toBe('Integrity');
    expect(error).toMatchObject({ name: 'IntegrityError', check: 'size', expected: 10, actual: 9, uploadId: 'u', partNumber: 3, retryable: false });
    expect(new IntegrityError('bad', { check: 'size', expected: 1, actual: 0, retryable: true }).retryable).toBe(true);
  });
});

describe('download', () => {
  test('bytes that do not hash to a plain MD5 ETag: IntegrityError (md5-etag), not retryable', async () => {
    const data = Buffer.alloc(3000, 1);
    serve(data, 'f'.repeat(32));
    const error = await storage.download('k', sink(), { rangeSizeBytes: 1000, ...FAST }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({
      code: 'Integrity',
      check: 'md5-etag',
      expected: 'f'.repeat(32),
      actual: md5(data),
      retryable: false,
      key: 'k',
      bucket: 'unit-bucket',
    });
  });

  test('to a file, ranges that are the parts but do not give the multipart ETag: IntegrityError (multipart-etag), and nothing is left behind', async () => {
    const data = Buffer.alloc(2500, 2);
    serve(data, `${'0'.repeat(32)}-3`, 1000);
    const path = join(dir, 'out.bin');
    const error = await storage.download('k', path, FAST).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    const md5s = [0, 1, 2].map((i) => md5(data.subarray(i * 1000, (i + 1) * 1000)));
    expect(error).toMatchObject({ check: 'multipart-etag', expected: `${'0'.repeat(32)}-3`, actual: multipartEtag(md5s), retryable: false });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('to a file with a plain MD5 ETag, the file is hashed; a mismatch raises IntegrityError (md5-etag) and nothing is left behind', async () => {
    const data = Buffer.alloc(2000, 3);
    serve(data, 'e'.repeat(32));
    const error = await storage.download('k', join(dir, 'plain.bin'), { rangeSizeBytes: 500, ...FAST }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'md5-etag', expected: 'e'.repeat(32), actual: md5(data) });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a truncated range is retried, then raises a retryable IntegrityError (size) with the byte counts', async () => {
    const data = Buffer.alloc(2000, 4);
    serve(data, md5(data));
    s3.on(GetObjectCommand, { Range: 'bytes=1000-1999' }).callsFake(() => ({ Body: Readable.from([data.subarray(1000, 1600)]) }));
    const error = await storage.download('k', sink(), { rangeSizeBytes: 1000, maxRangeAttempts: 3, ...FAST }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'size', expected: 1000, actual: 600, retryable: true });
    expect(s3.commandCalls(GetObjectCommand, { Range: 'bytes=1000-1999' })).toHaveLength(3);
  });

  test('a range longer than asked for raises a retryable IntegrityError (size)', async () => {
    const data = Buffer.alloc(1000, 5);
    serve(data, md5(data));
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([data, Buffer.alloc(10)]) }));
    const error = await storage.download('k', sink(), { rangeSizeBytes: 1000, maxRangeAttempts: 2, ...FAST }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'size', expected: 1000, actual: 1010, retryable: true });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
  });

  test('matching bytes still download (the checks pass)', async () => {
    const data = Buffer.alloc(1500, 6);
    serve(data, md5(data));
    await expect(storage.download('k', sink(), { rangeSizeBytes: 1000, ...FAST })).resolves.toMatchObject({ verifiedBy: 'md5-etag', size: 1500 });
  });
});

describe('upload', () => {
  const PART = 5 * MIB;

  test('a single PUT whose ETag is not the MD5 of the bytes sent: IntegrityError (md5-etag), not retryable', async () => {
    const data = Buffer.alloc(1000, 7);
    s3.on(PutObjectCommand).resolves({ ETag: '"0123456789abcdef0123456789abcdef"' });
    const error = await storage.upload('k', data).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'md5-etag', expected: md5(data), actual: '0123456789abcdef0123456789abcdef', retryable: false, uploadId: undefined });
  });

  test('a single PUT from a file is checked too: its MD5 (hashed from the file on the pool) against the ETag', async () => {
    const data = Buffer.alloc(3 * MIB + 17, 9);
    const file = join(dir, 'small.bin');
    writeFileSync(file, data);
    s3.on(PutObjectCommand).resolves({ ETag: `"${md5(data)}"` });
    await expect(storage.upload('k', { filePath: file })).resolves.toMatchObject({ verifiedBy: 'md5-etag', partsCount: 1 });
    s3.on(PutObjectCommand).resolves({ ETag: '"0123456789abcdef0123456789abcdef"' });
    const error = await storage.upload('k', { filePath: file }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'md5-etag', expected: md5(data), actual: '0123456789abcdef0123456789abcdef', retryable: false });
    // verify: false, or an ETag that is not an MD5 (SSE-KMS): nothing to compare, and no claim.
    await expect(storage.upload('k', { filePath: file }, { verify: false })).resolves.toMatchObject({ verifiedBy: 'none' });
    s3.on(PutObjectCommand).resolves({ ETag: '"0123456789abcdef0123456789abcdef"', ServerSideEncryption: 'aws:kms' });
    await expect(storage.upload('k', { filePath: file })).resolves.toMatchObject({ verifiedBy: 'none' });
  });

  test('onProgress moves while a one-request upload of a file is sent, and ends at one part; bytes report once, at the end', async () => {
    const data = Buffer.alloc(4 * MIB, 5);
    const file = join(dir, 'progress.bin');
    writeFileSync(file, data);
    // The store reads the body slowly (10 ms per chunk), as a slow link would.
    s3.on(PutObjectCommand).callsFake(async (input: { Body: Readable | Buffer }) => {
      if (Buffer.isBuffer(input.Body)) return { ETag: `"${md5(input.Body)}"` };
      for await (const chunk of input.Body) {
        expect(chunk.length).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { ETag: `"${md5(data)}"` };
    });
    const seen: { transferredBytes: number; partsDone: number; totalParts?: number; elapsedMs: number }[] = [];
    await storage.upload('k', { filePath: file }, { onProgress: (p) => seen.push(p) });
    expect(seen.some((p) => p.transferredBytes > 0 && p.transferredBytes < data.length && p.partsDone === 0)).toBe(true);
    // The first report of bytes in flight comes after 200 ms, not at the first 64 KiB (its rate would be one chunk's).
    expect(seen[0].elapsedMs).toBeGreaterThanOrEqual(200);
    expect(seen.at(-1)).toMatchObject({ transferredBytes: data.length, partsDone: 1, totalParts: 1, totalBytes: data.length });
    expect(seen.every((p, i) => i === 0 || p.transferredBytes >= seen[i - 1].transferredBytes)).toBe(true);
    const bytes: { partsDone: number }[] = [];
    await storage.upload('k', data, { onProgress: (p) => bytes.push(p) });
    expect(bytes).toEqual([expect.objectContaining({ transferredBytes: data.length, partsDone: 1, totalParts: 1 })]);
  });

  test('a composite checksum that differs from the one computed from the parts: IntegrityError (composite-checksum) with the uploadId', async () => {
    const data = Buffer.alloc(2 * PART, 8);
    const parts = [data.subarray(0, PART), data.subarray(PART)];
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-9' });
    s3.on(UploadPartCommand).callsFake((input: { Body: Buffer }) => ({ ETag: `"${md5(input.Body)}"` }));
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${multipartEtag(parts.map(md5))}"`, ChecksumCRC32: 'AAAAAA==-2' });
    const error = await storage.upload('k', data, { multipartThresholdBytes: PART, targetPartSizeBytes: PART, partChecksum: 'CRC32', ...FAST }).catch((e) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'composite-checksum', actual: 'AAAAAA==-2', uploadId: 'u-9', partNumber: undefined, retryable: false });
    expect(error.expected).toMatch(/-2$/);
  });
});
