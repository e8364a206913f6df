import { DEFAULT_RESTORE_TIER } from '../../../rules/restore';
import { isArchiveClass } from '../../../rules/storage-classes';
import { AbortedError, InvalidArgumentError, StorageError, ThrottledError } from '../../errors';
import type { RestoreManyItem, RestoreManyOptions, RestoreTarget } from '../../types/archive';
import type { S3Context } from '../core/context';
import { assertKey } from '../core/validation';
import { listObjects } from '../objects/list';
import { RestoreLedger } from './ledger';
import { assertRestoreRequest, assertRestoreSupported, EXPEDITED_UNAVAILABLE_CODE, headRaw, sendRestore } from './restore';

/** Requests in flight at once by default. */
export const DEFAULT_RESTORE_CONCURRENCY = 32;
/** S3 accepts up to 1,000 restore requests per second per account. https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html */
export const MAX_RESTORE_REQUESTS_PER_SECOND = 1_000;
/** Attempts per key when S3 throttles (SlowDown, 503, ThrottlingException). */
const MAX_THROTTLE_ATTEMPTS = 6;

interface Work extends RestoreTarget {
  readonly storageClass?: string;
}

/** Paces requests to a rate that halves on throttling and recovers by 5% per success. */
class AdaptiveRate {
  private next = 0;
  public constructor(
    private rate: number,
    private readonly max: number,
  ) {}
  public async slot(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
  public throttled(): void {
    this.rate = Math.max(1, this.rate / 2);
  }
  public succeeded(): void {
    this.rate = Math.min(this.max, this.rate * 1.05);
  }
}

async function* targetsOf(
  ctx: S3Context,
  keysOrPrefix: string | Iterable<string | RestoreTarget> | AsyncIterable<string | RestoreTarget>,
  signal?: AbortSignal,
): AsyncIterable<Work> {
  if (typeof keysOrPrefix === 'string') {
    for await (const page of listObjects(ctx, { prefix: keysOrPrefix, abortSignal: signal })) {
      for (const o of page.objects) yield { key: o.key, storageClass: o.storageClass };
    }
    return;
  }
  for await (const t of keysOrPrefix as AsyncIterable<string | RestoreTarget>) {
    const target = typeof t === 'string' ? { key: t } : t;
    assertKey(target?.key);
    yield target;
  }
}

/**
 * Restores many archived objects from one process, and streams one result per key as it comes. `keysOrPrefix` is a
 * prefix (listed with ListObjectsV2, whose storage classes let objects that need no restore be answered without a
 * request, and DEEP_ARCHIVE objects be refused Expedited without one) or keys / `{ key, versionId }` targets.
 *
 * Requests keep under S3's 1,000 restores per second per account and back off adaptively on throttling (the rate
 * halves, then recovers). With `stateFile`, a ledger line is written before each RestoreObject and after its answer:
 * a run that is killed and resumed with the same file skips keys with an answer, and checks keys sent without one with
 * HEAD (an `x-amz-restore` header means S3 has it), so no key is requested twice.
 *
 * @throws InvalidArgumentError naming the field (`days`, `tier`, `concurrency`, `maxRequestsPerSecond`, a key) before any request
 * @throws UnsupportedFeatureError when the compatibility profile has no RestoreObject (no request sent)
 */
export async function* restoreMany(
  ctx: S3Context,
  keysOrPrefix: string | Iterable<string | RestoreTarget> | AsyncIterable<string | RestoreTarget>,
  options: RestoreManyOptions = {},
): AsyncIterableIterator<RestoreManyItem> {
  const tier = options.tier ?? DEFAULT_RESTORE_TIER;
  assertRestoreRequest({ days: options.days, tier });
  const concurrency = options.concurrency ?? DEFAULT_RESTORE_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)
    throw new InvalidArgumentError(`concurrency: must be a whole number from 1 to 1000 (got ${String(concurrency)})`, { field: 'concurrency' });
  const maxRate = options.maxRequestsPerSecond ?? MAX_RESTORE_REQUESTS_PER_SECOND;
  if (!(typeof maxRate === 'number' && maxRate > 0 && maxRate <= MAX_RESTORE_REQUESTS_PER_SECOND))
    throw new InvalidArgumentError(`maxRequestsPerSecond: must be more than 0 and at most ${MAX_RESTORE_REQUESTS_PER_SECOND}`, {
      field: 'maxRequestsPerSecond',
    });
  if (typeof keysOrPrefix !== 'string' && keysOrPrefix == null)
    throw new InvalidArgumentError('keysOrPrefix: give a prefix or keys', { field: 'keysOrPrefix' });
  await assertRestoreSupported(ctx);

