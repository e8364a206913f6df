/**
 * Run-time event notifications: read, then merge by id, then write, so that one owner never wipes another's
 * entries or the EventBridge setting. PutBucketNotificationConfiguration replaces the whole configuration and S3 has
 * no conditional write on it, so every write re-reads just before the PUT (and starts over when the configuration
 * moved), then reads back after `settleMs` and starts over when a concurrent writer overwrote the change.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { AbortedError, ConflictError, InvalidArgumentError, UnsupportedFeatureError } from '../../../errors';
import type {
  AddNotificationInput,
  BucketNotifications,
  NotificationEntry,
  NotificationWriteOptions,
  RemoveNotificationOptions,
} from '../../../types/notifications';
import type { S3Context } from '../../core/context';
import {
  DEFAULT_NOTIFICATION_OWNER,
  type NotificationChange,
  assertNotificationConfiguration,
  assertNotificationOwner,
  changeApplied,
  mergeNotifications,
  notificationEntryFor,
  notificationsFromSdk,
  notificationsToSdk,
  sameNotifications,
} from './model';

/** Read-merge-write rounds before giving up with ConflictError. */
export const DEFAULT_NOTIFICATION_MAX_ATTEMPTS = 8;
/** Wait between the PUT and the read-back that checks no concurrent writer overwrote it, in ms. */
export const DEFAULT_NOTIFICATION_SETTLE_MS = 200;

/** Writes of one session run one at a time (a second writer in the same process is still raced against, as any other). */
const queues = new WeakMap<object, Promise<unknown>>();

/**
 * GetBucketNotificationConfiguration, as entries (every owner's) and the EventBridge flag.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html
 * @throws StorageError subclasses from S3 (AccessDeniedError without `s3:GetBucketNotification`)
 */
export async function readNotifications(ctx: S3Context, options: { readonly abortSignal?: AbortSignal } = {}): Promise<BucketNotifications> {
  const output = await ctx.send(new GetBucketNotificationConfigurationCommand({ Bucket: ctx.bucket }), { abortSignal: options.abortSignal });
  return notificationsFromSdk(output);
}

/** Every notification entry of the bucket, whoever created it. */
export async function listNotifications(ctx: S3Context, options: { readonly abortSignal?: AbortSignal } = {}): Promise<NotificationEntry[]> {
  return [...(await readNotifications(ctx, options)).entries];
}

/**
 * Adds (or replaces, same owner and id) one entry; every other entry and the EventBridge setting are kept.
 * @returns the entry as stored, with its owner-prefixed id
 * @throws InvalidArgumentError before the PUT: bad input, a FIFO or cross-region destination, an id of another
 *   owner, or an overlap with an existing entry (the message names both)
 * @throws ConflictError when concurrent writers kept changing the configuration for `maxAttempts` rounds
 */
export async function addNotification(ctx: S3Context, input: AddNotificationInput, options: NotificationWriteOptions = {}): Promise<NotificationEntry> {
  const owner = assertNotificationOwner(options.owner ?? DEFAULT_NOTIFICATION_OWNER);
  checkWriteOptions(options);
  return serialized(ctx, async () => {
    let added: NotificationEntry | undefined;
    await writeNotifications(ctx, options, (current) => {
      added = notificationEntryFor(input, owner, ctx.region);
      const existing = current.entries.find((e) => e.id === added!.id);
      if (existing !== undefined && existing.owner !== owner) {
        throw new InvalidArgumentError(`id: "${added.id}" already exists and is not owned by "${owner}"`, { field: 'id' });
      }
      return { put: [added] };
    });
    return added!;
  });
}

/**
 * Removes one entry by its stored id. Refuses an id that is absent, or that belongs to another owner (or to none)
 * unless `force`.
 * @throws InvalidArgumentError (field `id`) before any PUT for those cases
 * @throws ConflictError when concurrent writers kept changing the configuration for `maxAttempts` rounds
 */
export async function removeNotification(ctx: S3Context, id: string, options: RemoveNotificationOptions = {}): Promise<void> {
  const owner = assertNotificationOwner(options.owner ?? DEFAULT_NOTIFICATION_OWNER);
  checkWriteOptions(options);
  if (typeof id !== 'string' || id.length === 0)
    throw new InvalidArgumentError(`id: a notification id is required (got ${JSON.stringify(id)})`, { field: 'id' });
  if (options.force !== undefined && typeof options.force !== 'boolean') throw new InvalidArgumentError('force: must be a boolean', { field: 'force' });
  await serialized(ctx, () =>
    writeNotifications(ctx, options, (current) => {
      const existing = current.entries.find((e) => e.id === id);
      if (existing === undefined) {
        throw new InvalidArgumentError(`id: no notification "${id}" on bucket ${ctx.bucket} (ids: ${current.entries.map((e) => e.id).join(', ') || 'none'})`, {
          field: 'id',
        });
      }
      if (existing.owner !== owner && options.force !== true) {
        const by = existing.owner === undefined ? 'has no bucketkit owner prefix' : `belongs to owner "${existing.owner}"`;
        throw new InvalidArgumentError(`id: notification "${id}" ${by}, not to "${owner}"; pass { force: true } to remove it anyway`, { field: 'id' });
      }
      return { remove: [id] };
    }),
  );
}

