/**
 * Sweep of the transfer defaults: concurrency x part/range size, upload and verified download of one file, on MinIO.
 * The defaults (range size, part size, concurrency) are to be chosen from its figures on a quiet machine
 * (docs/benchmarks.md, "Sweep"), next to the peers' defaults in ../shared/reference/transfer-anchors.md.
 *
 *   npm run bench:sweep                                   # 1 GiB, concurrency 4,8,16 x sizes 8,16,32,64 MiB, 1 round
 *   npm run bench:sweep -- --size-mib 64 --concurrency 4,8 --sizes-mib 8,16   # a sanity run
 *   S3_ENDPOINT=... S3_ACCESS_KEY_ID=... S3_SECRET_ACCESS_KEY=... npm run bench:sweep -- --from-env
 *   options: --rounds N (median of N), --json out.json
 *
 * Each cell uploads the file with parts of that size (`targetPartSizeBytes`) and that concurrency, then downloads it
 * with the same concurrency: ranges follow the parts, so the download is verified as by default (the multipart ETag,
 * MD5 on the hash pool). Every cell reports MB/s, the event-loop delay p99 (`monitorEventLoopDelay`, 10 ms
 * resolution) during the transfer, and this process's peak RSS so far (`process.resourceUsage().maxRSS`; it only
 * grows, so read it by row order). The load average is printed first and per cell: the machine is shared.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { S3Storage } from '../lib/storage';
import { serverEnv } from './server-env';

const ROOT = join(__dirname, '..');
const MIB = 1024 * 1024;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const list = (text: string) => text.split(',').map(Number);

interface Target {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): void;
}

/** MinIO from scripts/servers/minio.sh (own state dir, stopped at the end), or the server in S3_* with --from-env. */
function startTarget(): Target {
  if (process.argv.includes('--from-env')) {
    return {
      endpoint: process.env.S3_ENDPOINT!,
      accessKeyId: process.env.S3_ACCESS_KEY_ID!,
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
      stop: () => undefined,
    };
  }
  const env = { ...process.env, BUCKETKIT_STATE_DIR: mkdtempSync(join(tmpdir(), 'bk-sweep-')) };
  const script = join(ROOT, 'scripts/servers/minio.sh');
  execFileSync('bash', [script, 'up'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const vars = serverEnv(script, env);
  return {
    endpoint: vars.S3_ENDPOINT,
    accessKeyId: vars.S3_ACCESS_KEY_ID,
    secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
    stop: () => execFileSync('bash', [script, 'down'], { env, stdio: 'ignore' }),
  };
}

/** Runs `work` and measures seconds and the event-loop delay p99 (ms) meanwhile. */
async function timed(work: () => Promise<unknown>): Promise<{ seconds: number; loopP99Ms: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  return { seconds, loopP99Ms: delay.percentile(99) / 1e6 };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const sizeMib = Number(arg('--size-mib') ?? 1024);
  const concurrencies = list(arg('--concurrency') ?? '4,8,16');
  const partSizes = list(arg('--sizes-mib') ?? '8,16,32,64');
  const rounds = Number(arg('--rounds') ?? 1);
  const target = startTarget();
  const dir = mkdtempSync(join(tmpdir(), 'bk-sweep-data-'));
  const file = join(dir, 'source.bin');
  // The file is written in 8 MiB random blocks, never held whole.
  const fd = openSync(file, 'w');
  const block = Buffer.allocUnsafe(8 * MIB);
  for (let left = sizeMib * MIB; left > 0; left -= block.length) writeSync(fd, randomFillSync(block), 0, Math.min(block.length, left));
  closeSync(fd);
  const bucket = `bk-sweep-${Date.now().toString(36)}`;
  const rows: Record<string, unknown>[] = [];
  const [l1, l5] = loadavg();
  console.log(`sweep: ${sizeMib} MiB on ${target.endpoint}, node ${process.version}, load ${l1.toFixed(2)} / ${l5.toFixed(2)}, ${rounds} round(s)`);
  console.log(
    '| concurrency | part/range MiB | upload MB/s | upload loop p99 ms | download MB/s | download loop p99 ms | verification | peak RSS MiB | load (1 min) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  try {
    for (const concurrency of concurrencies) {
      const storage = new S3Storage({
        bucket,
        endpoint: target.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
        concurrency,
      });
      await storage.client.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
      for (const partMib of partSizes) {
        const up: number[] = [];
        const down: number[] = [];
        const upLoop: number[] = [];
        const downLoop: number[] = [];
        let verification = '';
        for (let r = 0; r < rounds; r++) {
          const key = `sweep/${concurrency}-${partMib}`;
          const u = await timed(() =>
            storage.upload(key, { filePath: file }, { targetPartSizeBytes: partMib * MIB, multipartThresholdBytes: partMib * MIB, concurrency }),
          );
          const dest = join(dir, 'download.bin');
          let result: Awaited<ReturnType<S3Storage['download']>> | undefined;
          const d = await timed(async () => (result = await storage.download(key, dest, { concurrency, resume: false })));
          verification = result!.verification.kind;
          rmSync(dest, { force: true });
          up.push(sizeMib / u.seconds);
          down.push(sizeMib / d.seconds);
          upLoop.push(u.loopP99Ms);
          downLoop.push(d.loopP99Ms);
          await storage.delete(key);
        }
        const row = {
          concurrency,
          partMib,
          uploadMBps: median(up),
          uploadLoopP99Ms: median(upLoop),
          downloadMBps: median(down),
          downloadLoopP99Ms: median(downLoop),
          verification,
          peakRssMiB: process.resourceUsage().maxRSS / 1024,
          load1: loadavg()[0],
        };
        rows.push(row);
        const f = (n: number) => n.toFixed(0);
        console.log(
          `| ${concurrency} | ${partMib} | ${f(row.uploadMBps)} | ${f(row.uploadLoopP99Ms)} | ${f(row.downloadMBps)} | ${f(row.downloadLoopP99Ms)} | ${verification} | ${f(row.peakRssMiB)} | ${row.load1.toFixed(2)} |`,
        );
      }
      storage.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    target.stop();
  }
  const out = arg('--json');
  if (out) writeFileSync(out, JSON.stringify({ sizeMib, rounds, rows }, null, 2));
}

void main();
