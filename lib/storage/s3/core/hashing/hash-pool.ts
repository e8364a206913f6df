/**
 * A small pool of `worker_threads` that hash off the event loop: MD5, SHA-1, SHA-256, CRC32, CRC32C and CRC-64/NVME.
 *
 * - Lazy: no worker starts before the first hash that goes to one; then at most `workers` run, and are reused.
 * - Unref'd while idle, so the pool never keeps the process alive; ref'd while a hash is pending, so a pending hash
 *   is never dropped by the process exiting under it.
 * - Buffers on a `SharedArrayBuffer` (the transfer engines' pooled range and part buffers, {@link sharedBuffer}) are
 *   hashed in place: posted, never transferred, copied or detached, and no new backing store comes back, which keeps
 *   garbage collection (and event-loop pauses) down. The caller must not write them while the hash is pending.
 * - Other buffers the caller owns (`transfer: true`) are transferred to the worker and back (`transferList`), not copied.
 *   While a hash is pending, such a buffer is detached (empty): use the one the promise gives back. Other buffers
 *   (a caller's own bytes, a slice, Node's small-buffer slab) are copied into a fresh ArrayBuffer, and the caller
 *   keeps the original.
 * - A worker that dies fails its pending hashes with {@link HashWorkerError}, never hangs; the next hash starts a
 *   new worker. `destroy()` ends the workers and fails what is pending the same way.
 * - Small inputs are hashed inline, where that measured faster (`inlineBelowBytes`; docs/benchmarks.md, "Hashing").
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HashWorkerError } from '../../../errors';
import { createHashEngines, type HashAlgorithm, type HashEngines } from './engines';
import { hashWorkerSource, type HashReply, type HashRequest } from './hash-worker';

/** Options of {@link HashPool}. */
export interface HashPoolOptions {
  /** Workers at most; 0 hashes everything inline on the calling thread. @default - {@link defaultHashWorkers} */
  readonly workers?: number;
  /** Inputs (or incremental jobs of an expected size) below this many bytes are hashed inline. @default - {@link DEFAULT_INLINE_BELOW_BYTES} */
  readonly inlineBelowBytes?: Partial<Record<HashAlgorithm, number>>;
}

/**
 * Below these sizes a hash runs inline: the round trip to a worker (post, wake, reply) costs more than it saves.
 * From `npm run bench:hash` (docs/benchmarks.md, "Hashing"): at 8 MiB every algorithm already gains from a worker.
 */
export const DEFAULT_INLINE_BELOW_BYTES: Readonly<Record<HashAlgorithm, number>> = {
  MD5: 1024 * 1024,
  SHA1: 1024 * 1024,
  SHA256: 1024 * 1024,
  CRC32: 4 * 1024 * 1024,
  CRC32C: 1024 * 1024,
  CRC64NVME: 1024 * 1024,
};

/** The default pool size: the cores less one for the event loop, at least 1, at most 4. */
export function defaultHashWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** A digest, and the buffer that was hashed (the same memory, back from the worker). */
export interface HashOutcome {
  readonly digest: Buffer;
  readonly data: Buffer;
  /** Whether the engines that hashed run hardware CRCs (`@node-rs/crc32`; engines.ts), in a worker or inline. */
  readonly hardwareCrc: boolean;
}

/** An incremental hash of bytes that arrive in chunks; its state stays in one worker (or inline). */
export interface HashJob {
  /** Adds `data` (transferred when `transfer`, see {@link HashPool.digest}); resolves with the same bytes. */
  update(data: Buffer, transfer?: boolean): Promise<Buffer>;
  /** The digest of everything added. The job is spent afterwards. */
  digest(): Promise<Buffer>;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (reply: HashReply) => void; reject: (error: Error) => void }>;
  dead?: HashWorkerError;
}

/** The paths the workers load packages from (see hashWorkerSource): `@node-rs/crc32` when this install has it. */
function resolvedPackages(): Record<string, string> {
  try {
    return { '@node-rs/crc32': require.resolve('@node-rs/crc32') };
  } catch {
    return {};
  }
}

let inlineEngines: HashEngines | undefined;
/** The engines of the calling thread. */
export function engines(): HashEngines {
  inlineEngines ??= createHashEngines(require);
  return inlineEngines;
}

/** See the module comment. */
export class HashPool {
  /** Workers at most (0: inline only). */
  public readonly workers: number;
  private readonly inlineBelow: Readonly<Record<HashAlgorithm, number>>;
  private readonly slots: Slot[] = [];
  private nextId = 1;

  public constructor(options: HashPoolOptions = {}) {
    this.workers = options.workers ?? defaultHashWorkers();
    this.inlineBelow = { ...DEFAULT_INLINE_BELOW_BYTES, ...options.inlineBelowBytes };
  }

  /** True when a hash of `bytes` with `algorithm` runs inline. */
  public inline(algorithm: HashAlgorithm, bytes: number): boolean {
    return this.workers === 0 || bytes < this.inlineBelow[algorithm];
  }

  /**
   * The digest of `data` (CRCs big-endian). With `transfer`, a buffer that starts its ArrayBuffer is transferred to
   * the worker and back, not copied: pass it only for a buffer the caller owns outright (no other view of that memory
   * is in use, e.g. a caller's own Buffer or a slice of one), and use the `data` the promise gives back, since `data`
   * is detached meanwhile. Without it the bytes are copied into a fresh ArrayBuffer first (the cost is in
   * docs/benchmarks.md, "Hashing": the `copy ms` column).
   * @throws HashWorkerError when the worker died or the pool was destroyed before it answered
   */
  public async digest(algorithm: HashAlgorithm, data: Buffer, transfer = false): Promise<HashOutcome> {
    if (this.inline(algorithm, data.length)) {
      const hasher = engines().create(algorithm);
      hasher.update(data);
      return { digest: Buffer.from(hasher.digest()), data, hardwareCrc: engines().hardwareCrc };
    }
    const job = this.nextId++;
    return this.post(this.pick(), job, algorithm, data, true, transfer);
  }

