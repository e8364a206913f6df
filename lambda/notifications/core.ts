/**
 * `applyNotifications(event, deps)`: the core of the `Custom::BucketkitNotifications` handler that `StorageBucket`
 * deploys. It reads the bucket's notification configuration, merges by owner-prefixed id and writes it, with the
 * same code as the run-time API (`writeNotifications` from `bucketkit/storage/notifications` and `replaceOwnerNotifications` from `bucketkit/storage`):
 *
 * - Create puts this stack's entries; Update makes this stack's entries exactly the new ones (entries gone from the
 *   props are removed); Delete removes this stack's entries. Entries of other owners (other stacks, the run-time API,
 *   the console, scripts) are never touched.
 * - EventBridge: set on Create and Update when the stack turns it on (`eventBridgeEnabled`); otherwise, and on
 *   Delete, left as found: it is one bucket-wide flag with no owner, and other stacks' rules may depend on it.
 * - Idempotent: a retried event finds its entries in place and writes nothing. The PhysicalResourceId is
 *   `<owner>@<bucket>`, so it changes only when the bucket does (CloudFormation then deletes the old one).
 * - It always answers CloudFormation (a stuck custom resource waits an hour): a bad event or a failure is FAILED
 *   with the reason, and the work is aborted {@link RESPONSE_RESERVE_MS} before Lambda's deadline to answer in time.
 */
import { createHash } from 'node:crypto';
import {
  BucketNotFoundError,
  InvalidArgumentError,
  sameNotificationEntry,
  type NotificationChange,
  type NotificationEntry,
  type S3Storage,
  notificationEntryFor,
  ownerOfNotificationId,
  replaceOwnerNotifications,
} from 'bucketkit/storage';
import { DEFAULT_NOTIFICATION_SETTLE_MS, readNotifications, writeNotifications } from 'bucketkit/storage/notifications';
import { type HandlerDeps, resolveDeps } from '../shared';
import { type DeclaredNotification, type NotificationsEvent, type NotificationsProperties, parseNotificationsEvent, responseTargetOf } from './event';
import { type CustomResourceResponse, responseBody, sendResponse } from './response';

/** Time kept back from Lambda's deadline to answer CloudFormation, ms: the work is aborted when only this is left. */
export const RESPONSE_RESERVE_MS = 10_000;
/** The PhysicalResourceId of a Create whose event could not be read; its Delete (on rollback) does nothing. */
export const NOT_CREATED_PHYSICAL_ID = 'bucketkit-notifications-not-created';

/** Dependencies of {@link applyNotifications}. */
export interface NotificationsDeps extends HandlerDeps {
  /** Passed to `writeNotifications` (the read-back wait). @default DEFAULT_NOTIFICATION_SETTLE_MS */
  readonly settleMs?: number;
  /** Sends the response. @default {@link sendResponse} */
  readonly respond?: (responseUrl: string, body: CustomResourceResponse) => Promise<void>;
}

/** `<owner>@<bucket>`: stable across updates of one stack's resource on one bucket. */
export function physicalResourceIdFor(properties: NotificationsProperties): string {
  return `${properties.owner}@${properties.bucketName}`;
}

/**
 * The stored id of a declared notification: `<owner>.<16 hex of SHA-256 of its content>` (type, ARN, events,
 * filter). Stable while the declaration is, so an unchanged entry is never rewritten.
 */
