/**
 * The CloudFormation custom-resource event of `Custom::BucketkitNotifications` (what `StorageBucket` deploys), read
 * at the door: a bad event is a {@link ValidationError} naming the field, before any S3 request.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html
 *
 * CloudFormation passes every property value as a string (`true` arrives as `"true"`), so the booleans are read as
 * `"true"` / `"false"`.
 */
import { assertNotificationOwner } from 'bucketkit/storage';
import { EventReader, type JsonObject, ValidationError, describe } from '../shared';

/** The request types CloudFormation sends. */
export const REQUEST_TYPES = ['Create', 'Update', 'Delete'] as const;
/** One of {@link REQUEST_TYPES}. */
export type RequestType = (typeof REQUEST_TYPES)[number];
/** Destination types, as `NotificationDestination.type`. */
export const DESTINATION_TYPES = ['sqs', 'sns', 'lambda'] as const;
/** At most this many entries per stack and bucket (S3 has no documented limit; this bounds the event). */
export const MAX_DECLARED_NOTIFICATIONS = 100;

/** One notification a stack declares (one `addEventNotification` call). */
export interface DeclaredNotification {
  readonly type: (typeof DESTINATION_TYPES)[number];
  readonly arn: string;
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

/** The resource properties, as the construct writes them. */
export interface NotificationsProperties {
  /** The bucket whose configuration is merged. */
  readonly bucketName: string;
  /** The owner prefix of this stack's ids: stable for one stack and construct path. */
  readonly owner: string;
  readonly notifications: readonly DeclaredNotification[];
  /** true: this stack turns EventBridge on; undefined: the setting is left as found. */
  readonly eventBridge?: true;
  readonly skipDestinationValidation: boolean;
}

/** The parts of the event needed to answer CloudFormation, read even from an otherwise bad event. */
export interface ResponseTarget {
  readonly responseUrl: string;
  readonly stackId: string;
  readonly requestId: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
}

/** A whole, valid event. */
export interface NotificationsEvent extends ResponseTarget {
  readonly requestType: RequestType;
  readonly properties: NotificationsProperties;
  /** The properties before an Update. */
  readonly oldProperties?: NotificationsProperties;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * What is needed to answer at all: `ResponseURL` and the ids CloudFormation matches the answer with.
 * @returns undefined when the event has no usable `ResponseURL` (then nobody can be answered)
 */
export function responseTargetOf(event: unknown): ResponseTarget | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  if (typeof e.ResponseURL !== 'string' || e.ResponseURL.length === 0) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    responseUrl: e.ResponseURL,
    stackId: text(e.StackId),
    requestId: text(e.RequestId),
    logicalResourceId: text(e.LogicalResourceId),
    ...(typeof e.PhysicalResourceId === 'string' && e.PhysicalResourceId.length > 0 ? { physicalResourceId: e.PhysicalResourceId } : {}),
  };
}

/** Reads the whole event. @throws ValidationError naming the field */
export function parseNotificationsEvent(event: unknown): NotificationsEvent {
  const r = EventReader.of(event);
  const requestType = r.optionalEnum('RequestType', REQUEST_TYPES);
  if (requestType === undefined) throw new ValidationError('RequestType', `must be one of ${REQUEST_TYPES.join(', ')} (got nothing)`);
  const target = {
    responseUrl: r.string('ResponseURL', { maxLength: 8192 }),
    stackId: r.string('StackId', { maxLength: 2048 }),
    requestId: r.string('RequestId', { maxLength: 256 }),
    logicalResourceId: r.string('LogicalResourceId', { maxLength: 256 }),
    physicalResourceId: r.optionalString('PhysicalResourceId', { maxLength: 1024 }),
  };
  if (requestType !== 'Create' && target.physicalResourceId === undefined) {
    throw new ValidationError('PhysicalResourceId', `is required for a ${requestType} event`);
  }
  const raw = event as JsonObject;
  const properties = readProperties(r, raw, 'ResourceProperties');
  const oldProperties = requestType === 'Update' ? readProperties(r, raw, 'OldResourceProperties') : undefined;
  return { requestType, ...target, properties, ...(oldProperties ? { oldProperties } : {}) };
}

function readProperties(parent: EventReader, event: JsonObject, name: string): NotificationsProperties {
  const r = parent.optionalObject(name);
  if (r === undefined) throw new ValidationError(name, 'is required');
  const raw = event[name] as JsonObject;
  r.only(['ServiceToken', 'BucketName', 'Owner', 'Notifications', 'EventBridge', 'SkipDestinationValidation']);
  const bucketName = r.string('BucketName', { maxLength: 63, pattern: BUCKET_NAME, hint: 'must be an S3 bucket name' });
  const ownerText = r.string('Owner', { maxLength: 64 });
  try {
    assertNotificationOwner(ownerText);
  } catch {
    throw new ValidationError(r.field('Owner'), `must be 1..64 characters of A-Z a-z 0-9 _ - (got ${describe(ownerText)})`);
  }
  const notifications = r.has('Notifications') ? r.array('Notifications', MAX_DECLARED_NOTIFICATIONS, readNotification, { minItems: 0 }) : [];
  const eventBridge = flag(raw, r.field('EventBridge'));
  return {
    bucketName,
    owner: ownerText,
    notifications,
    ...(eventBridge ? { eventBridge: true as const } : {}),
    skipDestinationValidation: flag(raw, r.field('SkipDestinationValidation')),
  };
}

function readNotification(value: unknown, field: string): DeclaredNotification {
  EventReader.of(value, field); // an object, or ValidationError naming the entry
  const prefixed = new EventReader(value as JsonObject, `${field}.`);
  prefixed.only(['Type', 'Arn', 'Events', 'Prefix', 'Suffix']);
  const type = prefixed.optionalEnum('Type', DESTINATION_TYPES);
  if (type === undefined) throw new ValidationError(prefixed.field('Type'), `must be one of ${DESTINATION_TYPES.join(', ')} (got nothing)`);
  return {
    type,
    arn: prefixed.string('Arn', { maxLength: 2048 }),
    events: prefixed.array('Events', 50, (v, f) => {
      if (typeof v !== 'string' || !/^s3:[A-Za-z]+(:[A-Za-z*]+)?$/.test(v))
        throw new ValidationError(f, `must be an S3 event type such as s3:ObjectCreated:* (got ${describe(v)})`);
      return v;
    }),
    ...(prefixed.has('Prefix') ? { prefix: prefixed.string('Prefix', { maxLength: 1024 }) } : {}),
    ...(prefixed.has('Suffix') ? { suffix: prefixed.string('Suffix', { maxLength: 1024 }) } : {}),
  };
}

/** `"true"` / `"false"` (as CloudFormation sends booleans) or a boolean; absent is false. */
function flag(properties: JsonObject, field: string): boolean {
  const v = properties[field.slice(field.lastIndexOf('.') + 1)];
  if (v === undefined || v === null || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw new ValidationError(field, `must be "true" or "false" (got ${describe(v)})`);
}
