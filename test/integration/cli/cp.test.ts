/**
 * `bucketkit cp` on the target, run as a child process: file to S3 (multipart), S3 to file, S3 to S3 across buckets,
 * byte-identical each way; plain progress lines when stderr is not a TTY; exit 3 for a missing key or file. And the
 * resume: a cp killed with SIGKILL mid-upload, started again, sends only the parts S3 does not have (counted at a
 * proxy in front of the server), leaves no multipart upload and yields the same bytes.
 */
import { GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultProxy } from '../../helpers/fault-proxy';
import { createTestBucket, currentTarget, type TestBucket } from '../../helpers/target';
import { bucketkit, groupAlive, killGroup, spawnBucketkit } from './helpers';

const MIB = 1024 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let a: TestBucket;
let b: TestBucket;
let dir: string;

beforeAll(async () => {
  a = await createTestBucket('cli-cp-a');
  b = await createTestBucket('cli-cp-b');
  dir = mkdtempSync(join(tmpdir(), 'bucketkit-cli-cp-'));
});
afterAll(async () => {
  await a.cleanup();
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function objectBytes(bucket: TestBucket, key: string): Promise<Buffer> {
  const r = await bucket.raw.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

test('file -> S3 (multipart) -> file and S3 -> S3 across buckets, byte-identical; plain progress lines off a TTY', async () => {
  const data = randomBytes(12 * MIB + 123);
  const file = join(dir, 'data.bin');
  writeFileSync(file, data);

  const up = await bucketkit(['cp', file, `s3://${a.name}/in/`, '--part-size-mib', '5', '--multipart-threshold-mib', '5', '--json']);
  expect(up).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(up.stdout)).toMatchObject({ operation: 'upload', destination: `s3://${a.name}/in/data.bin`, sizeBytes: data.length, parts: 3, resumed: 0 });
  expect(existsSync(`${file}.bucketkit-upload.json`)).toBe(false);
  expect(sha256(await objectBytes(a, 'in/data.bin'))).toBe(sha256(data));

  const copied = await bucketkit(['cp', `s3://${a.name}/in/data.bin`, `s3://${b.name}/copy.bin`]);
  expect(copied.code).toBe(0);
  expect(copied.stdout.trim()).toBe(`copy: s3://${a.name}/in/data.bin to s3://${b.name}/copy.bin`);
  expect(sha256(await objectBytes(b, 'copy.bin'))).toBe(sha256(data));

  const down = await bucketkit(['cp', `s3://${b.name}/copy.bin`, `${dir}/`, '--part-size-mib', '5']);
  expect(down.code).toBe(0);
  expect(down.stdout).toMatch(/^download: .* \(12\.0 MiB, 3 ranges\)/);
  // Not a TTY: plain progress lines on stderr, the last one at 100%.
  expect(down.stderr.trim().split('\n').pop()).toMatch(/^cp: 12\.0 MiB of 12\.0 MiB \(100%\), 3 of 3 parts, [\d.]+ \S+\/s, ETA 0s$/);
  expect(sha256(readFileSync(join(dir, 'copy.bin')))).toBe(sha256(data));
});

test('S3 -> a file in directories that do not exist yet: they are made (as aws s3 cp does); left out again for a missing key', async () => {
  const data = randomBytes(1234);
  await a.raw.send(new PutObjectCommand({ Bucket: a.name, Key: 'deep.bin', Body: data }));
  const target = join(dir, 'deep', 'new', 'dir', 'file.bin');
  const down = await bucketkit(['cp', `s3://${a.name}/deep.bin`, target]);
  expect(down).toMatchObject({ code: 0, stderr: expect.not.stringMatching(/ENOENT/) });
  expect(sha256(readFileSync(target))).toBe(sha256(data));
  expect(existsSync(`${target}.partial`)).toBe(false);
  // A trailing separator names a directory: the object keeps its name inside it.
  const intoDir = await bucketkit(['cp', `s3://${a.name}/deep.bin`, `${join(dir, 'other', 'place')}/`]);
  expect(intoDir.code).toBe(0);
  expect(sha256(readFileSync(join(dir, 'other', 'place', 'deep.bin')))).toBe(sha256(data));
  // Nothing to download: no directory is left behind.
  const missing = await bucketkit(['cp', `s3://${a.name}/no/such/key`, join(dir, 'ghost', 'sub', 'file.bin')]);
  expect(missing.code).toBe(3);
  expect(existsSync(join(dir, 'ghost'))).toBe(false);
});

test('a missing key or file exits 3, a missing bucket exits 3 and says the bucket is missing, and nothing is written', async () => {
  const missingKey = await bucketkit(['cp', `s3://${a.name}/no/such/key`, join(dir, 'never.bin')]);
  expect(missingKey.code).toBe(3);
  expect(existsSync(join(dir, 'never.bin'))).toBe(false);
  const missingFile = await bucketkit(['cp', join(dir, 'no-such-file'), `s3://${a.name}/x`]);
  expect(missingFile.code).toBe(3);
  expect(missingFile.stderr).toMatch(/no such file/);
  expect(missingKey.stderr).toMatch(new RegExp(`NoSuchKey: no object s3://${a.name}/no/such/key \\(the bucket exists\\)`));
  const noBucket = `bk-no-such-bucket-${Date.now()}`;
  const missingBucket = await bucketkit(['cp', `s3://${noBucket}/k`, join(dir, 'never.bin')]);
  expect(missingBucket.code).toBe(3);
  // A HEAD 404 alone cannot say which is missing; the CLI asks (one ListObjectsV2) and says the bucket is.
  expect(missingBucket.stderr).toMatch(new RegExp(`NoSuchBucket: the bucket ${noBucket} does not exist`));
});

test('killed with SIGKILL mid-upload, a second cp sends only the missing parts; byte-identical, no upload left', async () => {
  const PARTS = 8;
  const data = randomBytes(PARTS * 5 * MIB);
  const file = join(dir, 'resume.bin');
  writeFileSync(file, data);
  const stateFile = `${file}.bucketkit-upload.json`;
  const proxy = await FaultProxy.start(currentTarget().endpoint);
  try {
    // First run: parts 5 and up stall at the proxy, so the run is surely mid-upload when it is killed.
    proxy.inject((req) => (/[?&]partNumber=([5-9])\b/.test(req.url ?? '') ? { status: 0, stallMs: 60_000 } : undefined));
    const args = ['cp', file, `s3://${a.name}/resume.bin`, '--part-size-mib', '5', '--multipart-threshold-mib', '5', '--concurrency', '1', '--json'];
    const child = spawnBucketkit([...args, '--endpoint', proxy.endpoint]);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // The state sidecar holds one state per bucket and key; S3 holds the parts. Kill once parts 1-4 are on the server.
    const readState = (): { uploadId: string } | undefined =>
      existsSync(stateFile) ? Object.values(JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, { uploadId: string }>)[0] : undefined;
    const partsOnServer = async (uploadId: string): Promise<number[]> =>
      ((await a.raw.send(new ListPartsCommand({ Bucket: a.name, Key: 'resume.bin', UploadId: uploadId }))).Parts ?? []).map((p) => p.PartNumber!);
    const deadline = Date.now() + 30_000;
    let uploadId: string | undefined;
    while (Date.now() < deadline) {
      uploadId = readState()?.uploadId;
      if (uploadId && (await partsOnServer(uploadId)).length >= 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // SIGKILL to the whole group: no process of the first run may go on (or abort the upload) behind the second.
    killGroup(child, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    for (let i = 0; i < 100 && groupAlive(child); i++) await new Promise((r) => setTimeout(r, 20));
    expect(groupAlive(child)).toBe(false);
    expect(uploadId).toBeDefined();
    expect(readState()?.uploadId).toBe(uploadId);
    expect(await partsOnServer(uploadId!)).toEqual([1, 2, 3, 4]);

    proxy.reset();
    const second = await bucketkit([...args, '--endpoint', proxy.endpoint]);
    expect(second.code).toBe(0);
    const sent = proxy.requests
      .filter((r) => r.method === 'PUT' && /[?&]partNumber=/.test(r.url))
      .map((r) => Number(/[?&]partNumber=(\d+)/.exec(r.url)![1]))
      .sort((x, y) => x - y);
    expect(sent).toEqual([5, 6, 7, 8]);
    expect(JSON.parse(second.stdout)).toMatchObject({ operation: 'upload', parts: PARTS, resumed: 4, uploadId });
    expect(existsSync(stateFile)).toBe(false);
    expect(sha256(await objectBytes(a, 'resume.bin'))).toBe(sha256(data));
    expect((await a.raw.send(new ListMultipartUploadsCommand({ Bucket: a.name }))).Uploads ?? []).toEqual([]);
  } finally {
    await proxy.stop();
  }
});
