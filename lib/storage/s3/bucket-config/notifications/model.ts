/**
 * Pure functions over a bucket's notification configuration: SDK shape <-> entries, owner-prefixed ids, merge by
 * id, and the checks that run before a PUT. No I/O: the run-time API (`notifications.ts`) and the deploy-time
 * custom-resource handler share them.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html
 */
import type { NotificationConfiguration } from '@aws-sdk/client-s3';
import { checkNotificationDestination } from '../../../../rules/notification-destinations';
import { checkNotificationConfigurations } from '../../../../rules/notifications';
import { formatProblems } from '../../../../rules/problem';
import { InvalidArgumentError } from '../../../errors';
import type { AddNotificationInput, BucketNotifications, NotificationDestination, NotificationEntry } from '../../../types/notifications';

/** The owner of entries when a call names none. */
export const DEFAULT_NOTIFICATION_OWNER = 'bucketkit';
/** Between the owner and the name in an id: `<owner>.<name>`. */
export const NOTIFICATION_OWNER_SEPARATOR = '.';

const OWNER = /^[A-Za-z0-9_-]{1,64}$/;
const NAME = /^[A-Za-z0-9._-]{1,200}$/;
const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):(sqs|sns|lambda):([a-z0-9-]*):(\d{12})?:(.+)$/;
const SERVICE = { sqs: 'sqs', sns: 'sns', lambda: 'lambda' } as const;
/**
 * A MinIO notification target configured on the server (webhook, AMQP, Kafka, ...; `MINIO_NOTIFY_<TYPE>_*_<ID>`),
 * which MinIO takes as a queue: `arn:minio:sqs:<region or empty>:<ID>:<type>`. MinIO delivers to nothing else.
 * https://min.io/docs/minio/linux/administration/monitoring/bucket-notifications.html
 */
const MINIO_QUEUE_ARN = /^arn:minio:sqs:([a-z0-9-]*):([A-Za-z0-9_-]+):([a-z]+)$/;

/**
 * Checks an owner name and returns it.
 * @throws InvalidArgumentError (field `owner`) unless 1..64 characters of `A-Z a-z 0-9 _ -`
 */
export function assertNotificationOwner(owner: unknown): string {
  if (typeof owner !== 'string' || !OWNER.test(owner)) {
    throw new InvalidArgumentError(`owner: must be 1..64 characters of A-Z a-z 0-9 _ - (got ${JSON.stringify(owner)})`, { field: 'owner' });
  }
  return owner;
}

/** The owner an id names (`<owner>.<name>`), or undefined when it has no such prefix. */
export function ownerOfNotificationId(id: string): string | undefined {
  const at = id.indexOf(NOTIFICATION_OWNER_SEPARATOR);
  if (at <= 0) return undefined;
  const owner = id.slice(0, at);
  return OWNER.test(owner) ? owner : undefined;
}

/**
 * The stored id of a name under an owner: `<owner>.<name>`; a name that already starts with `<owner>.` is kept.
 * @throws InvalidArgumentError (field `id`) for a name outside 1..200 characters of `A-Z a-z 0-9 . _ -`
 */
export function notificationIdFor(owner: string, name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidArgumentError(`id: must be 1..200 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(name)})`, { field: 'id' });
  }
  return name.startsWith(owner + NOTIFICATION_OWNER_SEPARATOR) ? name : `${owner}${NOTIFICATION_OWNER_SEPARATOR}${name}`;
}

type FilterRules = { Name?: string; Value?: string }[] | undefined;

function filterOf(rules: FilterRules): { prefix?: string; suffix?: string } {
  const out: { prefix?: string; suffix?: string } = {};
  for (const rule of rules ?? []) {
    const name = String(rule.Name).toLowerCase();
    if (name === 'prefix' || name === 'suffix') out[name] = rule.Value ?? '';
  }
  return out;
}

function entry(id: string | undefined, type: NotificationDestination['type'], arn: string | undefined, events: string[] | undefined, rules: FilterRules) {
  const stored = id ?? '';
  const owner = ownerOfNotificationId(stored);
  return {
    id: stored,
    ...(owner !== undefined ? { owner } : {}),
    destination: { type, arn: arn ?? '' },
    events: [...(events ?? [])],
    ...filterOf(rules),
  } satisfies NotificationEntry;
}

/** Reads the SDK's NotificationConfiguration (GetBucketNotificationConfiguration output) as entries. */
export function notificationsFromSdk(config: NotificationConfiguration | undefined): BucketNotifications {
  const entries: NotificationEntry[] = [
    ...(config?.QueueConfigurations ?? []).map((c) => entry(c.Id, 'sqs', c.QueueArn, c.Events, c.Filter?.Key?.FilterRules)),
    ...(config?.TopicConfigurations ?? []).map((c) => entry(c.Id, 'sns', c.TopicArn, c.Events, c.Filter?.Key?.FilterRules)),
    ...(config?.LambdaFunctionConfigurations ?? []).map((c) => entry(c.Id, 'lambda', c.LambdaFunctionArn, c.Events, c.Filter?.Key?.FilterRules)),
  ];
  return { entries, eventBridge: config?.EventBridgeConfiguration !== undefined && config.EventBridgeConfiguration !== null };
}

