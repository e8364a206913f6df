import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXED_PROFILES, UnsupportedFeatureError, type ProviderName, type RestoreManyItem } from '../../../lib/storage';
import { createTestBucket, currentTarget, storageFor, TestBucket } from '../../helpers/target';

// restoreMany at scale, killed and resumed (issue 10 acceptance): N GLACIER objects, a child process restoring them
// with a stateFile is SIGKILLed midway, and a second run with the same stateFile finishes the job. Every request goes
// through a counting proxy, so RestoreObject is counted on the wire, across both processes.
// N is BUCKETKIT_RESTORE_MANY_OBJECTS: 400 in npm test (about 8 s on moto), 2,000 in test:compat (scripts/test-compat.sh;
// about 35 s on moto: moto answers some 110 requests a second here, and the 2,000 PUTs that set the scene are half of it).
const N = Number(process.env.BUCKETKIT_RESTORE_MANY_OBJECTS ?? 400);
const CONCURRENCY = 32;
/** The killed run is paced to take about 6 s, so a loaded machine cannot let it finish before the SIGKILL lands. */
const CHILD_RATE = Math.min(1000, Math.max(40, Math.ceil(N / 6)));
const PROFILE: ProviderName = ({ moto: 'moto', minio: 'minio', ceph: 'ceph-rgw' } as Record<string, ProviderName>)[currentTarget().name] ?? 'unknown';
const restoreSupported = !FIXED_PROFILES[PROFILE].unsupported.has('restoreObject');

let b: TestBucket;
let proxy: CountingProxy;
const dir = mkdtempSync(join(tmpdir(), 'bk-restore-kill-'));

/** The key of a path-style RestoreObject request (`POST /<bucket>/<key>?restore...`), else undefined. */
function restoreKey(method: string | undefined, url: string | undefined): string | undefined {
  if (method !== 'POST' || !url) return undefined;
  const parsed = new URL(url, 'http://x');
  if (!parsed.searchParams.has('restore')) return undefined;
  return decodeURIComponent(parsed.pathname.split('/').slice(2).join('/'));
}

/**
 * A loopback proxy that counts every request that reached it whole, by RestoreObject key, and always forwards it to
 * the server, even when the client is gone by then (as a request already on the wire reaches S3 whatever happens to
 * its sender). A request cut short by the SIGKILL never reaches the server and is not counted. So the count is
 * exactly what the server received. (The shared FaultProxy drops the upstream request when its client goes away.)
 */
interface CountingProxy {
  readonly endpoint: string;
  readonly restores: Map<string, number>;
  readonly methods: string[];
  stop(): Promise<void>;
}

async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const restores = new Map<string, number>();
  const methods: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      methods.push(req.method ?? '');
      const key = restoreKey(req.method, req.url);
      if (key !== undefined) restores.set(key, (restores.get(key) ?? 0) + 1);
      const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        if (res.destroyed) return void up.resume();
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    restores,
    methods,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  b = await createTestBucket('restore-kill');
  proxy = await startCountingProxy(currentTarget().endpoint);
});
afterAll(async () => {
  await proxy.stop();
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs restoreMany in a child process through the proxy and SIGKILLs it after `afterResults` results. */
function restoreAndKill(stateFile: string, afterResults: number): Promise<{ reported: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fixtures', 'restore-many-child.ts'), b.name, 'cold/', stateFile, String(CONCURRENCY), String(CHILD_RATE)],
      { env: { ...process.env, S3_ENDPOINT: proxy.endpoint }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let reported = 0;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const match of text.matchAll(/result (\d+)/g)) reported = Math.max(reported, Number(match[1]));
      if (reported >= afterResults) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve({ reported, signal }) : reject(new Error(`child was not killed (exit ${code}): ${stderr}`)),
    );
  });
}

async function putGlacierObjects(count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: `cold/${String(i).padStart(5, '0')}`, Body: `object ${i}`, StorageClass: 'GLACIER' }));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

test(`restoreMany over ${N} GLACIER objects: SIGKILLed midway and resumed with the same stateFile, the server receives one RestoreObject per key`, async () => {
  if (!restoreSupported) {
    // MinIO and Ceph RGW: refused before any request through their profiles.
    const storage = storageFor(b.name, { endpoint: proxy.endpoint, compatibility: PROFILE });
    await expect(storage.restoreMany('cold/', { days: 1 }).next()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    storage.destroy();
    expect(proxy.methods).toHaveLength(0);
    return;
  }
  await putGlacierObjects(N);
  const stateFile = join(dir, 'restore-ledger.jsonl');
  const killAt = Math.floor(N * (0.25 + Math.random() * 0.4));
  const killed = await restoreAndKill(stateFile, killAt);
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.reported).toBeGreaterThanOrEqual(killAt);
  const sentByKilledRun = proxy.restores.size;
  expect(sentByKilledRun).toBeGreaterThanOrEqual(killAt);
  expect(sentByKilledRun).toBeLessThan(N);

  const requestsBefore = proxy.methods.length;
  const storage = storageFor(b.name, { endpoint: proxy.endpoint });
  const items: RestoreManyItem[] = [];
  for await (const item of storage.restoreMany('cold/', { days: 1, tier: 'Bulk', concurrency: CONCURRENCY, stateFile })) items.push(item);
  storage.destroy();

  // One result per key; the keys the killed run finished are skipped, the rest started now.
  expect(items).toHaveLength(N);
  expect(new Set(items.map((i) => i.key)).size).toBe(N);
  expect(items.filter((i) => i.status === 'failed')).toEqual([]);
  const skipped = items.filter((i) => i.status === 'skipped').length;
  expect(skipped).toBeGreaterThanOrEqual(killed.reported);
  expect(items.filter((i) => i.status === 'started')).toHaveLength(N - skipped);

  // On the wire: the server received exactly one RestoreObject per key, over both runs.
  expect(proxy.restores.size).toBe(N);
  expect([...proxy.restores].filter(([, n]) => n !== 1)).toEqual([]);
  // The resumed run asked with HEAD only about keys the killed run had sent without recording an answer.
  expect(proxy.methods.slice(requestsBefore).filter((m) => m === 'HEAD').length).toBeLessThanOrEqual(CONCURRENCY);
  expect(readFileSync(stateFile, 'utf8')).not.toMatch(/secret|testing/i);
}, 300_000);
