/**
 * Transfer benchmark: bucketkit upload/download against @aws-sdk/lib-storage Upload, a single PutObject/GetObject,
 * the AWS CLI and rclone, on one local server (MinIO when scripts/servers/minio.sh can start it, else moto).
 *
 *   bash bench/peers.sh install   (once: rclone and the AWS CLI, pinned, into ~/.cache/bucketkit/peers)
 *   npm run bench:transfer -- [--sizes 1,4] [--runs 3] [--server minio|moto] [--no-long-distance] [--no-write]
 *
 * Every engine runs in its own child process under /usr/bin/time, which reports the child's peak RSS (and, for
 * the CLIs, their wall time). The Node engines time the transfer itself, excluding process start-up, after a
 * warm-up transfer of 1 MiB (so lazily loaded modules are compiled before the clock starts), and record the event
 * loop's delay (`monitorEventLoopDelay`, 10 ms resolution) while the transfer runs.
 * Engines alternate within each round, and every pair is measured `--runs` times: each ratio is taken within its
 * round (same machine state) and the table reports the median ratio. bucketkit runs with its defaults (integrity
 * checks on); the peers run at bucketkit's default part size and concurrency, which is faster than their own defaults.
 * The long-distance relay profile (bench/long-distance.ts) runs last, unless `--no-long-distance`.
 * Results go to docs/benchmarks.md, section "## Transfer" (other sections are kept).
 */
import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { S3Storage } from '../lib/storage';
import { serverEnv } from './server-env';

const ROOT = join(__dirname, '..');
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const PART_SIZE = 16 * MIB;
const CONCURRENCY = 8;

interface Server {
  readonly name: string;
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Frees what deleted objects still hold (MinIO moves them to `.minio.sys/tmp/.trash` and cleans that up slowly). */
  purgeDeleted(): void;
  stop(): void;
}

