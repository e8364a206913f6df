/**
 * Readers for what an upload sends: one per source kind. A file is read by ranges into pooled buffers (never whole);
 * bytes are sliced without copying; a stream is cut into parts with one chunk of look-ahead, so the reader knows
 * when the last part has been read.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { InvalidArgumentError, StorageError } from '../../../errors';
import type { UploadSource } from '../../../types/transfer';
import { sharedBuffer } from '../../core/hashing/hash-pool';

/** A source the engine reads parts from. */
export interface SourceReader {
  /** The total size, when known. */
  readonly size?: number;
  /** What identifies the source across runs. */
  readonly fingerprint: { readonly size?: number; readonly mtimeMs?: number };
  /** The file, for a file source. */
  readonly filePath?: string;
  /** True when any part can be read at any time (file, bytes); false for a stream, read once in order. */
  readonly randomAccess: boolean;
  /**
   * True when the part buffers are the reader's own (pooled: file, stream), so the hash pool may transfer them to a
   * worker and back; false when they are views of the caller's bytes, which are copied for hashing instead.
   */
  readonly ownsBuffers: boolean;
  /** Random access: the bytes of `[offset, offset + size)`. */
  readPart(offset: number, size: number): Promise<Buffer>;
  /** Streams: the next `size` bytes (fewer at the end), and whether the stream has ended after them. */
  readNext(size: number): Promise<{ data: Buffer; ended: boolean }>;
  /** Gives a buffer from `readPart`/`readNext` back to the pool. */
  release(buffer: Buffer): void;
  close(): Promise<void>;
}

/** Opens the right reader for a source. `sizeBytes` declares a stream's length. */
export async function openSource(source: UploadSource, sizeBytes?: number): Promise<SourceReader> {
  if (source instanceof Uint8Array) return bytesReader(Buffer.from(source.buffer, source.byteOffset, source.byteLength));
  if (typeof source === 'object' && source !== null && typeof (source as { filePath?: unknown }).filePath === 'string') {
    return fileReader((source as { filePath: string }).filePath);
  }
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) {
    return streamReader((source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator](), sizeBytes);
  }
  throw new InvalidArgumentError('source: must be { filePath }, a Buffer, a Uint8Array, a Readable or an async iterable', { field: 'source' });
}

/** A read the source's kind cannot do: a bug in the engine, never the caller's input, but still a typed error. */
const unsupported = (what: string) => () => Promise.reject(new StorageError(`internal: ${what} is not supported by this source`));

/**
 * Reads a whole stream of declared length `size` (for one PutObject). Reading fewer bytes, or finding more after
 * them, throws {@link InvalidArgumentError} naming `sizeBytes`; a failing stream throws a `StorageError` whose cause
 * is the stream's error.
 */
