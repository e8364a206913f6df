/**
 * Transfer benchmark: bucketkit upload/download against @aws-sdk/lib-storage Upload, a single PutObject/GetObject,
 * the AWS CLI and rclone, on one local server (MinIO when scripts/servers/minio.sh can start it, else moto).
 *
 *   bash bench/peers.sh install   (once: rclone and the AWS CLI, pinned, into ~/.cache/bucketkit/peers)
 *   npm run bench:transfer -- [--sizes 1,4] [--server minio|moto] [--no-write]
 *
 * Every engine runs in its own child process under /usr/bin/time, which reports the child's peak RSS (and, for
 * the CLIs, their wall time). The Node engines time the transfer itself, excluding process start-up.
 * Results go to docs/benchmarks.md, section "## Transfer" (other sections are kept).
 */
import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Storage } from '../lib/storage';

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
  stop(): void;
}

function storage(server: { endpoint: string; accessKeyId: string; secretAccessKey: string }, bucket: string): S3Storage {
  return new S3Storage({
    bucket,
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    concurrency: CONCURRENCY,
  });
}

/** Child mode: run one engine once and print the transfer's seconds. */
async function child(engine: string, file: string, bucket: string, key: string): Promise<void> {
  const server = { endpoint: process.env.S3_ENDPOINT!, accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! };
  const s = storage(server, bucket);
  const client: S3Client = s.client;
  const started = process.hrtime.bigint();
  switch (engine) {
    case 'bucketkit-upload':
      await s.upload(key, { filePath: file }, { targetPartSizeBytes: PART_SIZE, concurrency: CONCURRENCY });
      break;
    case 'bucketkit-upload-nocheck':
      await s.upload(key, { filePath: file }, { targetPartSizeBytes: PART_SIZE, concurrency: CONCURRENCY, partChecksum: 'NONE', verify: false });
      break;
    case 'bucketkit-upload-crc32':
      await s.upload(key, { filePath: file }, { targetPartSizeBytes: PART_SIZE, concurrency: CONCURRENCY, partChecksum: 'CRC32' });
      break;
    case 'lib-storage-upload':
      await new Upload({ client, params: { Bucket: bucket, Key: key, Body: createReadStream(file) }, partSize: PART_SIZE, queueSize: CONCURRENCY }).done();
      break;
    case 'putobject':
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: statSync(file).size }));
      break;
    case 'bucketkit-download':
      await s.download(key, file, { concurrency: CONCURRENCY, resume: false });
      break;
    case 'bucketkit-download-noverify':
      await s.download(key, file, { concurrency: CONCURRENCY, resume: false, verify: false });
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
  s.destroy();
  process.stdout.write(`BENCH_SECONDS ${seconds}\n`);
}

