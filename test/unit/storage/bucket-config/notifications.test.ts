import { Readable } from 'node:stream';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConflictError, InvalidArgumentError, S3Storage, UnsupportedFeatureError } from '../../../../lib/storage';
import { writeNotifications } from '../../../../lib/storage/notifications';
import {
  mergeNotifications,
  notificationEntryFor,
  notificationIdFor,
  notificationsFromSdk,
  notificationsToSdk,
  ownerOfNotificationId,
  replaceOwnerNotifications,
} from '../../../../lib/storage/s3/bucket-config/notifications/model';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:events';
const FOREIGN = { Id: 'hand-made', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Events: ['s3:ObjectRemoved:*' as const] };

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', region: 'us-east-1', client });
beforeEach(() => s3.reset());

/** A store in memory behind the mock: Get returns what the last Put stored. */
function fakeStore(initial: object) {
  let stored: object = initial;
  s3.on(GetBucketNotificationConfigurationCommand).callsFake(() => structuredClone(stored));
  s3.on(PutBucketNotificationConfigurationCommand).callsFake((input) => {
    stored = structuredClone(input.NotificationConfiguration);
    return {};
  });
  return { get: () => stored };
}

describe('ids and owners', () => {
  test('ids are <owner>.<name>; a name already prefixed is kept; the owner is read back from the id', () => {
    expect(notificationIdFor('app', 'thumbs')).toBe('app.thumbs');
    expect(notificationIdFor('app', 'app.thumbs')).toBe('app.thumbs');
    expect(ownerOfNotificationId('app.thumbs')).toBe('app');
    expect(ownerOfNotificationId('hand-made')).toBeUndefined();
    expect(() => notificationIdFor('app', 'a b')).toThrow(expect.objectContaining({ field: 'id' }));
  });

  test('an entry is checked before anything is sent: ARN service, FIFO, region, events, filters', () => {
    const base = { destination: { type: 'sqs' as const, arn: QUEUE }, events: ['s3:ObjectCreated:*'] };
    expect(notificationEntryFor(base, 'app', 'us-east-1')).toMatchObject({ owner: 'app', destination: base.destination });
    const field = (input: object, region = 'us-east-1') => {
      try {
        notificationEntryFor({ ...base, ...input } as never, 'app', region);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        return `${(e as InvalidArgumentError).field} | ${(e as Error).message}`;
      }
    };
    expect(field({ destination: { type: 'sns', arn: QUEUE } })).toMatch(/^destination.arn \| destination.arn: must be an sns ARN/);
    expect(field({ destination: { type: 'sqs', arn: `${QUEUE}.fifo` } })).toMatch(/^destination.arn \| .*S3-NOTIFICATION-FIFO-DESTINATION.*FIFO queue/);
    expect(field({ destination: { type: 'sns', arn: 'arn:aws:sns:us-east-1:123456789012:t.fifo' } })).toMatch(/FIFO topic/);
    expect(field({ destination: { type: 'lambda', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:f' } })).toMatch(
      /^destination.arn \| .*S3-NOTIFICATION-DESTINATION-REGION.*eu-west-1 but the bucket is in us-east-1/,
    );
    expect(field({ destination: { type: 'email', arn: QUEUE } })).toMatch(/^destination.type \| /);
    expect(field({ events: [] })).toMatch(/^events \| /);
    expect(field({ prefix: '' })).toMatch(/^prefix \| /);
  });
});

describe('MinIO targets', () => {
  test('an sqs destination may be a MinIO target; stored with the bucket region, as MinIO reads it back', () => {
    const input = { destination: { type: 'sqs' as const, arn: 'arn:minio:sqs::BUCKETKIT:webhook' }, events: ['s3:ObjectCreated:*'] };
    expect(notificationEntryFor(input, 'app', 'us-east-1').destination).toEqual({ type: 'sqs', arn: 'arn:minio:sqs:us-east-1:BUCKETKIT:webhook' });
    expect(notificationEntryFor(input, 'app', undefined).destination.arn).toBe('arn:minio:sqs::BUCKETKIT:webhook');
    const elsewhere = { ...input, destination: { type: 'sqs' as const, arn: 'arn:minio:sqs:eu-west-1:BUCKETKIT:webhook' } };
    expect(() => notificationEntryFor(elsewhere, 'app', 'us-east-1')).toThrow(/eu-west-1 but the bucket is in us-east-1/);
    const asTopic = { ...input, destination: { type: 'sns' as const, arn: 'arn:minio:sqs::BUCKETKIT:webhook' } };
    expect(() => notificationEntryFor(asTopic, 'app', 'us-east-1')).toThrow(/destination.arn: must be an sns ARN/);
    const malformed = { ...input, destination: { type: 'sqs' as const, arn: 'arn:minio:sqs::a b:webhook' } };
    expect(() => notificationEntryFor(malformed, 'app', 'us-east-1')).toThrow(/or a MinIO target arn:minio:sqs::<id>:<type>/);
  });
});

describe('replaceOwnerNotifications (the deploy-time handler)', () => {
  const mine = (name: string, prefix: string) =>
    notificationEntryFor({ id: name, destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'], prefix }, 'stack', 'us-east-1');
  const current = notificationsFromSdk({
    TopicConfigurations: [FOREIGN, { Id: 'other.x', TopicArn: FOREIGN.TopicArn, Events: ['s3:ObjectRemoved:Delete'] }],
    QueueConfigurations: [
      { Id: 'stack.a', QueueArn: QUEUE, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a/' }] } } },
      { Id: 'stack.b', QueueArn: QUEUE, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'b/' }] } } },
    ],
    EventBridgeConfiguration: {},
  });

  test("puts the desired entries, removes this owner's others, names nobody else's; EventBridge kept unless given", () => {
    const change = replaceOwnerNotifications(current, 'stack', [mine('a', 'a2/'), mine('c', 'c/')]);
    expect(change).toEqual({ put: [mine('a', 'a2/'), mine('c', 'c/')], remove: ['stack.b'] });
    const merged = mergeNotifications(current, change);
    expect(merged.entries.map((e) => e.id).sort()).toEqual(['hand-made', 'other.x', 'stack.a', 'stack.c']);
    expect(merged.eventBridge).toBe(true);
    expect(replaceOwnerNotifications(current, 'stack', [], false)).toEqual({ put: [], remove: ['stack.a', 'stack.b'], eventBridge: false });
  });

  test('an entry not owned by the owner is refused', () => {
    const foreign = notificationEntryFor({ id: 'z', destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'] }, 'other', 'us-east-1');
    expect(() => replaceOwnerNotifications(current, 'stack', [foreign])).toThrow(/"other.z" is not owned by "stack"/);
  });
});

describe('merge', () => {
  test('a change keeps every entry it does not name and the EventBridge setting', () => {
    const current = notificationsFromSdk({ TopicConfigurations: [FOREIGN], EventBridgeConfiguration: {} });
    const mine = notificationEntryFor({ id: 'x', destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'], prefix: 'in/' }, 'app', undefined);
    const next = mergeNotifications(current, { put: [mine] });
    expect(notificationsToSdk(next)).toEqual({
      QueueConfigurations: [
        { Id: 'app.x', QueueArn: QUEUE, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } },
      ],
      TopicConfigurations: [FOREIGN],
      LambdaFunctionConfigurations: [],
      EventBridgeConfiguration: {},
    });
    expect(mergeNotifications(next, { remove: ['app.x'] }).entries.map((e) => e.id)).toEqual(['hand-made']);
  });

  test('filter rule names as AWS returns them (Prefix, Suffix) are read', () => {
    const read = notificationsFromSdk({
      QueueConfigurations: [
        {
          Id: 'a',
          QueueArn: QUEUE,
          Events: ['s3:ObjectCreated:*'],
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'Prefix' as 'prefix', Value: 'p/' },
                { Name: 'Suffix' as 'suffix', Value: '.jpg' },
              ],
            },
          },
        },
      ],
    });
    expect(read.entries[0]).toMatchObject({ prefix: 'p/', suffix: '.jpg' });
  });
});

describe('writes through a mocked client', () => {
  test('add keeps a foreign entry and EventBridge in the PUT', async () => {
    const store = fakeStore({ TopicConfigurations: [FOREIGN], EventBridgeConfiguration: {} });
    const added = await storage.addNotification({ id: 'q', destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'] }, { settleMs: 0 });
    expect(added.id).toBe('bucketkit.q');
    expect(s3).toHaveReceivedCommandWith(PutBucketNotificationConfigurationCommand, {
      NotificationConfiguration: expect.objectContaining({ TopicConfigurations: [FOREIGN], EventBridgeConfiguration: {} }),
    });
    expect(store.get()).toMatchObject({ QueueConfigurations: [expect.objectContaining({ Id: 'bucketkit.q' })] });
  });

  test('an overlap with an existing entry is InvalidArgumentError naming both, and nothing is put', async () => {
    fakeStore({
      QueueConfigurations: [
        { Id: 'other.images', QueueArn: QUEUE, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'img/' }] } } },
      ],
    });
    const error = await storage
      .addNotification({ id: 'thumbs', destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:Put'], prefix: 'img/thumbs/' }, { settleMs: 0 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/"other.images".*"bucketkit.thumbs".*overlap/s);
    expect(s3).not.toHaveReceivedCommand(PutBucketNotificationConfigurationCommand);
  });

  test("remove refuses an absent id and another owner's id unless force", async () => {
    fakeStore({ TopicConfigurations: [FOREIGN, { ...FOREIGN, Id: 'stack1.abc', Events: ['s3:ObjectRestore:*'] }] });
    await expect(storage.removeNotification('nope', { settleMs: 0 })).rejects.toThrow(/no notification "nope"/);
    await expect(storage.removeNotification('hand-made', { settleMs: 0 })).rejects.toThrow(/has no bucketkit owner prefix.*force: true/);
    await expect(storage.removeNotification('stack1.abc', { settleMs: 0 })).rejects.toThrow(/belongs to owner "stack1"/);
    expect(s3).not.toHaveReceivedCommand(PutBucketNotificationConfigurationCommand);
    await storage.removeNotification('stack1.abc', { owner: 'stack1', settleMs: 0 });
    await storage.removeNotification('hand-made', { force: true, settleMs: 0 });
    expect((await storage.listNotifications()).length).toBe(0);
  });

  test('a PUT overwritten by another writer before the read-back is retried; a store that never keeps it ends in ConflictError', async () => {
    let puts = 0;
    s3.on(GetBucketNotificationConfigurationCommand).resolves({ TopicConfigurations: [FOREIGN] });
    s3.on(PutBucketNotificationConfigurationCommand).callsFake(() => {
      puts++;
      return {};
    });
    const error = await storage
      .addNotification({ destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'] }, { settleMs: 0, maxAttempts: 3 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(puts).toBe(3);
  });

  test('setEventBridge on a store that does not report EventBridgeConfiguration back is UnsupportedFeatureError', async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({});
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});
    await expect(storage.setEventBridge(true, { settleMs: 0 })).rejects.toBeInstanceOf(UnsupportedFeatureError);
  });

  test('skipDestinationValidation sends x-amz-skip-destination-validation with the PUT', async () => {
    fakeStore({});
    await writeNotifications(storage, { settleMs: 0, skipDestinationValidation: true }, () => ({
      put: [notificationEntryFor({ id: 'q', destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'] }, 'bucketkit', 'us-east-1')],
    }));
    expect(s3).toHaveReceivedCommandWith(PutBucketNotificationConfigurationCommand, { SkipDestinationValidation: true });
  });

  test('bad options are refused before any request', async () => {
    await expect(storage.addNotification({ destination: { type: 'sqs', arn: QUEUE }, events: ['s3:ObjectCreated:*'] }, { owner: 'a.b' })).rejects.toMatchObject(
      { field: 'owner' },
    );
    await expect(storage.removeNotification('x', { maxAttempts: 0 })).rejects.toMatchObject({ field: 'maxAttempts' });
    await expect(storage.setEventBridge('yes' as never)).rejects.toMatchObject({ field: 'enabled' });
    expect(s3.calls()).toHaveLength(0);
  });
});

test('a recorded AWS answer with <EventBridgeConfiguration/> reads as eventBridge: true', async () => {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?><NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    '<QueueConfiguration><Id>a.b</Id><Queue>arn:aws:sqs:us-east-1:123456789012:q</Queue><Event>s3:ObjectCreated:*</Event>' +
    '<Filter><S3Key><FilterRule><Name>Prefix</Name><Value>in/</Value></FilterRule></S3Key></Filter></QueueConfiguration>' +
    '<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>';
  const recorded = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: { handle: async () => ({ response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from(xml)]) } }) },
  });
  const out = await recorded.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'b' }));
  expect(notificationsFromSdk(out)).toEqual({
    eventBridge: true,
    entries: [
      { id: 'a.b', owner: 'a', destination: { type: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:q' }, events: ['s3:ObjectCreated:*'], prefix: 'in/' },
    ],
  });
});
