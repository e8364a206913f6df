/**
 * The whole path a user takes, with a real Lambda runtime and no Docker: `bucketkit invoke` (the CLI, on
 * @aws-sdk/client-lambda) -> the Lambda Runtime Interface Emulator (scripts/servers/lambda-rie.sh) -> the bundled
 * handler (esbuild output of scripts/bundle-handlers.js) -> bucketkit/storage -> the S3 target of this run.
 *
 * The transfer copies 64 MiB in 8 MiB parts with `minRemainingTimeMs` just under the function's 5 s timeout, so the
 * remaining time is "low" after every part: each invocation copies one part and returns a continuation (7 of them),
 * which the CLI follows. The copy must be byte-identical and leave no multipart upload behind.
 */
import { ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestBucket, currentTarget, type TestBucket } from '../../helpers/target';

const ROOT = join(__dirname, '..', '..', '..');
const RIE = join(ROOT, 'scripts', 'servers', 'lambda-rie.sh');
const MIB = 1024 * 1024;
const SIZE = 64 * MIB;
const PART = 8 * MIB;
const TIMEOUT_S = 5;
const HANDLERS = ['transfer', 'probe', 'restore'];
/** Scratch functions for the emulator's error paths: one throws, one outlives its 1 s timeout. */
const SCRATCH: Record<string, string> = {
  thrower: "export const handler = async () => { throw new TypeError('boom from the handler'); };\n",
  sleeper: 'export const handler = () => new Promise((resolve) => setTimeout(() => resolve({ status: "Succeeded" }), 3000));\n',
};
// moto restores archived objects; MinIO and Ceph RGW do not (docs/compatibility.md, restoreObject), so there the
// objects are STANDARD: MinIO's are reported `not-archived`, and Ceph RGW answers RestoreObject with 501
// NotImplemented, which the report gives per key as UnsupportedFeatureError (exit 1).
const RESTORES = currentTarget().name === 'moto';
const RESTORE_EXPECTED: Record<string, { code: number; status: string; counts: Record<string, number> }> = {
  moto: { code: 0, status: 'Succeeded', counts: { started: 3 } },
  minio: { code: 0, status: 'Succeeded', counts: { 'not-archived': 3 } },
  ceph: { code: 1, status: 'Failed', counts: { failed: 3 } },
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOptions, entries } = require(join(ROOT, 'scripts', 'bundle-handlers.js'));

let dist: string;
let state: string;
let env: NodeJS.ProcessEnv;
const endpoints: Record<string, string> = {};
let src: TestBucket;
let dst: TestBucket;

