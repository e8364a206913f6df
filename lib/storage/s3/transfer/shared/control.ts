/** Shared machinery of the transfer engine: retry with back-off, cancellation, a slot semaphore and progress. */
import { AbortedError, StorageError } from '../../../errors';
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

/** Retryable: a `StorageError` that says so (throttling, 5xx, timeouts, dropped connections). */
export function isRetryable(error: unknown): boolean {
  return error instanceof StorageError && error.retryable && !(error instanceof AbortedError);
}

/** A controller that fires when the caller's signal does, or when the transfer itself gives up. */
export function linkedController(signal: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
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

/** Counts bytes and parts and reports {@link TransferProgress}. */
export class ProgressMeter {
  private readonly started = Date.now();
  private sentThisRun = 0;
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
    if (!this.onProgress) return;
    const elapsedMs = Date.now() - this.started;
    try {
      this.onProgress({
        transferredBytes: this.transferred,
        totalBytes: this.totalBytes,
        partsDone: this.parts,
        totalParts: this.totalParts,
        bytesPerSecond: elapsedMs > 0 ? Math.round((this.sentThisRun * 1000) / elapsedMs) : 0,
        elapsedMs,
      });
    } catch {
      // A failing progress callback must not break the transfer.
    }
  }
}