export async function readWhole(reader: SourceReader, size: number): Promise<Buffer> {
  if (reader.randomAccess) return reader.readPart(0, size);
  let next: { data: Buffer; ended: boolean };
  try {
    next = await reader.readNext(size);
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError(`the source stream failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  if (next.data.length !== size || !next.ended) {
    const what = next.data.length < size ? `ended after ${next.data.length}` : `has more than ${size}`;
    throw new InvalidArgumentError(`sizeBytes: the stream ${what} bytes, but ${size} were declared`, { field: 'sizeBytes' });
  }
  return next.data;
}

/**
 * A declared `sizeBytes` must match what a file or byte source holds (a stream is checked as it is read).
 * @throws InvalidArgumentError naming `sizeBytes`
 */
export function assertDeclaredSize(reader: SourceReader, sizeBytes: number | undefined): void {
  if (sizeBytes === undefined || !reader.randomAccess || reader.size === sizeBytes) return;
  throw new InvalidArgumentError(`sizeBytes: declared ${sizeBytes} bytes, but the source holds ${String(reader.size)}`, { field: 'sizeBytes' });
}

function bytesReader(bytes: Buffer): SourceReader {
  return {
    size: bytes.length,
    fingerprint: { size: bytes.length },
    randomAccess: true,
    ownsBuffers: false,
    readPart: async (offset, size) => bytes.subarray(offset, offset + size),
    readNext: unsupported('readNext'),
    release: () => undefined,
    close: async () => undefined,
  };
}

async function fileReader(filePath: string): Promise<SourceReader> {
  let handle: FileHandle;
  let info;
  try {
    info = await stat(filePath);
    if (!info.isFile()) throw new Error('not a regular file');
    handle = await open(filePath, 'r');
  } catch (cause) {
    throw new InvalidArgumentError(`source.filePath: cannot read ${filePath}: ${(cause as Error).message}`, { field: 'source.filePath', cause });
  }
  const pool = new BufferPool();
  return {
    size: info.size,
    fingerprint: { size: info.size, mtimeMs: info.mtimeMs },
    filePath,
    randomAccess: true,
    ownsBuffers: true,
    async readPart(offset, size) {
      const buffer = pool.take(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled < size) {
        pool.give(buffer);
        throw new InvalidArgumentError(`source.filePath: ${filePath} shrank while it was being uploaded (short read at ${offset + filled})`, {
          field: 'source.filePath',
        });
      }
      return buffer;
    },
    readNext: unsupported('readNext'),
    release: (buffer) => pool.give(buffer),
    close: () => handle.close(),
  };
}

function streamReader(iterator: AsyncIterator<Uint8Array | string>, sizeBytes: number | undefined): SourceReader {
  let leftover: Buffer | undefined;
  let done = false;
  const pool = new BufferPool();
  const pull = async (): Promise<Buffer | undefined> => {
    if (leftover) {
      const chunk = leftover;
      leftover = undefined;
      return chunk;
    }
    if (done) return undefined;
    const next = await iterator.next();
    if (next.done) {
      done = true;
      return undefined;
    }
    const value = next.value;
    return typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  };
  return {
    size: sizeBytes,
    fingerprint: { size: sizeBytes },
    randomAccess: false,
    ownsBuffers: true,
    readPart: unsupported('readPart'),
    async readNext(size) {
      const buffer = pool.take(size);
      let filled = 0;
      while (filled < size) {
        const chunk = await pull();
        if (chunk === undefined) break;
        const take = Math.min(chunk.length, size - filled);
        chunk.copy(buffer, filled, 0, take);
        filled += take;
        if (take < chunk.length) leftover = chunk.subarray(take);
      }
      // One chunk of look-ahead tells whether this was the last part.
      while (!leftover && !done) {
        const peek = await pull();
        if (peek !== undefined && peek.length > 0) leftover = peek;
      }
      return { data: buffer.subarray(0, filled), ended: leftover === undefined && done };
    },
    release: (buffer) => pool.give(buffer),
    async close() {
      if (!done) await iterator.return?.();
    },
  };
}

/**
 * Reuses part buffers, so memory stays at about `concurrency x partSize` instead of growing with garbage.
 * Keeps at most {@link BufferPool.maxFree} free buffers, of the last size asked for. The buffers live on
 * SharedArrayBuffers, which the hash pool hashes in place ({@link sharedBuffer}): a 16 MiB range costs no transfer
 * and no new backing store (each one returned by a worker counted as a fresh 16 MiB allocation, and drove full GCs).
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  public readonly maxFree = 64;

  public take(size: number): Buffer {
    const buffer = this.free.pop();
    if (buffer && buffer.buffer.byteLength >= size) return Buffer.from(buffer.buffer, buffer.byteOffset, size);
    return sharedBuffer(size);
  }

  public give(buffer: Buffer): void {
    if (this.free.length < this.maxFree && buffer.byteOffset === 0) this.free.push(Buffer.from(buffer.buffer, 0, buffer.buffer.byteLength));
  }
}