export function declaredNotificationId(owner: string, n: DeclaredNotification): string {
  const content = JSON.stringify([n.type, n.arn, [...n.events].sort(), n.prefix ?? null, n.suffix ?? null]);
  return `${owner}.${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
}

/**
 * The entries a stack declares, checked like `addNotification` input (ARN form and service, FIFO, region).
 * @throws InvalidArgumentError naming the destination
 */
export function declaredEntries(properties: NotificationsProperties, bucketRegion: string | undefined): NotificationEntry[] {
  const byId = new Map<string, NotificationEntry>();
  for (const n of properties.notifications) {
    const id = declaredNotificationId(properties.owner, n);
    const entry = notificationEntryFor(
      { id, destination: { type: n.type, arn: n.arn }, events: n.events, prefix: n.prefix, suffix: n.suffix },
      properties.owner,
      bucketRegion,
    );
    byId.set(id, entry);
  }
  return [...byId.values()];
}

/**
 * Handles one custom-resource event and answers CloudFormation.
 * @returns the response sent, or undefined when the event has no ResponseURL (nothing can be answered; logged)
 * @throws Error only when the response could not be sent (Lambda then retries the event; the work is idempotent)
 */
export async function applyNotifications(event: unknown, deps: NotificationsDeps): Promise<CustomResourceResponse | undefined> {
  const d = resolveDeps(deps);
  const target = responseTargetOf(event);
  const requestType = typeof event === 'object' && event !== null ? (event as Record<string, unknown>).RequestType : undefined;
  if (target === undefined) {
    d.log.error('event without ResponseURL: CloudFormation cannot be answered', { requestType: String(requestType) });
    return undefined;
  }
  let body: CustomResourceResponse;
  let parsed: NotificationsEvent | undefined;
  try {
    const ev = parseNotificationsEvent(event);
    parsed = ev;
    const budgetMs = d.context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS;
    const physicalId = await withDeadline(budgetMs, (signal) => run(ev, d, deps.settleMs ?? DEFAULT_NOTIFICATION_SETTLE_MS, signal));
    body = responseBody(target, 'SUCCESS', physicalId, undefined, { Owner: ev.properties.owner });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    d.log.error('failed', { requestType: String(requestType), reason });
    // A Create that failed after its PUT (a read-back, the deadline) may have left entries: with its real id, the
    // Delete of the rollback removes them. Only an event that cannot be read gets the id that deletes nothing.
    const createdId = parsed ? physicalResourceIdFor(parsed.properties) : NOT_CREATED_PHYSICAL_ID;
    body = responseBody(target, 'FAILED', target.physicalResourceId ?? createdId, reason);
  }
  await (deps.respond ?? sendResponse)(target.responseUrl, body);
  d.log.info('answered', { requestType: String(requestType), status: body.Status, physicalResourceId: body.PhysicalResourceId });
  return body;
}

async function run(ev: NotificationsEvent, d: ReturnType<typeof resolveDeps>, settleMs: number, signal: AbortSignal): Promise<string> {
  const props = ev.properties;
  if (ev.requestType === 'Delete' && ev.physicalResourceId === NOT_CREATED_PHYSICAL_ID) return NOT_CREATED_PHYSICAL_ID;
  const storage = d.storage({ bucket: props.bucketName });
  try {
    const desired = ev.requestType === 'Delete' ? [] : declaredEntries(props, storage.region);
    const eventBridge = ev.requestType === 'Delete' ? undefined : props.eventBridge;
    // An Update that renamed the owner on the same bucket drops the old owner's entries in the same PUT.
    const old = ev.oldProperties;
    const formerOwner = old && old.bucketName === props.bucketName && old.owner !== props.owner ? old.owner : undefined;
    let change: NotificationChange = {};
    await writeNotifications(storage, { settleMs, abortSignal: signal, skipDestinationValidation: props.skipDestinationValidation }, (current) => {
      const own = replaceOwnerNotifications(current, props.owner, desired, eventBridge);
      const former = formerOwner ? current.entries.filter((e) => ownerOfNotificationId(e.id) === formerOwner).map((e) => e.id) : [];
      change = { ...own, remove: [...(own.remove ?? []), ...former] };
      return change;
    });
    d.log.info('applied', {
      requestType: ev.requestType,
      bucket: props.bucketName,
      owner: props.owner,
      entries: desired.length,
      removed: change.remove?.length ?? 0,
      eventBridge: eventBridge ?? 'kept',
    });
  } catch (error) {
    if (error instanceof InvalidArgumentError && error.field === 'notifications') throw await explainTwins(storage, props, error);
    // Deleting from a bucket that is gone leaves nothing behind: done.
    if (!(ev.requestType === 'Delete' && error instanceof BucketNotFoundError)) throw error;
    d.log.info('bucket gone: nothing to remove', { bucket: props.bucketName });
  } finally {
    destroyQuietly(storage);
  }
  return ev.requestType === 'Delete' ? ev.physicalResourceId! : physicalResourceIdFor(props);
}

/**
 * An overlap with an entry that has no owner and says exactly what one of ours says is, almost always, the same
 * notification put by the AWS CDK's Custom::S3BucketNotifications (S3 gives it a generated id): a stack moving to
 * bucketkit's handler. The error then says so and points at the two-deploy switch.
 */
async function explainTwins(storage: S3Storage, props: NotificationsProperties, error: InvalidArgumentError): Promise<InvalidArgumentError> {
  const desired = declaredEntries(props, storage.region);
  const current = await readNotifications(storage).catch(() => undefined);
  const twins = (current?.entries ?? []).filter(
    (e) => e.owner === undefined && desired.some((d) => sameNotificationEntry({ ...e, id: d.id, owner: d.owner }, d)),
  );
  if (twins.length === 0) return error;
  return new InvalidArgumentError(
    `${error.message}\nThe bucket already has ${twins.length === 1 ? 'an entry' : 'entries'} without an owner (${twins.map((t) => `"${t.id}"`).join(', ')}) saying exactly what this stack declares: most likely put by the AWS CDK's Custom::S3BucketNotifications before this stack moved to bucketkit's handler. Deploy once without the bucket's notifications (the CDK's resource is removed and empties the configuration), then again with them, or set notificationsHandler: NotificationsHandler.CDK (docs/notifications.md, "Upgrading").`,
    { field: 'notifications', cause: error },
  );
}

function destroyQuietly(storage: S3Storage): void {
  try {
    storage.destroy();
  } catch {
    // closing sockets cannot fail the answer
  }
}

/** Thrown when the work did not finish {@link RESPONSE_RESERVE_MS} before Lambda's deadline. */
export class DeadlineExceededError extends Error {
  public constructor(budgetMs: number) {
    super(
      `gave up ${RESPONSE_RESERVE_MS} ms before the Lambda deadline (after ${Math.max(0, budgetMs)} ms) to answer CloudFormation in time; ` +
        'the notification configuration may or may not have been written: a stack update or rollback applies it again (the handler is idempotent)',
    );
    this.name = 'DeadlineExceededError';
  }
}

/** Runs `work` with an AbortSignal that fires after `budgetMs`; rejects with DeadlineExceededError then. */
export function withDeadline<T>(budgetMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (budgetMs <= 0) return Promise.reject(new DeadlineExceededError(budgetMs));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: work that settles as soon as it sees the abort must not win the race.
      reject(new DeadlineExceededError(budgetMs));
      controller.abort();
    }, budgetMs);
  });
  return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer));
}
