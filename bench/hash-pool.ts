/**
 * Hashing inline vs on the hash pool, per algorithm, for 8 MiB and 64 MiB inputs (the range and part sizes the
 * transfer engine hashes).
 *
 *   npm run bench:hash                      # sizes 8 and 64 MiB, 4 rounds
 *   HASH_SIZES_MIB=1,8 HASH_ROUNDS=6 npm run bench:hash
 *
 * For each algorithm and size it prints:
 * - inline: MB/s of one hash on the calling thread (which blocks the event loop that long: the `block ms` column);
 * - pool 1: MB/s of one hash sent to a warm worker and back (the round trip, transfer included);
 * - pool N: MB/s of `workers` x 2 hashes submitted at once (what parallel ranges do), and the event-loop delay p99
 *   measured meanwhile;
 * - copy: the ms to copy the input into a fresh ArrayBuffer (what a caller pays when it must keep its buffer).
 * The load average is printed first: these are CPU-bound figures and a busy machine lowers them.
 */
import { randomFillSync } from 'node:crypto';
import { loadavg, availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HashPool, defaultHashWorkers, engines } from '../lib/storage/s3/core/hashing/hash-pool';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../lib/storage/s3/core/hashing/engines';

const MIB = 1024 * 1024;
const SIZES_MIB = (process.env.HASH_SIZES_MIB ?? '8,64').split(',').map(Number);
const ROUNDS = Number(process.env.HASH_ROUNDS ?? 4);
const WORKERS = Number(process.env.HASH_WORKERS ?? defaultHashWorkers());

function fresh(bytes: number, seed: Buffer): Buffer {
  const b = Buffer.allocUnsafeSlow(bytes);
  seed.copy(b);
  return b;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const [l1, l5] = loadavg();
  console.log(`node ${process.version}, ${availableParallelism()} cores, load ${l1.toFixed(2)} / ${l5.toFixed(2)}, pool workers ${WORKERS}, rounds ${ROUNDS}`);
  console.log(`native CRC32: ${engines().nativeCrc32}, hardware CRC32/CRC32C (@node-rs/crc32): ${engines().hardwareCrc}`);
  const pool = new HashPool({ workers: WORKERS, inlineBelowBytes: Object.fromEntries(HASH_ALGORITHMS.map((a) => [a, 0])) });
  const rows: string[] = [
    '| algorithm | size | inline MB/s | block ms | pool 1 MB/s | pool N MB/s | loop p99 ms (pool N) | copy ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const mib of SIZES_MIB) {
    const seed = randomFillSync(Buffer.allocUnsafe(mib * MIB));
    for (const algorithm of HASH_ALGORITHMS) rows.push(await measure(pool, algorithm, mib, seed));
  }
  await pool.destroy();
  console.log(rows.join('\n'));
}

async function measure(pool: HashPool, algorithm: HashAlgorithm, mib: number, seed: Buffer): Promise<string> {
  const bytes = mib * MIB;
  const inline: number[] = [];
  const single: number[] = [];
  const copies: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    const h = engines().create(algorithm);
    h.update(seed);
    h.digest();
    inline.push(performance.now() - t);
    const data = fresh(bytes, seed);
    await pool.digest(algorithm, fresh(MIB, seed)); // warm the worker
    t = performance.now();
    await pool.digest(algorithm, data);
    single.push(performance.now() - t);
    t = performance.now();
    new Uint8Array(new ArrayBuffer(bytes)).set(seed);
    copies.push(performance.now() - t);
  }
  const batch = Math.max(2, WORKERS * 2);
  const inputs = Array.from({ length: batch }, () => fresh(bytes, seed));
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t = performance.now();
  await Promise.all(inputs.map((d) => pool.digest(algorithm, d)));
  const batchMs = performance.now() - t;
  delay.disable();
  const mbps = (ms: number, n = 1) => ((n * bytes) / MIB / (ms / 1000)).toFixed(0);
  return [
    '',
    algorithm,
    `${mib} MiB`,
    mbps(median(inline)),
    median(inline).toFixed(1),
    mbps(median(single)),
    mbps(batchMs, batch),
    (delay.percentile(99) / 1e6).toFixed(1),
    median(copies).toFixed(1),
    '',
  ]
    .join(' | ')
    .trim();
}

void main();
