/**
 * The published package, as a user gets it: `npm pack` on a copy of this checkout (prepack builds dist/), the
 * tarball's contents and size, then an offline install of the tarball into an empty project, where the three entry
 * points are imported and `npx bucketkit` runs.
 *
 * Offline and robust on a fresh machine after `npm ci`: the empty project gets a package-lock.json made from this
 * repository's lockfile (the closure of the packed package's `dependencies`, with their integrity), so `npm ci
 * --offline` takes every tarball from the npm cache that `npm ci` filled, by integrity, and resolves nothing.
 * The optional peers aws-cdk-lib and constructs are symlinked from this repository's node_modules, after the
 * run-time entry points have been checked without them.
 */
import { execFile, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { OFFLINE_ENV } from '../helpers/offline-env';

const ROOT = join(__dirname, '..', '..');
const REGISTRY = 'https://registry.npmjs.org/';

/** Top-level entries of the checkout that are never copied (and never belong in a package). */
const NOT_COPIED = new Set(['node_modules', '.git', '.venv', '.servers', 'dist', 'cdk.out', 'coverage']);
/** Files planted in the copy: none of them may reach the tarball, and none of their contents either. */
const DECOY_SECRET = 'bucketkit-decoy-secret-0f3c9a';
const DECOYS: Record<string, string> = {
  '.venv/bin/moto_server': '#!/bin/sh\n',
  '.servers/moto/pid': '12345\n',
  'cdk.out/manifest.json': '{}\n',
  'coverage/lcov.info': 'TN:\n',
  '.env': `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7DECOY00\nAWS_SECRET_ACCESS_KEY=${DECOY_SECRET}\n`,
  'secrets/credentials': `[default]\naws_secret_access_key = ${DECOY_SECRET}\n`,
  'bucketkit-0.0.9.tgz': 'an old tarball\n',
  'dist/test/stale.test.js': '// stale output of a full tsc run: prepack must clean dist/ first\n',
  'dist/lib/stale-old-layout.js': `// a file from before a move under lib/: prepack must clean dist/ first ${DECOY_SECRET}\n`,
};

/** Every path in the tarball must match one of these (paths as npm lists them, without the `package/` prefix). */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^bin\/bucketkit\.js$/,
  /^dist\/bin\/cli\.js$/,
  /^dist\/bin\/cli\/[^/]+\.js$/,
  /^dist\/lib\/.+\.(js|d\.ts)$/,
  // The handler bundles: each folder is a Lambda asset (index.js, chunks/, their source maps, {"type":"module"}).
  /^dist\/lambda\/[^/]+\/(chunks\/)?[^/]+\.js(\.map)?$/,
  /^dist\/lambda\/[^/]+\/package\.json$/,
  /^docs\/[^/]+\.md$/,
];
const SECRET_PATTERNS = [
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /_authToken/,
  /\bnpm_[A-Za-z0-9]{36}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/,
  new RegExp(DECOY_SECRET),
];
/**
 * Bounds that catch bloat of the kind the issue found (6.6 MB of snapshots). The tarball was 1,002,409 B packed at
 * 6aa3022 and 1,058,952 B (4,736,649 B unpacked) at 0be1ab8, 2.7 MB of it unpacked the four handler bundles with their
 * source maps (each bundle carries its own copy of the shared chunks): the resuming body's own chunk (out of the
 * transfer handler's cold start), the download modules and the docs of that day took it past the 1 MiB it was held to.
 */
const MAX_PACKED_BYTES = 1.25 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 6 * 1024 * 1024;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  integrity: string;
  files: { path: string; size: number }[];
}

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

const timings: string[] = [];
let work: string;
let consumer: string;
let pack: PackResult;
let extracted: string;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  // Nothing may resolve through the repository: only the consumer's own node_modules.
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  return env;
}

