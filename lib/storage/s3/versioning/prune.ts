import { InvalidArgumentError, StorageError } from '../../errors';
import type { ObjectVersion, PruneKeyOutcome, PruneVersionsOptions, PruneVersionsResult } from '../../types/versioning';
import { MAX_DELETE_OBJECTS_PER_REQUEST } from '../../../rules/limits';
import type { S3Context } from '../core/context';
import { mfaHeader } from '../core/validation';
import { deleteObjects } from '../objects/delete';
import { getVersioning } from './bucket-versioning';
import { assertListVersionsOptions, listVersions } from './list-versions';

const DAY_MS = 24 * 60 * 60 * 1000;

function assertPruneOptions(options: PruneVersionsOptions): void {
  assertListVersionsOptions({ prefix: options.prefix });
  if (options.keepLatest !== undefined && (!Number.isSafeInteger(options.keepLatest) || options.keepLatest < 0)) {
    throw new InvalidArgumentError(`keepLatest: must be a non-negative integer, got ${String(options.keepLatest)}`, { field: 'keepLatest' });
  }
  if (options.olderThanDays !== undefined && (typeof options.olderThanDays !== 'number' || !(options.olderThanDays >= 0))) {
    throw new InvalidArgumentError(`olderThanDays: must be a non-negative number, got ${String(options.olderThanDays)}`, { field: 'olderThanDays' });
  }
}

/**
 * What to delete of one key's entries (newest first): noncurrent versions and noncurrent delete markers beyond the
 * `keepLatest` newest, that became noncurrent (their successor's `lastModified`) at least `olderThanDays` ago; and
 * the current delete marker when no version is left under it (an orphaned marker, as Lifecycle's
 * `ExpiredObjectDeleteMarker` removes). The current version itself is never chosen.
 */
export function planKeyPrune(entries: readonly ObjectVersion[], options: PruneVersionsOptions, now: number): ObjectVersion[] {
  if (entries.length === 0) return [];
  const [current, ...noncurrent] = entries;
  const keep = options.keepLatest ?? 0;
  const cutoff = options.olderThanDays === undefined ? Infinity : now - options.olderThanDays * DAY_MS;
  const chosen: ObjectVersion[] = [];
  noncurrent.forEach((entry, i) => {
    if (i < keep) return;
    const successor = i === 0 ? current : noncurrent[i - 1];
    const noncurrentSince = successor.lastModified?.getTime() ?? now;
    if (noncurrentSince <= cutoff) chosen.push(entry);
  });
  if (current.isDeleteMarker && chosen.length === noncurrent.length) chosen.push(current);
  return chosen;
}

/**
 * Deletes noncurrent versions and orphaned delete markers under a prefix, with DeleteObjects in batches of 1,000,
 * and reports each key's outcome. Never deletes a key's current version. On a bucket with MFA delete it refuses to
 * start without `mfa`, since S3 would fail every batch.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html
 * @throws InvalidArgumentError for bad options, or a missing `mfa` on an MFA-delete bucket, before any delete
 */
export async function pruneVersions(ctx: S3Context, options: PruneVersionsOptions = {}): Promise<PruneVersionsResult> {
  assertPruneOptions(options);
  mfaHeader(options.mfa, ctx.config.endpoint);
  const dryRun = options.dryRun === true;
  if (!dryRun && options.mfa === undefined) {
    const versioning = await getVersioning(ctx, { abortSignal: options.abortSignal }).catch((error: unknown) => {
      // Without s3:GetBucketVersioning the check is skipped; S3 still refuses the batches if MFA is needed.
      if (error instanceof StorageError && error.httpStatus === 403) return undefined;
      throw error;
    });
    if (versioning?.mfaDelete) {
      throw new InvalidArgumentError(
        'mfa: this bucket has MFA delete enabled, so S3 refuses to delete any version without x-amz-mfa (and fails the whole DeleteObjects batch); pass mfa: "<serial> <code>" over HTTPS',
        { field: 'mfa' },
      );
    }
  }
  const now = Date.now();
  const outcomes = new Map<string, { key: string; deleted: PruneKeyOutcome['deleted'][number][]; kept: number; errors: PruneKeyOutcome['errors'][number][] }>();
  let pending: { key: string; versionId: string; isDeleteMarker: boolean }[] = [];
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const marker = new Map(batch.map((b) => [`${b.key}\u0000${b.versionId}`, b.isDeleteMarker]));
    if (dryRun) {
      for (const b of batch) outcomes.get(b.key)?.deleted.push({ versionId: b.versionId, isDeleteMarker: b.isDeleteMarker });
      return;
    }
    const result = await deleteObjects(
      ctx,
      batch.map((b) => ({ key: b.key, versionId: b.versionId })),
      { mfa: options.mfa, abortSignal: options.abortSignal },
    );
    for (const d of result.deleted) {
      const versionId = d.versionId ?? 'null';
      outcomes.get(d.key)?.deleted.push({ versionId, isDeleteMarker: marker.get(`${d.key}\u0000${versionId}`) ?? d.deleteMarker === true });
    }
    for (const e of result.errors) {
      const outcome = outcomes.get(e.key);
      if (!outcome) continue;
      outcome.errors.push({ versionId: e.versionId ?? 'null', code: e.code, message: e.message });
      outcome.kept++;
    }
  };
  const planKey = async (entries: ObjectVersion[]): Promise<void> => {
    const chosen = planKeyPrune(entries, options, now);
    if (chosen.length === 0) return;
    outcomes.set(entries[0].key, { key: entries[0].key, deleted: [], kept: entries.length - chosen.length, errors: [] });
    for (const v of chosen) {
      pending.push({ key: v.key, versionId: v.versionId, isDeleteMarker: v.isDeleteMarker });
      if (pending.length >= MAX_DELETE_OBJECTS_PER_REQUEST) await flush();
    }
  };
  let entries: ObjectVersion[] = [];
  for await (const page of listVersions(ctx, { prefix: options.prefix, abortSignal: options.abortSignal })) {
    for (const v of page.versions) {
      if (entries.length > 0 && entries[0].key !== v.key) {
        await planKey(entries);
        entries = [];
      }
      entries.push(v);
    }
  }
  await planKey(entries);
  await flush();
  const keys = [...outcomes.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    dryRun,
    keys,
    deletedCount: keys.reduce((n, k) => n + k.deleted.length, 0),
    errorCount: keys.reduce((n, k) => n + k.errors.length, 0),
  };
}
