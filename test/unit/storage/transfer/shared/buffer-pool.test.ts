// The transfer engines' buffer pool: reused buffers on shared memory, which the hash pool hashes in place
// (lib/storage/s3/transfer/shared/source.ts; the GC figures are in docs/benchmarks.md, "Transfer").
import { BufferPool } from '../../../../../lib/storage/s3/transfer/shared/source';

describe('BufferPool', () => {
  test('hands out buffers on a SharedArrayBuffer, of the size asked for', () => {
    const pool = new BufferPool();
    const buffer = pool.take(1000);
    expect(buffer.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(buffer.length).toBe(1000);
  });

  test('a buffer given back is handed out again (same memory), cut to the next size asked for', () => {
    const pool = new BufferPool();
    const first = pool.take(1000);
    first.fill(7);
    pool.give(first);
    const again = pool.take(600);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(600);
    // A larger size than the free buffer holds gets new memory.
    pool.give(again);
    expect(pool.take(2000).buffer).not.toBe(first.buffer);
  });

  test('keeps at most maxFree free buffers', () => {
    const pool = new BufferPool();
    const taken = Array.from({ length: pool.maxFree + 5 }, () => pool.take(16));
    for (const b of taken) pool.give(b);
    const reused = new Set(Array.from({ length: pool.maxFree + 5 }, () => pool.take(16).buffer));
    const fromBefore = taken.filter((b) => reused.has(b.buffer)).length;
    expect(fromBefore).toBe(pool.maxFree);
  });
});