function run(command: string, args: string[], cwd: string, what: string): SpawnSyncReturns<string> {
  const start = Date.now();
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  timings.push(`${what}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

function runOk(command: string, args: string[], cwd: string, what: string): string {
  const result = run(command, args, cwd, what);
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (${command} ${args.join(' ')}, exit ${result.status}${result.error ? `, ${result.error.message}` : ''})\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A copy of the checkout as a developer has it: sources, tests, snapshots, plus the decoys. */
function copyCheckout(dest: string): void {
  cpSync(ROOT, dest, {
    recursive: true,
    filter: (source) => {
      const rel = relative(ROOT, source);
      if (rel === '') return true;
      const parts = rel.split(/[\\/]/);
      return !NOT_COPIED.has(parts[0]) && !parts.some((p) => p.startsWith('cdk-integ.out.') || p === '.work');
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
  for (const [file, content] of Object.entries(DECOYS)) {
    mkdirSync(join(dest, file, '..'), { recursive: true });
    writeFileSync(join(dest, file), content);
  }
}

/** Where Node would find `name` from the package at `from` (a lockfile location such as node_modules/a). */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/** package-lock.json for a project that depends only on the tarball, made from the repository's lockfile. */
function consumerLock(
  manifest: { name: string; version: string; dependencies?: Record<string, string>; [k: string]: unknown },
  tarball: string,
  integrity: string,
): object {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = {};
  const queue = Object.keys(manifest.dependencies ?? {}).map((name) => ({ from: '', name, optional: false }));
  while (queue.length > 0) {
    const { from, name, optional } = queue.shift()!;
    const location = locate(repoLock.packages, from, name);
    if (!location) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'bucketkit'}) is not in package-lock.json: the package declares a dependency the repository does not lock`);
    }
    if (packages[location]) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repoLock.packages[location];
    const unscoped = name.split('/').pop();
    packages[location] = { ...entry, resolved: entry.resolved ?? `${REGISTRY}${name}/-/${unscoped}-${entry.version}.tgz` };
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push({ from: location, name: dep, optional: false });
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push({ from: location, name: dep, optional: true });
  }
  const self = { version: manifest.version, resolved: `file:${tarball}`, integrity, dependencies: manifest.dependencies };
  for (const field of ['license', 'bin', 'engines', 'peerDependencies', 'peerDependenciesMeta']) {
    if (manifest[field] !== undefined) (self as Record<string, unknown>)[field] = manifest[field];
  }
  return {
    name: 'bucketkit-consumer',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'bucketkit-consumer', version: '1.0.0', dependencies: { bucketkit: `file:${tarball}` } },
      'node_modules/bucketkit': self,
      ...packages,
    },
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Runs a CommonJS script in the consumer project and returns what it printed as JSON. */
function nodeInConsumer(script: string, what: string): Record<string, unknown> {
  return JSON.parse(runOk(process.execPath, ['-e', script], consumer, what)) as Record<string, unknown>;
}

beforeAll(() => {
  const start = Date.now();
  work = mkdtempSync(join(tmpdir(), 'bucketkit-pack-'));
  const src = join(work, 'checkout');
  copyCheckout(src);
  timings.push(`copy checkout: ${((Date.now() - start) / 1000).toFixed(1)} s`);

  const out = runOk('npm', ['pack', '--json', '--pack-destination', work], src, 'npm pack (prepack build)');
  let parsed: PackResult[];
  try {
    parsed = JSON.parse(out) as PackResult[];
  } catch {
    throw new Error(`npm pack --json printed something other than JSON on stdout (a prepack step that logs to stdout?):\n${out}`);
  }
  pack = parsed[0];

  extracted = join(work, 'extracted');
  mkdirSync(extracted);
  runOk('tar', ['-xzf', join(work, pack.filename), '-C', extracted], work, 'tar -x');

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  renameSync(join(work, pack.filename), join(consumer, pack.filename));
  const manifest = JSON.parse(readFileSync(join(extracted, 'package', 'package.json'), 'utf8'));
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'bucketkit-consumer', version: '1.0.0', private: true, dependencies: { bucketkit: `file:${pack.filename}` } }, null, 2)}\n`,
  );
  writeFileSync(join(consumer, 'package-lock.json'), `${JSON.stringify(consumerLock(manifest, pack.filename, pack.integrity), null, 2)}\n`);
  const install = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], consumer, 'npm ci --offline (consumer)');
  if (install.status !== 0) {
    throw new Error(
      `npm ci --offline of the tarball failed. Every dependency tarball must be in the npm cache: run \`npm ci\` in the repository first.\n${install.stdout}\n${install.stderr}`,
    );
  }
}, 180_000);

