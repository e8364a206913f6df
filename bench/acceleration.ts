/**
 * Transfer Acceleration, emulated: `compareAcceleration()` (AWS's speed-comparison method) run through two emulated
 * network paths in front of one local MinIO, then again with the paths swapped, to show the recommendation follow
 * the faster path.
 *
 *   npm run bench:acceleration -- [--kib 1024] [--samples 3] [--window-kib 256] [--no-write]
 *
 * - "regional": a long path to the bucket's Region, 150 ms round trip.
 * - "accelerated": a short path to a nearby edge location, 40 ms round trip (AWS carries the rest on its backbone).
 * Each TCP connection on each path is capped at window / RTT (`--window-kib`, default 256 KiB), the throughput a
 * TCP flow with that window gets over that round trip; that is why a nearer edge is faster, not only the shorter
 * handshake. The relay is bench/latency-relay.ts (this kernel has no netem, see bench/long-distance.ts).
 * Results go to docs/benchmarks.md, section "## Transfer Acceleration (emulated)".
 */
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompareAccelerationResult, S3Storage } from '../lib/storage';
import { LatencyRelay } from './latency-relay';
import { writeSection } from './overhead';
import { serverEnv } from './server-env';

const ROOT = join(__dirname, '..');
const KIB = 1024;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SIZE = arg('kib', 1024) * KIB;
const SAMPLES = arg('samples', 3);
const WINDOW_BYTES = arg('window-kib', 256) * KIB;
const REGIONAL_RTT_MS = 150;
const ACCELERATED_RTT_MS = 40;

/** A path: a relay with half the round trip each way and a per-connection cap of window / RTT. */
function startPath(port: number, rttMs: number): Promise<LatencyRelay> {
  return LatencyRelay.start(port, rttMs / 2, WINDOW_BYTES / (rttMs / 1000));
}

interface Run {
  readonly label: string;
  readonly regionalRttMs: number;
  readonly acceleratedRttMs: number;
  readonly result: CompareAccelerationResult;
  readonly upperBoundUsd: number;
}

async function compareThrough(
  bucket: string,
  regional: LatencyRelay,
  accelerated: LatencyRelay,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<{ result: CompareAccelerationResult; upperBoundUsd: number }> {
  const acceleratedClient = new S3Client({
    endpoint: accelerated.endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const storage = new S3Storage({ bucket, endpoint: regional.endpoint, region: 'us-east-1', credentials, acceleratedClient });
  try {
    const result = await storage.compareAcceleration({ sizeBytes: SIZE, samples: SAMPLES });
    return { result, upperBoundUsd: storage.accelerationMetrics().cost.upperBoundUsd };
  } finally {
    storage.destroy();
    acceleratedClient.destroy();
  }
}

async function main(): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), 'bk-accel-'));
  const env = { ...process.env, BUCKETKIT_STATE_DIR: state };
  const script = join(ROOT, 'scripts/servers/minio.sh');
  execFileSync('bash', [script, 'up'], { env, stdio: 'inherit' });
  const vars = serverEnv(script, env);
  const port = Number(new URL(vars.S3_ENDPOINT).port);
  const credentials = { accessKeyId: vars.S3_ACCESS_KEY_ID, secretAccessKey: vars.S3_SECRET_ACCESS_KEY };
  const bucket = `bk-accel-${Date.now().toString(36)}`;
  const near = new S3Storage({ bucket, endpoint: vars.S3_ENDPOINT, region: 'us-east-1', credentials });
  const far = await startPath(port, REGIONAL_RTT_MS);
  const edge = await startPath(port, ACCELERATED_RTT_MS);
  const runs: Run[] = [];
  try {
    await near.send(new CreateBucketCommand({ Bucket: bucket }));
    const first = await compareThrough(bucket, far, edge, credentials);
    runs.push({ label: 'as on a long-distance client', regionalRttMs: REGIONAL_RTT_MS, acceleratedRttMs: ACCELERATED_RTT_MS, ...first });
    const swapped = await compareThrough(bucket, edge, far, credentials);
    runs.push({ label: 'paths swapped (a client near the Region)', regionalRttMs: ACCELERATED_RTT_MS, acceleratedRttMs: REGIONAL_RTT_MS, ...swapped });
    await near.send(new DeleteBucketCommand({ Bucket: bucket })); // fails unless compareAcceleration deleted its objects
  } finally {
    near.destroy();
    await far.stop();
    await edge.stop();
    execFileSync('bash', [script, 'down'], { env, stdio: 'inherit' });
    rmSync(state, { recursive: true, force: true });
  }
  const cap = (rtt: number) => ((WINDOW_BYTES / (rtt / 1000) / 1e6) * 8).toFixed(1);
  const fmt = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(', ');
  const rows = runs.map(
    (r) =>
      `| ${r.label} | ${r.regionalRttMs} ms, ${cap(r.regionalRttMs)} Mbit/s | ${r.acceleratedRttMs} ms, ${cap(r.acceleratedRttMs)} Mbit/s | ${r.result.regionalMBps.toFixed(2)} (${fmt(r.result.regionalSamplesMBps)}) | ${r.result.acceleratedMBps.toFixed(2)} (${fmt(r.result.acceleratedSamplesMBps)}) | ${(r.result.gain * 100).toFixed(0)} % | **${r.result.recommendation}** | $${r.upperBoundUsd.toFixed(6)} |`,
  );
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} against MinIO through bench/latency-relay.ts: \`compareAcceleration({ sizeBytes: ${SIZE}, samples: ${SAMPLES} })\` (one PutObject per sample, the endpoints alternating, medians compared, recommendation at a gain of 10 % or more), each TCP connection capped at ${WINDOW_BYTES / KIB} KiB / RTT, Node ${process.version}.`,
    '',
    '| run | regional path (RTT, cap per connection) | accelerated path | regional MB/s, median (samples) | accelerated MB/s, median (samples) | gain | recommendation | fee upper bound for the accelerated bytes |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);
  if (runs.length !== 2 || runs[0].result.recommendation !== 'accelerate' || runs[1].result.recommendation !== 'regional') {
    console.error('expected the recommendation to flip from accelerate to regional when the paths swap');
    process.exitCode = 1;
  }
  if (!process.argv.includes('--no-write')) {
    writeSection(
      'Transfer Acceleration (emulated)',
      `Command: \`npm run bench:acceleration\` (bench/acceleration.ts). There is no accelerate endpoint offline, so two paths to one local MinIO play the two endpoints: "regional" is a ${REGIONAL_RTT_MS} ms round trip (a client far from the bucket's Region), "accelerated" a ${ACCELERATED_RTT_MS} ms one (the same client to a nearby edge location; AWS carries the rest on its network). Each connection is capped at window / RTT, the rate a TCP flow with that window reaches over that round trip, which is where a nearer edge gains. The second run swaps the paths, as for a client next to the Region, where the edge is the longer way round: the recommendation follows the faster path. What this does not show: the real edge-to-Region leg, and AWS's own check that skips the fee when acceleration was not faster (see docs/acceleration.md).\n\n${table}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
