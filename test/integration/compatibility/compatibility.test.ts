import { CreateMultipartUploadCommand, HeadObjectCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { MemoryUploadStateStore, ObjectNotFoundError, PreconditionFailedError, S3Storage, UnsupportedFeatureError } from '../../../lib/storage';
import { CapabilityReport, FEATURES, probeCapabilities } from '../../../lib/storage';
import { FaultProxy } from '../../helpers/fault-proxy';
import { targetDiffers } from '../../helpers/known-differences';
import { countRequests, createTestBucket, currentTarget, rawClient, TestBucket } from '../../helpers/target';

const ROOT = join(__dirname, '..', '..', '..');
let b: TestBucket;
let proxy: FaultProxy;
let cliReport: CapabilityReport;

beforeAll(async () => {
  b = await createTestBucket('compat', { versioning: true });
  proxy = await FaultProxy.start(currentTarget().endpoint);
  const t = currentTarget();
  const { stdout } = await promisify(execFile)('node', [join(ROOT, 'bin/bucketkit.js'), 'probe', '--endpoint', t.endpoint, '--region', t.region, '--json'], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: t.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey },
  });
  cliReport = JSON.parse(stdout);
}, 120_000);
afterEach(() => {
  proxy.reset();
  S3Storage.capabilityCache.clear();
});
afterAll(async () => {
  await proxy.stop();
  await b.cleanup();
});

function viaProxy(overrides: Partial<ConstructorParameters<typeof S3Storage>[0]> = {}): S3Storage {
  const t = currentTarget();
  return new S3Storage({ bucket: b.name, endpoint: proxy.endpoint, region: t.region, credentials: t.credentials, ...overrides });
}

