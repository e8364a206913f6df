import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvalidArgumentError, UnsupportedFeatureError } from '../../../lib/storage';
import { parseS3Event } from '../../../lib/storage/s3/bucket-config/notifications/parse-event';
import type { S3EventRecord } from '../../../lib/storage/types/notifications';
import { countRequests, createTestBucket, currentTarget, storageFor, TestBucket } from '../../helpers/target';

// moto delivers events to SQS in server mode (../shared/reference/object-features.md section 8); the other targets'
// event delivery is not covered here (docs/compatibility.md).
const target = currentTarget();
const onMoto = target.name === 'moto' ? describe : describe.skip;

const ACCOUNT = '123456789012';
const arn = (service: string, name: string) => `arn:aws:${service}:${target.region}:${ACCOUNT}:${name}`;
/** Three entries made by hand (no bucketkit owner prefix), plus one of another stack. */
const FOREIGN = {
  QueueConfigurations: [{ Id: 'manual-queue', QueueArn: arn('sqs', 'manual'), Events: ['s3:ObjectRestore:*' as const] }],
  TopicConfigurations: [
    {
      Id: 'console-topic',
      TopicArn: arn('sns', 'console'),
      Events: ['s3:ObjectRemoved:*' as const],
      Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'logs/' }] } },
    },
  ],
  LambdaFunctionConfigurations: [
    { Id: 'script-fn', LambdaFunctionArn: arn('lambda', 'function:script'), Events: ['s3:ObjectTagging:*' as const] },
    {
      Id: 'otherstack.thumbs',
      LambdaFunctionArn: arn('lambda', 'function:thumbs'),
      Events: ['s3:ObjectCreated:*' as const],
      Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'img/' }] } },
    },
  ],
};
const FOREIGN_IDS = ['manual-queue', 'console-topic', 'script-fn', 'otherstack.thumbs'];

let b: TestBucket;
let sqs: SQSClient;
beforeAll(async () => {
  b = await createTestBucket('notif');
  sqs = new SQSClient({ endpoint: target.endpoint, region: target.region, credentials: target.credentials });
});
afterAll(async () => {
  await b.cleanup();
  sqs.destroy();
});
beforeEach(async () => {
  await b.raw.send(new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: FOREIGN }));
});

async function ids(): Promise<string[]> {
  return (await b.storage.listNotifications()).map((e) => e.id).sort();
}

