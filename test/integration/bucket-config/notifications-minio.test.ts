/**
 * Event notification delivery on MinIO (issue 12, item 10). MinIO notifies only targets configured on the server
 * (webhook, AMQP, Kafka, ...), addressed as queues: `arn:minio:sqs::<id>:<type>`. scripts/test-compat.sh starts the
 * MinIO target with a webhook target `BUCKETKIT` pointing at 127.0.0.1:$BUCKETKIT_MINIO_WEBHOOK_PORT, where this test
 * listens. What is asserted: bucketkit's run-time API configures such a target (merging by id, keeping a hand-made
 * entry), the events arrive with prefix and suffix filtering, parseS3Event reads MinIO's webhook body, and what MinIO
 * refuses (SNS and Lambda destinations, AWS queue ARNs) fails with a typed error and changes nothing.
 * On other targets this file does nothing (moto's delivery is tested in notifications.test.ts).
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import * as http from 'node:http';
import { InvalidArgumentError, UnsupportedFeatureError, parseS3Event, type S3EventRecord } from '../../../lib/storage';
import { createTestBucket, currentTarget, type TestBucket } from '../../helpers/target';

const target = currentTarget();
const onMinio = target.name === 'minio' ? describe : describe.skip;
/** The webhook target's id in MINIO_NOTIFY_WEBHOOK_ENABLE_<ID> (scripts/test-compat.sh). */
const TARGET_ID = process.env.BUCKETKIT_MINIO_WEBHOOK_ID ?? 'BUCKETKIT';
const WEBHOOK = `arn:minio:sqs::${TARGET_ID}:webhook`;
const WEBHOOK_IN_REGION = `arn:minio:sqs:${target.region}:${TARGET_ID}:webhook`;
/** A hand-made entry on the same target (no bucketkit owner prefix). */
const FOREIGN = {
  Id: 'manual-webhook',
  QueueArn: WEBHOOK,
  Events: ['s3:ObjectRemoved:*' as const],
  Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'logs/' }] } },
};

let b: TestBucket;
let server: http.Server;
const bodies: string[] = [];

