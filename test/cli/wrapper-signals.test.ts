/**
 * bin/bucketkit.js in a source checkout without dist/ runs the CLI in a child node under tsx. A signal sent to the
 * wrapper (a supervisor's SIGTERM, not only a terminal's Ctrl-C, which reaches the whole process group) must reach
 * the child, so the CLI's own handlers run, and the wrapper must end with the child.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');

describe('bin/bucketkit.js from source', () => {
  let root: string;
  beforeEach(() => {
    // Inside the repository, so that tsx resolves from its node_modules; a fake bin/cli.ts and no dist/.
    mkdirSync(join(repo, '.servers'), { recursive: true });
    root = mkdtempSync(join(repo, '.servers', 'wrapper-'));
    mkdirSync(join(root, 'bin'));
    copyFileSync(join(repo, 'bin', 'bucketkit.js'), join(root, 'bin', 'bucketkit.js'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const start = (cliSource: string) => {
    writeFileSync(join(root, 'bin', 'cli.ts'), cliSource);
    return spawn(process.execPath, [join(root, 'bin', 'bucketkit.js'), 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const marker = () => join(root, 'got-signal');
  const waitFor = async (predicate: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  test('SIGTERM to the wrapper reaches the CLI child, whose handler runs; the wrapper exits with its code', async () => {
    const child = start(`
      import { writeFileSync } from 'node:fs';
      process.on('SIGTERM', () => { writeFileSync(${JSON.stringify(marker())}, 'SIGTERM'); process.exit(7); });
      writeFileSync(${JSON.stringify(join(root, 'ready'))}, '');
      setInterval(() => undefined, 1000);
    `);
    await waitFor(() => existsSync(join(root, 'ready')), 20_000);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(7);
    expect(readFileSync(marker(), 'utf8')).toBe('SIGTERM');
  }, 30_000);

  test('the child exit code passes through', async () => {
    const child = start(`process.exit(3);`);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(3);
  }, 30_000);

  test('a child killed by a signal it does not handle ends the wrapper by the same signal', async () => {
    const child = start(`
      import { writeFileSync } from 'node:fs';
      writeFileSync(${JSON.stringify(join(root, 'ready'))}, '');
      setInterval(() => undefined, 1000);
    `);
    await waitFor(() => existsSync(join(root, 'ready')), 20_000);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGHUP');
    expect(await exited).toBe('SIGHUP');
  }, 30_000);
});
