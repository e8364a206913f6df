/**
 * `parseS3Event`: S3 events for consumers, whatever envelope they arrive in.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html (EventBridge)
 */
import { InvalidArgumentError } from '../../../errors';
import type { ParseS3EventOptions, S3EventRecord } from '../../../types/notifications';

/** The eventVersion accepted when no `minEventVersion` is given. */
export const DEFAULT_MIN_S3_EVENT_VERSION = '2.0';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses an S3 event from any of the envelopes S3 events come in, and returns its records (none for the
 * `s3:TestEvent` S3 sends when a configuration is put):
 * - an S3 notification (`{ Records: [{ eventSource: 'aws:s3', s3: ... }] }`), as a string or parsed;
 * - SQS-wrapped: an SQS message body holding any of these, or a Lambda SQS event (`Records[].body`);
 * - SNS-wrapped: an SNS message (`{ Type: 'Notification', Message }`, as SNS delivers to SQS) or a Lambda SNS
 *   event (`Records[].Sns.Message`);
 * - EventBridge: `{ source: 'aws.s3', 'detail-type', detail: { bucket, object } }`.
 *
 * Keys are decoded from the form-style URL encoding S3 uses (`+` is a space; `%2F`, which moto sends, is `/`).
 * EventBridge keys are taken as they are (EventBridge does not form-encode them).
 * @throws InvalidArgumentError (field `body`) for a body that is not JSON, not an S3 event, or an S3 record whose
 *   `eventVersion` has another major version or a lower minor version than `minEventVersion`
 */
export function parseS3Event(body: unknown, options: ParseS3EventOptions = {}): S3EventRecord[] {
  const min = parseVersion(options.minEventVersion ?? DEFAULT_MIN_S3_EVENT_VERSION, 'minEventVersion');
  return parse(body, min, 0);
}

/**
 * Orders two `sequencer` values of events on the same key: negative when `a` came first. S3's rule: right-pad the
 * shorter hex string with zeros, then compare as strings.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const [x, y] = [a.toUpperCase().padEnd(width, '0'), b.toUpperCase().padEnd(width, '0')];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Decodes an S3 event key: `+` is a space, then percent-decoding. A malformed escape is left as it is. */
export function decodeS3EventKey(key: string): string {
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function fail(message: string): never {
  throw new InvalidArgumentError(`body: ${message}`, { field: 'body' });
}

function parseVersion(version: string, field: string): [number, number] {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
  if (match === null) throw new InvalidArgumentError(`${field}: must be major.minor, e.g. 2.1 (got ${JSON.stringify(version)})`, { field });
  return [Number(match[1]), Number(match[2])];
}

function parse(body: unknown, min: [number, number], depth: number): S3EventRecord[] {
  if (depth > 4) fail('envelopes nested too deep');
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      fail('not JSON');
    }
  }
  if (!isObject(body)) fail('not a JSON object');
  if (body.Event === 's3:TestEvent') return [];
  if (body.Type === 'Notification' && typeof body.Message === 'string') return parse(body.Message, min, depth + 1);
  if (body.source === 'aws.s3' && isObject(body.detail)) return [fromEventBridge(body)];
  if (Array.isArray(body.Records)) {
    return body.Records.flatMap((record: unknown): S3EventRecord[] => {
      if (!isObject(record)) fail('a record is not an object');
      if (isObject(record.s3)) return [fromNotification(record, min)];
      if (typeof record.body === 'string') return parse(record.body, min, depth + 1); // Lambda SQS event
      if (isObject(record.Sns) && typeof record.Sns.Message === 'string') return parse(record.Sns.Message, min, depth + 1);
      return fail(`a record is neither an S3, SQS nor SNS record (eventSource ${JSON.stringify(record.eventSource ?? record.EventSource)})`);
    });
  }
  return fail('not an S3 event, an SQS or SNS envelope of one, or an EventBridge S3 event');
}

function fromNotification(record: Json, [minMajor, minMinor]: [number, number]): S3EventRecord {
  const version = typeof record.eventVersion === 'string' ? record.eventVersion : '';
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (match === null || Number(match[1]) !== minMajor || Number(match[2]) < minMinor) {
    fail(`eventVersion ${JSON.stringify(record.eventVersion)} is not supported: expected ${minMajor}.x with x >= ${minMinor}`);
  }
  const s3 = record.s3 as Json;
  const bucket = isObject(s3.bucket) ? s3.bucket : {};
  const object = isObject(s3.object) ? s3.object : {};
  if (typeof object.key !== 'string' || typeof bucket.name !== 'string') fail('an S3 record lacks s3.bucket.name or s3.object.key');
  const eventName = typeof record.eventName === 'string' ? record.eventName.replace(/^s3:/, '') : '';
  return {
    eventName,
    source: 'notification',
    eventVersion: version,
    ...optional('eventTime', typeof record.eventTime === 'string' ? new Date(record.eventTime) : undefined),
    ...optional('region', str(record.awsRegion)),
    bucket: bucket.name as string,
    key: decodeS3EventKey(object.key as string),
    ...optional('size', typeof object.size === 'number' ? object.size : undefined),
    ...optional('etag', str(object.eTag)),
    ...optional('versionId', str(object.versionId)),
    ...optional('sequencer', str(object.sequencer)),
    ...optional('configurationId', str(s3.configurationId)),
  };
}

function fromEventBridge(event: Json): S3EventRecord {
  const detail = event.detail as Json;
  const bucket = isObject(detail.bucket) ? detail.bucket : {};
  const object = isObject(detail.object) ? detail.object : {};
  if (typeof object.key !== 'string' || typeof bucket.name !== 'string') fail('an EventBridge S3 event lacks detail.bucket.name or detail.object.key');
  return {
    eventName: str(event['detail-type']) ?? '',
    source: 'eventbridge',
    ...optional('eventTime', typeof event.time === 'string' ? new Date(event.time) : undefined),
    ...optional('region', str(event.region)),
    bucket: bucket.name as string,
    key: object.key as string,
    ...optional('size', typeof object.size === 'number' ? object.size : undefined),
    ...optional('etag', str(object.etag)),
    ...optional('versionId', str(object['version-id'])),
    ...optional('sequencer', str(object.sequencer)),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const optional = <K extends string, V>(name: K, value: V | undefined) => (value === undefined ? {} : ({ [name]: value } as { [P in K]: V }));
