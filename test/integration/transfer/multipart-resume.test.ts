import { ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '../../../lib/rules/limits';
import { TestBucket, countRequests, createTestBucket, currentTarget, sha256, storageFor } from '../../helpers/target';

const PART = 5 * MIB;
const PARTS = 12;
let b: TestBucket;
const dir = mkdtempSync(join(tmpdir(), 'bk-resume-'));

beforeAll(async () => {
  b = await createTestBucket('resume');
});
afterAll(async () => {
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the upload in a child process and SIGKILLs it once `afterParts` parts are reported done. */
function uploadAndKill(endpoint: string, file: string, key: string, afterParts: number): Promise<{ reported: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'fixtures', 'upload-child.ts'), b.name, key, file, String(PART)], {
      env: { ...process.env, S3_ENDPOINT: endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reported = 0;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const match of text.matchAll(/part (\d+)/g)) reported = Math.max(reported, Number(match[1]));
      if (reported >= afterParts) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve({ reported, signal }) : reject(new Error(`child was not killed (exit ${_code}): ${stderr}`)),
    );
  });
}

test('a child SIGKILLed mid-upload; the next upload resumes from the sidecar, sends only the missing parts, and the bytes are identical', async () => {
  const data = randomBytes(PARTS * PART - 1234);
  const file = join(dir, 'big.bin');
  writeFileSync(file, data);
  const killed = await uploadAndKill(currentTarget().endpoint, file, 'killed', 3);
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.reported).toBeGreaterThanOrEqual(3);
  const sidecar = file + '.bucketkit-upload.json';
  expect(existsSync(sidecar)).toBe(true);
  const state = Object.values(JSON.parse(readFileSync(sidecar, 'utf8')))[0] as { uploadId: string; parts: unknown[] };
  // The state is saved at most every 500 ms, so it may lag behind: ListParts is the truth, and parts it shows
  // that the state does not are kept only if the file's bytes hash to their ETags.
  const listed = await b.raw.send(new ListPartsCommand({ Bucket: b.name, Key: 'killed', UploadId: state.uploadId }));
  const alreadyThere = (listed.Parts ?? []).length;
  expect(alreadyThere).toBeGreaterThanOrEqual(killed.reported);
  expect(alreadyThere).toBeGreaterThanOrEqual(state.parts.length);
  expect(alreadyThere).toBeLessThan(PARTS);

  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  const result = await storage.upload('killed', { filePath: file }, { multipartThresholdBytes: PART, targetPartSizeBytes: PART });
  storage.destroy();
  expect(result.uploadId).toBe(state.uploadId);
  expect(result.partsResumed).toBe(alreadyThere);
  expect(counter.commands.filter((c) => c === 'CreateMultipartUploadCommand')).toHaveLength(0);
  expect(counter.commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(PARTS - alreadyThere);
  expect(sha256(await b.storage.getBuffer('killed'))).toBe(sha256(data));
  expect(existsSync(sidecar)).toBe(false);
  expect((await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name }))).Uploads ?? []).toHaveLength(0);
}, 60_000);
