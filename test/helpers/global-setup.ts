import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOfflineEnv } from './offline-env';

const ROOT = join(__dirname, '..', '..');

/**
 * Jest global setup for the integration project: starts a moto server on a free loopback port, unless a target
 * is given through S3_ENDPOINT (npm run test:compat starts the servers itself). The variables reach the workers
 * through process.env.
 */
// eslint-disable-next-line no-restricted-syntax -- Jest loads a global setup through its default export.
export default async function globalSetup(): Promise<void> {
  applyOfflineEnv();
  if (process.env.S3_ENDPOINT) return assertAnswers(process.env.S3_ENDPOINT);
  const stateDir = mkdtempSync(join(tmpdir(), 'bucketkit-moto-'));
  const env = { ...process.env, BUCKETKIT_STATE_DIR: stateDir };
  try {
    execFileSync('bash', [join(ROOT, 'scripts/servers/moto.sh'), 'up'], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`Could not start the moto S3 server for the integration tests.\n${stderr.trim()}`);
  }
  const lines = execFileSync('bash', [join(ROOT, 'scripts/servers/moto.sh'), 'env'], { env })
    .toString()
    .trim()
    .split('\n');
  // `export NAME=value` lines (the shell form the README evals) and one `unset NAME ...` line.
  for (const line of lines) {
    const assignment = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (assignment) process.env[assignment[1]] = assignment[2];
    else if (line.startsWith('unset ')) for (const name of line.slice(6).trim().split(/\s+/)) delete process.env[name];
  }
  process.env.BUCKETKIT_JEST_MOTO_STATE = stateDir;
}

/**
 * A target given through S3_ENDPOINT must answer. `eval "$(scripts/servers/NAME.sh env)"` exports S3_ENDPOINT into
 * the shell, and it stays there after `NAME.sh down`: without this check, every integration test would then fail
 * with ECONNREFUSED.
 */
async function assertAnswers(endpoint: string): Promise<void> {
  try {
    await fetch(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    const cause = error instanceof Error ? String((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new Error(
      `S3_ENDPOINT=${endpoint} is set, so the integration tests use that server instead of starting moto, but nothing answers there (${cause}). ` +
        'If an earlier eval "$(scripts/servers/NAME.sh env)" left it in this shell after NAME.sh down, open a new shell or run `unset S3_ENDPOINT`; otherwise start that server.',
    );
  }
}