  const ledger = options.stateFile ? new RestoreLedger(options.stateFile) : undefined;
  const rate = new AdaptiveRate(maxRate, maxRate);
  const signal = options.abortSignal;

  const one = async (work: Work): Promise<RestoreManyItem> => {
    const { key, versionId, storageClass } = work;
    const base = { key, versionId, tier };
    if (storageClass !== undefined && !isArchiveClass(storageClass) && storageClass !== 'INTELLIGENT_TIERING') return { ...base, status: 'not-archived' };
    try {
      if (storageClass !== undefined && storageClass !== 'INTELLIGENT_TIERING') assertRestoreRequest({ days: options.days, tier, storageClass });
      const previous = ledger?.get(key, versionId);
      if (previous && previous.state !== 'failed' && previous.state !== 'requested') return { ...base, status: 'skipped' };
      if (previous?.state === 'requested') {
        // Sent by a run that died before it recorded the answer: S3 shows x-amz-restore if it got the request.
        const head = await headRaw(ctx, key, versionId, signal);
        if (head.Restore) {
          ledger!.record({
            ...base,
            requestedAt: previous.requestedAt,
            state: /ongoing-request\s*=\s*"?true/i.test(head.Restore) ? 'in-progress' : 'already-restored',
          });
          return { ...base, status: 'skipped' };
        }
      }
      for (let attempt = 1; ; attempt++) {
        await rate.slot();
        ledger?.record({ ...base, requestedAt: new Date().toISOString(), state: 'requested' });
        try {
          const result = await sendRestore(ctx, {
            key,
            versionId,
            days: options.days,
            tier,
            storageClass: storageClass ?? 'unknown',
            fallbackToStandard: options.fallbackToStandard,
            abortSignal: signal,
          });
          rate.succeeded();
          const fellBack = result.fellBackToStandard ? { fellBackToStandard: true } : {};
          ledger?.record({ ...base, tier: result.tier, requestedAt: new Date().toISOString(), state: result.status });
          return { ...base, tier: result.tier, status: result.status, ...fellBack };
        } catch (error) {
          // 503 GlacierExpeditedRetrievalNotAvailable is no throttling: slowing down does not bring Expedited capacity back.
          const code = error instanceof StorageError ? error.s3Code : undefined;
          const throttled = code !== EXPEDITED_UNAVAILABLE_CODE && (error instanceof ThrottledError || code === 'ThrottlingException');
          if (!throttled || attempt >= MAX_THROTTLE_ATTEMPTS) throw error;
          rate.throttled();
          await new Promise((r) => setTimeout(r, Math.min(10_000, 100 * 2 ** attempt * (0.5 + Math.random()))));
        }
      }
    } catch (error) {
      ledger?.record({ ...base, requestedAt: new Date().toISOString(), state: 'failed' });
      return { ...base, status: 'failed', error: error as Error };
    }
  };

  // Workers pull targets and push results; the generator hands results out in the order they finish.
  const source = targetsOf(ctx, keysOrPrefix, signal)[Symbol.asyncIterator]();
  const results: RestoreManyItem[] = [];
  let wake: (() => void) | undefined;
  let done = 0;
  let failure: unknown;
  let stopped = false;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const worker = async () => {
    try {
      while (!stopped && failure === undefined) {
        if (signal?.aborted) throw new AbortedError('restoreMany aborted');
        const next = await source.next();
        if (next.done) break;
        results.push(await one(next.value));
        notify();
      }
    } catch (error) {
      failure ??= error;
    } finally {
      done++;
      notify();
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  try {
    while (true) {
      if (results.length > 0) {
        yield results.shift()!;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (done === workers.length) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stopped = true;
    await Promise.allSettled(workers);
    ledger?.close();
  }
}
