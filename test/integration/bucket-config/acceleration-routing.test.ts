/**
 * Transfer Acceleration routing against a real server. The target has no accelerate endpoint, so the accelerated
 * client is injected (`acceleratedClient`): a loopback port that refuses connections, or the target itself.
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketAccelerateConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AccelerationFallbackError, ObjectNotFoundError, S3Storage, UnsupportedFeatureError } from '../../../lib/storage';
import { FaultProxy } from '../../helpers/fault-proxy';
import { countRequests, createTestBucket, currentTarget, sha256, storageFor, TestBucket } from '../../helpers/target';
import { targetDiffers } from '../../helpers/known-differences';

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function clientAt(endpoint: string): S3Client {
  const t = currentTarget();
  return new S3Client({
    endpoint,
    region: t.region,
    credentials: t.credentials,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function body(raw: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function keysUnder(raw: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page = await raw.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => `${v.Key}@${v.VersionId}`);
}

let b: TestBucket;
let refusing: S3Client;
const opened: S3Storage[] = [];
const open = (config: Parameters<typeof storageFor>[1]) => {
  const s = storageFor(b.name, config);
  opened.push(s);
  return s;
};

beforeAll(async () => {
  b = await createTestBucket('accroute');
  refusing = clientAt(`http://127.0.0.1:${await refusingPort()}`);
});
afterAll(async () => {
  for (const s of opened) s.destroy();
  refusing.destroy();
  await b.cleanup();
});

// A store without Transfer Acceleration cannot hold an Enabled or Suspended setting: the tests that need one run where
// it can (moto); the routing itself is the same code on every target, and the offline tests cover every state.
const withSetting = targetDiffers('acceleration-not-implemented') ? test.skip : test;
const setStatus = (status: 'Enabled' | 'Suspended') =>
  b.raw.send(new PutBucketAccelerateConfigurationCommand({ Bucket: b.name, AccelerateConfiguration: { Status: status } }));

describe("accelerate: 'auto' on the target", () => {
  test('a bucket never configured (Disabled): regional', async () => {
    const storage = open({ accelerate: 'auto', acceleratedClient: refusing });
    await storage.put('auto/disabled', Buffer.from('x'));
    expect(storage.accelerationMetrics()).toMatchObject({ bucketStatus: 'Disabled', fallbacks: 0, accelerated: { requests: 0 }, regional: { bytesSent: 1 } });
  });

  withSetting('a bucket with acceleration Suspended: the setting is read once and every request stays regional', async () => {
    // moto keeps a never-configured bucket unconfigured on Suspended, so enable it first.
    await setStatus('Enabled');
    await setStatus('Suspended');
    const storage = open({ accelerate: 'auto', acceleratedClient: refusing });
    const accelerated = countRequests(refusing);
    const before = accelerated.count;
    await storage.put('auto/suspended', Buffer.from('regional bytes'));
    expect((await storage.getBuffer('auto/suspended')).toString()).toBe('regional bytes');
    const m = storage.accelerationMetrics();
    expect(accelerated.count - before).toBe(0);
    expect(m).toMatchObject({ mode: 'auto', bucketStatus: 'Suspended', fallbacks: 0, accelerated: { requests: 0 } });
    expect(m.regional.bytesSent).toBe(14);
    expect(m.regional.bytesReceived).toBe(14);
    expect(m.cost.upperBoundUsd).toBe(0);
  });

  withSetting('a bucket with acceleration Enabled: the refused accelerated request falls back, the data lands whole, metrics show it', async () => {
    await setStatus('Enabled');
    const storage = open({ accelerate: 'auto', acceleratedClient: refusing });
    const data = Buffer.alloc(256 * 1024, 7);
    await storage.put('auto/enabled', data);
    expect(sha256(await body(b.raw, b.name, 'auto/enabled'))).toBe(sha256(data));
    const m = storage.accelerationMetrics();
    expect(m).toMatchObject({
      bucketStatus: 'Enabled',
      fallbacks: 1,
      lastFallback: { command: 'PutObjectCommand', reason: 'ECONNREFUSED' },
      accelerated: { requests: 1, failedRequests: 1, bytesSent: 0 },
      regional: { bytesSent: data.length },
    });
    expect(m.coolDownUntil!.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(m.regional.throughputMBps).toBeGreaterThan(0);
    // In the cool-down, the next request goes straight to the regional endpoint.
    expect(sha256(await storage.getBuffer('auto/enabled'))).toBe(sha256(data));
    expect(storage.accelerationMetrics()).toMatchObject({ fallbacks: 1, accelerated: { requests: 1 } });
  });
});

describe('an accelerated path through a proxy in front of the target', () => {
  let proxy: FaultProxy;
  let viaProxy: S3Client;
  beforeAll(async () => {
    proxy = await FaultProxy.start(currentTarget().endpoint);
    viaProxy = clientAt(proxy.endpoint);
  });
  afterEach(() => proxy.reset());
  afterAll(async () => {
    viaProxy.destroy();
    await proxy.stop();
  });

  test('healthy: object reads and writes go through it, listing and bucket settings do not; metrics and cost count its bytes', async () => {
    const storage = open({ accelerate: 'on', acceleratedClient: viaProxy });
    const data = Buffer.alloc(100_000, 1);
    await storage.put('proxy/healthy', data);
    expect(sha256(await storage.getBuffer('proxy/healthy'))).toBe(sha256(data));
    for await (const _ of storage.list({ prefix: 'proxy/' })) break;
    await storage.getAcceleration();
    expect(proxy.requests.map((r) => r.method)).toEqual(['PUT', 'GET']);
    const m = storage.accelerationMetrics();
    expect(m).toMatchObject({ fallbacks: 0, accelerated: { requests: 2, bytesSent: 100_000, bytesReceived: 100_000 } });
    expect(m.regional.requests).toBe(2); // ListObjectsV2 and GetBucketAccelerateConfiguration
    expect(m.accelerated.throughputMBps).toBeGreaterThan(0);
    // Upper bound: 100,000 B in at $0.08/GB plus 100,000 B out at $0.04/GB.
    expect(m.cost.upperBoundUsd).toBeCloseTo((100_000 / 1024 ** 3) * 0.12, 12);
    expect(storage.accelerationMetrics({ edgeClass: 'us-eu-jp' }).cost.upperBoundUsd).toBeCloseTo((100_000 / 1024 ** 3) * 0.08, 12);
  });

  withSetting(
    "'auto' on an Enabled bucket whose accelerate endpoint answers InvalidRequest (suspended since): replayed regionally once, then regional for good",
    async () => {
      await setStatus('Enabled');
      proxy.inject(() => ({ status: 400, code: 'InvalidRequest', message: 'S3 Transfer Acceleration is not configured on this bucket' }));
      const storage = open({ accelerate: 'auto', acceleratedClient: viaProxy, accelerationCoolDownMs: 0 });
      await storage.put('proxy/suspended', Buffer.from('first'));
      await storage.put('proxy/suspended-2', Buffer.from('second'));
      expect((await body(b.raw, b.name, 'proxy/suspended')).toString()).toBe('first');
      expect((await body(b.raw, b.name, 'proxy/suspended-2')).toString()).toBe('second');
      expect(proxy.requests).toHaveLength(1);
      expect(storage.accelerationMetrics()).toMatchObject({
        bucketStatus: 'Suspended',
        fallbacks: 1,
        lastFallback: { reason: expect.stringMatching(/^InvalidRequest: S3 Transfer Acceleration is not configured/) },
      });
    },
  );
});

describe("accelerate: 'on' with a refusing accelerated endpoint", () => {
  test('a multipart upload from a file falls back and completes on the regional endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-accel-'));
    try {
      const file = join(dir, 'data.bin');
      const data = Buffer.alloc(11 * 1024 * 1024, 3);
      writeFileSync(file, data);
      const storage = open({ accelerate: 'on', acceleratedClient: refusing, accelerationCoolDownMs: 0 });
      await storage.upload('on/multipart', { filePath: file }, { targetPartSizeBytes: 5 * 1024 * 1024, multipartThresholdBytes: 5 * 1024 * 1024 });
      expect(sha256(await body(b.raw, b.name, 'on/multipart'))).toBe(sha256(data));
      const m = storage.accelerationMetrics();
      // No cool-down: each accelerated request was tried, refused and replayed (create, parts, complete).
      expect(m.fallbacks).toBeGreaterThanOrEqual(5);
      expect(m.accelerated.failedRequests).toBe(m.fallbacks);
      // The data, and the one byte sent with a wrong CRC32 (checksum-negotiation.ts) where the store took it (moto); a
      // refused request's bytes are not counted as sent.
      expect(m.regional.bytesSent).toBe(data.length + (targetDiffers('part-checksum-mismatch-accepted') ? 1 : 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stream body is not replayed: AccelerationFallbackError, and nothing is stored', async () => {
    const storage = open({ accelerate: 'on', acceleratedClient: refusing });
    const error = await storage.put('on/stream', Readable.from([Buffer.from('one-shot')]), { contentLength: 8 }).catch((e) => e);
    expect(error).toBeInstanceOf(AccelerationFallbackError);
    expect(error.message).toMatch(/filePath|Buffer/);
    await expect(b.raw.send(new HeadObjectCommand({ Bucket: b.name, Key: 'on/stream' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await expect(storage.head('on/stream')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});

describe('compareAcceleration', () => {
  test('alternates uploads to both endpoints, reports medians and a recommendation, and leaves no test object behind', async () => {
    const direct = clientAt(currentTarget().endpoint);
    try {
      const storage = open({ acceleratedClient: direct });
      const counted = countRequests(direct);
      const result = await storage.compareAcceleration({ sizeBytes: 64 * 1024, samples: 3, keyPrefix: 'cmp/' });
      expect(result.regionalSamplesMBps).toHaveLength(3);
      expect(result.acceleratedSamplesMBps).toHaveLength(3);
      for (const v of [...result.regionalSamplesMBps, ...result.acceleratedSamplesMBps]) expect(v).toBeGreaterThan(0);
      expect(result.regionalMBps).toBe([...result.regionalSamplesMBps].sort((x, y) => x - y)[1]);
      expect(result.gain).toBeCloseTo(result.acceleratedMBps / result.regionalMBps - 1, 10);
      expect(result.recommendation).toBe(result.gain >= 0.1 ? 'accelerate' : 'regional');
      expect(counted.commands.filter((c) => c === 'PutObjectCommand')).toHaveLength(3);
      expect(await keysUnder(b.raw, b.name, 'cmp/')).toEqual([]);
    } finally {
      direct.destroy();
    }
  });

  test('when the accelerated upload fails, the error surfaces and the regional test object is deleted too', async () => {
    const storage = open({ acceleratedClient: refusing });
    await expect(storage.compareAcceleration({ sizeBytes: 1024, samples: 2, keyPrefix: 'cmp-fail/' })).rejects.toMatchObject({
      name: expect.stringMatching(/Error$/),
    });
    expect(storage.accelerationMetrics().regional.bytesSent).toBe(1024);
    expect(await keysUnder(b.raw, b.name, 'cmp-fail/')).toEqual([]);
  });

  test('a versioned bucket keeps no version or delete marker of the test objects', async () => {
    const versioned = await createTestBucket('accver', { versioning: true });
    const direct = clientAt(currentTarget().endpoint);
    const storage = storageFor(versioned.name, { acceleratedClient: direct });
    try {
      await storage.compareAcceleration({ sizeBytes: 1024, samples: 2, keyPrefix: 'cmp/' });
      expect(await keysUnder(versioned.raw, versioned.name, 'cmp/')).toEqual([]);
    } finally {
      storage.destroy();
      direct.destroy();
      await versioned.cleanup();
    }
  });

  test('a custom endpoint without an accelerated client has nothing to compare: UnsupportedFeatureError before any request', async () => {
    const storage = open({});
    const counter = countRequests(storage.client);
    await expect(storage.compareAcceleration({ sizeBytes: 1024 })).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(storage.compareAcceleration({ sizeBytes: 0 })).rejects.toMatchObject({ field: 'sizeBytes' });
    await expect(open({ acceleratedClient: refusing }).compareAcceleration({ samples: 0 })).rejects.toMatchObject({ field: 'samples' });
    expect(counter.count).toBe(0);
  });
});
