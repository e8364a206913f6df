/** Shared machinery of the transfer engine: retry with back-off, cancellation, a slot semaphore and progress. */
import { setMaxListeners } from 'node:events';
import { AbortedError, StorageError, UnknownStorageError } from '../../../errors';
import type { TransferProgress } from '../../../types/transfer';

/** Default attempts per part or range, on top of the SDK's own retries. */
export const DEFAULT_MAX_PART_ATTEMPTS = 4;
/** Default base of the exponential back-off between part or range attempts. */
export const DEFAULT_RETRY_BASE_DELAY_MS = 250;
/** The back-off never waits longer than this. */
export const MAX_RETRY_DELAY_MS = 10_000;

/** Sleeps, or rejects with {@link AbortedError} as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error a cancelled transfer throws. */
export function abortedError(_signal: AbortSignal, message = 'the transfer was cancelled'): AbortedError {
  return new AbortedError(message);
}

/**
 * Runs `attempt` until it succeeds, it throws a non-retryable error, or `maxAttempts` ran out. Waits
 * `base * 2^n` ms with full jitter between attempts. `onRetry` hears about each failed attempt that will be retried.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: { maxAttempts: number; baseDelayMs: number; signal?: AbortSignal; onRetry?: (error: unknown, attemptNumber: number) => void },
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (options.signal?.aborted || n >= options.maxAttempts || !isRetryable(error)) throw error;
      options.onRetry?.(error, n);
      const delay = Math.min(MAX_RETRY_DELAY_MS, options.baseDelayMs * 2 ** (n - 1));
      await sleep(Math.random() * delay, options.signal);
    }
  }
}

/**
 * Codes of a connection that broke while a request was sent or its answer read (Node's `'aborted'` is ECONNRESET):
 * an UploadPart, UploadPartCopy, ListParts or Complete whose XML answer is cut off fails with one of these.
 */
const BROKEN_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/**
 * Retryable: a `StorageError` that says so (throttling, 5xx, timeouts, dropped connections), or an unmapped one whose
 * cause is a broken connection or answer body (reset, `'aborted'`, premature close), which the SDK raises as a plain
 * `Error` with a Node `code` and no HTTP status when an answer breaks mid-body. A cancel never is.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof StorageError) || error instanceof AbortedError) return false;
  return error.retryable || (error instanceof UnknownStorageError && brokenConnection(error.cause));
}

/**
 * Messages of a broken connection. The SDK's retry layer turns an error from another realm (a VM context such as
 * Jest's) into `new Error('AWS SDK error wrapper for Error: aborted')`, which keeps only this text, not the code.
 */
const BROKEN_CONNECTION_MESSAGE =
  /^(AWS SDK error wrapper for \w*Error: )?(aborted|socket hang up|Premature close|read ECONNRESET|write ECONNRESET|write EPIPE)$/;

function brokenConnection(cause: unknown): boolean {
  const e = cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && BROKEN_CONNECTION_CODES.has(e.code)) return true;
  return typeof e?.message === 'string' && BROKEN_CONNECTION_MESSAGE.test(e.message);
}

/**
 * Listeners one transfer's own signal may hold before Node warns. Every request in flight (parts, ranges, part-checksum
 * HEADs, retries' back-off) listens on it, so a transfer at concurrency 8 passes Node's default of 10 without any
 * leak (`MaxListenersExceededWarning` in test:compat runs). A leak would still show, past this many.
 */
export const TRANSFER_SIGNAL_MAX_LISTENERS = 1_000;

/**
 * A controller that fires when the caller's signal does, or when the transfer itself gives up. The caller's signal
 * gets one listener (removed by `dispose`); the controller's own signal takes up to
 * {@link TRANSFER_SIGNAL_MAX_LISTENERS} without a warning.
 */
export function linkedController(signal: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(TRANSFER_SIGNAL_MAX_LISTENERS, controller.signal);
  if (!signal) return { controller, dispose: () => undefined };
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** A counting semaphore: at most `limit` holders at once. */
export class Slots {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  public constructor(limit: number) {
    this.free = limit;
  }

  public async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  public release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/** Least time between two reports of bytes in flight, in ms. */
export const IN_FLIGHT_REPORT_MS = 200;

/** Counts bytes and parts and reports {@link TransferProgress}. */
export class ProgressMeter {
  private readonly started = Date.now();
  private sentThisRun = 0;
  private inFlight = 0;
  /** From the start: the first report of bytes in flight waits IN_FLIGHT_REPORT_MS, so its rate is not one chunk's. */
  private lastReport = this.started;
  private transferred: number;
  private parts: number;

  public constructor(
    private readonly onProgress: ((progress: TransferProgress) => void) | undefined,
    private readonly totalBytes: number | undefined,
    private readonly totalParts: number | undefined,
    resumed: { bytes: number; parts: number } = { bytes: 0, parts: 0 },
  ) {
    this.transferred = resumed.bytes;
    this.parts = resumed.parts;
  }

  /** Records a finished part or range and reports. */
  public partDone(bytes: number): void {
    this.transferred += bytes;
    this.sentThisRun += bytes;
    this.parts++;
    // Those bytes were reported in flight (a single PutObject's body): they are now counted as done.
    this.inFlight = Math.max(0, this.inFlight - bytes);
    this.report();
  }

  /**
   * Records bytes of a part still being sent (a single PutObject's body, as it is read), reporting at most every
   * {@link IN_FLIGHT_REPORT_MS}: a one-request upload shows progress before its answer, not only once it is done.
   */
  public bytesInFlight(bytes: number): void {
    this.inFlight += bytes;
    const now = Date.now();
    if (now - this.lastReport < IN_FLIGHT_REPORT_MS) return;
    this.report(now);
  }

  private report(now = Date.now()): void {
    this.lastReport = now;
    if (!this.onProgress) return;
    const elapsedMs = now - this.started;
    const sent = this.sentThisRun + this.inFlight;
    try {
      this.onProgress({
        transferredBytes: this.transferred + this.inFlight,
        totalBytes: this.totalBytes,
        partsDone: this.parts,
        totalParts: this.totalParts,
        bytesPerSecond: elapsedMs > 0 ? Math.round((sent * 1000) / elapsedMs) : 0,
        elapsedMs,
      });
    } catch {
      // A failing progress callback must not break the transfer.
    }
  }
}
