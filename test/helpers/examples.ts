/**
 * Running the runnable examples (examples/*.ts) that the README and docs quote, against the current target, as a
 * reader would: `node --import tsx`, the bucket in BUCKET, the target's endpoint and credentials in the environment.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { currentTarget } from './target';

const ROOT = join(__dirname, '../..');

/** What an example run printed, and its exit code (0 when it succeeded). */
export interface ExampleRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs `examples/<file>` into `bucket` with `env` added; settles with its output and exit code, never rejects on a failure of the example. */
export async function runExample(file: string, bucket: string, env: Record<string, string> = {}): Promise<ExampleRun> {
  const t = currentTarget();
  return promisify(execFile)('node', ['--import', 'tsx', join(ROOT, 'examples', file)], {
    cwd: ROOT,
    env: {
      ...process.env,
      BUCKET: bucket,
      S3_ENDPOINT: t.endpoint,
      AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
      ...env,
    },
  }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }),
  );
}

/** The lines `examples/<file>` promises to print: the `// comment` after each `console.log(...)`, in order. */
export function promisedLines(file: string): string[] {
  const example = readFileSync(join(ROOT, 'examples', file), 'utf8');
  return [...example.matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((m) => m[1]);
}
