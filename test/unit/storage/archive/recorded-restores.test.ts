import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { restoreExpiryFor } from '../../../../lib/rules/restore';
import { AccessDeniedError, InvalidObjectStateError, S3Storage, type RestoreManyItem } from '../../../../lib/storage';

// What moto does not model, on the wire: a loopback server answers with S3's recorded responses (status, headers,
// error XML as documented in https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html and
// ErrorResponses.html), so the real SDK client runs: its retry loop, its deserializers, bucketkit's error mapping.
// Each gap is named in docs/compatibility.md (UNIT_TESTED_GAPS in test/helpers/known-differences.ts).

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}
interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}
type Route = (req: Seen) => Answer;

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>REC1</RequestId><HostId>rec</HostId></Error>`;
const headOf = (storageClass: string, extra: Record<string, string> = {}): Answer => ({
  status: 200,
  headers: { 'x-amz-storage-class': storageClass, 'content-length': '5', etag: '"abc"', 'last-modified': 'Tue, 15 Oct 2024 10:30:00 GMT', ...extra },
});

let server: http.Server;
let route: Route;
const seen: Seen[] = [];
let storage: S3Storage;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const answer = route(request);
      const body = req.method === 'HEAD' ? '' : (answer.body ?? '');
      res.writeHead(answer.status, {
        'x-amz-request-id': 'REC1',
        ...(answer.body ? { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...answer.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The SDK's default of 3 attempts: a 503 it counted as transient would be sent 3 times.
  storage = new S3Storage({ bucket: 'rec', endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 3 });
});
afterAll(async () => {
  storage.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

const restores = () => seen.filter((s) => s.method === 'POST' && /[?&]restore/.test(s.url));
const tierOf = (body: string) => /<Tier>(\w+)<\/Tier>/.exec(body)?.[1];

test('409 RestoreAlreadyInProgress answers status in-progress (one RestoreObject, no retry)', async () => {
  route = (r) =>
    r.method === 'HEAD'
      ? headOf('GLACIER', { 'x-amz-restore': 'ongoing-request="true"' })
      : { status: 409, body: errorXml('RestoreAlreadyInProgress', 'Object restore is already in progress') };
  expect(await storage.restore('cold.txt', { days: 2 })).toEqual({ status: 'in-progress', tier: 'Standard', storageClass: 'GLACIER' });
  expect(restores()).toHaveLength(1);
});

test('asking again at a faster tier while a restore runs is sent (S3 upgrades it: 202)', async () => {
  route = (r) => (r.method === 'HEAD' ? headOf('GLACIER', { 'x-amz-restore': 'ongoing-request="true"' }) : { status: 202 });
  expect(await storage.restore('cold.txt', { days: 2, tier: 'Expedited' })).toMatchObject({ status: 'started', tier: 'Expedited' });
  expect(tierOf(restores()[0].body)).toBe('Expedited');
});

test('503 GlacierExpeditedRetrievalNotAvailable: one Expedited request (no SDK retries), then one at Standard, and the result says so', async () => {
  route = (r) => {
    if (r.method === 'HEAD') return headOf('GLACIER');
    if (tierOf(r.body) === 'Expedited')
      return {
        status: 503,
        body: errorXml('GlacierExpeditedRetrievalNotAvailable', 'Glacier expedited retrievals are currently not available, please try again later'),
      };
    return { status: 202 };
  };
  const started = Date.now();
  const result = await storage.restore('cold.txt', { days: 1, tier: 'Expedited' });
  expect(result).toEqual({ status: 'started', tier: 'Standard', storageClass: 'GLACIER', fellBackToStandard: true });
  expect(restores().map((r) => tierOf(r.body))).toEqual(['Expedited', 'Standard']);
  // Prompt: no backoff between attempts (the SDK's would be 100 ms to 20 s per retry).
  expect(Date.now() - started).toBeLessThan(2_000);
});

test('restoreMany: the fallback is reported per key; with fallbackToStandard: false the key fails at once, not retried as throttling', async () => {
  route = (r) => {
    if (r.method === 'HEAD') return headOf('GLACIER');
    return tierOf(r.body) === 'Expedited' ? { status: 503, body: errorXml('GlacierExpeditedRetrievalNotAvailable', 'not available') } : { status: 202 };
  };
  const run = async (fallbackToStandard?: boolean) => {
    const items: RestoreManyItem[] = [];
    for await (const item of storage.restoreMany(['cold.txt'], { days: 1, tier: 'Expedited', fallbackToStandard })) items.push(item);
    return items;
  };
  expect(await run()).toEqual([{ key: 'cold.txt', tier: 'Standard', status: 'started', fellBackToStandard: true }]);
  seen.length = 0;
  const [failed] = await run(false);
  expect(failed).toMatchObject({ status: 'failed', tier: 'Expedited' });
  expect((failed.error as { s3Code?: string }).s3Code).toBe('GlacierExpeditedRetrievalNotAvailable');
  expect(restores().map((r) => tierOf(r.body))).toEqual(['Expedited']);
});

test('a plain 503 SlowDown on RestoreObject is still retried by the SDK (the middleware is about one code only)', async () => {
  let n = 0;
  route = (r) => {
    if (r.method === 'HEAD') return headOf('GLACIER');
    return n++ === 0 ? { status: 503, body: errorXml('SlowDown', 'Please reduce your request rate.') } : { status: 202 };
  };
  expect(await storage.restore('cold.txt', { days: 1, tier: 'Expedited' })).toMatchObject({ status: 'started', tier: 'Expedited' });
  expect(restores()).toHaveLength(2);
});

// moto answers this one too (test/integration/archive/archive.test.ts); kept here beside the other archive codes.
test('403 ObjectNotInActiveTierError (copy of an archived source) is InvalidObjectStateError, not AccessDeniedError', async () => {
  route = () => ({
    status: 403,
    body: errorXml('ObjectNotInActiveTierError', 'The source object of the COPY action is not in the active tier and is only stored in Amazon S3 Glacier.'),
  });
  const error = await storage.copy('frozen.txt', 'thawed.txt').catch((e) => e);
  expect(error).toBeInstanceOf(InvalidObjectStateError);
  expect(error).not.toBeInstanceOf(AccessDeniedError);
  expect(error.s3Code).toBe('ObjectNotInActiveTierError');
  expect(error.httpStatus).toBe(403);
});

test('403 InvalidObjectState on GET of an archived object is InvalidObjectStateError with the class', async () => {
  route = () => ({
    status: 403,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidObjectState</Code><Message>The operation is not valid for the object's storage class</Message><StorageClass>GLACIER</StorageClass><RequestId>REC1</RequestId></Error>`,
  });
  const error = await storage.getText('frozen.txt').catch((e) => e);
  expect(error).toBeInstanceOf(InvalidObjectStateError);
  expect(error.storageClass).toBe('GLACIER');
});