function filterToSdk(e: NotificationEntry) {
  const rules = [
    ...(e.prefix !== undefined ? [{ Name: 'prefix' as const, Value: e.prefix }] : []),
    ...(e.suffix !== undefined ? [{ Name: 'suffix' as const, Value: e.suffix }] : []),
  ];
  return rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {};
}

/** Writes entries back in the SDK's shape for PutBucketNotificationConfiguration (EventBridge kept as given). */
export function notificationsToSdk(notifications: BucketNotifications): NotificationConfiguration {
  const of = (type: NotificationDestination['type']) => notifications.entries.filter((e) => e.destination.type === type);
  // Event names are validated against the SDK's Event enum by lib/rules before they get here.
  type Events = NonNullable<NotificationConfiguration['QueueConfigurations']>[number]['Events'];
  return {
    QueueConfigurations: of('sqs').map((e) => ({ Id: e.id, QueueArn: e.destination.arn, Events: [...e.events] as Events, ...filterToSdk(e) })),
    TopicConfigurations: of('sns').map((e) => ({ Id: e.id, TopicArn: e.destination.arn, Events: [...e.events] as Events, ...filterToSdk(e) })),
    LambdaFunctionConfigurations: of('lambda').map((e) => ({
      Id: e.id,
      LambdaFunctionArn: e.destination.arn,
      Events: [...e.events] as Events,
      ...filterToSdk(e),
    })),
    ...(notifications.eventBridge ? { EventBridgeConfiguration: {} } : {}),
  };
}

/** Whether two entries say the same thing (id, destination, events as a set, filter). */
export function sameNotificationEntry(a: NotificationEntry, b: NotificationEntry): boolean {
  const events = (e: NotificationEntry) => [...e.events].sort().join('\n');
  return (
    a.id === b.id &&
    a.destination.type === b.destination.type &&
    a.destination.arn === b.destination.arn &&
    events(a) === events(b) &&
    (a.prefix ?? '') === (b.prefix ?? '') &&
    (a.suffix ?? '') === (b.suffix ?? '')
  );
}

/** Whether two whole configurations are the same (order of entries ignored). */
export function sameNotifications(a: BucketNotifications, b: BucketNotifications): boolean {
  if (a.eventBridge !== b.eventBridge || a.entries.length !== b.entries.length) return false;
  return a.entries.every((x) => b.entries.some((y) => sameNotificationEntry(x, y)));
}

/**
 * Builds the entry `addNotification` stores, after checking the input's shape and its destination on its own
 * (ARN form and service, FIFO, region). An `sqs` destination may also be a MinIO target,
 * `arn:minio:sqs::<id>:<type>` (webhook, AMQP, ... configured on the MinIO server); it is stored with the bucket's
 * region filled in (`arn:minio:sqs:<region>:<id>:<type>`), the form MinIO reads back.
 * @param bucketRegion the bucket's region; a destination elsewhere is refused (S3 notifies same-region
 *   destinations only)
 * @throws InvalidArgumentError naming the field
 */
export function notificationEntryFor(input: AddNotificationInput, owner: string, bucketRegion: string | undefined): NotificationEntry {
  if (typeof input !== 'object' || input === null) throw new InvalidArgumentError('notification: an object is required', { field: 'notification' });
  const destination = input.destination as NotificationDestination | undefined;
  if (typeof destination !== 'object' || destination === null || !(destination.type in SERVICE)) {
    throw new InvalidArgumentError(`destination.type: must be 'sqs', 'sns' or 'lambda' (got ${JSON.stringify(destination?.type)})`, {
      field: 'destination.type',
    });
  }
  const minio = destination.type === 'sqs' && typeof destination.arn === 'string' ? MINIO_QUEUE_ARN.exec(destination.arn) : null;
  // MinIO answers with the region filled in; store that form, so the read-back after the PUT compares equal.
  const arn = minio !== null && minio[1] === '' && bucketRegion ? `arn:minio:sqs:${bucketRegion}:${minio[2]}:${minio[3]}` : destination.arn;
  const match = minio !== null ? minio : typeof destination.arn === 'string' ? ARN.exec(destination.arn) : null;
  if (match === null || (minio === null && match[2] !== SERVICE[destination.type])) {
    throw new InvalidArgumentError(
      `destination.arn: must be an ${SERVICE[destination.type]} ARN (arn:aws:${SERVICE[destination.type]}:<region>:<account>:<name>${destination.type === 'sqs' ? ', or a MinIO target arn:minio:sqs::<id>:<type>' : ''}) for a ${destination.type} destination (got ${JSON.stringify(destination.arn)})`,
      { field: 'destination.arn' },
    );
  }
  if (!Array.isArray(input.events) || input.events.length === 0) {
    throw new InvalidArgumentError('events: at least one S3 event type is required, e.g. s3:ObjectCreated:*', { field: 'events' });
  }
  for (const field of ['prefix', 'suffix'] as const) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 1024)) {
      throw new InvalidArgumentError(`${field}: must be a non-empty string of at most 1024 characters (got ${JSON.stringify(value)})`, { field });
    }
  }
  const id = notificationIdFor(owner, input.id ?? randomName());
  const entry: NotificationEntry = {
    id,
    owner,
    destination: { type: destination.type, arn },
    events: [...new Set(input.events)],
    ...(input.prefix !== undefined ? { prefix: input.prefix } : {}),
    ...(input.suffix !== undefined ? { suffix: input.suffix } : {}),
  };
  const fifo = minio === null && destination.type !== 'lambda' && match[5].endsWith('.fifo');
  const problems = checkNotificationDestination({
    name: `notification "${id}" (${destination.type} ${arn})`,
    type: destination.type === 'sqs' ? 'queue' : destination.type === 'sns' ? 'topic' : 'function',
    arn,
    fifo,
    bucketRegion,
  }).filter((p) => p.severity === 'error');
  if (problems.length > 0) throw new InvalidArgumentError(formatProblems(problems), { field: 'destination.arn' });
  return entry;
}