function startServer(preferred: string | undefined): Server {
  const stateDir = mkdtempSync(join(tmpdir(), 'bk-bench-server-'));
  const env = { ...process.env, BUCKETKIT_STATE_DIR: stateDir };
  for (const name of preferred ? [preferred] : ['minio', 'moto']) {
    const script = join(ROOT, 'scripts/servers', `${name}.sh`);
    if (!existsSync(script)) continue;
    try {
      execFileSync('bash', [script, 'up'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const vars = Object.fromEntries(
        execFileSync('bash', [script, 'env'], { env })
          .toString()
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('export '))
          .map((line) => line.slice('export '.length))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      return {
        name,
        endpoint: vars.S3_ENDPOINT,
        accessKeyId: vars.S3_ACCESS_KEY_ID,
        secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
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
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly timing: 'in-process' | 'wall';
}

/** Runs a command under /usr/bin/time; returns its wall seconds, peak RSS and stdout. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; rssKiB: number; stdout: string }> {
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

async function main(): Promise<void> {
  // The peers bench/peers.sh installs (rclone, the AWS CLI) come first on PATH, for this process and its children.
  const peers = execFileSync('bash', [join(ROOT, 'bench', 'peers.sh'), 'path'], { encoding: 'utf8' }).trim();
  process.env.PATH = `${peers}:${process.env.PATH ?? ''}`;
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2], argv[3], argv[4]);
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (option('--sizes') ?? '1,4').split(',').map((s) => Number(s) * GIB);
  const loadStart = loadavg()[0];
  const server = startServer(option('--server'));
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
      const node = async (engine: string, op: 'upload' | 'download', file: string) => {
        const result = await timed(process.execPath, ['--import', 'tsx', __filename, '--child', engine, file, bucket, key], env);
        const seconds = Number(/BENCH_SECONDS ([\d.e+-]+)/.exec(result.stdout)?.[1]);
        runs.push({ engine, op, sizeBytes: size, seconds, peakRssMiB: result.rssKiB / 1024, timing: 'in-process' });
        report(runs.at(-1)!);
      };
      const cli = async (engine: string, op: 'upload' | 'download', command: string, args: string[]) => {
        // The targets are plain-HTTP loopback servers: a CA bundle from the environment only breaks rclone's S3 client.
        const { AWS_CA_BUNDLE: _bundle, ...cliEnv } = env;
        const result = await timed(command, args, cliEnv);
        runs.push({ engine, op, sizeBytes: size, seconds: result.wall, peakRssMiB: result.rssKiB / 1024, timing: 'wall' });
        report(runs.at(-1)!);
      };
      const dest = join(work, 'dest.bin');
      const checkDownload = () => {
        if (statSync(dest).size !== size) throw new Error(`download of ${size} bytes wrote ${statSync(dest).size}`);
        rmSync(dest, { force: true });
      };
      for (const engine of ['bucketkit-upload', 'bucketkit-upload-crc32', 'bucketkit-upload-nocheck', 'lib-storage-upload', 'putobject'])
        await node(engine, 'upload', source);
      if (hasAws)
        await cli('aws s3 cp', 'upload', 'aws', ['--endpoint-url', server.endpoint, 's3', 'cp', '--only-show-errors', source, `s3://${bucket}/${key}`]);
      if (hasRclone) {
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
      }
      // The object downloaded by every engine: a bucketkit multipart upload (16 MiB parts).
      await node('bucketkit-upload', 'upload', source);
      runs.pop();
      for (const engine of ['bucketkit-download', 'bucketkit-download-noverify', 'getobject']) {
        await node(engine, 'download', dest);
        checkDownload();
      }
      if (hasAws) {
        await cli('aws s3 cp', 'download', 'aws', ['--endpoint-url', server.endpoint, 's3', 'cp', '--only-show-errors', `s3://${bucket}/${key}`, dest]);
        checkDownload();
      }
      if (hasRclone) {
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
      }
      rmSync(source, { force: true });
    }
  } finally {
    server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const markdown = render(runs, server.name, sizes, { hasAws, hasRclone, loadStart, loadEnd: loadavg()[0] });
  process.stdout.write(`\n${markdown}\n`);
  if (!argv.includes('--no-write')) writeSection(join(ROOT, 'docs/benchmarks.md'), markdown);
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
  process.stderr.write(
    `${run.op} ${run.sizeBytes / GIB} GiB ${run.engine}: ${run.seconds.toFixed(2)} s, ${(run.sizeBytes / MIB / run.seconds).toFixed(0)} MiB/s, peak RSS ${run.peakRssMiB.toFixed(0)} MiB\n`,
  );
}

function render(runs: Run[], serverName: string, sizes: number[], tools: { hasAws: boolean; hasRclone: boolean; loadStart: number; loadEnd: number }): string {
  const lines = [
    '## Transfer',
    '',
    `Measured by \`npm run bench:transfer\` (\`bash scripts/with-offline-env.sh node --import tsx bench/transfer.ts\`) on ${new Date().toISOString().slice(0, 10)}, against ${serverName} on 127.0.0.1, on this ${cpus().length}-core machine (client and server share the cores; files in the page cache).`,
    `Part size ${PART_SIZE / MIB} MiB and concurrency ${CONCURRENCY} for every multipart engine (bucketkit, lib-storage \`partSize\`/\`queueSize\`, the AWS CLI's \`multipart_chunksize\`/\`max_concurrent_requests\`, rclone's \`--s3-chunk-size\`/\`--s3-upload-concurrency\`/\`--multi-thread-streams\`).`,
    `Load average (1 min) ${tools.loadStart.toFixed(1)} at the start, ${tools.loadEnd.toFixed(1)} at the end: other work on the machine skews the figures, so compare engines within one run.`,
    'Peak RSS is the whole child process (`/usr/bin/time %M`), Node and tsx included. Node engines are timed inside the process; the CLIs by wall time, start-up included.',
    '`bucketkit-upload` runs the defaults for a custom endpoint: Content-MD5 on every part (the store checks it) and the multipart ETag checked at the end. `-crc32` sends a CRC32 per part instead (the store checks it; the composite checksum is checked at the end), the default on AWS. `-nocheck` sends neither; lib-storage, on the same client, sends none. `bucketkit-download` hashes every range (MD5) to check the multipart ETag; `-noverify` checks the size only, like the single GetObject.',
    `${tools.hasAws ? '' : 'The AWS CLI was not installed. '}${tools.hasRclone ? '' : 'rclone was not installed. '}`,
    '',
  ];
  for (const size of sizes) {
    for (const op of ['upload', 'download'] as const) {
      const rows = runs.filter((r) => r.sizeBytes === size && r.op === op);
      if (rows.length === 0) continue;
      const baseline = rows.find((r) => r.engine === (op === 'upload' ? 'lib-storage-upload' : 'getobject'));
      lines.push(
        `### ${op}, ${size / GIB} GiB`,
        '',
        `| engine | seconds | MiB/s | vs ${op === 'upload' ? 'lib-storage' : 'single GetObject'} | peak RSS MiB |`,
        '|---|---|---|---|---|',
      );
      for (const r of rows) {
        const ratio = baseline ? (baseline.seconds / r.seconds).toFixed(2) + 'x' : '-';
        lines.push(
          `| ${r.engine}${r.timing === 'wall' ? ' (wall)' : ''} | ${r.seconds.toFixed(2)} | ${(size / MIB / r.seconds).toFixed(0)} | ${ratio} | ${r.peakRssMiB.toFixed(0)} |`,
        );
      }
      lines.push('');
    }
  }
  const rss = (engine: string, size: number) => runs.find((r) => r.engine === engine && r.sizeBytes === size)?.peakRssMiB;
  if (sizes.length > 1) {
    lines.push(
      '### Bounded memory',
      '',
      '| engine | ' + sizes.map((s) => `${s / GIB} GiB peak RSS MiB`).join(' | ') + ' | growth |',
      '|---|' + sizes.map(() => '---|').join('') + '---|',
    );
    for (const engine of ['bucketkit-upload', 'bucketkit-download', 'lib-storage-upload', 'putobject', 'getobject']) {
      const values = sizes.map((s) => rss(engine, s));
      if (values.some((v) => v === undefined)) continue;
      const growth = ((values.at(-1)! / values[0]! - 1) * 100).toFixed(1);
      lines.push(`| ${engine} | ${values.map((v) => v!.toFixed(0)).join(' | ')} | ${growth}% |`);
    }
    lines.push('');
  }
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
