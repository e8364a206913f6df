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
  if (process.env.S3_ENDPOINT) return;
  const stateDir = mkdtempSync(join(tmpdir(), 'bucketkit-moto-'));
  const env = { ...process.env, BUCKETKIT_STATE_DIR: stateDir };
  try {
    execFileSync('bash', [join(ROOT, 'scripts/servers/moto.sh'), 'up'], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`Could not start the moto S3 server for the integration tests.\n${stderr.trim()}`);
  }
  const lines = execFileSync('bash', [join(ROOT, 'scripts/servers/moto.sh'), 'env'], { env }).toString().trim().split('\n');
  for (const line of lines) {
    const [name, ...rest] = line.split('=');
    process.env[name] = rest.join('=');
  }
  process.env.BUCKETKIT_JEST_MOTO_STATE = stateDir;
}
