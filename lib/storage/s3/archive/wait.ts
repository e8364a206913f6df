import { AbortedError, InvalidArgumentError, InvalidObjectStateError, TimeoutError } from '../../errors';
import type { ObjectRestoreStatus, WaitForRestoreOptions } from '../../types/archive';
import type { S3Context } from '../core/context';
import { restoreStatus } from './restore';

/** First wait between polls: 60 s. */
export const DEFAULT_RESTORE_POLL_INTERVAL_MS = 60_000;
/** Longest wait between polls: 15 minutes. */
export const MAX_RESTORE_POLL_INTERVAL_MS = 900_000;
/** waitForRestore gives up after 48 hours by default (a Bulk restore of DEEP_ARCHIVE takes up to 48 h). */
export const DEFAULT_RESTORE_WAIT_TIMEOUT_MS = 48 * 3_600_000;
/** Each wait is this many times the one before (until the maximum). */
const BACKOFF_FACTOR = 1.5;

function assertPositive(field: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0))
    throw new InvalidArgumentError(`${field}: must be a positive number of milliseconds (got ${String(value)})`, { field });
}

/**
 * Polls the restore status with backoff until the object is `restored` (or needs no restore: `not-archived`), and
 * resolves with the last status. Restore times are minutes (Expedited) to 48 hours (DEEP_ARCHIVE Bulk).
 *
 * @throws TimeoutError after `timeoutMs`; AbortedError when `signal` aborts (at once, also during a wait)
 * @throws InvalidObjectStateError when the object is archived and no restore is running (call restore first)
 * @throws InvalidArgumentError for a bad interval or timeout, before any request
 */
export async function waitForRestore(ctx: S3Context, key: string, options: WaitForRestoreOptions = {}): Promise<ObjectRestoreStatus> {
  assertPositive('pollIntervalMs', options.pollIntervalMs);
  assertPositive('maxPollIntervalMs', options.maxPollIntervalMs);
  assertPositive('timeoutMs', options.timeoutMs);
  const { signal } = options;
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_RESTORE_WAIT_TIMEOUT_MS);
  const maxInterval = options.maxPollIntervalMs ?? MAX_RESTORE_POLL_INTERVAL_MS;
  let interval = Math.min(options.pollIntervalMs ?? DEFAULT_RESTORE_POLL_INTERVAL_MS, maxInterval);
  for (let polls = 1; ; polls++) {
    if (signal?.aborted) throw new AbortedError(`waitForRestore(${key}) aborted`, { key });
    const status = await restoreStatus(ctx, key, { versionId: options.versionId, abortSignal: signal });
    options.onProgress?.(status, polls);
    if (status.state === 'restored' || status.state === 'not-archived') return status;
    if (status.state === 'archived') {
      throw new InvalidObjectStateError(`${key} is ${status.storageClass} and no restore is running: call restore() first`, {
        key,
        storageClass: status.storageClass,
      });
    }
    const left = deadline - Date.now();
    if (left <= 0)
      throw new TimeoutError(`waitForRestore(${key}): still in progress after ${options.timeoutMs ?? DEFAULT_RESTORE_WAIT_TIMEOUT_MS} ms`, { key });
    await sleep(Math.min(interval, left), signal, key);
    interval = Math.min(interval * BACKOFF_FACTOR, maxInterval);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError(`waitForRestore(${key}) aborted`, { key }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
