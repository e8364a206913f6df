import { ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { MIB } from '../../../lib/rules/limits';
import {
  AbortedError,
  compositeChecksum,
  MemoryUploadStateStore,
  MultipartUploadError,
  PreconditionFailedError,
  TransferProgress,
  multipartEtag,
} from '../../../lib/storage';
import { FaultProxy } from '../../helpers/fault-proxy';
import { defaultPartCheck, echoesDeclaredChecksum } from '../../helpers/known-differences';
import { TestBucket, countRequests, createTestBucket, currentTarget, sha256, storageFor } from '../../helpers/target';

const PART = 5 * MIB;
let b: TestBucket;
const dir = mkdtempSync(join(tmpdir(), 'bk-mpu-'));

beforeAll(async () => {
  b = await createTestBucket('mpu');
});
afterAll(async () => {
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function openUploads(): Promise<number> {
  return (await openUploadIds()).length;
}

/** `key uploadId` of every open upload in the test bucket, to name a leftover in a failure. */
async function openUploadIds(): Promise<string[]> {
  const out = await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name }));
  return (out.Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`);
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** The multipart ETag S3 should report for `data` cut into `partSize` parts. */
function expectedEtag(data: Buffer, partSize: number): string {
  const md5s: string[] = [];
  for (let offset = 0; offset < data.length; offset += partSize) md5s.push(md5(data.subarray(offset, offset + partSize)));
  return `"${multipartEtag(md5s)}"`;
}

describe('upload: sizes around each boundary', () => {
  const threshold = 6 * MIB;
  test.each([
    ['0 bytes', 0, 'single'],
    ['1 byte', 1, 'single'],
    ['exactly the threshold', threshold, 'single'],
    ['threshold + 1', threshold + 1, 'multipart'],
    ['exactly 2 parts', 2 * PART, 'multipart'],
    ['2 parts + 1 byte', 2 * PART + 1, 'multipart'],
  ])('%s from a file', async (name, size, kind) => {
    const data = randomBytes(size);
    const file = join(dir, `boundary-${size}.bin`);
    writeFileSync(file, data);
    const key = `boundary/${size}`;
    const result = await b.storage.upload(key, { filePath: file }, { multipartThresholdBytes: threshold, targetPartSizeBytes: PART });
    expect(result.size).toBe(size);
    if (kind === 'single') {
      expect(result.uploadId).toBeUndefined();
      expect(result.etag).toBe(`"${md5(data)}"`);
      // The file's MD5, hashed on the pool, was checked against that ETag.
      expect(result.verifiedBy).toBe('md5-etag');
    } else {
      expect(result.partsCount).toBe(Math.ceil(size / PART));
      expect(result.etag).toBe(expectedEtag(data, PART));
      // The default part check: CRC32 where the store proved it checks it (the composite checksum is then checked).
      expect(result.verifiedBy).toBe(defaultPartCheck() === 'CRC32' ? 'composite-checksum' : 'multipart-etag');
    }
    expect(sha256(await b.storage.getBuffer(key))).toBe(sha256(data));
    expect(existsSync(file + '.bucketkit-upload.json')).toBe(false);
    expect(await openUploads()).toBe(0);
    expect(name).toBeTruthy();
  });

  test('a Buffer goes multipart above the threshold, with parts in parallel', async () => {
    const data = randomBytes(4 * PART + 123);
    const storage = storageFor(b.name, { concurrency: 4 });
    const counter = countRequests(storage.client);
    const progress: TransferProgress[] = [];
    const result = await storage.upload('buffer/4parts', data, {
      multipartThresholdBytes: PART,
      targetPartSizeBytes: PART,
      onProgress: (p) => progress.push(p),
    });
    expect(result.partsCount).toBe(5);
    // Five parts, and first, where the store echoes a declared CRC32, the one-byte part with a wrong CRC32 that tells
    // whether it checks it (checksum-negotiation.ts).
    expect(counter.commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(echoesDeclaredChecksum() ? 6 : 5);
    expect(progress.map((p) => p.partsDone)).toEqual([1, 2, 3, 4, 5]);
    expect(progress[4]).toMatchObject({ transferredBytes: data.length, totalBytes: data.length, totalParts: 5 });
    expect(progress[4].bytesPerSecond).toBeGreaterThan(0);
    expect(sha256(await b.storage.getBuffer('buffer/4parts'))).toBe(sha256(data));
    storage.destroy();
  });

  test('CRC32 per part: each part carries its CRC32, and a reported composite checksum must match', async () => {
    const proxy = await FaultProxy.start(currentTarget().endpoint);
    const sent = new Map<number, string>();
    proxy.inject((req) => {
      const part = /partNumber=(\d+)/.exec(req.url ?? '');
      if (req.method === 'PUT' && part) sent.set(Number(part[1]), String(req.headers['x-amz-checksum-crc32']));
      return undefined;
    });
    const storage = storageFor(b.name, { endpoint: proxy.endpoint });
    const data = randomBytes(2 * PART + 7);
    const result = await storage.upload('crc/obj', data, { multipartThresholdBytes: PART, targetPartSizeBytes: PART, partChecksum: 'CRC32' });
    const crcs = [0, 1, 2].map((i) => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(crc32(data.subarray(i * PART, (i + 1) * PART)) >>> 0);
      return bytes.toString('base64');
    });
    expect([...sent.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1])).toEqual(crcs);
    expect(result.partsCount).toBe(3);
    if (result.checksums.CRC32 !== undefined) {
      expect(result.checksums.CRC32).toBe(compositeChecksum('CRC32', crcs));
      expect(result.verifiedBy).toBe('composite-checksum');
    } else {
      // The store reports no composite checksum (moto): each part's CRC32 was still checked by the store.
      expect(result.verifiedBy).toBe('none');
    }
    expect(sha256(await b.storage.getBuffer('crc/obj'))).toBe(sha256(data));
    storage.destroy();
    await proxy.stop();
  });
});

describe('upload: a stream of unknown length', () => {
  test('grows into parts, and a short stream takes one PutObject', async () => {
    const chunks = Array.from({ length: 13 }, () => randomBytes(MIB - 17));
    const all = Buffer.concat(chunks);
    const result = await b.storage.upload('stream/long', Readable.from(chunks), { targetPartSizeBytes: PART });
    expect(result.partsCount).toBe(Math.ceil(all.length / PART));
    expect(result.etag).toBe(expectedEtag(all, PART));
    expect(sha256(await b.storage.getBuffer('stream/long'))).toBe(sha256(all));

    const short = randomBytes(1000);
    const single = await b.storage.upload('stream/short', Readable.from([short]));
    expect(single.uploadId).toBeUndefined();
    expect(await b.storage.getBuffer('stream/short')).toEqual(short);
  });

  test('an async generator ending exactly on a part boundary', async () => {
    async function* gen() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(MIB, i);
    }
    const result = await b.storage.upload('stream/exact', gen(), { targetPartSizeBytes: PART });
    expect(result.partsCount).toBe(2);
    expect(result.size).toBe(10 * MIB);
    expect(await openUploads()).toBe(0);
  });
});

describe('upload: failures', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await FaultProxy.start(currentTarget().endpoint);
  });
  afterEach(() => proxy.reset());
  afterAll(() => proxy.stop());

  const isUploadPart = (url: string, method: string, partNumber: number) =>
    (method === 'PUT' && url.includes(`partNumber=${partNumber}&`)) || (method === 'PUT' && url.endsWith(`partNumber=${partNumber}`));

  test('a part that fails 3 times, then succeeds, is retried with back-off and the upload completes', async () => {
    const storage = storageFor(b.name, { endpoint: proxy.endpoint, maxAttempts: 1 });
    let failures = 0;
    proxy.inject((req) => {
      if (isUploadPart(req.url ?? '', req.method ?? '', 2) && failures < 3) {
        failures++;
        return { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
      }
      return undefined;
    });
    const data = randomBytes(3 * PART);
    const result = await storage.upload('retry/ok', data, {
      multipartThresholdBytes: PART,
      targetPartSizeBytes: PART,
      retryBaseDelayMs: 10,
      maxPartAttempts: 4,
    });
    expect(failures).toBe(3);
    expect(proxy.requests.filter((r) => r.method === 'PUT' && /partNumber=2(&|$)/.test(r.url))).toHaveLength(4);
    expect(result.partsCount).toBe(3);
    expect(sha256(await b.storage.getBuffer('retry/ok'))).toBe(sha256(data));
    storage.destroy();
  });

  test('a permanent failure aborts the upload: no orphan in ListMultipartUploads', async () => {
    const storage = storageFor(b.name, { endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.inject((req) =>
      isUploadPart(req.url ?? '', req.method ?? '', 3) ? { status: 500, code: 'InternalError', message: 'We encountered an internal error.' } : undefined,
    );
    const data = randomBytes(4 * PART);
    const error = await storage
      .upload('fail/permanent', data, { multipartThresholdBytes: PART, targetPartSizeBytes: PART, retryBaseDelayMs: 1, maxPartAttempts: 3 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MultipartUploadError);
    expect(error.partNumber).toBe(3);
    expect(error.uploadId).toEqual(expect.any(String));
    expect(proxy.requests.filter((r) => /partNumber=3(&|$)/.test(r.url))).toHaveLength(3);
    expect(proxy.requests.some((r) => r.method === 'DELETE' && r.url.includes(`uploadId=${encodeURIComponent(error.uploadId)}`))).toBe(true);
    // The message says what the abort did; it is printed with the count when the upload is still open.
    expect({ open: await openUploadIds(), message: error.message }).toEqual({ open: [], message: expect.stringContaining('was aborted') });
    expect(await b.storage.exists('fail/permanent')).toBe(false);
    storage.destroy();
  });

  test('leavePartsOnError keeps the parts; resumeUpload then sends only the missing ones', async () => {
    const storage = storageFor(b.name, { endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.inject((req) => (isUploadPart(req.url ?? '', req.method ?? '', 4) ? { status: 500, code: 'InternalError' } : undefined));
    const data = randomBytes(4 * PART + 99);
    const options = { multipartThresholdBytes: PART, targetPartSizeBytes: PART, retryBaseDelayMs: 1, maxPartAttempts: 2, leavePartsOnError: true };
    const error = await storage.upload('fail/kept', data, options).catch((e) => e);
    expect(error).toBeInstanceOf(MultipartUploadError);
    const parts = await b.raw.send(new ListPartsCommand({ Bucket: b.name, Key: 'fail/kept', UploadId: error.uploadId }));
    expect((parts.Parts ?? []).map((p) => p.PartNumber).sort()).toEqual([1, 2, 3, 5]);
    expect((await b.storage.listIncompleteUploads()).map((u) => u.uploadId)).toContain(error.uploadId);

    const direct = storageFor(b.name);
    const counter = countRequests(direct.client);
    const resumed = await direct.resumeUpload(error.uploadId, 'fail/kept', data, { targetPartSizeBytes: PART });
    direct.destroy();
    expect(counter.commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(1);
    expect(counter.commands).toContain('ListPartsCommand');
    expect(resumed.partsResumed).toBe(4);
    expect(resumed.etag).toBe(expectedEtag(data, PART));
    expect(sha256(await b.storage.getBuffer('fail/kept'))).toBe(sha256(data));
    expect(await openUploads()).toBe(0);
    storage.destroy();
  });

  test('AbortSignal: aborts the upload, or leaves it resumable when asked', async () => {
    const data = randomBytes(6 * PART);
    const controller = new AbortController();
    const store = new MemoryUploadStateStore();
    const options = { multipartThresholdBytes: PART, targetPartSizeBytes: PART, concurrency: 1, stateStore: store, sourceId: 'data-v1' };
    const kept = b.storage.upload('abort/kept', data, {
      ...options,
      leaveResumableOnAbort: true,
      abortSignal: controller.signal,
      onProgress: (p) => p.partsDone === 2 && controller.abort(),
    });
    await expect(kept).rejects.toBeInstanceOf(AbortedError);
    const state = await store.load(b.name, 'abort/kept');
    expect(state?.parts.length).toBeGreaterThanOrEqual(2);
    const direct = storageFor(b.name);
    const counter = countRequests(direct.client);
    const done = await direct.upload('abort/kept', data, options);
    direct.destroy();
    expect(done.partsResumed).toBe(state!.parts.length);
    expect(counter.commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(6 - state!.parts.length);
    expect(sha256(await b.storage.getBuffer('abort/kept'))).toBe(sha256(data));

    const second = new AbortController();
    const aborted = b.storage.upload('abort/gone', data, { ...options, abortSignal: second.signal, onProgress: () => second.abort() });
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(await store.load(b.name, 'abort/gone')).toBeUndefined();
    expect(await openUploads()).toBe(0);
  });

  test('a changed source is refused on resume', async () => {
    const file = join(dir, 'changing.bin');
    writeFileSync(file, randomBytes(3 * PART));
    const storage = storageFor(b.name, { endpoint: proxy.endpoint, maxAttempts: 1 });
    proxy.inject((req) => (isUploadPart(req.url ?? '', req.method ?? '', 2) ? { status: 500, code: 'InternalError' } : undefined));
    const options = { multipartThresholdBytes: PART, targetPartSizeBytes: PART, retryBaseDelayMs: 1, maxPartAttempts: 1, leavePartsOnError: true };
    await expect(storage.upload('changed', { filePath: file }, options)).rejects.toBeInstanceOf(MultipartUploadError);
    expect(existsSync(file + '.bucketkit-upload.json')).toBe(true);
    writeFileSync(file, randomBytes(3 * PART));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await expect(b.storage.upload('changed', { filePath: file }, options)).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await openUploads()).toBe(1);
    const aborted = await b.storage.abortIncompleteUploads({ olderThan: new Date(Date.now() + 60_000) });
    expect(aborted.map((u) => u.key)).toEqual(['changed']);
    expect(await openUploads()).toBe(0);
    storage.destroy();
  });
});

describe('incomplete uploads', () => {
  test('abortIncompleteUploads({ olderThan }) keeps newer uploads', async () => {
    // compatibility 'auto': on a store that lists uploads by exact key only (MinIO), bucketkit filters the prefix itself.
    const storage = storageFor(b.name, { compatibility: 'auto' });
    const store = new MemoryUploadStateStore();
    const controller = new AbortController();
    await storage
      .upload('stale/a', randomBytes(2 * PART), {
        multipartThresholdBytes: PART,
        targetPartSizeBytes: PART,
        stateStore: store,
        sourceId: 'a',
        leaveResumableOnAbort: true,
        abortSignal: controller.signal,
        onProgress: () => controller.abort(),
      })
      .catch(() => undefined);
    const listed = await storage.listIncompleteUploads({ prefix: 'stale/' });
    expect(listed).toHaveLength(1);
    // Compare against the server's own clock: some servers (moto) report a fixed Initiated date.
    const initiated = listed[0].initiated!;
    expect((await storage.abortIncompleteUploads({ prefix: 'stale/', olderThan: initiated })).length).toBe(0);
    expect(await storage.listIncompleteUploads({ prefix: 'stale/' })).toHaveLength(1);
    const aborted = await storage.abortIncompleteUploads({ prefix: 'stale/', olderThan: new Date(initiated.getTime() + 1000) });
    expect(aborted.map((u) => u.uploadId)).toEqual([listed[0].uploadId]);
    expect(await storage.listIncompleteUploads({ prefix: 'stale/' })).toEqual([]);
    storage.destroy();
  });
});