describe('bucketkit probe --json', () => {
  test('reports every feature with a verdict and evidence', () => {
    expect(Object.keys(cliReport.features).sort()).toEqual([...FEATURES].sort());
    for (const f of FEATURES) {
      expect(['supported', 'partial', 'unsupported', 'unknown']).toContain(cliReport.features[f].status);
      // unknown is never a bare verdict: it says why (needs-input: SSE-KMS without a key id on Ceph RGW)
      if (cliReport.features[f].status === 'unknown') expect(cliReport.features[f].reason).toBeDefined();
      expect(cliReport.features[f].evidence.length).toBeGreaterThan(10);
    }
  });

  test('matches what the suite observes directly: ranges', async () => {
    await b.storage.put('obs/range', '0123456789');
    const ranged = (await b.storage.getText('obs/range', { range: { start: 2, end: 5 } })) === '2345';
    const suffix = (await b.storage.getText('obs/range', { range: { suffixLength: 3 } })) === '789';
    expect(cliReport.features.rangedGet.status === 'supported').toBe(ranged);
    expect(cliReport.features.suffixRangeGet.status === 'supported').toBe(suffix);
  });

  test('matches what the suite observes directly: create-only writes', async () => {
    await b.storage.put('obs/cond', 'one', { ifNoneMatch: '*' });
    const refused = await b.storage.put('obs/cond', 'two', { ifNoneMatch: '*' }).then(
      () => false,
      (e) => e instanceof PreconditionFailedError,
    );
    expect(cliReport.features.conditionalWrite.status === 'supported').toBe(refused);
  });

  test('matches what the suite observes directly: SSE-C really needs the key', async () => {
    const key = randomBytes(32);
    // allowInsecureSseC: the local servers speak plain http on loopback
    const raw = new S3Storage({ ...b.storage.config, client: undefined, bucket: b.name, allowInsecureSseC: true });
    const wrote = await raw.put('obs/ssec', 'secret', { encryption: { type: 'SSE-C', customerKey: key } }).then(
      () => true,
      () => false,
    );
    const readableWithoutKey =
      wrote &&
      (await raw.getText('obs/ssec').then(
        (t) => t === 'secret',
        () => false,
      ));
    raw.destroy();
    expect(cliReport.features.sseC.status === 'supported').toBe(wrote && !readableWithoutKey);
  });

  test('matches what the suite observes directly: the delete-marker header', async () => {
    await b.storage.put('obs/marker', 'x');
    await b.storage.delete('obs/marker');
    const error = await b.storage.head('obs/marker').catch((e) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    // bucketkit finds the marker on every target (ListObjectVersions where the header is missing) ...
    expect(error.deleteMarker).toBe(true);
    // ... and the probe's verdict matches the header as the server sends it on a plain HEAD.
    const raw = rawClient();
    const headerSent = await raw.send(new HeadObjectCommand({ Bucket: b.name, Key: 'obs/marker' })).then(
      () => false,
      (e: { $response?: { headers?: Record<string, string> } }) => e?.$response?.headers?.['x-amz-delete-marker'] === 'true',
    );
    raw.destroy();
    expect(cliReport.features.deleteMarkerHeader.status === 'supported').toBe(headerSent);
  });

  test('probes leave no scratch bucket behind', async () => {
    const raw = rawClient();
    const before = ((await raw.send(new ListBucketsCommand({}))).Buckets ?? []).map((x) => x.Name);
    const t = currentTarget();
    await probeCapabilities(
      { endpoint: t.endpoint, region: t.region, credentials: t.credentials },
      { features: ['rangedGet', 'objectLock', 'multipartAbort'] },
    );
    const after = ((await raw.send(new ListBucketsCommand({}))).Buckets ?? []).map((x) => x.Name);
    raw.destroy();
    expect(after.filter((n) => n?.startsWith('bucketkit-probe'))).toEqual(before.filter((n) => n?.startsWith('bucketkit-probe')));
  });
});

describe("degradation with compatibility: 'auto'", () => {
  test('a write the target cannot honour throws UnsupportedFeatureError naming feature and provider, before any request', async () => {
    const t = currentTarget();
    // allowInsecureSseC: the loopback target is plain http, and SSE-C over http is refused before the profile is asked.
    const s = new S3Storage({
      bucket: b.name,
      endpoint: t.endpoint,
      region: t.region,
      credentials: t.credentials,
      compatibility: 'auto',
      allowInsecureSseC: true,
    });
    const profile = (await s.compatibilityProfile())!;
    const counter = countRequests(s.client);
    if (profile.unsupported.has('sseC')) {
      const error = await s.put('deg/ssec', 'x', { encryption: { type: 'SSE-C', customerKey: randomBytes(32) } }).catch((e) => e);
      expect(error).toBeInstanceOf(UnsupportedFeatureError);
      expect(error).toMatchObject({ feature: 'sseC', provider: profile.provider });
      expect(counter.count).toBe(0);
      expect(await s.exists('deg/ssec')).toBe(false);
    } else {
      await s.put('deg/ssec', 'x', { encryption: { type: 'SSE-C', customerKey: randomBytes(32) } });
      expect(counter.count).toBe(1);
    }
    s.destroy();
  });

  test('on this server: the SDK default (streamed trailing checksum) fails only where the server rejects it; auto works', async () => {
    const t = currentTarget();
    const data = randomBytes(200_000);
    const strict = new S3Storage({
      bucket: b.name,
      endpoint: t.endpoint,
      region: t.region,
      credentials: t.credentials,
      checksumPolicy: 'WHEN_SUPPORTED',
      maxAttempts: 1,
    });
    const strictResult = await strict.put('deg/real-strict', Readable.from([data]), { contentLength: data.length }).then(
      () => 'ok',
      (e) => e,
    );
    strict.destroy();
    if (targetDiffers('streamed-trailing-checksum-411')) expect(strictResult).toMatchObject({ httpStatus: 411 });
    else expect(strictResult).toBe('ok');
    const auto = new S3Storage({ bucket: b.name, endpoint: t.endpoint, region: t.region, credentials: t.credentials, compatibility: 'auto' });
    await auto.put('deg/real-auto', Readable.from([data]), { contentLength: data.length });
    const profile = await auto.compatibilityProfile();
    auto.destroy();
    expect(profile?.unsupported.has('streamedTrailingChecksum')).toBe(targetDiffers('streamed-trailing-checksum-411'));
    expect((await b.storage.getBuffer('deg/real-auto')).equals(data)).toBe(true);
  });

  test('on this server: SSE-S3 is refused under auto where the server would not apply it', async () => {
    const t = currentTarget();
    const auto = new S3Storage({ bucket: b.name, endpoint: t.endpoint, region: t.region, credentials: t.credentials, compatibility: 'auto' });
    const result = await auto.put('deg/sse-s3', 'x', { encryption: { type: 'SSE-S3' } }).catch((e) => e);
    auto.destroy();
    if (targetDiffers('sse-s3-not-applied')) {
      expect(result).toBeInstanceOf(UnsupportedFeatureError);
      expect(result.feature).toBe('sseS3');
    } else {
      expect(result.serverSideEncryption ?? (await b.storage.head('deg/sse-s3')).serverSideEncryption).toBe('AES256');
    }
  });

  test('on this server: listing incomplete uploads by a key prefix works under auto, also where the server lists by exact key only', async () => {
    const t = currentTarget();
    const uploadId = (await b.storage.send(new CreateMultipartUploadCommand({ Bucket: b.name, Key: 'deg/uploads/one' }))).UploadId!;
    const plain = await b.storage.listIncompleteUploads({ prefix: 'deg/uploads/' });
    expect(plain.map((u) => u.uploadId)).toEqual(targetDiffers('list-uploads-needs-exact-key') ? [] : [uploadId]);
    const auto = new S3Storage({ bucket: b.name, endpoint: t.endpoint, region: t.region, credentials: t.credentials, compatibility: 'auto' });
    expect((await auto.listIncompleteUploads({ prefix: 'deg/uploads/' })).map((u) => u.uploadId)).toEqual([uploadId]);
    expect(await auto.listIncompleteUploads({ prefix: 'deg/other/' })).toEqual([]);
    expect((await auto.abortIncompleteUploads({ prefix: 'deg/uploads/' })).map((u) => u.uploadId)).toEqual([uploadId]);
    auto.destroy();
  });

  test('a store that rejects streamed trailing checksums (411, as Ceph Pacific) gets WHEN_REQUIRED, and a streamed put works', async () => {
    proxy.inject((req) =>
      String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || req.headers['x-amz-trailer']
        ? { status: 411, code: 'MissingContentLength' }
        : undefined,
    );
    const strict = viaProxy({ checksumPolicy: 'WHEN_SUPPORTED', maxAttempts: 1 });
    const data = randomBytes(100_000);
    await expect(strict.put('deg/stream-strict', Readable.from([data]), { contentLength: data.length })).rejects.toMatchObject({ httpStatus: 411 });
    strict.destroy();
    const auto = viaProxy({ compatibility: 'auto', checksumPolicy: undefined });
    await auto.put('deg/stream-auto', Readable.from([data]), { contentLength: data.length });
    expect(auto.config.checksumPolicy).toBe('WHEN_REQUIRED');
    const profile = await auto.compatibilityProfile();
    expect(profile?.unsupported.has('streamedTrailingChecksum')).toBe(true);
    auto.destroy();
    expect((await b.storage.getBuffer('deg/stream-auto')).equals(data)).toBe(true);
  });

  test('a store whose 404 lacks x-amz-delete-marker: the marker is found through ListObjectVersions', async () => {
    proxy.rewrite((req) =>
      req.method === 'HEAD' || req.method === 'GET'
        ? (answer) => {
            const headers = { ...answer.headers };
            delete headers['x-amz-delete-marker'];
            return { ...answer, headers };
          }
        : undefined,
    );
    await b.storage.put('deg/marker', 'x');
    const { versionId } = await b.storage.delete('deg/marker');
    // A custom endpoint without a profile checks ListObjectVersions too (issue 11: stores that omit the header);
    // a profile that trusts the header (AWS's) does not look, so the 404 alone cannot tell.
    const plain = viaProxy();
    const withoutProfile = await plain.head('deg/marker').catch((e) => e);
    plain.destroy();
    expect(withoutProfile).toBeInstanceOf(ObjectNotFoundError);
    expect(withoutProfile).toMatchObject({ deleteMarker: true, versionId });
    const trusting = viaProxy({ compatibility: 'aws' });
    const trusted = await trusting.head('deg/marker').catch((e) => e);
    trusting.destroy();
    expect(trusted).toBeInstanceOf(ObjectNotFoundError);
    expect(trusted.deleteMarker).toBeUndefined();

    const auto = viaProxy({ compatibility: 'auto' });
    expect((await auto.compatibilityProfile())?.deleteMarkerHeader).toBe(false);
    const error = await auto.head('deg/marker').catch((e) => e);
    const missing = await auto.head('deg/never-existed').catch((e) => e);
    auto.destroy();
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ deleteMarker: true, versionId });
    expect(missing).toBeInstanceOf(ObjectNotFoundError);
    expect(missing.deleteMarker).toBeUndefined();
  });

  test("a profile that needs equal parts ('r2'): a stream of unknown length is planned in fixed parts, not a growing layout", async () => {
    async function layoutOf(compatibility: 'r2' | undefined): Promise<string | undefined> {
      const s = viaProxy({ compatibility });
      const store = new MemoryUploadStateStore();
      const controller = new AbortController();
      async function* stream() {
        for (let i = 0; i < 12; i++) yield randomBytes(1024 * 1024);
      }
      await s
        .upload(`deg/layout-${compatibility ?? 'default'}`, stream(), {
          targetPartSizeBytes: 5 * 1024 * 1024,
          stateStore: store,
          sourceId: 'layout',
          leaveResumableOnAbort: true,
          abortSignal: controller.signal,
          onProgress: (p) => p.partsDone >= 1 && controller.abort(),
        })
        .catch(() => undefined);
      const state = await store.load(b.name, `deg/layout-${compatibility ?? 'default'}`);
      await s.abortIncompleteUploads({ prefix: 'deg/layout-' });
      s.destroy();
      return state?.layout;
    }
    expect(await layoutOf('r2')).toBe('fixed');
    expect(await layoutOf(undefined)).toBe('growing');
  });

  test('a fixed profile applies with no probing', async () => {
    const t = currentTarget();
    const s = new S3Storage({ bucket: b.name, endpoint: proxy.endpoint, region: t.region, credentials: t.credentials, compatibility: 'r2' });
    expect((await s.compatibilityProfile())?.requiresEqualParts).toBe(true);
    await expect(s.put('deg/r2', 'x', { objectLockLegalHold: true })).rejects.toMatchObject({
      constructor: UnsupportedFeatureError,
      feature: 'objectLock',
      provider: 'r2',
    });
    s.destroy();
    expect(proxy.requests).toHaveLength(0);
  });
});
