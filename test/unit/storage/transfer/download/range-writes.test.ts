/** RangeWrites (transfer/download/range-writes.ts): a range's bytes written at their file offsets as they arrive. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RangeWrites } from '../../../../../lib/storage/s3/transfer/download/range-writes';

const KIB = 1024;
const pattern = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

describe('RangeWrites', () => {
  let dir: string;
  let file: string;
  let handle: FileHandle;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bk-range-writes-'));
    file = join(dir, 'partial');
    handle = await open(file, 'w+');
    await handle.truncate(3 * 1024 * KIB);
  });
  afterEach(async () => {
    await handle.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('bytes reported as they arrive are written at the range offset, in writes of at least 256 KiB, the rest at finish()', async () => {
    const data = pattern(1024 * KIB + 100, 3);
    const buffer = Buffer.alloc(data.length);
    const writes: number[] = [];
    const write = handle.write.bind(handle);
    jest.spyOn(handle, 'write').mockImplementation(((b: Buffer, offset: number, length: number, position: number) => {
      writes.push(length);
      return write(b, offset, length, position);
    }) as FileHandle['write']);
    const sink = new RangeWrites(handle, buffer, 1024 * KIB);
    for (const upTo of [100 * KIB, 200 * KIB, 300 * KIB, 700 * KIB, 750 * KIB, data.length]) {
      data.copy(buffer, 0, 0, upTo);
      sink.received(upTo);
    }
    await sink.finish();
    expect(writes.every((n, i) => n >= 256 * KIB || i === writes.length - 1)).toBe(true);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(data.length);
    const onDisk = readFileSync(file);
    expect(onDisk.subarray(1024 * KIB, 1024 * KIB + data.length).equals(data)).toBe(true);
    expect(onDisk.subarray(0, 1024 * KIB).every((b) => b === 0)).toBe(true);
  });

  test('an attempt that starts over (a count lower than before) is written again from the start of the range', async () => {
    const data = pattern(600 * KIB, 5);
    const buffer = Buffer.alloc(data.length);
    const sink = new RangeWrites(handle, buffer, 0);
    // The first attempt: garbage in the buffer's first 300 KiB, then the connection breaks.
    buffer.fill(0xee, 0, 300 * KIB);
    sink.received(300 * KIB);
    await sink.settle();
    // The second attempt fills it again from 0, with the right bytes.
    data.copy(buffer, 0, 0, 100 * KIB);
    sink.received(100 * KIB);
    data.copy(buffer, 0, 0, data.length);
    sink.received(data.length);
    await sink.finish();
    expect(readFileSync(file).subarray(0, data.length).equals(data)).toBe(true);
  });

  test("an attempt that starts over with 0 and whose first read is larger than what was written: the earlier attempt's bytes are replaced", async () => {
    // The SDK's retry of a GET whose first answer carried a corrupted byte and then broke: its first socket read (1
    // MiB) is more than the 300 KiB already written, so only the told 0 says that the bytes were replaced.
    const good = pattern(2 * 1024 * KIB, 11);
    const buffer = Buffer.from(good);
    const sink = new RangeWrites(handle, buffer, 0);
    buffer[100] ^= 0xff;
    sink.received(0);
    sink.received(300 * KIB);
    good.copy(buffer);
    sink.received(0);
    sink.received(1024 * KIB);
    sink.received(good.length);
    await sink.finish();
    expect(readFileSync(file).subarray(0, good.length).equals(good)).toBe(true);
  });

  test('a write that fails makes finish() throw that error; settle() waits for the writes in flight and does not throw', async () => {
    const buffer = pattern(512 * KIB, 9);
    const failure = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    let inFlight = 0;
    jest.spyOn(handle, 'write').mockImplementation((async () => {
      inFlight++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      throw failure;
    }) as unknown as FileHandle['write']);
    const sink = new RangeWrites(handle, buffer, 0);
    sink.received(300 * KIB);
    expect(inFlight).toBe(1);
    await sink.settle();
    expect(inFlight).toBe(0);
    await expect(sink.finish()).rejects.toBe(failure);
  });
});