  /** Opens an incremental hash; `expectedBytes` (the part's size) decides inline or worker, as for {@link digest}. */
  public open(algorithm: HashAlgorithm, expectedBytes: number): HashJob {
    if (this.inline(algorithm, expectedBytes)) {
      const hasher = engines().create(algorithm);
      return {
        update: async (data: Buffer) => (hasher.update(data), data),
        digest: async () => Buffer.from(hasher.digest()),
      };
    }
    const job = this.nextId++;
    const slot = this.pick();
    return {
      update: async (data, transfer = false) => (await this.post(slot, job, algorithm, data, false, transfer)).data,
      digest: async () => (await this.post(slot, job, algorithm, undefined, true, false)).digest,
    };
  }

  /** Ends every worker; pending hashes fail with {@link HashWorkerError}. A later hash starts workers again. */
  public async destroy(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((slot) => {
        this.kill(slot, new HashWorkerError('the hash pool was shut down (storage.destroy()) while a hash was pending'));
        return slot.worker.terminate();
      }),
    );
  }

  /** Test hook: makes every worker exit as if it crashed (each after the requests sent to it before). */
  public crashWorkersForTest(): void {
    for (const slot of this.slots) slot.worker.postMessage({ id: 0, job: 0, algorithm: 'MD5', end: true, crash: true } satisfies HashRequest);
  }

  /** Live workers now. */
  public get running(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** The least busy worker, starting one while there are fewer than `workers`. */
  private pick(): Slot {
    const live = this.slots.filter((s) => !s.dead);
    const idle = live.find((s) => s.pending.size === 0);
    if (idle) return idle;
    if (live.length < this.workers) return this.start();
    return live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(): Slot {
    const worker = new Worker(hashWorkerSource(), { eval: true, name: 'bucketkit-hash', workerData: { resolved: resolvedPackages() } });
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: HashReply) => {
      const waiter = slot.pending.get(reply.id);
      if (!waiter) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      waiter.resolve(reply);
    });
    worker.on('error', (error) => this.kill(slot, new HashWorkerError(`a hash worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.kill(slot, new HashWorkerError(`a hash worker exited (code ${code}) while hashes were pending`)));
    this.slots.push(slot);
    return slot;
  }

  /** Marks a worker dead, fails its pending hashes and forgets it. */
  private kill(slot: Slot, error: HashWorkerError): void {
    if (slot.dead) return;
    slot.dead = error;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    for (const waiter of slot.pending.values()) waiter.reject(error);
    slot.pending.clear();
    slot.worker.unref();
  }

  /** Sends one request and waits for its reply. */
  private async post(slot: Slot, job: number, algorithm: HashAlgorithm, data: Buffer | undefined, end: boolean, transfer: boolean): Promise<HashOutcome> {
    if (slot.dead) throw slot.dead;
    const id = this.nextId++;
    const length = data?.length ?? 0;
    // Shared memory (the transfer engines' range and part buffers) is hashed in place: nothing is detached, copied
    // or allocated, and the caller's buffer stays usable. It must not be written while the hash is pending.
    const shared = data !== undefined && data.buffer instanceof SharedArrayBuffer;
    const owned = data === undefined || shared || (transfer && ownsItsMemory(data));
    const buffer = data === undefined ? undefined : owned ? data.buffer : copyOut(data);
    const request: HashRequest = {
      id,
      job,
      algorithm,
      data: buffer as ArrayBuffer | SharedArrayBuffer | undefined,
      offset: shared ? data.byteOffset : 0,
      length,
      end,
    };
    const reply = await new Promise<HashReply>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(request, buffer && !shared ? [buffer as ArrayBuffer] : []);
    });
    const back = data === undefined ? Buffer.alloc(0) : shared ? data : owned ? Buffer.from(reply.data as ArrayBuffer, 0, length) : data;
    if (reply.error !== undefined) throw new HashWorkerError(`a hash worker could not hash: ${reply.error}`);
    return { digest: Buffer.from(reply.digest ?? []), data: back, hardwareCrc: reply.hardwareCrc === true };
  }
}

/**
 * True when `data` (a buffer its caller owns, see `transfer`) can be transferred: it starts its (non-shared)
 * ArrayBuffer, and either spans all of it or the ArrayBuffer is larger than Node's small-buffer slab
 * (`Buffer.poolSize`), so it is no slab shared with other small Buffers. (A buffer from a reusing pool that is shorter
 * than its memory, such as a last range, qualifies.)
 */
function ownsItsMemory(data: Buffer): boolean {
  const memory = data.buffer;
  return memory instanceof ArrayBuffer && data.byteOffset === 0 && (data.byteLength === memory.byteLength || memory.byteLength > Buffer.poolSize);
}

/**
 * A Buffer of `size` bytes on a `SharedArrayBuffer`: hash pools hash it in place, with no transfer (see the header).
 * Its bytes are not zeroed-out garbage but zeros (SharedArrayBuffer memory starts zeroed).
 */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

/** A copy of `data` in a fresh ArrayBuffer, to transfer in its place. */
function copyOut(data: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(data.length);
  new Uint8Array(copy).set(data);
  return copy;
}

let inlinePool: HashPool | undefined;
/** The context's hash pool, or (for a hand-made context without one) a pool that hashes inline. */
export function hashPoolOf(ctx: { readonly hashPool?: HashPool }): HashPool {
  if (ctx.hashPool) return ctx.hashPool;
  inlinePool ??= new HashPool({ workers: 0 });
  return inlinePool;
}