/** A storage with bucketkit's defaults (concurrency 8, 16 MiB parts and ranges: the constants above match them). */
function storage(server: { endpoint: string; accessKeyId: string; secretAccessKey: string }, bucket: string): S3Storage {
  return new S3Storage({
    bucket,
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

/**
 * Object keys: the one every download engine reads (bucketkit defaults: CRC32 part checksums on a store that checks
 * them), and a copy uploaded with Content-MD5 parts and no flexible checksum (as lib-storage, older tools and older
 * objects have it), whose download can only check the multipart ETag.
 */
const md5Key = (key: string) => `${key}.md5`;

/**
 * The bucketkit upload engines go multipart from PART_SIZE, as the peers are told to (lib-storage always does; the
 * AWS CLI's `multipart_threshold`, rclone's `--s3-upload-cutoff`), so that a size under bucketkit's 100 MiB default
 * threshold still sends parts (and `-md5` still writes a multipart object for `-md5-object` to check). At the
 * full sizes (1 and 4 GiB, both above 100 MiB) this is the default behaviour. A size of PART_SIZE or less still goes
 * in one PutObject: the "check" column then shows `md5-etag`.
 */
const MULTIPART = { multipartThresholdBytes: PART_SIZE } as const;

/**
 * Child mode: run one engine once and print the transfer's seconds, the event loop's delay while it ran and, for
 * bucketkit's engines, the check the result reports (`verifiedBy`: for a download, `verification.kind`, `size` for none).
 */
async function child(engine: string, file: string, bucket: string, key: string): Promise<void> {
  const server = { endpoint: process.env.S3_ENDPOINT!, accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! };
  const s = storage(server, bucket);
  const client: S3Client = s.client;
  await warmUp(engine, s, file);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = process.hrtime.bigint();
  let verifiedBy: string | undefined;
  switch (engine) {
    case 'bucketkit-upload':
      ({ verifiedBy } = await s.upload(key, { filePath: file }, MULTIPART));
      break;
    case 'bucketkit-upload-nocheck':
      ({ verifiedBy } = await s.upload(key, { filePath: file }, { ...MULTIPART, partChecksum: 'NONE', verify: false }));
      break;
    case 'bucketkit-upload-md5':
      ({ verifiedBy } = await s.upload(md5Key(key), { filePath: file }, { ...MULTIPART, partChecksum: 'MD5' }));
      break;
    case 'lib-storage-upload':
      await new Upload({ client, params: { Bucket: bucket, Key: key, Body: createReadStream(file) }, partSize: PART_SIZE, queueSize: CONCURRENCY }).done();
      break;
    case 'putobject':
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: statSync(file).size }));
      break;
    case 'bucketkit-download':
      ({ verifiedBy } = await s.download(key, file, { resume: false }));
      break;
    case 'bucketkit-download-md5-object':
      ({ verifiedBy } = await s.download(md5Key(key), file, { resume: false }));
      break;
    case 'bucketkit-download-noverify':
      ({ verifiedBy } = await s.download(key, file, { resume: false, verify: false }));
      break;
    case 'getobject': {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(out.Body as Readable, createWriteStream(file));
      break;
    }
    default:
      throw new Error(`unknown engine ${engine}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  delay.disable();
  s.destroy();
  process.stdout.write(`BENCH_SECONDS ${seconds}\nBENCH_LOOP_P99_MS ${delay.percentile(99) / 1e6}\nBENCH_LOOP_MAX_MS ${delay.max / 1e6}\n`);
  if (verifiedBy !== undefined) process.stdout.write(`BENCH_VERIFICATION ${verifiedBy}\n`);
}

/** One small transfer of the same kind before the clock starts: module loading and compiling are not the transfer. */
async function warmUp(engine: string, s: S3Storage, file: string): Promise<void> {
  const small = Buffer.alloc(MIB, 1);
  if (engine.includes('upload') || engine === 'putobject') {
    await s.upload('warm-up', small, { multipartThresholdBytes: 5 * MIB });
    await new Upload({ client: s.client, params: { Bucket: s.bucket, Key: 'warm-up', Body: small } }).done();
  } else {
    await s.put('warm-up', small);
    await s.download('warm-up', `${file}.warm-up`, { resume: false });
    rmSync(`${file}.warm-up`, { force: true });
  }
}

function startServer(preferred: string | undefined): Server {
  const stateDir = mkdtempSync(join(tmpdir(), 'bk-bench-server-'));
  const env = { ...process.env, BUCKETKIT_STATE_DIR: stateDir };
  for (const name of preferred ? [preferred] : ['minio', 'moto']) {
    const script = join(ROOT, 'scripts/servers', `${name}.sh`);
    if (!existsSync(script)) continue;
    try {
      execFileSync('bash', [script, 'up'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const vars = serverEnv(script, env);
      return {
        name,
        endpoint: vars.S3_ENDPOINT,
        accessKeyId: vars.S3_ACCESS_KEY_ID,
        secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
        purgeDeleted: () => {
          // MinIO's trash held 33 GB of deleted 4 GiB objects after one and a half 4 GiB rounds: it frees that
          // space in the background, too slowly for a 3-round 4 GiB run on this drive. Its trash is only deleted data.
          const trash = join(stateDir, name, 'data', '.minio.sys', 'tmp', '.trash');
          if (existsSync(trash)) for (const entry of readdirSync(trash)) rmSync(join(trash, entry), { recursive: true, force: true });
        },
        stop: () => {
          execFileSync('bash', [script, 'down'], { env, stdio: 'ignore' });
          rmSync(stateDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      process.stderr.write(`bench: ${name} did not start: ${String((error as { stderr?: Buffer }).stderr ?? error).slice(0, 300)}\n`);
    }
  }
  throw new Error('no S3 server could be started');
}

interface Run {
  readonly engine: string;
  readonly op: 'upload' | 'download';
  readonly sizeBytes: number;
  /** 1-based round: ratios are taken between runs of the same round. */
  readonly round: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly timing: 'in-process' | 'wall';
  /** Event-loop delay while the transfer ran (Node engines). */
  readonly loopP99Ms?: number;
  readonly loopMaxMs?: number;
  /** The check a bucketkit engine's result reported (`BENCH_VERIFICATION`); undefined for the peers. */
  readonly verification?: string;
}

/**
 * `items` starting at `by` (mod length): round r starts with the r-th engine, so that no engine is always the one that
 * runs right after the preparation upload (or another engine's large writes).
 */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const start = ((by % items.length) + items.length) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** Pause after `sync`, before each timed run: lets the dirty pages the previous run left be written back first. */
const SETTLE_MS = 1000;

/**
 * Runs a command under /usr/bin/time; returns its wall seconds, peak RSS and stdout. First, untimed, `sync` writes
 * back what the previous run left in the page cache (up to 4 GiB of object data and the destination file), which
 * otherwise competes for the two cores with whichever engine runs next (the system time of one 1 GiB download swung
 * from 0.7 to 3.0 s between identical runs without it; docs/benchmarks.md, "Where the time goes").
 */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; rssKiB: number; stdout: string }> {
  execFileSync('sync');
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/time', ['-f', 'BENCH_TIME %e %M', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const match = /BENCH_TIME ([\d.]+) (\d+)/.exec(stderr);
      if (code !== 0 || !match) return reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`));
      resolve({ wall: Number(match[1]), rssKiB: Number(match[2]), stdout });
    });
  });
}

