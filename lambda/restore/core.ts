/**
 * `restore(event, deps)`: the restore handler's core, over `S3Storage.restore`, `restoreMany`, `restoreStatus` and
 * `restoreStatusMany` (lib/storage/s3/archive). Restores (or reports the status of) one key, a list or a prefix and
 * returns a count per outcome plus one line per key (the first MAX_REPORTED_ITEMS). A prefix is worked through page
 * by page; when time runs low the handler returns a continuation (`startAfter`: the last key done).
 * Idempotent: RestoreObject on an object already being restored answers 409 (`in-progress`), on a restored one 200
 * (`already-restored`, the expiry extended), so a repeated invocation changes nothing that matters.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
 */
import type { ObjectRestoreStatus, RestoreManyItem, S3Storage } from 'bucketkit/storage';
import { runInvocation, type BatchResponse, type FailureResult, type HandlerDeps, type HandlerSpec } from '../shared';
import { parseRestoreEvent, restoreEventFromBatchTask, type RestoreEvent } from './event';

/** Lines per key kept in a result, so it stays far below Lambda's 6 MB response limit. */
export const MAX_REPORTED_ITEMS = 1000;
/** Keys per listing page of a prefix. */
export const PREFIX_PAGE_SIZE = 1000;

/** One key's outcome. */
export interface RestoreItem {
  readonly key: string;
  readonly versionId?: string;
  /** restore: started, already-restored, in-progress, not-archived, skipped or failed; status: not-archived, archived, in-progress or restored. */
  readonly status: string;
  readonly expiresAt?: string;
  readonly error?: { readonly name: string; readonly message: string };
}

/** What the restore handler returns. */
export interface RestoreHandlerResult {
  /** `Succeeded`: every key done without failure; `InProgress`: send the event again with `continuation`; `Failed`: some keys failed (see items). */
  readonly status: 'Succeeded' | 'InProgress' | 'Failed';
  readonly action: 'restore' | 'status';
  readonly bucket: string;
  /** Keys per status. */
  readonly counts: Readonly<Record<string, number>>;
  /** Keys done in this invocation (with a continuation: so far in this one). */
  readonly progress: { readonly done: number };
  /** The first MAX_REPORTED_ITEMS keys' outcomes. */
  readonly items: readonly RestoreItem[];
  /** True when more keys were done than `items` lists. */
  readonly itemsTruncated: boolean;
  readonly continuation?: { readonly startAfter: string };
  /** For `Failed`. */
  readonly errorType?: 'RestoreFailures';
  readonly errorMessage?: string;
}

class Tally {
  public readonly counts: Record<string, number> = {};
  public readonly items: RestoreItem[] = [];
  public done = 0;
  public failed = 0;
  public add(item: RestoreItem): void {
    this.done++;
    this.counts[item.status] = (this.counts[item.status] ?? 0) + 1;
    if (item.status === 'failed') this.failed++;
    if (this.items.length < MAX_REPORTED_ITEMS) this.items.push(item);
  }
}

const fromMany = (i: RestoreManyItem): RestoreItem => ({
  key: i.key,
  versionId: i.versionId,
  status: i.status,
  error: i.error && { name: i.error.name, message: i.error.message },
});
const fromStatus = (s: ObjectRestoreStatus): RestoreItem => ({ key: s.key, versionId: s.versionId, status: s.state, expiresAt: s.expiresAt?.toISOString() });

async function runRestore(ev: RestoreEvent, d: Required<HandlerDeps>): Promise<RestoreHandlerResult> {
  const storage = d.storage({ bucket: ev.bucket });
  const tally = new Tally();
  let continuation: { startAfter: string } | undefined;
  try {
    if (ev.target.kind === 'key') {
      const { key, versionId } = ev.target;
      if (ev.action === 'status') tally.add(fromStatus(await storage.restoreStatus(key, { versionId })));
      else {
        const r = await storage.restore(key, { versionId, days: ev.days, tier: ev.tier });
        tally.add({ key, versionId, status: r.status, expiresAt: r.expiresAt?.toISOString() });
      }
    } else if (ev.target.kind === 'keys') {
      await work(storage, ev, ev.target.keys, tally);
    } else {
      continuation = await workPrefix(storage, ev, ev.target.prefix, tally, d);
    }
  } finally {
    storage.destroy();
  }
  d.log.info('restore report', { action: ev.action, bucket: ev.bucket, counts: tally.counts, continuation });
  const base = {
    action: ev.action,
    bucket: ev.bucket,
    counts: tally.counts,
    progress: { done: tally.done },
    items: tally.items,
    itemsTruncated: tally.done > tally.items.length,
  };
  if (continuation) return { status: 'InProgress', ...base, continuation };
  if (tally.failed > 0)
    return { status: 'Failed', ...base, errorType: 'RestoreFailures', errorMessage: `${tally.failed} of ${tally.done} keys failed; see items` };
  return { status: 'Succeeded', ...base };
}

async function work(storage: S3Storage, ev: RestoreEvent, keys: readonly string[], tally: Tally): Promise<void> {
  if (ev.action === 'restore') {
    for await (const item of storage.restoreMany(keys, { days: ev.days, tier: ev.tier, concurrency: ev.concurrency })) tally.add(fromMany(item));
    return;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++];
      try {
        tally.add(fromStatus(await storage.restoreStatus(key)));
      } catch (error) {
        tally.add({ key, status: 'failed', error: { name: (error as Error).name, message: (error as Error).message } });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ev.concurrency, keys.length) }, worker));
}

/** Works through a prefix a page at a time; returns a continuation when time runs low before the listing ends. */
async function workPrefix(
  storage: S3Storage,
  ev: RestoreEvent,
  prefix: string,
  tally: Tally,
  d: Required<HandlerDeps>,
): Promise<{ startAfter: string } | undefined> {
  let lastKey: string | undefined;
  for await (const page of storage.list({ prefix, startAfter: ev.continuation?.startAfter, pageSize: PREFIX_PAGE_SIZE })) {
    const keys = page.objects.map((o) => o.key);
    if (keys.length === 0) continue;
    await work(storage, ev, keys, tally);
    lastKey = keys[keys.length - 1];
    if (d.context.getRemainingTimeInMillis() < ev.minRemainingTimeMs) {
      // Stop at a page boundary; whether more keys follow is learnt on the next invocation (an empty page ends it).
      return { startAfter: lastKey };
    }
  }
  return undefined;
}

const SPEC: HandlerSpec<RestoreEvent, RestoreHandlerResult> = {
  name: 'restore',
  parse: parseRestoreEvent,
  fromBatchTask: restoreEventFromBatchTask,
  run: runRestore,
  batchOutcome: (r) => {
    const item = r.items[0];
    if (r.status === 'Failed' || !item) return { resultCode: 'PermanentFailure', resultString: r.errorMessage ?? 'no result' };
    return { resultCode: 'Succeeded', resultString: `${item.key}: ${item.status}${item.expiresAt ? ` until ${item.expiresAt}` : ''}` };
  },
};

/** The restore core: a bad event returns a `ValidationError` result naming the field, before any S3 request. */
export function restore(event: unknown, deps: HandlerDeps): Promise<RestoreHandlerResult | FailureResult | BatchResponse> {
  return runInvocation(SPEC, event, deps);
}
