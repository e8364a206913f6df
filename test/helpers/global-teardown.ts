import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** Stops the moto server the global setup started (by its pid file), and nothing else. */
// eslint-disable-next-line no-restricted-syntax -- Jest loads a global teardown through its default export.
export default async function globalTeardown(): Promise<void> {
  const stateDir = process.env.BUCKETKIT_JEST_MOTO_STATE;
  if (!stateDir) return;
  execFileSync('bash', [join(__dirname, '..', '..', 'scripts/servers/moto.sh'), 'down'], {
    env: { ...process.env, BUCKETKIT_STATE_DIR: stateDir },
    stdio: 'inherit',
  });
  rmSync(stateDir, { recursive: true, force: true });
}