onMoto('notifications at run time (moto)', () => {
  test('listNotifications returns every entry with id, owner, destination, events and filter', async () => {
    const list = await b.storage.listNotifications();
    expect(list).toHaveLength(4);
    expect(list).toContainEqual({
      id: 'console-topic',
      destination: { type: 'sns', arn: arn('sns', 'console') },
      events: ['s3:ObjectRemoved:*'],
      prefix: 'logs/',
    });
    expect(list).toContainEqual({
      id: 'otherstack.thumbs',
      owner: 'otherstack',
      destination: { type: 'lambda', arn: arn('lambda', 'function:thumbs') },
      events: ['s3:ObjectCreated:*'],
      prefix: 'img/',
    });
  });

  test("add, replace and remove change only this owner's entries; foreign entries survive each PUT", async () => {
    const added = await b.storage.addNotification({
      id: 'docs',
      destination: { type: 'sqs', arn: arn('sqs', 'docs') },
      events: ['s3:ObjectCreated:*'],
      prefix: 'docs/',
      suffix: '.pdf',
    });
    expect(added).toMatchObject({ id: 'bucketkit.docs', owner: 'bucketkit', prefix: 'docs/', suffix: '.pdf' });
    expect(await ids()).toEqual([...FOREIGN_IDS, 'bucketkit.docs'].sort());
    await b.storage.addNotification({ id: 'docs', destination: { type: 'sns', arn: arn('sns', 'docs') }, events: ['s3:ObjectCreated:Put'], prefix: 'docs/' });
    const replaced = (await b.storage.listNotifications()).find((e) => e.id === 'bucketkit.docs');
    expect(replaced).toEqual({
      id: 'bucketkit.docs',
      owner: 'bucketkit',
      destination: { type: 'sns', arn: arn('sns', 'docs') },
      events: ['s3:ObjectCreated:Put'],
      prefix: 'docs/',
    });
    await b.storage.removeNotification('bucketkit.docs');
    expect(await ids()).toEqual([...FOREIGN_IDS].sort());
    // The raw configuration is the hand-made one, field for field.
    const raw = await b.raw.send(new GetBucketNotificationConfigurationCommand({ Bucket: b.name }));
    expect(raw.TopicConfigurations).toEqual(FOREIGN.TopicConfigurations);
    expect(raw.LambdaFunctionConfigurations).toEqual(FOREIGN.LambdaFunctionConfigurations);
  });

  test("an overlap, a FIFO queue, a cross-region Lambda and another owner's id are refused before any PUT", async () => {
    const counter = countRequests(b.storage.client);
    const overlap = await b.storage
      .addNotification({ id: 'small', destination: { type: 'sqs', arn: arn('sqs', 'q') }, events: ['s3:ObjectCreated:Put'], prefix: 'img/small/' })
      .catch((e) => e);
    expect(overlap).toBeInstanceOf(InvalidArgumentError);
    expect(overlap.message).toMatch(/"otherstack.thumbs".*"bucketkit.small".*overlap/s);
    await expect(
      b.storage.addNotification({ destination: { type: 'sqs', arn: arn('sqs', 'q.fifo') }, events: ['s3:ObjectCreated:*'], prefix: 'f/' }),
    ).rejects.toThrow(/FIFO queue/);
    await expect(
      b.storage.addNotification({
        destination: { type: 'lambda', arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:f` },
        events: ['s3:ObjectCreated:*'],
        prefix: 'f/',
      }),
    ).rejects.toThrow(/eu-west-1 but the bucket is in us-east-1/);
    await expect(b.storage.removeNotification('otherstack.thumbs')).rejects.toThrow(/belongs to owner "otherstack".*force/);
    await expect(b.storage.removeNotification('absent')).rejects.toThrow(/no notification "absent"/);
    expect(counter.commands.filter((c) => c.startsWith('Put'))).toEqual([]);
    expect(await ids()).toEqual([...FOREIGN_IDS].sort());
    await b.storage.removeNotification('script-fn', { force: true });
    expect(await ids()).toEqual(FOREIGN_IDS.filter((id) => id !== 'script-fn').sort());
  });

  test('racing writers: two S3Storage instances each add 20 entries concurrently; all 40 and every foreign entry remain', async () => {
    const [one, two] = [storageFor(b.name), storageFor(b.name)];
    try {
      const add = (storage: typeof one, owner: string) =>
        Array.from({ length: 20 }, (_, i) =>
          storage.addNotification(
            { id: `n${i}`, destination: { type: 'sqs', arn: arn('sqs', `${owner}-${i}`) }, events: ['s3:ObjectCreated:*'], prefix: `race/${owner}/${i}/` },
            { owner },
          ),
        );
      const results = await Promise.all([...add(one, 'writer-a'), ...add(two, 'writer-b')]);
      expect(results).toHaveLength(40);
      const expected = [...FOREIGN_IDS, ...['writer-a', 'writer-b'].flatMap((o) => Array.from({ length: 20 }, (_, i) => `${o}.n${i}`))].sort();
      expect(await ids()).toEqual(expected);
    } finally {
      one.destroy();
      two.destroy();
    }
  }, 120_000);

  test('setEventBridge: moto accepts it but never reports it back, so it is UnsupportedFeatureError; entries untouched', async () => {
    await expect(b.storage.setEventBridge(true, { settleMs: 0 })).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(await ids()).toEqual([...FOREIGN_IDS].sort());
    await b.storage.setEventBridge(false, { settleMs: 0 });
    expect(await ids()).toEqual([...FOREIGN_IDS].sort());
  });

  test('delivery to SQS: prefix and suffix filter, keys decoded, the TestEvent skipped by parseS3Event', async () => {
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `bk-notif-${Date.now()}` }));
    try {
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
      await b.storage.addNotification({
        id: 'uploads',
        destination: { type: 'sqs', arn: attrs.Attributes!.QueueArn! },
        events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
        prefix: 'in/',
        suffix: '.jpg',
      });
      await b.storage.put('in/red flower.jpg', 'x');
      await b.storage.put('in/notes.txt', 'x'); // suffix does not match
      await b.storage.put('out/blue.jpg', 'x'); // prefix does not match
      await b.storage.delete('in/red flower.jpg');
      const bodies: string[] = [];
      for (let i = 0; i < 5; i++) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        bodies.push(...(out.Messages ?? []).map((m) => m.Body!));
        if (bodies.length >= 3) break;
      }
      // One TestEvent (sent when the configuration was put) and two events.
      expect(bodies.filter((body) => JSON.parse(body).Event === 's3:TestEvent')).toHaveLength(1);
      const records: S3EventRecord[] = bodies.flatMap((body) => parseS3Event(body));
      expect(records.map((r) => [r.eventName, r.key, r.bucket, r.configurationId])).toEqual([
        ['ObjectCreated:Put', 'in/red flower.jpg', b.name, 'bucketkit.uploads'],
        ['ObjectRemoved:Delete', 'in/red flower.jpg', b.name, 'bucketkit.uploads'],
      ]);
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.QueueUrl }));
    }
  }, 60_000);
});
