/**
 * The restore handler's event: restore (or report the restore status of) one key, a list of keys or every object
 * under a prefix, in one bucket. A prefix larger than one invocation can handle returns a continuation (the last key
 * done); invoking again with it carries on after that key.
 */
import { MAX_KEY_LENGTH_BYTES, RESTORE_TIERS, type RestoreTier } from 'bucketkit/rules';
import { EventReader, MAX_LAMBDA_TIMEOUT_MS, ValidationError, type BatchTask } from '../shared';

/** Keys in one `keys` list at most (the result lists each). */
export const MAX_RESTORE_KEYS = 1000;
/** RestoreObject requests in flight at once, by default. */
export const DEFAULT_RESTORE_CONCURRENCY = 16;
/** Stop starting work when less than this much time is left (ms), and return a continuation. */
export const DEFAULT_RESTORE_MIN_REMAINING_TIME_MS = 20_000;

/** A validated restore event. */
export interface RestoreEvent {
  /** @default - the function's BUCKETKIT_BUCKET */
  readonly bucket: string;
  /** `restore` sends RestoreObject; `status` only reads where each object stands. @default 'restore' */
  readonly action: 'restore' | 'status';
  /** Exactly one of key, keys and prefix. */
  readonly target:
    | { readonly kind: 'key'; readonly key: string; readonly versionId?: string }
    | { readonly kind: 'keys'; readonly keys: readonly string[] }
    | { readonly kind: 'prefix'; readonly prefix: string };
  /** Days the restored copy stays (required by S3 for GLACIER and DEEP_ARCHIVE). */
  readonly days?: number;
  /** @default 'Standard' */
  readonly tier?: RestoreTier;
  /** @default DEFAULT_RESTORE_CONCURRENCY */
  readonly concurrency: number;
  /** @default DEFAULT_RESTORE_MIN_REMAINING_TIME_MS */
  readonly minRemainingTimeMs: number;
  /** For a prefix: carry on after this key (the continuation a previous invocation returned). */
  readonly continuation?: { readonly startAfter: string };
}

const FIELDS = ['bucket', 'action', 'key', 'versionId', 'keys', 'prefix', 'days', 'tier', 'concurrency', 'minRemainingTimeMs', 'continuation'];

/** Reads a restore event. @throws ValidationError naming the field */
export function parseRestoreEvent(event: unknown): RestoreEvent {
  const r = EventReader.of(event);
  r.only(FIELDS);
  const fallbackBucket = process.env.BUCKETKIT_BUCKET;
  const bucket =
    r.has('bucket') || !fallbackBucket ? r.string('bucket', { maxLength: 255, pattern: /^[A-Za-z0-9._-]+$/, hint: 'must be a bucket name' }) : fallbackBucket;
  const given = ['key', 'keys', 'prefix'].filter((f) => r.has(f));
  if (given.length !== 1)
    throw new ValidationError(given[1] ?? 'key', `give exactly one of key, keys and prefix (got ${given.length === 0 ? 'none' : given.join(' and ')})`);
  let target: RestoreEvent['target'];
  if (r.has('key'))
    target = { kind: 'key', key: r.string('key', { maxLength: MAX_KEY_LENGTH_BYTES }), versionId: r.optionalString('versionId', { maxLength: 1024 }) };
  else if (r.has('keys')) {
    target = {
      kind: 'keys',
      keys: r.array('keys', MAX_RESTORE_KEYS, (v, field) => {
        if (typeof v !== 'string' || v.length === 0 || v.length > MAX_KEY_LENGTH_BYTES)
          throw new ValidationError(field, 'must be an object key (1 to 1,024 characters)');
        return v;
      }),
    };
  } else target = { kind: 'prefix', prefix: r.string('prefix', { maxLength: MAX_KEY_LENGTH_BYTES }) };
  if (r.has('versionId') && target.kind !== 'key') throw new ValidationError('versionId', 'is only allowed with key');
  const c = r.optionalObject('continuation');
  if (c && target.kind !== 'prefix') throw new ValidationError('continuation', 'is only allowed with prefix');
  c?.only(['startAfter']);
  return {
    bucket,
    action: r.optionalEnum('action', ['restore', 'status'] as const) ?? 'restore',
    target,
    days: r.has('days') ? r.integer('days', 1, 2_147_483_647) : undefined,
    tier: r.optionalEnum('tier', RESTORE_TIERS),
    concurrency: r.integer('concurrency', 1, 1000, DEFAULT_RESTORE_CONCURRENCY),
    minRemainingTimeMs: r.integer('minRemainingTimeMs', 0, MAX_LAMBDA_TIMEOUT_MS, DEFAULT_RESTORE_MIN_REMAINING_TIME_MS),
    continuation: c ? { startAfter: c.string('startAfter', { maxLength: MAX_KEY_LENGTH_BYTES }) } : undefined,
  };
}

/**
 * The event for one S3 Batch Operations task: restore the task's object. `days` and `tier` come from
 * `job.userArguments` (schema 2.0) or the function's environment (`BUCKETKIT_RESTORE_DAYS`, `BUCKETKIT_RESTORE_TIER`).
 */
export function restoreEventFromBatchTask(task: BatchTask, args: Readonly<Record<string, string>>): unknown {
  const days = args.days ?? process.env.BUCKETKIT_RESTORE_DAYS;
  return {
    bucket: task.bucket,
    key: task.key,
    versionId: task.versionId,
    days: days === undefined ? undefined : Number(days),
    tier: args.tier ?? process.env.BUCKETKIT_RESTORE_TIER,
    action: args.action,
  };
}
