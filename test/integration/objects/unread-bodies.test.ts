/**
 * Unread GetObject bodies hold the client's pooled sockets (issue 9, item 7). With the default concurrency of 8,
 * eight get() results whose bodies are never read used to make exists() fail after 15 s (three attempts of the 5 s
 * connection timeout) with "the request socket did not establish a connection", marked retryable, although the
 * server was fine. Now the first attempt fails with SocketPoolExhaustedError naming the keys and the fix, not retried,
 * and the process gets one warning. A body nobody reads that the socket timeout destroys does not crash the process.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SocketPoolExhaustedError, TimeoutError } from '../../../lib/storage/errors';
import { S3Session } from '../../../lib/storage/s3/core/session';
import { createTestBucket, currentTarget, storageFor, TestBucket } from '../../helpers/target';
import { targetDiffers } from '../../helpers/known-differences';

const MIB = 1024 * 1024;
const SOCKET_POOL_WARNING = 'BUCKETKIT_SOCKET_POOL_EXHAUSTED';
let b: TestBucket;

beforeAll(async () => {
  b = await createTestBucket('unread');
  // 1 MiB each: more than the stream and socket buffers take in, so an unread body keeps its socket whatever reads
  // ahead under get()'s body.
  for (let i = 0; i < 9; i++) await b.storage.put(`unread/${i}`, Buffer.alloc(MIB, i));
  await b.storage.put('unread/large', randomBytes(8 * MIB));
  // Stored with a SHA-256: read with ChecksumMode ENABLED, the SDK wraps the body in its checksum-validating stream.
  await b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: 'unread/large-sha256', Body: randomBytes(8 * MIB), ChecksumAlgorithm: 'SHA256' }));
});
afterAll(() => b.cleanup());

async function settle(run: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

/** Collects the process warnings with bucketkit's code while `run` runs (they still reach the process). */
async function withWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const spy = jest.spyOn(process, 'emitWarning');
  try {
    const result = await run();
    const warnings = spy.mock.calls
      .filter(([, options]) => (options as { code?: string } | undefined)?.code === SOCKET_POOL_WARNING)
      .map(([warning]) => String(warning));
    return { result, warnings };
  } finally {
    spy.mockRestore();
  }
}

test('8 unread get() bodies, then exists(): SocketPoolExhaustedError after one connection timeout, naming the keys', async () => {
  const storage = storageFor(b.name); // the defaults: concurrency 8, connectionTimeoutMs 5000, maxAttempts 3
  const bodies: Readable[] = [];
  try {
    for (let i = 0; i < 8; i++) bodies.push((await storage.get(`unread/${i}`)).body);
    const { result, warnings } = await withWarnings(() => settle(storage.exists('unread/8')));
    const { error, ms } = result;

    expect(error).toBeInstanceOf(SocketPoolExhaustedError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    const e = error as SocketPoolExhaustedError;
    expect(e).toMatchObject({ code: 'SocketPoolExhausted', retryable: false, maxSockets: 8, bucket: b.name, key: 'unread/8' });
    expect(e.heldBodies.map((h) => h.key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `unread/${i}`));
    expect(e.message).toMatch(/all 8 pooled sockets .* are held by GetObject bodies that were never read/);
    expect(e.message).toContain('"unread/0"');
    expect(e.message).toContain('"unread/7"');
    expect(e.message).toMatch(/body\.destroy\(\)/);
    expect(e.message).toMatch(/config\.concurrency/);
    expect(e.message).not.toMatch(/did not establish a connection/);
    // One attempt of the 5 s connection timeout, not three (15 s).
    expect(ms).toBeGreaterThanOrEqual(4000);
    expect(ms).toBeLessThan(7000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/held by GetObject bodies that are not being read .*"unread\/0"/);

    // The cause named is the real one: once the bodies are consumed or destroyed, the same call succeeds.
    bodies[0].resume();
    for (const body of bodies.slice(1)) body.destroy();
    await expect(storage.exists('unread/8')).resolves.toBe(true);
  } finally {
    for (const body of bodies) body.destroy();
    storage.destroy();
  }
}, 30_000);

test('bodies being read do not count: a ninth request waits for a socket and succeeds', async () => {
  const storage = storageFor(b.name, { concurrency: 2, connectionTimeoutMs: 3000 });
  try {
    const first = await storage.get('unread/0');
    const second = await storage.get('unread/1');
    const reading = Promise.all([first, second].map(async ({ body }) => Buffer.concat(await body.toArray())));
    await expect(storage.exists('unread/2')).resolves.toBe(true);
    const [zero, one] = await reading;
    expect(zero.equals(Buffer.alloc(MIB, 0)) && one.equals(Buffer.alloc(MIB, 1))).toBe(true);
  } finally {
    storage.destroy();
  }
}, 30_000);

test('a large body nobody reads, destroyed by the socket timeout, does not crash the process', async () => {
  // At the client level (what the SDK returns, under whatever get() wraps it in): no 'error' listener of ours on
  // purpose, so an unhandled 'error' event would fail this test file.
  const target = currentTarget();
  const session = new S3Session({ bucket: b.name, endpoint: target.endpoint, region: target.region, credentials: target.credentials, requestTimeoutMs: 500 });
  try {
    const reads = [
      { Key: 'unread/large', raw: 'IncomingMessage' },
      // The SDK wraps a body whose answer has a flexible checksum in a ChecksumStream; Ceph RGW stores none.
      {
        Key: 'unread/large-sha256',
        ChecksumMode: 'ENABLED' as const,
        raw: targetDiffers('flexible-checksums-not-echoed') ? 'IncomingMessage' : 'ChecksumStream',
      },
    ];
    for (const { raw, ...input } of reads) {
      const out = await session.send(new GetObjectCommand({ Bucket: b.name, ...input }));
      const body = out.Body as Readable;
      expect(body.constructor.name).toBe(raw);
      const errored = await new Promise<Error | null>((resolve) => {
        const poll = setInterval(() => {
          if (body.destroyed) {
            clearInterval(poll);
            resolve(body.errored);
          }
        }, 50);
      });
      expect(String(errored)).toMatch(/timed out after 500 ms of inactivity/);
      // The error is not lost: whoever reads the body gets it.
      await expect(body.toArray()).rejects.toThrow(/timed out/);
    }
    // The client is still usable.
    await expect(session.send(new HeadObjectCommand({ Bucket: b.name, Key: 'unread/0' }))).resolves.toMatchObject({ ContentLength: MIB });
  } finally {
    session.destroy();
  }
}, 30_000);

test('the same through get(): its body, unread past requestTimeoutMs, errors without crashing the process', async () => {
  const storage = storageFor(b.name, { requestTimeoutMs: 500 });
  try {
    const { body } = await storage.get('unread/large'); // no 'error' listener of ours
    const errored = await new Promise<Error | null>((resolve) => {
      const poll = setInterval(() => {
        if (body.destroyed) {
          clearInterval(poll);
          resolve(body.errored);
        }
      }, 50);
    });
    expect(errored).toBeInstanceOf(TimeoutError);
    await expect(storage.exists('unread/0')).resolves.toBe(true);
  } finally {
    storage.destroy();
  }
}, 30_000);
