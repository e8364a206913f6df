/**
 * A range's bytes written at their offsets in the partial file while they arrive, not once the whole range is in.
 *
 * Written so, the bytes go into the page cache while they are still in the CPU's cache. Written as one 16 MiB write
 * after the range was in, they had left it: on this 2-core machine the kernel's copy into the page cache
 * (`copy_folio_from_iter_atomic`) then took about 0.74 s per GiB against 0.07 s for rclone's writes of 128 KiB as
 * bytes arrive (`perf record`, 1 GiB download from MinIO), and the download took 1.08-2.87 s against 0.65-0.70 s
 * (docs/benchmarks.md, "Issue 15").
 *
 * The range is still recorded as finished, and the file renamed into place, only after its check passed: bytes of a
 * range that fails its check are written again by its next attempt.
 */
import type { FileHandle } from 'node:fs/promises';
import type { RangeSink } from './range';

/**
 * Bytes gathered before a write is sent: a direct read's socket reads are about 0.7 MiB each here, so each one is
 * written as it lands; the SDK's 64 KiB chunks (a read the direct path declined) are gathered four at a time.
 */
const MIN_WRITE_BYTES = 256 * 1024;

/** The {@link RangeSink} of a download to a file: positional writes of `buffer`'s bytes at `position` onwards. */
export class RangeWrites implements RangeSink {
  /** Bytes of the buffer written or being written, from its start. */
  private sent = 0;
  /** An attempt started over after bytes of an earlier one were written (see {@link finish}). */
  private restarted = false;
  private readonly writes: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  /**
   * @param handle the partial file, open for writing
   * @param buffer the range's buffer, which the GET fills from its start
   * @param position the range's offset in the file, bytes
   */
  public constructor(
    private readonly handle: FileHandle,
    private readonly buffer: Buffer,
    private readonly position: number,
  ) {}

  public received(filled: number): void {
    // A new attempt (the SDK's retry of the GET, with the same buffer) fills the buffer from its start again: the
    // earlier attempt's bytes may have been wrong (a corrupted answer that then broke), and its writes may still land.
    if (filled < this.sent || (filled === 0 && this.sent > 0)) {
      this.sent = 0;
      this.restarted = true;
    }
    if (filled - this.sent >= MIN_WRITE_BYTES) this.send(filled);
  }

  public async finish(): Promise<void> {
    if (this.sent < this.buffer.length) this.send(this.buffer.length);
    await Promise.all(this.writes);
    // After a restart, writes of both attempts were in flight in no set order: once all of them are done, the whole
    // range is written again from the buffer, which now holds the checked bytes.
    if (this.restarted && !this.failure) {
      this.restarted = false;
      this.sent = 0;
      this.send(this.buffer.length);
      await Promise.all(this.writes);
    }
    if (this.failure) throw this.failure.error;
  }

  public async settle(): Promise<void> {
    await Promise.all(this.writes);
  }

  /** Writes `buffer[sent, upTo)` at its offset; a failure is kept for {@link finish}. */
  private send(upTo: number): void {
    const from = this.sent;
    this.sent = upTo;
    this.writes.push(
      writeAt(this.handle, this.buffer.subarray(from, upTo), this.position + from).catch((error: unknown) => {
        this.failure ??= { error };
      }),
    );
  }
}

/** Writes all of `data` at `position`. */
async function writeAt(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
}
