/**
 * Runs the `bucketkit` command (bin/bucketkit.js, as a user does) against the integration target: the endpoint
 * comes from AWS_ENDPOINT_URL_S3 unless a test passes --endpoint, credentials from the SDK chain (the variables).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { currentTarget } from '../../helpers/target';

export const ROOT = join(__dirname, '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'bucketkit.js');

/** The environment of a CLI child: the target's endpoint and static credentials, no SDK version warning. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const t = currentTarget();
  return {
    ...process.env,
    AWS_ENDPOINT_URL_S3: t.endpoint,
    AWS_REGION: t.region,
    AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
    NODE_NO_WARNINGS: '1',
    ...extra,
  };
}

/** Runs `bucketkit ...args` to completion. */
export async function bucketkit(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: cliEnv(extra),
      maxBuffer: 16 * 1024 * 1024,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * Starts `bucketkit ...args` in a process group of its own and returns the child. In a source checkout without
 * dist/, bin/bucketkit.js runs the CLI in a child node (through tsx), so a kill must reach the whole group: use
 * {@link killGroup}, as a terminal does for a job.
 */
export function spawnBucketkit(args: string[], extra: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: cliEnv(extra), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/** Sends `signal` to the child's whole process group (the shim and the CLI process it may run). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  process.kill(-child.pid!, signal);
}

/** True while any process of the group is alive. */
export function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}
