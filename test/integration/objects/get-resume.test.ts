/**
 * A get() body that breaks part-way (a connection reset mid-response, a truncated answer) resumes by itself with a
 * ranged GET pinned by If-Match, within the range asked for, with the same SSE-C key; the caller sees every byte once.
 * It fails (typed, retryable) when maxAttempts answers broke, with PreconditionFailedError when the object changed,
 * and stops when the caller cancels. Before the resuming body, every case here failed with ECONNRESET 'aborted'.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { AbortedError, PreconditionFailedError, S3Storage, StorageError } from '../../../lib/storage';
import { MIB } from '../../../lib/rules/limits';
import { FaultProxy, type Fault } from '../../helpers/fault-proxy';
import { createTestBucket, currentTarget, sha256, storageFor, TestBucket } from '../../helpers/target';

let b: TestBucket;
let proxy: FaultProxy;
const data = randomBytes(3 * MIB + 12_345);

beforeAll(async () => {
  b = await createTestBucket('get-resume');
  await b.storage.put('obj', data);
  proxy = await FaultProxy.start(currentTarget().endpoint);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  await proxy.stop();
  await b.cleanup();
});

interface SeenGet {
  readonly range?: string;
  readonly ifMatch?: string;
  readonly sseCKeyMd5?: string;
}

/** Faults the GETs of `key` by their order (0 = the first), and records each GET's Range, If-Match and SSE-C headers. */
function faultGets(key: string, faults: (Fault | undefined)[]): SeenGet[] {
  const seen: SeenGet[] = [];
  proxy.inject((req: IncomingMessage) => {
    if (req.method !== 'GET' || new URL(req.url ?? '', 'http://x').pathname !== `/${b.name}/${key}`) return undefined;
    const h = req.headers;
    seen.push({
      range: h.range as string | undefined,
      ifMatch: h['if-match'] as string | undefined,
      sseCKeyMd5: h['x-amz-server-side-encryption-customer-key-md5'] as string | undefined,
    });
    return faults[seen.length - 1];
  });
  return seen;
}

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function through(overrides = {}): S3Storage {
  return storageFor(b.name, { endpoint: proxy.endpoint, ...overrides });
}

const RESET: Fault = { status: 0, reset: 'mid-response' };
const TRUNCATE: Fault = { status: 0, truncateAt: 0.3 };