onMinio('notifications on MinIO: delivery to a server-configured webhook target', () => {
  beforeAll(async () => {
    const port = Number(process.env.BUCKETKIT_MINIO_WEBHOOK_PORT);
    if (!Number.isInteger(port) || port <= 0) {
      throw new Error('BUCKETKIT_MINIO_WEBHOOK_PORT is not set: run the MinIO target through scripts/test-compat.sh, which configures the webhook target');
    }
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST') bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    b = await createTestBucket('notif-minio');
    await b.raw.send(new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: { QueueConfigurations: [FOREIGN] } }));
  });
  afterAll(async () => {
    await b?.cleanup();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function recordsFor(bucket: string, count: number, timeoutMs = 10_000): Promise<S3EventRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = bodies.flatMap((body) => parseS3Event(body)).filter((r) => r.bucket === bucket);
      if (records.length >= count || Date.now() > deadline) return records;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('addNotification with a MinIO webhook ARN: stored in the region form MinIO reads back; the hand-made entry stays', async () => {
    const entry = await b.storage.addNotification({
      id: 'uploads',
      destination: { type: 'sqs', arn: WEBHOOK },
      events: ['s3:ObjectCreated:*'],
      prefix: 'in/',
      suffix: '.jpg',
    });
    expect(entry).toEqual({
      id: 'bucketkit.uploads',
      owner: 'bucketkit',
      destination: { type: 'sqs', arn: WEBHOOK_IN_REGION },
      events: ['s3:ObjectCreated:*'],
      prefix: 'in/',
      suffix: '.jpg',
    });
    const raw = await b.raw.send(new GetBucketNotificationConfigurationCommand({ Bucket: b.name }));
    expect(raw.QueueConfigurations?.map((q) => q.Id).sort()).toEqual(['bucketkit.uploads', 'manual-webhook']);
    expect(raw.QueueConfigurations?.find((q) => q.Id === 'manual-webhook')).toEqual({ ...FOREIGN, QueueArn: WEBHOOK_IN_REGION });
  });

  test('events reach the webhook: prefix and suffix filter, the key decoded by parseS3Event', async () => {
    await b.storage.put('in/red flower.jpg', 'x');
    await b.storage.put('in/notes.txt', 'x'); // suffix does not match
    await b.storage.put('out/blue.jpg', 'x'); // prefix does not match
    await b.storage.put('logs/app.log', 'x'); // no ObjectCreated entry for logs/
    await b.storage.delete('logs/app.log'); // the hand-made entry's event
    const records = await recordsFor(b.name, 2);
    await new Promise((r) => setTimeout(r, 500)); // nothing else may arrive
    const all = bodies.flatMap((body) => parseS3Event(body)).filter((r) => r.bucket === b.name);
    // MinIO writes "Config" as every record's configurationId, not the entry's Id (AWS and moto write the Id).
    expect(all.map((r) => [r.eventName, r.key, r.configurationId])).toEqual([
      ['ObjectCreated:Put', 'in/red flower.jpg', 'Config'],
      ['ObjectRemoved:Delete', 'logs/app.log', 'Config'],
    ]);
    expect(records[0]).toMatchObject({ source: 'notification', eventVersion: '2.0', region: target.region });
  }, 30_000);

  test('what MinIO refuses fails typed and changes nothing: SNS and Lambda destinations, an AWS queue ARN', async () => {
    const before = await b.storage.listNotifications();
    const sns = await b.storage
      .addNotification({
        id: 'topic',
        destination: { type: 'sns', arn: `arn:aws:sns:${target.region}:123456789012:t` },
        events: ['s3:ObjectCreated:*'],
        prefix: 'sns/',
      })
      .catch((e) => e);
    expect(sns).toBeInstanceOf(UnsupportedFeatureError);
    expect(sns.s3Code).toBe('UnsupportedNotification');
    expect(sns.message).toMatch(/does not support Topic or Cloud Function/);
    const lambda = await b.storage
      .addNotification({
        id: 'fn',
        destination: { type: 'lambda', arn: `arn:aws:lambda:${target.region}:123456789012:function:f` },
        events: ['s3:ObjectCreated:*'],
        prefix: 'fn/',
      })
      .catch((e) => e);
    expect(lambda).toBeInstanceOf(UnsupportedFeatureError);
    const queue = await b.storage
      .addNotification({
        id: 'q',
        destination: { type: 'sqs', arn: `arn:aws:sqs:${target.region}:123456789012:q` },
        events: ['s3:ObjectCreated:*'],
        prefix: 'q/',
      })
      .catch((e) => e);
    expect(queue).toBeInstanceOf(InvalidArgumentError);
    expect(queue.message).toMatch(/destination ARN does not exist or is not well-formed/);
    const unknownTarget = await b.storage
      .addNotification({ id: 'nope', destination: { type: 'sqs', arn: 'arn:minio:sqs::NO_SUCH_TARGET:webhook' }, events: ['s3:ObjectCreated:*'], prefix: 'n/' })
      .catch((e) => e);
    expect(unknownTarget).toBeInstanceOf(InvalidArgumentError);
    expect(await b.storage.listNotifications()).toEqual(before);
  });

  test('EventBridge: MinIO accepts the setting and never reports it, so setEventBridge is UnsupportedFeatureError', async () => {
    await expect(b.storage.setEventBridge(true, { settleMs: 0 })).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await b.storage.setEventBridge(false, { settleMs: 0 });
    expect((await b.storage.listNotifications()).map((e) => e.id).sort()).toEqual(['bucketkit.uploads', 'manual-webhook']);
  });

  test('removeNotification removes only its entry', async () => {
    await b.storage.removeNotification('bucketkit.uploads');
    const raw = await b.raw.send(new GetBucketNotificationConfigurationCommand({ Bucket: b.name }));
    expect(raw.QueueConfigurations).toEqual([{ ...FOREIGN, QueueArn: WEBHOOK_IN_REGION }]);
  });
});