function randomName(): string {
  return `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Checks a whole configuration with the same `lib/rules` checks as synth: event names, filters, and overlap of every
 * pair of entries (S3 rejects the PUT with "Configurations overlap" otherwise).
 * @throws InvalidArgumentError (field `notifications`) naming both entries of each overlapping pair
 */
export function assertNotificationConfiguration(notifications: BucketNotifications): void {
  const problems = checkNotificationConfigurations(
    notifications.entries.map((e) => ({
      name: `notification "${e.id}" (${e.destination.type} ${e.destination.arn})`,
      events: e.events,
      filterRules: [
        ...(e.prefix !== undefined ? [{ name: 'prefix', value: e.prefix }] : []),
        ...(e.suffix !== undefined ? [{ name: 'suffix', value: e.suffix }] : []),
      ],
    })),
  ).filter((p) => p.severity === 'error');
  if (problems.length > 0) throw new InvalidArgumentError(formatProblems(problems), { field: 'notifications' });
}

/**
 * What one owner wants changed: entries to put (replacing the same id), ids to remove, and the EventBridge setting
 * (undefined: keep whatever is there).
 */
export interface NotificationChange {
  readonly put?: readonly NotificationEntry[];
  readonly remove?: readonly string[];
  readonly eventBridge?: boolean;
}

/**
 * Applies a change to the configuration as read: every entry not named by the change is kept as it is (other
 * owners' entries, hand-made ones, and the EventBridge setting unless the change sets it).
 */
export function mergeNotifications(current: BucketNotifications, change: NotificationChange): BucketNotifications {
  const touched = new Set([...(change.put ?? []).map((e) => e.id), ...(change.remove ?? [])]);
  return {
    entries: [...current.entries.filter((e) => !touched.has(e.id)), ...(change.put ?? [])],
    eventBridge: change.eventBridge ?? current.eventBridge,
  };
}

/** Whether a configuration read back shows the change in force: its entries present and equal, its removals gone. */
export function changeApplied(after: BucketNotifications, change: NotificationChange): boolean {
  if (change.eventBridge !== undefined && after.eventBridge !== change.eventBridge) return false;
  for (const e of change.put ?? []) if (!after.entries.some((x) => sameNotificationEntry(x, e))) return false;
  for (const id of change.remove ?? []) if (after.entries.some((x) => x.id === id)) return false;
  return true;
}

/**
 * The change that makes `owner`'s entries exactly `desired`: put every desired entry (replacing the same id) and
 * remove every other entry of `owner` found in `current`. Entries of other owners and hand-made ones are not named,
 * so {@link mergeNotifications} keeps them. The deploy-time handler's Create and Update use it with the entries a
 * stack declares, and Delete with none.
 * @param desired entries whose ids all start with `<owner>.`
 * @param eventBridge the EventBridge setting to write, or undefined to keep whatever is there
 * @throws InvalidArgumentError (field `id`) when a desired entry is not owned by `owner`
 */
export function replaceOwnerNotifications(
  current: BucketNotifications,
  owner: string,
  desired: readonly NotificationEntry[],
  eventBridge?: boolean,
): NotificationChange {
  for (const e of desired) {
    if (ownerOfNotificationId(e.id) !== owner) {
      throw new InvalidArgumentError(`id: "${e.id}" is not owned by "${owner}" (ids must start with "${owner}${NOTIFICATION_OWNER_SEPARATOR}")`, {
        field: 'id',
      });
    }
  }
  const keep = new Set(desired.map((e) => e.id));
  const remove = current.entries.filter((e) => ownerOfNotificationId(e.id) === owner && !keep.has(e.id)).map((e) => e.id);
  return { put: desired, remove, ...(eventBridge !== undefined ? { eventBridge } : {}) };
}
