import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ReencryptResult } from '../../../lib/storage';
import { mapSettledLimit } from '../../../lib/storage/s3/core/concurrency';
import { createTestBucket, currentTarget, storageFor, TestBucket } from '../../helpers/target';
import { createKmsKey } from './kms';

// reencrypt at scale, killed and run again (issue 11 acceptance): N objects under KMS key A (moto's KMS), a child
// process re-encrypting the prefix to KMS key B is SIGKILLed once the server has received a random 25-65% of the
// CopyObject requests, and a second run finishes. Every request goes through a counting proxy, so CopyObject is
// counted on the wire across both processes. N is BUCKETKIT_REENCRYPT_OBJECTS: 100 in npm test (about 3 s on moto),
// 500 in test:compat (scripts/test-compat.sh).
const N = Number(process.env.BUCKETKIT_REENCRYPT_OBJECTS ?? 100);
const CONCURRENCY = 8;
const PREFIX = 'rekey/';
/** KMS keys A and B come from moto's KMS (same port as its S3); MinIO and Ceph RGW have no such KMS API here. */
const onMoto = currentTarget().name === 'moto';

let b: TestBucket;
let proxy: CountingProxy;
let keyA: { arn: string };
let keyB: { arn: string };

/**
 * A loopback proxy that counts every CopyObject that reached it whole, by destination key, and always forwards it to
 * the server, even when its sender is gone by then (a request on the wire reaches S3 whatever happens to the client).
 * A request cut short by the SIGKILL never reaches the server and is not counted, so the count is what the server got.
 */
interface CountingProxy {
  readonly endpoint: string;
  readonly copies: Map<string, number>;
  /** Called after each counted CopyObject with the total so far. */
  onCopy: (total: number) => void;
  stop(): Promise<void>;
}

async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const copies = new Map<string, number>();
  let total = 0;
  const proxyState: CountingProxy = {
    endpoint: '',
    copies,
    onCopy: () => undefined,
    stop: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      if (req.method === 'PUT' && req.headers['x-amz-copy-source'] !== undefined) {
        const key = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').slice(2).join('/'));
        copies.set(key, (copies.get(key) ?? 0) + 1);
        proxyState.onCopy(++total);
      }
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
  return Object.assign(proxyState, {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

beforeAll(async () => {
  if (!onMoto) return;
  b = await createTestBucket('rekey-kill');
  proxy = await startCountingProxy(currentTarget().endpoint);
  keyA = await createKmsKey('bucketkit rekey A');
  keyB = await createKmsKey('bucketkit rekey B');
});
afterAll(async () => {
  if (!onMoto) return;
  await proxy.stop();
  await b.cleanup();
});

const name = (i: number): string => `${PREFIX}${String(i).padStart(5, '0')}`;

/** Runs reencrypt in a child process through the proxy and SIGKILLs it once the server got `afterCopies` copies. */
function reencryptAndKill(afterCopies: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fixtures', 'reencrypt-child.ts'), b.name, PREFIX, keyA.arn, keyB.arn, String(CONCURRENCY)],
      { env: { ...process.env, S3_ENDPOINT: proxy.endpoint }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    proxy.onCopy = (total) => total >= afterCopies && child.kill('SIGKILL');
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      proxy.onCopy = () => undefined;
      if (signal === 'SIGKILL') resolve(signal);
      else reject(new Error(`child was not killed (exit ${code}): ${output}`));
    });
  });
}

(onMoto ? test : test.skip)(
  `reencrypt over ${N} objects, SIGKILLed midway and run again: all under KMS key B, one CopyObject per key, metadata and tags intact`,
  async () => {
    await mapSettledLimit(
      Array.from({ length: N }, (_, i) => i),
      32,
      (i) =>
        b.raw.send(
          new PutObjectCommand({
            Bucket: b.name,
            Key: name(i),
            Body: `object ${i}`,
            ContentType: 'text/x-rekey',
            Metadata: { index: String(i) },
            Tagging: `index=${i}&set=rekey`,
            ServerSideEncryption: 'aws:kms',
            SSEKMSKeyId: keyA.arn,
          }),
        ),
    ).then((settled) => expect(settled.filter((s) => s.status === 'rejected')).toEqual([]));

    const killAt = Math.floor(N * (0.25 + Math.random() * 0.4));
    expect(await reencryptAndKill(killAt)).toBe('SIGKILL');
    const copiedByKilledRun = proxy.copies.size;
    expect(copiedByKilledRun).toBeGreaterThanOrEqual(killAt);
    expect(copiedByKilledRun).toBeLessThan(N);

    const storage = storageFor(b.name, { endpoint: proxy.endpoint });
    const result: ReencryptResult = await storage.reencrypt(
      { prefix: PREFIX },
      { from: { type: 'SSE-KMS', keyId: keyA.arn }, to: { type: 'SSE-KMS', keyId: keyB.arn }, concurrency: CONCURRENCY },
    );
    storage.destroy();

    // One item per key; what the killed run copied is skipped as already under key B, the rest copied now.
    expect(result.items).toHaveLength(N);
    expect(result.failed).toBe(0);
    expect(result.skipped).toBe(copiedByKilledRun);
    expect(result.reencrypted).toBe(N - copiedByKilledRun);
    expect(result.items.filter((i) => i.outcome === 'skipped').every((i) => i.reason === 'already under the target encryption')).toBe(true);

    // On the wire: exactly one CopyObject per key over both runs.
    expect(proxy.copies.size).toBe(N);
    expect([...proxy.copies].filter(([, n]) => n !== 1)).toEqual([]);

    // Every object under key B, with its metadata, content type, tags and body.
    const checked = await mapSettledLimit(
      Array.from({ length: N }, (_, i) => i),
      32,
      async (i) => {
        const head = await b.raw.send(new HeadObjectCommand({ Bucket: b.name, Key: name(i) }));
        const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: name(i) }));
        const tagSet = Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]));
        const ok =
          head.ServerSideEncryption === 'aws:kms' &&
          head.SSEKMSKeyId === keyB.arn &&
          head.Metadata?.index === String(i) &&
          head.ContentType === 'text/x-rekey' &&
          head.ContentLength === `object ${i}`.length &&
          tagSet.index === String(i) &&
          tagSet.set === 'rekey';
        return ok ? undefined : { key: name(i), sse: head.ServerSideEncryption, kms: head.SSEKMSKeyId, metadata: head.Metadata, tagSet };
      },
    );
    expect(checked.filter((c) => c.status === 'rejected')).toEqual([]);
    expect(checked.map((c) => (c.status === 'fulfilled' ? c.value : undefined)).filter(Boolean)).toEqual([]);
  },
  300_000,
);