function rie(args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync('bash', [RIE, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`lambda-rie.sh ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'bucketkit.js'), ...args], {
      env,
      maxBuffer: 16 * MIB,
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const invoke = (handler: string, payload: unknown, endpoint = endpoints[handler]) =>
  cli(['invoke', handler, '--function', 'function', '--endpoint', endpoint, '--region', 'us-east-1', '--payload', JSON.stringify(payload)]);

beforeAll(async () => {
  const target = currentTarget();
  // Bundles inside the checkout (ignored .servers/), so their external @aws-sdk/* imports resolve from node_modules.
  mkdirSync(join(ROOT, '.servers'), { recursive: true }); // a clean checkout has none until a server script runs
  dist = mkdtempSync(join(ROOT, '.servers', 'lambda-bundles-'));
  state = mkdtempSync(join(ROOT, '.servers', 'lambda-state-'));
  const esbuild = await import('esbuild');
  for (const [name, entry] of Object.entries(entries() as Record<string, string>)) {
    await esbuild.build({ ...buildOptions(name, entry), outdir: join(dist, name) });
    writeFileSync(join(dist, name, 'package.json'), '{ "type": "module" }\n');
  }
  env = {
    ...process.env,
    BUCKETKIT_LAMBDA_DIST: dist,
    BUCKETKIT_STATE_DIR: state,
    AWS_ENDPOINT_URL_S3: target.endpoint,
    AWS_REGION: target.region,
    AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_ENDPOINT_URL_LAMBDA;
  // One emulator per handler: overlapping invokes crash an emulator, and each serves one function.
  rie(['up', 'transfer'], { AWS_LAMBDA_FUNCTION_TIMEOUT: String(TIMEOUT_S) });
  rie(['up', 'probe'], { AWS_LAMBDA_FUNCTION_TIMEOUT: '120' });
  rie(['up', 'restore'], { AWS_LAMBDA_FUNCTION_TIMEOUT: '60' });
  for (const [name, code] of Object.entries(SCRATCH)) {
    mkdirSync(join(dist, name));
    writeFileSync(join(dist, name, 'index.js'), code);
    writeFileSync(join(dist, name, 'package.json'), '{ "type": "module" }\n');
    rie(['up', name], { AWS_LAMBDA_FUNCTION_TIMEOUT: '1' });
  }
  for (const name of [...HANDLERS, ...Object.keys(SCRATCH)]) {
    endpoints[name] = /BUCKETKIT_LAMBDA_ENDPOINT=(\S+)/.exec(rie(['env', name]))![1];
  }
  [src, dst] = await Promise.all([createTestBucket('lambda-src'), createTestBucket('lambda-dst')]);
}, 300_000);

afterAll(async () => {
  for (const name of [...HANDLERS, ...Object.keys(SCRATCH)]) {
    try {
      rie(['down', name]);
    } catch {
      // reported by the tests
    }
  }
  await Promise.all([src?.cleanup(), dst?.cleanup()]);
  rmSync(dist, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
});

test('bucketkit invoke transfer copies 64 MiB across buckets through the emulated Lambda, following >= 3 continuations', async () => {
  const body = randomBytes(SIZE);
  await src.raw.send(
    new PutObjectCommand({ Bucket: src.name, Key: 'big/object.bin', Body: body, ContentType: 'application/x-test', Metadata: { owner: 'lambda-test' } }),
  );
  const result = await invoke('transfer', {
    sourceBucket: src.name,
    sourceKey: 'big/object.bin',
    destinationBucket: dst.name,
    destinationKey: 'copied/object.bin',
    multipart: true,
    partSizeBytes: PART,
    concurrency: 1,
    minRemainingTimeMs: TIMEOUT_S * 1000 - 1,
  });
  expect(result.stderr).not.toMatch(/FunctionError|Task timed out/);
  expect(result.code).toBe(0);
  const progress = result.stderr.split('\n').filter((l) => l.startsWith('transfer: invocation '));
  expect(progress.filter((l) => l.endsWith('; continuing')).length).toBeGreaterThanOrEqual(3);
  // The README's "Deploy and invoke" section quotes exactly these lines.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme.split('\n').filter((l) => l.startsWith('transfer: invocation '))).toEqual(progress);
  const final = JSON.parse(result.stdout);
  expect(final).toMatchObject({ status: 'Succeeded', method: 'UploadPartCopy', sizeBytes: SIZE, partsTotal: SIZE / PART });
  const copied = await dst.storage.getBuffer('copied/object.bin');
  expect(copied.length).toBe(SIZE);
  expect(createHash('sha256').update(copied).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  const head = await dst.storage.head('copied/object.bin');
  expect(head.contentType).toBe('application/x-test');
  expect(head.metadata.owner).toBe('lambda-test');
  const uploads = await dst.raw.send(new ListMultipartUploadsCommand({ Bucket: dst.name }));
  expect(uploads.Uploads ?? []).toEqual([]);
}, 240_000);

test('a bad event through the emulator: exit 2 and a ValidationError naming the field, and no upload started', async () => {
  const result = await invoke('transfer', { sourceBucket: src.name, sourceKey: 'big/object.bin', destinationBucket: dst.name, partSizeBytes: 1024 });
  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout)).toMatchObject({ status: 'Failed', errorType: 'ValidationError', field: 'partSizeBytes' });
  const uploads = await dst.raw.send(new ListMultipartUploadsCommand({ Bucket: dst.name }));
  expect(uploads.Uploads ?? []).toEqual([]);
});

test('a missing source: exit 3 and ObjectNotFoundError', async () => {
  const result = await invoke('transfer', { sourceBucket: src.name, sourceKey: 'no/such/key', destinationBucket: dst.name });
  expect(result.code).toBe(3);
  expect(JSON.parse(result.stdout)).toMatchObject({ status: 'Failed', errorType: 'ObjectNotFoundError' });
});

test('bucketkit invoke probe returns the capability report of the function endpoint', async () => {
  const result = await invoke('probe', { features: ['conditionalWrite', 'uploadPartCopy', 'rangedGet'], probeTimeoutMs: 10_000 });
  expect(result.code).toBe(0);
  const final = JSON.parse(result.stdout);
  expect(final.status).toBe('Succeeded');
  expect(final.report.endpoint).toBe(currentTarget().endpoint);
  expect(Object.keys(final.report.features).length).toBeGreaterThan(0);
  expect(final.summary).toEqual(expect.any(Object));
}, 120_000);

test('bucketkit invoke restore restores a prefix and reports the status of each key', async () => {
  const keys = ['cold/a.bin', 'cold/b.bin', 'cold/c.bin'];
  for (const key of keys) {
    await src.raw.send(new PutObjectCommand({ Bucket: src.name, Key: key, Body: key, StorageClass: RESTORES ? 'GLACIER' : undefined }));
  }
  const expected = RESTORE_EXPECTED[currentTarget().name] ?? RESTORE_EXPECTED.moto;
  const started = await invoke('restore', { bucket: src.name, prefix: 'cold/', days: 1, tier: 'Standard' });
  expect(started.code).toBe(expected.code);
  const report = JSON.parse(started.stdout);
  expect(report).toMatchObject({ status: expected.status, action: 'restore', bucket: src.name, progress: { done: 3 } });
  expect(report.items.map((i: { key: string }) => i.key).sort()).toEqual(keys);
  expect(report.counts).toEqual(expected.counts);
  for (const item of report.items) if (item.status === 'failed') expect(item.error.name).toBe('UnsupportedFeatureError');

  const status = await invoke('restore', { bucket: src.name, action: 'status', keys });
  expect(status.code).toBe(0);
  const states = JSON.parse(status.stdout).items.map((i: { status: string }) => i.status);
  for (const state of states) expect(RESTORES ? ['in-progress', 'restored'] : ['not-archived']).toContain(state);
}, 60_000);

describe('function errors through the emulator, which never sets FunctionError', () => {
  test('a handler that throws: exit 1, the error type and message from the payload', async () => {
    const result = await invoke('probe', {}, endpoints.thrower);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bucketkit: TypeError: boom from the handler/);
  });
  test('a handler that outlives its timeout: exit 1, "Task timed out"', async () => {
    const result = await invoke('probe', {}, endpoints.sleeper);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Task timed out after 1(\.00)? seconds/);
  }, 30_000);
});