/**
 * Turns delivery of every event to the default EventBridge bus on or off, keeping every entry.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
 * @throws UnsupportedFeatureError when the store accepts the setting but never reports it back (moto 5.2.5)
 */
export async function setEventBridge(ctx: S3Context, enabled: boolean, options: NotificationWriteOptions = {}): Promise<void> {
  if (typeof enabled !== 'boolean') throw new InvalidArgumentError(`enabled: must be a boolean (got ${JSON.stringify(enabled)})`, { field: 'enabled' });
  checkWriteOptions(options);
  await serialized(ctx, () => writeNotifications(ctx, options, () => ({ eventBridge: enabled }), true));
}

function checkWriteOptions(options: NotificationWriteOptions): void {
  if (options.skipDestinationValidation !== undefined && typeof options.skipDestinationValidation !== 'boolean') {
    throw new InvalidArgumentError('skipDestinationValidation: must be a boolean', { field: 'skipDestinationValidation' });
  }
  if (options.maxAttempts !== undefined && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1 || options.maxAttempts > 100)) {
    throw new InvalidArgumentError(`maxAttempts: must be an integer from 1 to 100 (got ${JSON.stringify(options.maxAttempts)})`, { field: 'maxAttempts' });
  }
  if (options.settleMs !== undefined && (!Number.isInteger(options.settleMs) || options.settleMs < 0 || options.settleMs > 60_000)) {
    throw new InvalidArgumentError(`settleMs: must be an integer from 0 to 60000 (got ${JSON.stringify(options.settleMs)})`, { field: 'settleMs' });
  }
}

function serialized<T>(ctx: S3Context, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(ctx) ?? Promise.resolve();
  const next = previous.then(run, run);
  queues.set(
    ctx,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * The write loop: read, build the change (it may refuse), merge, check with lib/rules, re-read and compare, PUT,
 * wait `settleMs`, read back; start over (with jitter) when the configuration moved or the change was overwritten.
 * @param always PUT even when the merge changes nothing (an explicit setting such as EventBridge)
 */
export async function writeNotifications(
  ctx: S3Context,
  options: NotificationWriteOptions,
  changeFor: (current: BucketNotifications) => NotificationChange,
  always = false,
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_NOTIFICATION_MAX_ATTEMPTS;
  const settleMs = options.settleMs ?? DEFAULT_NOTIFICATION_SETTLE_MS;
  const signal = options.abortSignal;
  let eventBridgeUnreported = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await readNotifications(ctx, { abortSignal: signal });
    const change = changeFor(current);
    const next = mergeNotifications(current, change);
    if (!always && sameNotifications(next, current)) return;
    assertNotificationConfiguration(next);
    const again = await readNotifications(ctx, { abortSignal: signal });
    if (!sameNotifications(again, current)) {
      await pause(attempt, signal);
      continue;
    }
    await ctx.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: ctx.bucket,
        NotificationConfiguration: notificationsToSdk(next),
        ...(options.skipDestinationValidation === true ? { SkipDestinationValidation: true } : {}),
      }),
      { abortSignal: signal, feature: 'notifications' },
    );
    await pause(0, signal, settleMs);
    const after = await readNotifications(ctx, { abortSignal: signal });
    if (changeApplied(after, change)) return;
    if (change.eventBridge === true && !after.eventBridge && changeApplied(after, { ...change, eventBridge: undefined })) {
      // Everything else is in place: the store took EventBridgeConfiguration and does not report it back.
      if (++eventBridgeUnreported >= 2) {
        throw new UnsupportedFeatureError(
          `bucket ${ctx.bucket}: the store accepted EventBridgeConfiguration but GetBucketNotificationConfiguration does not report it, so the setting cannot be verified or kept by later merges`,
          { feature: 'notifications.eventBridge', bucket: ctx.bucket },
        );
      }
    }
    await pause(attempt, signal);
  }
  throw new ConflictError(
    `bucket ${ctx.bucket}: the notification configuration kept changing under concurrent writers for ${maxAttempts} rounds; nothing of this change is known to be in force, try again`,
    { bucket: ctx.bucket, retryable: true },
  );
}

/** Sleeps `ms`, or a random 10..(40 x attempt) ms when `ms` is not given, so racing writers drift apart. */
function pause(attempt: number, signal: AbortSignal | undefined, ms = 10 + Math.random() * 40 * attempt): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError('aborted'));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