test('version-specific restore: HEAD and RestoreObject both name the version; restoreStatus reads that version', async () => {
  route = (r) => {
    if (r.method === 'HEAD') {
      const old = r.url.includes('versionId=v-old');
      return headOf(old ? 'GLACIER' : 'STANDARD', {
        'x-amz-version-id': old ? 'v-old' : 'v-new',
        ...(old ? { 'x-amz-restore': 'ongoing-request="true"' } : {}),
      });
    }
    return { status: 202 };
  };
  expect(await storage.restore('doc.txt', { days: 1, versionId: 'v-old' })).toMatchObject({ status: 'started', storageClass: 'GLACIER' });
  const [head, post] = seen;
  expect(head).toMatchObject({ method: 'HEAD' });
  expect(new URL(head.url, 'http://x').searchParams.get('versionId')).toBe('v-old');
  expect(new URL(post.url, 'http://x').searchParams.get('versionId')).toBe('v-old');
  expect(await storage.restoreStatus('doc.txt', { versionId: 'v-old' })).toMatchObject({ state: 'in-progress', versionId: 'v-old' });
  // The current version is STANDARD: nothing to restore, and no RestoreObject.
  seen.length = 0;
  expect(await storage.restore('doc.txt', { days: 1 })).toMatchObject({ status: 'not-archived' });
  expect(restores()).toHaveLength(0);
  // restoreMany takes { key, versionId } targets.
  seen.length = 0;
  const items: RestoreManyItem[] = [];
  for await (const item of storage.restoreMany([{ key: 'doc.txt', versionId: 'v-old' }], { days: 1 })) items.push(item);
  expect(items).toEqual([{ key: 'doc.txt', versionId: 'v-old', tier: 'Standard', status: 'started' }]);
  expect(new URL(restores()[0].url, 'http://x').searchParams.get('versionId')).toBe('v-old');
});

test('midnight-UTC expiry: a 200 (already restored) gives the expiry S3 computes, and HEAD reads it back as sent', async () => {
  // S3 rounds the expiry up to the next midnight UTC (User Guide: restored 15 October 10:30 UTC for 3 days -> 19
  // October 00:00 UTC); moto keeps the exact time.
  expect(restoreExpiryFor(new Date('2024-10-15T10:30:00Z'), 3).toISOString()).toBe('2024-10-19T00:00:00.000Z');
  const before = new Date();
  route = (r) =>
    r.method === 'HEAD'
      ? headOf('GLACIER', { 'x-amz-restore': `ongoing-request="false", expiry-date="${restoreExpiryFor(before, 3).toUTCString()}"` })
      : { status: 200 };
  const again = await storage.restore('cold.txt', { days: 3 });
  expect(again.status).toBe('already-restored');
  expect(again.expiresAt!.getUTCHours()).toBe(0);
  expect(again.expiresAt!.getUTCMinutes()).toBe(0);
  expect([restoreExpiryFor(before, 3).getTime(), restoreExpiryFor(new Date(), 3).getTime()]).toContain(again.expiresAt!.getTime());
  const status = await storage.restoreStatus('cold.txt');
  expect(status.state).toBe('restored');
  expect(status.expiresAt!.getTime()).toBe(restoreExpiryFor(before, 3).getTime());
});