describe.each([
  ['a reset mid-response', RESET],
  ['a truncated answer', TRUNCATE],
])('after %s', (_name, fault) => {
  test('get() body: every byte once, the rest asked for from the next byte with If-Match on the ETag', async () => {
    const storage = through();
    const seen = faultGets('obj', [fault]);
    const result = await storage.get('obj');
    const bytes = await readAll(result.body);
    storage.destroy();
    expect(bytes.length).toBe(data.length);
    expect(sha256(bytes)).toBe(sha256(data));
    expect(seen).toHaveLength(2);
    expect(seen[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-(\d+)$/.exec(seen[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(seen[1].range).toBe(`bytes=${resumedAt}-${data.length - 1}`);
    expect(seen[1].ifMatch).toBe(result.etag);
  });

  test('ranged get(): resumed within the range asked for', async () => {
    const storage = through();
    const seen = faultGets('obj', [fault]);
    const start = 100_001;
    const end = 2 * MIB + 7;
    const result = await storage.get('obj', { range: { start, end } });
    const bytes = await readAll(result.body);
    storage.destroy();
    expect(sha256(bytes)).toBe(sha256(data.subarray(start, end + 1)));
    expect(seen).toHaveLength(2);
    expect(seen[1].range).toMatch(new RegExp(`^bytes=\\d+-${end}$`));
    expect(Number(/^bytes=(\d+)/.exec(seen[1].range!)![1])).toBeGreaterThan(start);
  });

  test('getBuffer() and getText() resume the same way', async () => {
    const storage = through();
    let seen = faultGets('obj', [fault]);
    expect(sha256(await storage.getBuffer('obj'))).toBe(sha256(data));
    expect(seen).toHaveLength(2);
    proxy.reset();
    const text = 'résumé '.repeat(50_000);
    await b.storage.put('text', text);
    seen = faultGets('text', [fault]);
    expect(await storage.getText('text')).toBe(text);
    expect(seen).toHaveLength(2);
    storage.destroy();
  });
});

test('a suffix range and a partNumber read resume by the byte range the first answer covered', async () => {
  const storage = through();
  let seen = faultGets('obj', [RESET]);
  const tail = await storage.getBuffer('obj', { range: { suffixLength: 1_000_000 } });
  expect(sha256(tail)).toBe(sha256(data.subarray(data.length - 1_000_000)));
  expect(seen[1].range).toMatch(new RegExp(`^bytes=\\d+-${data.length - 1}$`));
  proxy.reset();
  await b.storage.upload('parts', data, { multipartThresholdBytes: 0, targetPartSizeBytes: 5 * MIB });
  seen = faultGets('parts', [TRUNCATE]);
  const part = await storage.getBuffer('parts', { partNumber: 1 });
  storage.destroy();
  expect(sha256(part)).toBe(sha256(data));
  expect(seen).toHaveLength(2);
  expect(seen[1].range).toMatch(new RegExp(`^bytes=\\d+-${data.length - 1}$`));
});

test('backpressure: a slow reader never has more than a few chunks waiting, before and after the resume', async () => {
  const storage = through();
  const seen = faultGets('obj', [RESET]);
  const { body } = await storage.get('obj');
  const chunks: Buffer[] = [];
  let mostWaiting = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    mostWaiting = Math.max(mostWaiting, body.readableLength);
    if (chunks.length % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  storage.destroy();
  expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
  expect(seen).toHaveLength(2);
  expect(mostWaiting).toBeLessThanOrEqual(256 * 1024);
});

test('the object changed before the rest could be read: PreconditionFailedError, and no byte of the new object', async () => {
  // The first GET breaks; the resumed GET is held (stalled) while the object is overwritten; its retry meets the
  // new object, and S3 answers 412 to If-Match.
  const storage = through({ requestTimeoutMs: 1000 });
  let overwritten: Promise<unknown> | undefined;
  const seen: SeenGet[] = [];
  proxy.inject((req) => {
    if (req.method !== 'GET' || !req.url?.startsWith(`/${b.name}/changing`)) return undefined;
    seen.push({ range: req.headers.range as string | undefined });
    if (seen.length === 1) return RESET;
    if (seen.length === 2) {
      overwritten = b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: 'changing', Body: randomBytes(data.length) }));
      return { status: 0, stallMs: 5000 };
    }
    return undefined;
  });
  await b.storage.put('changing', data);
  const { body } = await storage.get('changing');
  const chunks: Buffer[] = [];
  const error = await (async () => {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  })().then(
    () => undefined,
    (e: unknown) => e,
  );
  await overwritten;
  storage.destroy();
  expect(error).toBeInstanceOf(PreconditionFailedError);
  expect((error as Error).message).toMatch(/changed while its body was read/);
  expect(seen.length).toBeGreaterThanOrEqual(3);
  const got = Buffer.concat(chunks);
  expect(got.length).toBeGreaterThan(0);
  expect(got.length).toBeLessThan(data.length);
  expect(got.equals(data.subarray(0, got.length))).toBe(true);
}, 20_000);

test('every answer breaks: after maxAttempts answers a retryable StorageError, never wrong bytes', async () => {
  const storage = through({ maxAttempts: 3 });
  const seen = faultGets('obj', [TRUNCATE, RESET, TRUNCATE, RESET, RESET]);
  const error = await storage.getBuffer('obj').then(
    () => undefined,
    (e: unknown) => e,
  );
  storage.destroy();
  expect(error).toBeInstanceOf(StorageError);
  expect(error).toMatchObject({ retryable: true, bucket: b.name, key: 'obj' });
  expect((error as Error).message).toMatch(/broke after \d+ of \d+ bytes and 3 answer/);
  expect(seen).toHaveLength(3);
});

test('maxAttempts: 1 turns resuming off: the first break fails the read', async () => {
  const storage = through({ maxAttempts: 1 });
  const seen = faultGets('obj', [RESET]);
  await expect(storage.getBuffer('obj')).rejects.toMatchObject({ retryable: true, key: 'obj' });
  storage.destroy();
  expect(seen).toHaveLength(1);
});

test('the caller cancels while the rest is being asked for: AbortedError at once, nothing more is read', async () => {
  const storage = through({ requestTimeoutMs: 30_000 });
  const seen = faultGets('obj', [RESET, { status: 0, stallMs: 20_000 }]);
  const controller = new AbortController();
  const { body } = await storage.get('obj', { abortSignal: controller.signal });
  const reading = readAll(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  controller.abort();
  const error = await reading;
  storage.destroy();
  expect(error).toBeInstanceOf(AbortedError);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(seen).toHaveLength(2);
});

test('destroy() by the caller stops the resume too', async () => {
  const storage = through({ requestTimeoutMs: 30_000 });
  const seen = faultGets('obj', [RESET, { status: 0, stallMs: 20_000 }]);
  const { body } = await storage.get('obj');
  body.resume();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const closed = new Promise((resolve) => body.once('close', resolve));
  body.destroy();
  if (!body.closed) await closed;
  await new Promise((resolve) => setTimeout(resolve, 300));
  storage.destroy();
  expect(seen).toHaveLength(2);
});

test('SSE-C: the resumed GET carries the same customer key headers (moto, Ceph RGW; MinIO refuses SSE-C over http)', async () => {
  const key = randomBytes(32);
  const storage = through({ encryption: { type: 'SSE-C', key }, allowInsecureSseC: true });
  // moto ignores SSE-C and Ceph RGW's test config accepts it over http (rgw_crypt_require_ssl = false, ceph-rgw.sh).
  if (currentTarget().name === 'minio') {
    // S3 and MinIO refuse SSE-C over plain http (400 InvalidRequest "must be made over a secure connection"); the
    // resumed request's SSE-C headers are checked on the mocked SDK (test/unit/storage/objects/resuming-body.test.ts).
    await expect(storage.put('secret', 'x')).rejects.toThrow(/secure connection/);
    storage.destroy();
    return;
  }
  await storage.put('secret', data);
  const seen = faultGets('secret', [RESET]);
  expect(sha256(await storage.getBuffer('secret'))).toBe(sha256(data));
  storage.destroy();
  const md5 = (await import('node:crypto')).createHash('md5').update(key).digest('base64');
  expect(seen).toHaveLength(2);
  expect(seen.map((s) => s.sseCKeyMd5)).toEqual([md5, md5]);
});
