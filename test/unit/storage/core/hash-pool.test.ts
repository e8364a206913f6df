/**
 * The hash engines (known check values, and agreement on odd lengths with node:crypto, zlib and a bit-at-a-time CRC) and the hash pool: transfer and return of buffers,
 * incremental jobs whose state stays in a worker, a dying worker, destroy, and the inline threshold.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { HashWorkerError } from '../../../../lib/storage/errors';
import { HASH_ALGORITHMS, createHashEngines, type HashAlgorithm } from '../../../../lib/storage/s3/core/hashing/engines';
import { HashPool, engines, hashPoolOf, sharedBuffer } from '../../../../lib/storage/s3/core/hashing/hash-pool';
import { crc32 as zlibCrc32 } from 'node:zlib';

const CHECK = Buffer.from('123456789');
// Check values: the CRC catalogue (reveng.sourceforge.io/crc-catalogue) for CRC-32/ISO-HDLC, CRC-32/ISCSI and
// CRC-64/NVME; RFC 1321 / FIPS 180 tooling for the digests.
const KNOWN: Record<HashAlgorithm, string> = {
  CRC32: 'cbf43926',
  CRC32C: 'e3069283',
  CRC64NVME: 'ae8b14860a799888',
  MD5: '25f9e794323b453885f5181f1b624d0b',
  SHA1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
  SHA256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
};

/** A reflected CRC computed one bit at a time (init and xorout all ones): slow, and independent of the engines. */
function bitwiseCrc(data: Uint8Array, poly: bigint, width: bigint): string {
  const mask = (1n << width) - 1n;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return ((crc ^ mask) & mask).toString(16).padStart(Number(width / 4n), '0');
}

/** The digest from an independent implementation. */
function reference(algorithm: HashAlgorithm, data: Buffer): string {
  switch (algorithm) {
    case 'CRC32':
      return ((zlibCrc32 as unknown as (d: Uint8Array) => number)(data) >>> 0).toString(16).padStart(8, '0');
    case 'CRC32C':
      return bitwiseCrc(data, 0x82f63b78n, 32n);
    case 'CRC64NVME':
      return bitwiseCrc(data, 0x9a6c9329ac4bc9b5n, 64n);
    default:
      return createHash(algorithm.toLowerCase()).update(data).digest('hex');
  }
}

/** A buffer that owns its whole ArrayBuffer (transferable). */
function owned(data: Buffer): Buffer {
  const b = Buffer.allocUnsafeSlow(data.length);
  data.copy(b);
  return b;
}

describe('hash engines', () => {
  it.each(HASH_ALGORITHMS)('%s gives the check value of "123456789"', (algorithm) => {
    const h = engines().create(algorithm);
    h.update(CHECK);
    expect(Buffer.from(h.digest()).toString('hex')).toBe(KNOWN[algorithm]);
  });

  it.each(HASH_ALGORITHMS)('%s agrees with the reference on odd lengths, fed in uneven chunks', (algorithm) => {
    const data = randomBytes(100_003);
    const h = engines().create(algorithm);
    for (const cut of [
      [0, 1],
      [1, 9],
      [9, 4_100],
      [4_100, 100_003],
    ])
      h.update(data.subarray(cut[0], cut[1]));
    expect(Buffer.from(h.digest()).toString('hex')).toBe(reference(algorithm, data));
  });
});