interface Options {
  /** Object sizes in bytes, each a whole number of MiB. */
  readonly sizes: number[];
  readonly runs: number;
  readonly server?: 'minio' | 'moto';
  readonly longDistance: boolean;
  readonly write: boolean;
}

/** `--sizes`: GiB, comma-separated; each a positive number that is a whole number of MiB (`head -c` takes whole bytes). */
function parseSizes(value: string): number[] {
  return value.split(',').map((text) => {
    const gib = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(gib) || gib <= 0) throw new InvalidArgumentError(`Each size must be a positive number of GiB (got '${text}')`);
    const mib = gib * 1024;
    if (!Number.isInteger(mib)) {
      throw new InvalidArgumentError(
        `${text} GiB is ${Number(mib.toFixed(3))} MiB: each size must be a whole number of MiB (n/1024 GiB, e.g. 0.0625 for 64 MiB)`,
      );
    }
    return mib * MIB;
  });
}

/** `--runs`: a whole number of at least 1. */
function parseRuns(value: string): number {
  const runs = Number(value);
  if (value.trim() === '' || !Number.isInteger(runs) || runs < 1) throw new InvalidArgumentError(`A whole number of at least 1 (got '${value}')`);
  return runs;
}

/** Parses the options; a bad one prints a one-line error and exits 2 (`--help` prints the usage and exits 0). */
function parseOptions(argv: readonly string[]): Options {
  const program = new Command('bench:transfer')
    .description('bucketkit upload and download against lib-storage, PutObject/GetObject, the AWS CLI and rclone (docs/benchmarks.md, "## Transfer")')
    .addOption(
      new Option('--sizes <GiB,...>', 'object sizes in GiB, comma-separated, each a whole number of MiB').argParser(parseSizes).default([GIB, 4 * GIB], '1,4'),
    )
    .option('--runs <n>', 'rounds: every engine runs once per round', parseRuns, 3)
    .addOption(new Option('--server <name>', 'the S3 server (default: minio when scripts/servers/minio.sh can start it, else moto)').choices(['minio', 'moto']))
    .option('--no-long-distance', 'skip the long-distance relay profile (bench/long-distance.ts)')
    .option('--no-write', 'print the tables only; do not rewrite docs/benchmarks.md')
    .exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    // commander has printed its message (or the help) already.
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    throw error;
  }
  return program.opts<Options>();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2], argv[3], argv[4]);
  const options = parseOptions(argv);
  const { sizes, runs: rounds } = options;
  // The peers bench/peers.sh installs (rclone, the AWS CLI) come first on PATH, for this process and its children.
  const peers = execFileSync('bash', [join(ROOT, 'bench', 'peers.sh'), 'path'], { encoding: 'utf8' }).trim();
  process.env.PATH = `${peers}:${process.env.PATH ?? ''}`;
  const loads: string[] = [];
  const noteLoad = (when: string) => loads.push(`${when} ${loadavg()[0].toFixed(2)}`);
  noteLoad('start');
  const server = startServer(options.server);
  const work = mkdtempSync(join(tmpdir(), 'bk-bench-'));
  const bucket = `bench-${Date.now().toString(36)}`;
  const runs: Run[] = [];
  const hasRclone = spawnOk('rclone', ['version']);
  const hasAws = spawnOk('aws', ['--version']);
  try {
    const admin = storage(server, bucket);
    await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
    admin.destroy();
    const awsConfig = join(work, 'aws-config');
    writeFileSync(
      awsConfig,
      `[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = ${CONCURRENCY}\n  multipart_chunksize = ${PART_SIZE / MIB}MB\n  multipart_threshold = ${PART_SIZE / MIB}MB\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      S3_ENDPOINT: server.endpoint,
      S3_ACCESS_KEY_ID: server.accessKeyId,
      S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      RCLONE_CONFIG: '/dev/null',
      RCLONE_CONFIG_BENCH_TYPE: 's3',
      RCLONE_CONFIG_BENCH_PROVIDER: server.name === 'minio' ? 'Minio' : 'Other',
      RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: server.accessKeyId,
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: server.secretAccessKey,
      RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    };
    for (const size of sizes) {
      const source = join(work, `source-${size}.bin`);
      execFileSync('bash', ['-c', `head -c ${size} /dev/urandom > '${source}'`]);
      const key = `obj-${size}`;
      let round = 0;
      // `prepare`: a step that is not a measurement (logged as such, not in the tables).
      const node = async (engine: string, op: 'upload' | 'download', file: string, purpose: 'measure' | 'prepare' = 'measure') => {
        const result = await timed(process.execPath, ['--import', 'tsx', __filename, '--child', engine, file, bucket, key], env);
        const figure = (name: string) => Number(new RegExp(`${name} ([\\d.e+-]+)`).exec(result.stdout)?.[1]);
        const run: Run = {
          engine,
          op,
          sizeBytes: size,
          round,
          seconds: figure('BENCH_SECONDS'),
          peakRssMiB: result.rssKiB / 1024,
          timing: 'in-process',
          loopP99Ms: figure('BENCH_LOOP_P99_MS'),
          loopMaxMs: figure('BENCH_LOOP_MAX_MS'),
          verification: /BENCH_VERIFICATION (\S+)/.exec(result.stdout)?.[1],
        };
        if (purpose === 'prepare') {
          process.stderr.write(
            op === 'upload'
              ? `round ${round}: preparation (not a measurement): ${engine} of ${key}, the object every download engine reads, check ${run.verification ?? '-'}\n`
              : `round ${round}: preparation (not a measurement): ${engine} of ${key}, one untimed read before the timed downloads\n`,
          );
          return;
        }
        runs.push(run);
        report(run);
      };
      const cli = async (engine: string, op: 'upload' | 'download', command: string, args: string[]) => {
        // The targets are plain-HTTP loopback servers: a CA bundle from the environment only breaks rclone's S3 client.
        const { AWS_CA_BUNDLE: _bundle, ...cliEnv } = env;
        const result = await timed(command, args, cliEnv);
        runs.push({ engine, op, sizeBytes: size, round, seconds: result.wall, peakRssMiB: result.rssKiB / 1024, timing: 'wall' });
        report(runs.at(-1)!);
      };
      const dest = join(work, 'dest.bin');
      const checkDownload = () => {
        if (statSync(dest).size !== size) throw new Error(`download of ${size} bytes wrote ${statSync(dest).size}`);
        rmSync(dest, { force: true });
      };
      for (round = 1; round <= rounds; round++) {
        noteLoad(`${size / GIB} GiB round ${round}`);
        process.stderr.write(`round ${round}: ${size / GIB} GiB, drive free ${freeGiB(work).toFixed(1)} GiB\n`);
        // Each overwrite of a 4 GiB object leaves MinIO's old data in its trash; deleting the object and emptying the
        // trash after each upload keeps a 3-round 4 GiB run inside the drive (it once hit "minimum free drive
        // threshold"). `-md5`'s object is kept: `-md5-object` reads it.
        const uploads: (() => Promise<void>)[] = [
          'bucketkit-upload',
          'bucketkit-upload-md5',
          'bucketkit-upload-nocheck',
          'lib-storage-upload',
          'putobject',
        ].map((engine) => async () => {
          await node(engine, 'upload', source);
          if (engine !== 'bucketkit-upload-md5') await removeObject(server, bucket, key);
        });
        if (hasAws) {
          uploads.push(async () => {
            await cli('aws s3 cp', 'upload', 'aws', ['--endpoint-url', server.endpoint, 's3', 'cp', '--only-show-errors', source, `s3://${bucket}/${key}`]);
            await removeObject(server, bucket, key);
          });
        }
        if (hasRclone) {
          uploads.push(async () => {
            await cli('rclone', 'upload', 'rclone', [
              'copyto',
              source,
              `bench:${bucket}/${key}`,
              '--s3-chunk-size',
              `${PART_SIZE / MIB}M`,
              '--s3-upload-concurrency',
              String(CONCURRENCY),
              '--s3-upload-cutoff',
              `${PART_SIZE / MIB}M`,
              '--ignore-times',
            ]);
            await removeObject(server, bucket, key);
          });
        }
        for (const run of rotated(uploads, round - 1)) await run();
        // The object every download engine reads: a bucketkit upload with its defaults (not measured).
        await node('bucketkit-upload', 'upload', source, 'prepare');
        // Then one untimed read of it. The first download after the preparation ran up to 3x slower than the same
        // engine later in its round, whichever engine it was (the run at c6f431d: bucketkit-download 3.92 s in
        // round 1, where it came first, against 1.19 and 1.49 s; -noverify 2.28 s first against 1.25 and 1.26 s),
        // and the rotation gives the first place to the first engines of the list only.
        await node('getobject', 'download', dest, 'prepare');
        checkDownload();
        const downloads: (() => Promise<void>)[] = ['bucketkit-download', 'bucketkit-download-md5-object', 'bucketkit-download-noverify', 'getobject'].map(
          (engine) => async () => {
            await node(engine, 'download', dest);
            checkDownload();
          },
        );
        if (hasAws) {
          downloads.push(async () => {
            await cli('aws s3 cp', 'download', 'aws', ['--endpoint-url', server.endpoint, 's3', 'cp', '--only-show-errors', `s3://${bucket}/${key}`, dest]);
            checkDownload();
          });
        }
        if (hasRclone) {
          downloads.push(async () => {
            await cli('rclone', 'download', 'rclone', [
              'copyto',
              `bench:${bucket}/${key}`,
              dest,
              '--multi-thread-streams',
              String(CONCURRENCY),
              '--multi-thread-cutoff',
              `${PART_SIZE / MIB}M`,
              '--ignore-times',
            ]);
            checkDownload();
          });
        }
        for (const run of rotated(downloads, round - 1)) await run();
      }
      rmSync(source, { force: true });
    }
  } finally {
    server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  noteLoad('end');
  let longDistance = '';
  if (options.longDistance) {
    // Its own MinIO behind the latency relay; its table is quoted here (and written to its own section too).
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'long-distance.ts'), ...(options.write ? [] : ['--no-write'])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    longDistance = out.slice(out.indexOf('Measured ')).trim();
  }
  const markdown = render(runs, server.name, sizes, { hasAws, hasRclone, loads, rounds, longDistance });
  process.stdout.write(`\n${markdown}\n`);
  if (options.write) writeSection(join(ROOT, 'docs/benchmarks.md'), markdown);
}

