/**
 * Hashing a file (or a byte range of it) on the session's hash pool, in reads of {@link FILE_READ_BYTES} into buffers
 * that are transferred to the worker, not copied: a download's ranges resumed without a digest, its whole-object MD5,
 * and the MD5 an upload in one PutObject from a file is checked against.
 */
import { open } from 'node:fs/promises';
import { MIB } from '../../../../rules/limits';
import type { HashAlgorithm } from '../../core/hashing/engines';
import type { HashPool } from '../../core/hashing/hash-pool';

/** Bytes per read. */
const FILE_READ_BYTES = 8 * MIB;

/** The MD5 of the first `size` bytes of `file`, hex, hashed on the pool. */
export async function md5OfFile(pool: HashPool, file: string, size: number): Promise<string> {
  return (await hashFileRange(pool, file, 'MD5', 0, size)).toString('hex');
}

/** Hashes `length` bytes of `file` from `start` on the pool; a file that ends early is hashed as far as it goes. */
export async function hashFileRange(pool: HashPool, file: string, algorithm: HashAlgorithm, start: number, length: number): Promise<Buffer> {
  const job = pool.open(algorithm, length);
  const handle = await open(file, 'r');
  try {
    let buffer: Buffer = Buffer.allocUnsafeSlow(Math.min(FILE_READ_BYTES, Math.max(1, length)));
    for (let done = 0; done < length;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - done), start + done);
      if (bytesRead === 0) break;
      buffer = Buffer.from((await job.update(buffer.subarray(0, bytesRead), true)).buffer as ArrayBuffer);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return job.digest();
}