describe('hardware CRCs (@node-rs/crc32)', () => {
  /** The engines without @node-rs/crc32, as in a handler bundle or on a platform it has no build for. */
  const fallback = createHashEngines((id) => {
    if (id === '@node-rs/crc32') throw new Error(`Cannot find module '${id}'`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engines take a require, as in production
    return require(id);
  });

  test('load here, and without them the engines fall back (CRC32 on zlib.crc32, CRC32C on tables)', () => {
    expect(engines().hardwareCrc).toBe(true);
    expect(fallback.hardwareCrc).toBe(false);
    expect(fallback.nativeCrc32).toBe(true);
  });

  it.each(['CRC32', 'CRC32C'] as const)('%s: the same digests with and without them, fed in uneven chunks', (algorithm) => {
    for (const length of [0, 1, 7, 8, 9, 4_095, 65_537]) {
      const data = randomBytes(length);
      const a = engines().create(algorithm);
      const b = fallback.create(algorithm);
      for (let at = 0; at < length; at += 1 + (at % 1_000)) {
        const piece = data.subarray(at, at + 1 + (at % 1_000));
        a.update(piece);
        b.update(piece);
      }
      expect(Buffer.from(a.digest()).toString('hex')).toBe(Buffer.from(b.digest()).toString('hex'));
    }
  });

  test('the workers load them from this install, not from their working directory', async () => {
    const cwd = process.cwd();
    const pool = new HashPool({ workers: 1, inlineBelowBytes: { CRC32C: 0 } });
    try {
      // An eval worker's own require resolves from here, where no node_modules holds @node-rs/crc32.
      process.chdir(tmpdir());
      const data = sharedBuffer(1024 * 1024);
      randomFillSync(data);
      const outcome = await pool.digest('CRC32C', data, true);
      expect(outcome.hardwareCrc).toBe(true);
      expect(outcome.digest.toString('hex')).toBe(reference('CRC32C', data));
    } finally {
      process.chdir(cwd);
      await pool.destroy();
    }
  });
});

describe('HashPool', () => {
  const pool = new HashPool({ workers: 2, inlineBelowBytes: Object.fromEntries(HASH_ALGORITHMS.map((a) => [a, 1024])) });
  afterAll(() => pool.destroy());

  it.each(HASH_ALGORITHMS)('%s on a worker: the digest, and the same bytes handed back after the transfer', async (algorithm) => {
    const data = randomBytes(300_001);
    const input = owned(data);
    const pending = pool.digest(algorithm, input, true);
    // Transferred, not copied: the caller's view is detached while the worker holds the memory.
    expect(input.length).toBe(0);
    const { digest, data: back } = await pending;
    expect(digest.toString('hex')).toBe(reference(algorithm, data));
    expect(back.equals(data)).toBe(true);
  });

  it('copies a buffer that shares its ArrayBuffer (a slice), even when asked to transfer, and leaves the caller its bytes', async () => {
    const big = randomBytes(200_000);
    const slice = big.subarray(10, 150_010);
    const { digest, data } = await pool.digest('MD5', slice, true);
    expect(digest.toString('hex')).toBe(reference('MD5', Buffer.from(slice)));
    expect(slice.length).toBe(150_000);
    expect(data).toBe(slice);
  });

  it.each(HASH_ALGORITHMS)('%s of shared memory: hashed in place, at an offset, never detached, the same Buffer back', async (algorithm) => {
    const data = randomBytes(700_000);
    const memory = sharedBuffer(1_000_000);
    data.copy(memory, 123);
    const view = memory.subarray(123, 123 + data.length);
    const pending = pool.digest(algorithm, view, true);
    // Nothing moved: the caller's view keeps its bytes while the worker reads them.
    expect(view.length).toBe(data.length);
    const { digest, data: back } = await pending;
    expect(digest.toString('hex')).toBe(reference(algorithm, data));
    expect(back).toBe(view);
    expect(back.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('an incremental job over shared memory gives the digest of every chunk in order', async () => {
    const data = randomBytes(900_000);
    const memory = sharedBuffer(data.length);
    data.copy(memory);
    const job = pool.open('MD5', data.length);
    for (let offset = 0; offset < data.length; offset += 300_000) {
      const chunk = memory.subarray(offset, offset + 300_000);
      expect(await job.update(chunk, true)).toBe(chunk);
    }
    expect((await job.digest()).toString('hex')).toBe(reference('MD5', data));
  });

  it("without transfer, copies: a caller's buffer (here the start of a larger one) is never detached", async () => {
    const callers = owned(randomBytes(400_000));
    const firstPart = callers.subarray(0, 300_000);
    const pending = pool.digest('SHA256', firstPart);
    expect(callers.length).toBe(400_000);
    const { digest, data } = await pending;
    expect(digest.toString('hex')).toBe(reference('SHA256', Buffer.from(firstPart)));
    expect(data).toBe(firstPart);
  });

  it('hashes incrementally with the state in one worker, and can run many jobs at once', async () => {
    const parts = [randomBytes(70_001), randomBytes(70_002), randomBytes(70_003)];
    const jobs = parts.map((p) => ({ p, job: pool.open('CRC64NVME', p.length) }));
    await Promise.all(
      jobs.map(async ({ p, job }) => {
        for (let i = 0; i < p.length; i += 9_000) await job.update(owned(p.subarray(i, i + 9_000)), true);
      }),
    );
    for (const { p, job } of jobs) expect((await job.digest()).toString('hex')).toBe(reference('CRC64NVME', p));
  });

  it('hashes below the threshold inline (no worker started) and above it on a worker', async () => {
    const fresh = new HashPool({ workers: 1, inlineBelowBytes: { MD5: 1000 } });
    await fresh.digest('MD5', randomBytes(999));
    expect(fresh.running).toBe(0);
    await fresh.digest('MD5', owned(randomBytes(1000)), true);
    expect(fresh.running).toBe(1);
    await fresh.destroy();
    expect(fresh.running).toBe(0);
  });

  it('fails the pending hashes of a worker that dies with HashWorkerError, then starts a new worker', async () => {
    const fragile = new HashPool({ workers: 1, inlineBelowBytes: { SHA256: 0 } });
    await fragile.digest('SHA256', owned(randomBytes(10)));
    const job = fragile.open('SHA256', 1_000_000);
    await job.update(owned(randomBytes(1000)), true);
    fragile.crashWorkersForTest();
    const pending = fragile.digest('SHA256', owned(randomBytes(100_000)));
    await expect(pending).rejects.toBeInstanceOf(HashWorkerError);
    await expect(pending).rejects.toMatchObject({ code: 'HashWorker', retryable: true });
    // The job's state died with its worker: it fails too, rather than giving a digest of half the bytes.
    await expect(job.digest()).rejects.toBeInstanceOf(HashWorkerError);
    const data = randomBytes(100_000);
    expect((await fragile.digest('SHA256', owned(data))).digest.toString('hex')).toBe(reference('SHA256', data));
    await fragile.destroy();
  });

  it('destroy() fails what is pending with HashWorkerError', async () => {
    const doomed = new HashPool({ workers: 1, inlineBelowBytes: { MD5: 0 } });
    const settled = doomed.digest('MD5', owned(randomBytes(4_000_000))).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await doomed.destroy();
    const error = await settled;
    expect(error).toBeInstanceOf(HashWorkerError);
    expect((error as Error).message).toMatch(/shut down/);
  });

  it('hashPoolOf gives a hand-made context an inline pool', async () => {
    const inline = hashPoolOf({});
    expect(inline.workers).toBe(0);
    const data = randomBytes(5_000_000);
    expect((await inline.digest('CRC32C', data)).digest.toString('hex')).toBe(reference('CRC32C', data));
  });
});
