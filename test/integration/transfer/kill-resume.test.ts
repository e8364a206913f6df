import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '../../../lib/rules/limits';
import { TestBucket, createTestBucket, currentTarget, sha256 } from '../../helpers/target';

// Issue 9 item 13: SIGKILL a download and a multipart copy at random points, then resume; the result must be
// byte-identical and leave nothing behind. npm test runs 3 rounds of each; test:compat sets
// BUCKETKIT_KILL_RESUME_RUNS=20 (scripts/test-compat.sh).
const RUNS = Number(process.env.BUCKETKIT_KILL_RESUME_RUNS ?? 3);
const RANGE = MIB;
const PART = 5 * MIB;
let b: TestBucket;
const dir = mkdtempSync(join(tmpdir(), 'bk-kill-'));
const data = randomBytes(4 * PART + 123_457);

beforeAll(async () => {
  b = await createTestBucket('kill');
  // A multipart source, so the download's ranges and the copy's parts are many.
  await b.storage.upload('source', data, { multipartThresholdBytes: PART, targetPartSizeBytes: PART });
});
afterAll(async () => {
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A child running `fixture` with `args`; `onLine` sees each line of its output and may SIGKILL it with `kill`. */
function runAndKill(fixture: string, args: string[], onLine: (line: string, kill: () => void) => void): Promise<{ killed: boolean; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', fixture), ...args], {
      env: { ...process.env, S3_ENDPOINT: currentTarget().endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    const kill = (): void => void child.kill('SIGKILL');
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) {
        lines.push(line);
        onLine(line, kill);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' || code === 0 ? resolve({ killed: signal === 'SIGKILL', lines }) : reject(new Error(`child failed: ${stderr}`)),
    );
  });
}

async function openUploads(prefix: string): Promise<string[]> {
  const out = await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name, Prefix: prefix }));
  return (out.Uploads ?? []).map((u) => u.UploadId!);
}

test(
  `download: SIGKILLed after a random number of ranges, ${RUNS} times; each resume is byte-identical and leaves no .partial`,
  async () => {
    const ranges = Math.ceil(data.length / RANGE);
    const seen = { resumed: 0, killed: 0 };
    for (let run = 0; run < RUNS; run++) {
      const file = join(dir, `download-${run}.bin`);
      const killAt = 1 + Math.floor(Math.random() * (ranges - 1));
      const child = await runAndKill('download-child.ts', [b.name, 'source', file, String(RANGE)], (line, kill) => {
        if (line === `range ${killAt}`) kill();
      });
      if (child.killed) {
        seen.killed++;
        expect(existsSync(file)).toBe(false);
      }
      const result = await b.storage.download('source', file, { rangeSizeBytes: RANGE });
      seen.resumed += result.rangesResumed > 0 ? 1 : 0;
      expect(result.rangesResumed).toBeLessThan(ranges);
      expect(sha256(readFileSync(file))).toBe(sha256(data));
      expect(existsSync(`${file}.partial`)).toBe(false);
      expect(existsSync(`${file}.partial.json`)).toBe(false);
      rmSync(file);
    }
    // Killed after `killAt` >= 1 reported ranges, a resume must reuse some of them at least once in RUNS rounds
    // (the state is written after each range; a kill can land before the first save only rarely).
    expect(seen.killed).toBeGreaterThan(0);
    expect(seen.resumed).toBeGreaterThan(0);
  },
  60_000 + RUNS * 20_000,
);

test(
  `multipart copy: SIGKILLed at a random moment, ${RUNS} times; the copy run again is byte-identical, and abortIncompleteUploads clears what the killed run left`,
  async () => {
    let killedMidCopy = 0;
    for (let run = 0; run < RUNS; run++) {
      const destination = `copies/${run}`;
      const delayMs = Math.floor(Math.random() * 1_500);
      let timer: NodeJS.Timeout | undefined;
      // Even rounds: killed `delayMs` after it starts (before CreateMultipartUpload, between parts or after Complete).
      // Odd rounds: killed after a random number (0 to 4) of its 5 parts were copied, so kills land mid-copy
      // whatever the machine's speed.
      const afterParts = Math.floor(Math.random() * 5);
      let parts = 0;
      await runAndKill('copy-child.ts', [b.name, 'source', destination, String(PART)], (line, kill) => {
        if (run % 2 === 0 && line === 'start') timer = setTimeout(kill, delayMs);
        if (run % 2 === 1 && ((line === 'created' && afterParts === 0) || (line === 'part' && ++parts === afterParts))) kill();
      });
      clearTimeout(timer);
      const leftByKilledRun = await openUploads(destination);
      expect(leftByKilledRun.length).toBeLessThanOrEqual(1);
      killedMidCopy += leftByKilledRun.length;
      const started = new Date(Date.now() + 1_000);
      const copied = await b.storage.copy('source', destination, { multipart: true, copyPartSizeBytes: PART });
      expect(copied.etag).toMatch(/-5"$/);
      expect(sha256(await b.storage.getBuffer(destination))).toBe(sha256(data));
      // copy() keeps no resume state: what a killed run created stays open until the documented clean-up
      // (moto was seen to drop a key's other uploads when one completes; S3 keeps them). The clean-up must touch
      // only what the killed run left.
      const aborted = await b.storage.abortIncompleteUploads({ prefix: destination, olderThan: started });
      for (const u of aborted) expect(leftByKilledRun).toContain(u.uploadId);
      expect(await openUploads(destination)).toEqual([]);
      expect(sha256(await b.storage.getBuffer(destination))).toBe(sha256(data));
    }
    // With 20 rounds some kills must land between CreateMultipartUpload and Complete, or the test proves little.
    if (RUNS >= 10) expect(killedMidCopy).toBeGreaterThan(0);
  },
  60_000 + RUNS * 20_000,
);