afterAll(() => {
  // Timings of each step, for the record (npm test prints them with the test output).
  console.log(`pack-install timings:\n  ${timings.join('\n  ')}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('the tarball holds the built package and nothing else', () => {
    const paths = pack.files.map((f) => f.path);
    expect(paths.filter((p) => !ALLOWED.some((re) => re.test(p)))).toEqual([]);
    for (const bad of [
      /(^|\/)test\//,
      /\.snapshot\//,
      /__snapshots__/,
      /^\.venv\//,
      /^cdk\.out\//,
      /^\.servers\//,
      /^coverage\//,
      /\.tgz$/,
      /(^|\/)\.env$/,
      /^(?!dist\/lambda\/).*\.map$/,
      /(?<!\.d)\.ts$/,
      /stale/,
    ]) {
      expect(paths.filter((p) => bad.test(p))).toEqual([]);
    }
  });

  test('every entry point, type file and bin named in package.json is in the tarball', () => {
    const manifest = JSON.parse(readFileSync(join(extracted, 'package', 'package.json'), 'utf8'));
    const targets: string[] = [manifest.main, manifest.types, ...Object.values(manifest.bin as Record<string, string>)];
    for (const [subpath, target] of Object.entries(manifest.exports as Record<string, string | Record<string, string>>)) {
      if (subpath === './package.json') continue;
      targets.push(...Object.values(typeof target === 'string' ? { default: target } : target));
    }
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './storage', './rules']));
    const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !existsSync(join(extracted, 'package', t)));
    expect(missing).toEqual([]);
    expect(existsSync(join(extracted, 'package', 'bin', 'cli.ts'))).toBe(false);
    // npm run build (prepack) wrote the three handler bundles.
    for (const handler of ['transfer', 'restore', 'probe', 'notifications'])
      expect(existsSync(join(extracted, 'package', 'dist', 'lambda', handler, 'index.js'))).toBe(true);
  });

  test(`the tarball is small: under ${MAX_PACKED_BYTES / 1024} KiB packed and ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB unpacked`, () => {
    expect(pack.size).toBeLessThan(MAX_PACKED_BYTES);
    expect(pack.unpackedSize).toBeLessThan(MAX_UNPACKED_BYTES);
  });

  test('no file in the tarball contains a credential', () => {
    const hits = walk(join(extracted, 'package')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return SECRET_PATTERNS.filter((re) => re.test(text)).map((re) => `${relative(extracted, file)}: ${re}`);
    });
    expect(hits).toEqual([]);
  });
});

describe('the tarball installed offline into an empty project', () => {
  test('bucketkit/storage and bucketkit/rules load from the installed package without aws-cdk-lib', () => {
    const result = nodeInConsumer(
      `
      const storage = require('bucketkit/storage');
      const rules = require('bucketkit/rules');
      const s = new storage.S3Storage({ bucket: 'a-bucket', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      s.destroy();
      let main;
      try { require('bucketkit'); main = 'loaded'; } catch (e) { main = e.code + ': ' + e.message.split('\\n')[0]; }
      console.log(JSON.stringify({
        storage: require.resolve('bucketkit/storage'),
        rules: require.resolve('bucketkit/rules'),
        notifications: typeof require('bucketkit/storage/notifications').writeNotifications,
        S3Storage: typeof storage.S3Storage,
        ObjectNotFoundError: typeof storage.ObjectNotFoundError,
        badNameProblems: rules.checkBucketName('Not_A_Bucket').length,
        main,
      }));`,
      'node: storage + rules without peers',
    );
    const installed = join(consumer, 'node_modules', 'bucketkit', 'dist', 'lib');
    expect(result.storage).toBe(join(installed, 'storage', 'index.js'));
    expect(result.rules).toBe(join(installed, 'rules', 'index.js'));
    expect(result.S3Storage).toBe('function');
    expect(result.notifications).toBe('function');
    expect(result.ObjectNotFoundError).toBe('function');
    expect(result.badNameProblems).toBeGreaterThan(0);
    // The CDK half needs its optional peers; without them the failure names the missing peer.
    expect(result.main).toMatch(/MODULE_NOT_FOUND: Cannot find module '(aws-cdk-lib|constructs)/);
  }, 30_000);

  test('bucketkit/storage and bucketkit/rules also load through ESM import', () => {
    const out = runOk(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { S3Storage } from 'bucketkit/storage'; import { checkBucketName } from 'bucketkit/rules'; console.log(typeof S3Storage, typeof checkBucketName);",
      ],
      consumer,
      'node: ESM import',
    );
    expect(out.trim()).toBe('function function');
  }, 30_000);

  test('bucketkit (the constructs) loads and synthesizes once aws-cdk-lib and constructs are present', () => {
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      const link = join(consumer, 'node_modules', peer);
      if (!existsSync(link)) symlinkSync(join(ROOT, 'node_modules', peer), link, 'dir');
    }
    const outdir = join(work, 'cdk.out');
    const result = nodeInConsumer(
      `
      const { App, Stack } = require('aws-cdk-lib');
      const { StorageBucket } = require('bucketkit');
      const app = new App({ outdir: ${JSON.stringify(outdir)} });
      const stack = new Stack(app, 'Consumer');
      new StorageBucket(stack, 'Data');
      const template = app.synth().getStackByName('Consumer').template;
      const types = Object.values(template.Resources).map((r) => r.Type);
      console.log(JSON.stringify({ main: require.resolve('bucketkit'), buckets: types.filter((t) => t === 'AWS::S3::Bucket').length }));`,
      'node: bucketkit + cdk synth',
    );
    expect(result.main).toBe(join(consumer, 'node_modules', 'bucketkit', 'dist', 'lib', 'index.js'));
    expect(result.buckets).toBeGreaterThanOrEqual(1);
  }, 30_000);

  test('the storage and rules types resolve with moduleResolution node16 (exports) and node (typesVersions)', async () => {
    const file = join(consumer, 'types-check.ts');
    writeFileSync(
      file,
      [
        "import { S3Storage, ObjectNotFoundError } from 'bucketkit/storage';",
        "import { checkBucketName } from 'bucketkit/rules';",
        "export const storage: S3Storage = new S3Storage({ bucket: 'a-bucket' });",
        "export const problems: number = checkBucketName('Not_A_Bucket').length;",
        'export const notFound: typeof ObjectNotFoundError = ObjectNotFoundError;',
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const check = async (resolution: 'node16' | 'node'): Promise<string> => {
      const args = [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--typeRoots',
        join(ROOT, 'node_modules', '@types'),
        '--types',
        'node',
        '--module',
        resolution === 'node16' ? 'node16' : 'commonjs',
        '--moduleResolution',
        resolution,
        file,
      ];
      const start = Date.now();
      // In parallel: each is a separate compiler run of a few seconds.
      const result = await promisify(execFile)(process.execPath, args, { cwd: consumer, env: childEnv() }).then(
        ({ stdout, stderr }) => `${stdout}${stderr}`,
        (error: { stdout?: string; stderr?: string; message: string }) =>
          `exit non-zero: ${error.stdout ?? ''}${error.stderr ?? ''}${error.stdout || error.stderr ? '' : error.message}`,
      );
      timings.push(`tsc --moduleResolution ${resolution} (in parallel): ${((Date.now() - start) / 1000).toFixed(1)} s`);
      return result;
    };
    expect(await Promise.all([check('node16'), check('node')])).toEqual(['', '']);
  }, 60_000);

  test('npx bucketkit --help runs the compiled CLI', () => {
    const result = run('npx', ['--no-install', 'bucketkit', '--help'], consumer, 'npx bucketkit --help');
    expect(result.status).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/usage:.*bucketkit/i);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\btsx\b|Cannot find module/);
  }, 30_000);

  test('npx bucketkit --version prints the installed package.json version (found from dist/bin/cli/)', () => {
    const result = run('npx', ['--no-install', 'bucketkit', '--version'], consumer, 'npx bucketkit --version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(consumer, 'node_modules', 'bucketkit', 'package.json'), 'utf8')) as { version: string }).version,
    );
    expect(result.stdout.trim()).not.toBe('unknown');
  }, 30_000);

  test('an installed package never falls back to tsx: without dist/bin/cli.js it says the install is incomplete', () => {
    const broken = join(work, 'broken', 'node_modules', 'bucketkit');
    cpSync(join(consumer, 'node_modules', 'bucketkit'), broken, { recursive: true });
    rmSync(join(broken, 'dist', 'bin', 'cli.js'));
    const result = run(process.execPath, [join(broken, 'bin', 'bucketkit.js'), '--help'], work, 'node: bin without dist');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/installation is incomplete: .*dist\/bin\/cli\.js is missing/);
    expect(result.stderr).not.toMatch(/\btsx\b/);
  }, 30_000);

  test('npm installed the tarball itself, with its bin linked', () => {
    const installed = JSON.parse(readFileSync(join(consumer, 'node_modules', 'bucketkit', 'package.json'), 'utf8'));
    expect(installed.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(existsSync(join(consumer, 'node_modules', '.bin', 'bucketkit'))).toBe(true);
  });
});
