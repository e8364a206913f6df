/**
 * The code a hash worker runs, and the messages it speaks. A worker keeps one {@link Hasher} per open job (so a part
 * that arrives in chunks is hashed incrementally, its state in the worker), and sends every buffer it was handed
 * back to the caller (transferred, not copied), with the digest when the job ends.
 */
import { createHashEngines, type HashAlgorithm, type Hasher, type RequireLike } from './engines';

/** A request to a worker. `data` is transferred to the worker and comes back in the reply. */
export interface HashRequest {
  /** Correlates the reply. */
  readonly id: number;
  /** The job: its hasher lives in the worker from the first message that names it until `end`. */
  readonly job: number;
  readonly algorithm: HashAlgorithm;
  /** The bytes: an ArrayBuffer is transferred (and comes back); a SharedArrayBuffer is read in place and not sent back. */
  readonly data?: ArrayBuffer | SharedArrayBuffer;
  readonly offset?: number;
  readonly length?: number;
  /** Digest, and forget the job. */
  readonly end: boolean;
  /** Test hook: the worker exits at once, as if it crashed. */
  readonly crash?: boolean;
}

/** A worker's reply. */
export interface HashReply {
  readonly id: number;
  /** The request's `data`, transferred back. */
  readonly data?: ArrayBuffer;
  /** The digest, when the request ended the job. */
  readonly digest?: Uint8Array;
  /** The failure's message, when it failed. */
  readonly error?: string;
  /** With a digest: whether the worker's engines run hardware CRCs (engines.ts). */
  readonly hardwareCrc?: boolean;
}

/** What a worker needs from `node:worker_threads`. */
interface PortLike {
  on(event: 'message', listener: (request: HashRequest) => void): void;
  postMessage(reply: HashReply, transfer?: ArrayBuffer[]): void;
}

/* istanbul ignore next -- runs in the workers, from its source text */
/** The worker's main loop. Self-contained, like `createHashEngines`, which it is handed as source. */
export function hashWorkerMain(load: RequireLike, engineFactory: typeof createHashEngines): void {
  const engines = engineFactory(load);
  const port = (load('node:worker_threads') as { parentPort: PortLike }).parentPort;
  const jobs = new Map<number, Hasher>();
  port.on('message', (request) => {
    if (request.crash) process.exit(70);
    // Shared memory is read in place: nothing to send back (and it cannot be in a transfer list).
    const data = request.data instanceof ArrayBuffer ? request.data : undefined;
    const back = data ? [data] : [];
    try {
      let hasher = jobs.get(request.job);
      if (!hasher) {
        hasher = engines.create(request.algorithm);
        jobs.set(request.job, hasher);
      }
      if (request.data) hasher.update(new Uint8Array(request.data, request.offset ?? 0, request.length ?? request.data.byteLength));
      if (!request.end) return port.postMessage({ id: request.id, data }, back);
      jobs.delete(request.job);
      port.postMessage({ id: request.id, data, digest: hasher.digest(), hardwareCrc: engines.hardwareCrc }, back);
    } catch (error) {
      jobs.delete(request.job);
      port.postMessage({ id: request.id, data, error: String((error as Error)?.message ?? error) }, back);
    }
  });
}

/**
 * The source text a worker is started with (`new Worker(source, { eval: true })`). It starts with a no-op `__name`:
 * esbuild (tsx, bundlers with `keepNames`) wraps inner functions in that helper, which the worker would lack. Under a
 * coverage run (istanbul-style instrumentation adds `cov_<id>().s[n]++` counters to the functions' text), each
 * counter function is defined as a stub that counts nothing, so the worker still runs.
 */
export function hashWorkerSource(): string {
  // An eval worker's `require` resolves from the working directory: packages come by the paths resolved here instead.
  const load = `(id) => require(require('node:worker_threads').workerData?.resolved?.[id] ?? id)`;
  const body = `(${hashWorkerMain.toString()})(${load}, ${createHashEngines.toString()});`;
  const counters = [...new Set(body.match(/\bcov_[A-Za-z0-9_]+(?=\(\))/g) ?? [])];
  const stubs = counters.length
    ? 'var __bkCov = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => 0 : __bkCov), set: () => true });\n' +
      counters.map((name) => `var ${name} = function () { return __bkCov; };`).join('\n')
    : '';
  return `var __name = (f) => f;\n${stubs}\n${body}`;
}