/** Deletes an object the round no longer needs. */
async function removeObject(server: Server, bucket: string, key: string): Promise<void> {
  const s = storage(server, bucket);
  try {
    await s.delete(key);
  } finally {
    s.destroy();
  }
  server.purgeDeleted();
}

/** Free space on the drive that holds `path`, in GiB (for the log: a full drive fails uploads). */
function freeGiB(path: string): number {
  const stats = statfsSync(path);
  return (stats.bavail * stats.bsize) / GIB;
}

function spawnOk(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function report(run: Run): void {
  const loop = run.loopP99Ms === undefined ? '' : `, event loop p99 ${run.loopP99Ms.toFixed(1)} ms (max ${run.loopMaxMs?.toFixed(1)} ms)`;
  const check = run.verification === undefined ? '' : `, check ${run.verification}`;
  process.stderr.write(
    `round ${run.round}: ${run.op} ${run.sizeBytes / GIB} GiB ${run.engine}: ${run.seconds.toFixed(2)} s, ${(run.sizeBytes / MIB / run.seconds).toFixed(0)} MiB/s, peak RSS ${run.peakRssMiB.toFixed(0)} MiB${loop}${check}\n`,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median over rounds of `peer seconds / engine seconds`, each ratio within one round; undefined without the peer. */
function medianRatio(rows: readonly Run[], engine: string, peer: string): number | undefined {
  const ratios: number[] = [];
  for (const r of rows.filter((x) => x.engine === engine)) {
    const p = rows.find((x) => x.engine === peer && x.round === r.round);
    if (p) ratios.push(p.seconds / r.seconds);
  }
  return ratios.length ? median(ratios) : undefined;
}

/** The options, where to get the peers and what a run without `--no-write` does: a line of the section's header. */
const OPTIONS_SENTENCE =
  'Options: `--sizes 1,4` (GiB, each a whole number of MiB), `--runs 3` (rounds), `--server minio|moto` (default: MinIO when it starts, else moto), `--no-long-distance` (skip the long-distance profile) and `--no-write` (print only); `bash bench/peers.sh install` installs the peers (rclone and the AWS CLI, pinned) first, and without `--no-write` the run rewrites this section (at full size about 20 minutes on 2 cores).';

const x = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(2)}x`);

function render(
  runs: Run[],
  serverName: string,
  sizes: number[],
  tools: { hasAws: boolean; hasRclone: boolean; loads: string[]; rounds: number; longDistance: string },
): string {
  const lines = [
    '## Transfer',
    '',
    `Measured by \`npm run bench:transfer\` (\`bash scripts/with-offline-env.sh node --import tsx bench/transfer.ts\`) on ${new Date().toISOString().slice(0, 10)}, against ${serverName} on 127.0.0.1, on this ${cpus().length}-core machine (client and server share the cores; files in the page cache), Node ${process.version}.`,
    OPTIONS_SENTENCE,
    `${tools.rounds} ${tools.rounds === 1 ? 'round' : 'rounds'}; in each round every engine runs once, one after another, each in its own process, after an untimed \`sync\` and 1 s pause (the previous run's dirty pages are written back first); round r starts with the r-th engine of the list, so no engine always runs first. A ratio is \`peer seconds / engine seconds\` within one round (above 1.00x: the engine is faster), and the tables give the median over the rounds; seconds are medians too, peak RSS the largest of the rounds.`,
    `bucketkit runs with its defaults: concurrency 8, 16 MiB parts and ranges, integrity checks on. The peers run at the same part size and concurrency (lib-storage \`partSize\`/\`queueSize\`, the AWS CLI's \`multipart_chunksize\`/\`max_concurrent_requests\`, rclone's \`--s3-chunk-size\`/\`--s3-upload-concurrency\`/\`--multi-thread-streams\`), which is faster than their own defaults.`,
    `Load average (1 min): ${tools.loads.join('; ')}. Other work on the machine skews the figures, so compare engines within one run.`,
    'Peak RSS is the whole child process (`/usr/bin/time %M`), Node and tsx included. Node engines are timed inside the process, after a 1 MiB warm-up transfer (module loading is not the transfer), and report the event-loop delay while the transfer ran (`monitorEventLoopDelay`, 10 ms resolution); the CLIs are timed by wall time, start-up included.',
    "`bucketkit-upload` runs the defaults for a custom endpoint: CRC32 on every part where the store proves it checks CRC32 (it refused a one-byte part with a wrong CRC32, as MinIO does; the composite checksum is checked at the end), else Content-MD5 (the multipart ETag is then checked). `-md5` sends Content-MD5 on every part instead (MD5 on the hash pool; the store checks it; the multipart ETag is checked at the end), the default on stores that do not check CRC32. `-nocheck` sends neither; lib-storage, on the same client, sends none. `bucketkit-download` reads the object `bucketkit-upload` wrote and checks each range against its part's checksum (`part-checksums`, CRC32 here); `-md5-object` reads the object `-md5` wrote, which has no flexible checksum (as one written by lib-storage or an older tool), and checks its multipart ETag (MD5 of every range on the hash pool); `-noverify` checks the size only, like the single GetObject. rclone checks neither upload nor download of a multipart object here.",
    `The "check" column is the check each bucketkit transfer's result reported (\`verifiedBy\`; every distinct one when the rounds differ).${sizes.some((size) => size <= 100 * MIB) ? ` The bucketkit uploads go multipart above ${PART_SIZE / MIB} MiB (\`multipartThresholdBytes\`), as the peers do, where bucketkit's default sends one PutObject up to 100 MiB; at ${PART_SIZE / MIB} MiB or less they send one PutObject.` : ''}`,
    `${tools.hasAws ? '' : 'The AWS CLI was not installed. '}${tools.hasRclone ? '' : 'rclone was not installed. '}`,
    '',
  ];
  for (const size of sizes) {
    for (const op of ['upload', 'download'] as const) {
      const rows = runs.filter((r) => r.sizeBytes === size && r.op === op);
      if (rows.length === 0) continue;
      const baseline = op === 'upload' ? 'lib-storage-upload' : 'getobject';
      lines.push(
        `### ${op}, ${size / GIB} GiB`,
        '',
        `| engine | check | median s | MiB/s | vs ${op === 'upload' ? 'lib-storage' : 'single GetObject'} | vs AWS CLI | vs rclone | peak RSS MiB | event loop p99 / max ms |`,
        '|---|---|---|---|---|---|---|---|---|',
      );
      for (const engine of [...new Set(rows.map((r) => r.engine))]) {
        const mine = rows.filter((r) => r.engine === engine);
        const seconds = median(mine.map((r) => r.seconds));
        const loop =
          mine[0].loopP99Ms === undefined
            ? '-'
            : `${median(mine.map((r) => r.loopP99Ms!)).toFixed(1)} / ${Math.max(...mine.map((r) => r.loopMaxMs!)).toFixed(1)}`;
        const checks = [...new Set(mine.map((r) => r.verification).filter((v) => v !== undefined))];
        lines.push(
          `| ${engine}${mine[0].timing === 'wall' ? ' (wall)' : ''} | ${checks.length ? checks.join(', ') : '-'} | ${seconds.toFixed(2)} | ${(size / MIB / seconds).toFixed(0)} | ${x(medianRatio(rows, engine, baseline))} | ${x(medianRatio(rows, engine, 'aws s3 cp'))} | ${x(medianRatio(rows, engine, 'rclone'))} | ${Math.max(...mine.map((r) => r.peakRssMiB)).toFixed(0)} | ${loop} |`,
        );
      }
      lines.push('');
    }
  }
  const rss = (engine: string, size: number) => {
    const values = runs.filter((r) => r.engine === engine && r.sizeBytes === size).map((r) => r.peakRssMiB);
    return values.length ? Math.max(...values) : undefined;
  };
  if (sizes.length > 1) {
    lines.push(
      '### Bounded memory',
      '',
      '| engine | ' + sizes.map((s) => `${s / GIB} GiB peak RSS MiB`).join(' | ') + ' | growth |',
      '|---|' + sizes.map(() => '---|').join('') + '---|',
    );
    for (const engine of ['bucketkit-upload', 'bucketkit-download', 'bucketkit-download-md5-object', 'lib-storage-upload', 'putobject', 'getobject']) {
      const values = sizes.map((s) => rss(engine, s));
      if (values.some((v) => v === undefined)) continue;
      const growth = ((values.at(-1)! / values[0]! - 1) * 100).toFixed(1);
      lines.push(`| ${engine} | ${values.map((v) => v!.toFixed(0)).join(' | ')} | ${growth}% |`);
    }
    lines.push('');
  }
  if (tools.longDistance) lines.push('### Long-distance relay profile (bench/long-distance.ts, same run)', '', tools.longDistance, '');
  return lines.join('\n');
}

/** Replaces (or appends) the "## Transfer" section of the file, keeping every other section. */
function writeSection(path: string, section: string): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf('\n## Transfer');
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const after = current.indexOf('\n## ', start + 1);
    next = current.slice(0, start) + '\n' + section + (after < 0 ? '' : '\n' + current.slice(after + 1));
  }
  writeFileSync(path, next.trimEnd() + '\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
