/**
 * The notifications custom-resource handler (lambda/notifications), run in-process against moto, as CloudFormation
 * would drive it: Create, Update and Delete events, with three hand-made entries and EventBridge on in the bucket.
 * Each event must leave the hand-made entries and the EventBridge setting as they were, and make this stack's entries
 * exactly what it declares. The response goes to a loopback receiver standing in for the pre-signed ResponseURL.
 *
 * moto stores EventBridgeConfiguration but never reports it in GetBucketNotificationConfiguration; the handler reads
 * through EventBridgeReportProxy, which reports it as Amazon S3 does. Whether the setting really stayed on in moto is
 * checked by delivery: an EventBridge rule on the default bus sends the bucket's events to an SQS queue.
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NOT_CREATED_PHYSICAL_ID,
  RESPONSE_RESERVE_MS,
  applyNotifications,
  declaredNotificationId,
  type CustomResourceResponse,
  type NotificationsDeps,
} from '../../../lambda/notifications';
import { S3Storage, type NotificationEntry } from '../../../lib/storage';
import { EventBridgeReportProxy } from '../../helpers/eventbridge-report-proxy';
import { StallServer } from '../../helpers/fault-proxy';
import { createTestBucket, currentTarget, type TestBucket } from '../../helpers/target';

const target = currentTarget();
const onMoto = target.name === 'moto' ? describe : describe.skip;
const ACCOUNT = '123456789012';
const arn = (service: string, name: string) => `arn:aws:${service}:${target.region}:${ACCOUNT}:${name}`;
const STACK_ID = `arn:aws:cloudformation:${target.region}:${ACCOUNT}:stack/App/0a1b2c3d`;
const OWNER = 'App-Bucket-3f9a2c41d0';

/** Three entries made by hand (console, script), no bucketkit owner prefix. */
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
  LambdaFunctionConfigurations: [{ Id: 'script-fn', LambdaFunctionArn: arn('lambda', 'function:script'), Events: ['s3:ObjectTagging:*' as const] }],
};

/** A response receiver standing in for CloudFormation's pre-signed URL. */
class ResponseReceiver {
  public readonly received: { body: CustomResourceResponse; contentType: string | undefined; url: string }[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), contentType: req.headers['content-type'], url: req.url ?? '' });
      res.writeHead(200);
      res.end();
    });
  });

  public async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** A URL shaped like a pre-signed one (its query must never be logged). */
  public url(id: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/cfn/${id}?X-Amz-Signature=not-a-real-signature`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** moto's EventBridge API (JSON 1.1); no EventBridge client is a dependency, and moto does not check signatures. */
async function events(action: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(target.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSEvents.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${target.credentials.accessKeyId}/20260101/${target.region}/events/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`moto events ${action}: HTTP ${res.status} ${await res.text()}`);
}

let b: TestBucket;
let proxy: EventBridgeReportProxy;
let receiver: ResponseReceiver;
let sqs: SQSClient;
let viaProxy: S3Client;
let eventBridgeQueueUrl: string;
let ruleName: string;
let requestCount = 0;

/** The handler's deps: S3 through the proxy, no read-back wait, a minute left. */
function deps(overrides: Partial<NotificationsDeps> = {}): NotificationsDeps {
  return {
    context: { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 },
    storage: (config) => new S3Storage({ ...config, endpoint: proxy.endpoint, region: target.region, credentials: target.credentials, forcePathStyle: true }),
    settleMs: 0,
    ...overrides,
  };
}

interface Declared {
  Type: 'sqs' | 'sns' | 'lambda';
  Arn: string;
  Events: string[];
  Prefix?: string;
  Suffix?: string;
}

function cfnEvent(requestType: 'Create' | 'Update' | 'Delete', notifications: Declared[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  requestCount++;
  return {
    RequestType: requestType,
    ServiceToken: arn('lambda', 'function:handler'),
    ResponseURL: receiver.url(`r${requestCount}`),
    StackId: STACK_ID,
    RequestId: `request-${requestCount}`,
    LogicalResourceId: 'BucketNotificationsABC123',
    ResourceType: 'Custom::BucketkitNotifications',
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `${OWNER}@${b.name}` }),
    ResourceProperties: { ServiceToken: arn('lambda', 'function:handler'), BucketName: b.name, Owner: OWNER, Notifications: notifications },
    ...extra,
  };
}

/** The entry the handler stores for a declaration. */
function expected(d: Declared): NotificationEntry {
  return {
    id: declaredNotificationId(OWNER, { type: d.Type, arn: d.Arn, events: d.Events, prefix: d.Prefix, suffix: d.Suffix }),
    owner: OWNER,
    destination: { type: d.Type, arn: d.Arn },
    events: d.Events,
    ...(d.Prefix !== undefined ? { prefix: d.Prefix } : {}),
    ...(d.Suffix !== undefined ? { suffix: d.Suffix } : {}),
  };
}

/** This stack's entries as read (through the proxy), sorted by id. */
async function ownEntries(): Promise<NotificationEntry[]> {
  const storage = deps().storage!({ bucket: b.name });
  try {
    return (await storage.listNotifications()).filter((e) => e.owner === OWNER).sort((x, y) => x.id.localeCompare(y.id));
  } finally {
    storage.destroy();
  }
}

/** The three hand-made entries are exactly as put, field for field, and there is nothing else but this stack's. */
async function expectForeignUntouched(): Promise<void> {
  const raw = await viaProxy.send(new GetBucketNotificationConfigurationCommand({ Bucket: b.name }));
  const foreign = <T extends { Id?: string }>(list: T[] | undefined) => (list ?? []).filter((c) => !c.Id!.startsWith(`${OWNER}.`));
  expect(foreign(raw.QueueConfigurations)).toEqual(FOREIGN.QueueConfigurations);
  expect(foreign(raw.TopicConfigurations)).toEqual(FOREIGN.TopicConfigurations);
  expect(foreign(raw.LambdaFunctionConfigurations)).toEqual(FOREIGN.LambdaFunctionConfigurations);
  const own = (await ownEntries()).length;
  const total = [raw.QueueConfigurations, raw.TopicConfigurations, raw.LambdaFunctionConfigurations].reduce((n, l) => n + (l?.length ?? 0), 0);
  expect(total).toBe(3 + own);
}

/** Whether moto really sends the bucket's events to EventBridge: put an object, look for the rule's delivery of it. */
async function eventBridgeDelivers(): Promise<boolean> {
  const key = `probe/${Date.now()}-${Math.random().toString(36).slice(2)}.bin`;
  await b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: key, Body: 'x' }));
  for (let round = 0; round < 3; round++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: eventBridgeQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const messages = out.Messages ?? [];
    for (const m of messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: eventBridgeQueueUrl, ReceiptHandle: m.ReceiptHandle }));
    const bodies = messages.map((m) => JSON.parse(m.Body!));
    if (bodies.some((e) => e['detail-type'] === 'Object Created' && e.detail.bucket.name === b.name && e.detail.object.key === key)) return true;
    if (messages.length === 0) return false;
  }
  return false;
}

async function expectEventBridgeOn(): Promise<void> {
  const raw = await viaProxy.send(new GetBucketNotificationConfigurationCommand({ Bucket: b.name }));
  expect(raw.EventBridgeConfiguration).toEqual({});
  expect(await eventBridgeDelivers()).toBe(true);
}

function lastResponse(): { body: CustomResourceResponse; contentType: string | undefined; url: string } {
  return receiver.received[receiver.received.length - 1];
}

beforeAll(async () => {
  b = await createTestBucket('cfn-notif');
  proxy = await EventBridgeReportProxy.start(target.endpoint);
  receiver = await new ResponseReceiver().start();
  sqs = new SQSClient({ endpoint: target.endpoint, region: target.region, credentials: target.credentials });
  viaProxy = new S3Client({ endpoint: proxy.endpoint, region: target.region, credentials: target.credentials, forcePathStyle: true });
  if (target.name !== 'moto') return;
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `bk-evb-${Date.now()}` }));
  eventBridgeQueueUrl = queue.QueueUrl!;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: eventBridgeQueueUrl, AttributeNames: ['QueueArn'] }));
  ruleName = `bk-evb-${Date.now()}`;
  await events('PutRule', { Name: ruleName, EventPattern: JSON.stringify({ source: ['aws.s3'], detail: { bucket: { name: [b.name] } } }) });
  await events('PutTargets', { Rule: ruleName, Targets: [{ Id: 'queue', Arn: attrs.Attributes!.QueueArn }] });
});

afterAll(async () => {
  if (eventBridgeQueueUrl) {
    await events('RemoveTargets', { Rule: ruleName, Ids: ['queue'] }).catch(() => undefined);
    await events('DeleteRule', { Name: ruleName }).catch(() => undefined);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: eventBridgeQueueUrl })).catch(() => undefined);
  }
  await b.cleanup();
  await proxy.stop();
  await receiver.stop();
  sqs.destroy();
  viaProxy.destroy();
});

const QUEUE_IN: Declared = { Type: 'sqs', Arn: arn('sqs', 'stack-in'), Events: ['s3:ObjectCreated:*'], Prefix: 'in/' };
const FN_JSON: Declared = { Type: 'lambda', Arn: arn('lambda', 'function:stack-json'), Events: ['s3:ObjectCreated:*'], Prefix: 'data/', Suffix: '.json' };
const TOPIC_TMP: Declared = { Type: 'sns', Arn: arn('sns', 'stack-tmp'), Events: ['s3:ObjectRemoved:Delete'], Prefix: 'tmp/' };

onMoto('notifications custom-resource handler (moto)', () => {
  test('the EventBridge check can fail: with the setting off, moto delivers nothing to the rule', async () => {
    await viaProxy.send(new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: FOREIGN }));
    expect(await eventBridgeDelivers()).toBe(false);
  });

  describe('Create, a retried Create, Update and Delete', () => {
    beforeAll(async () => {
      await viaProxy.send(
        new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: { ...FOREIGN, EventBridgeConfiguration: {} } }),
      );
      await expectEventBridgeOn();
    });

    test("Create adds this stack's entries and answers SUCCESS with the stable physical id", async () => {
      const body = await applyNotifications(cfnEvent('Create', [QUEUE_IN, FN_JSON]), deps());
      expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${OWNER}@${b.name}`, StackId: STACK_ID, Data: { Owner: OWNER } });
      expect(lastResponse().body).toEqual(body);
      expect(lastResponse().contentType).toBe('');
      expect(await ownEntries()).toEqual([expected(QUEUE_IN), expected(FN_JSON)].sort((x, y) => x.id.localeCompare(y.id)));
      await expectForeignUntouched();
      await expectEventBridgeOn();
    });

    test('a retried Create finds its entries in place and writes nothing', async () => {
      const puts = proxy.notificationPuts();
      const body = await applyNotifications(cfnEvent('Create', [QUEUE_IN, FN_JSON]), deps());
      expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${OWNER}@${b.name}` });
      expect(proxy.notificationPuts()).toBe(puts);
    });

    test("Update with a changed prefix, one entry dropped and one added makes this stack's entries exactly the new ones", async () => {
      const changed: Declared = { ...QUEUE_IN, Prefix: 'incoming/' };
      const event = cfnEvent('Update', [changed, TOPIC_TMP], {
        OldResourceProperties: { ServiceToken: arn('lambda', 'function:handler'), BucketName: b.name, Owner: OWNER, Notifications: [QUEUE_IN, FN_JSON] },
      });
      const body = await applyNotifications(event, deps());
      expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${OWNER}@${b.name}` });
      expect(await ownEntries()).toEqual([expected(changed), expected(TOPIC_TMP)].sort((x, y) => x.id.localeCompare(y.id)));
      await expectForeignUntouched();
      await expectEventBridgeOn();
    });

    test("Delete removes only this stack's entries; the hand-made ones and EventBridge stay", async () => {
      const body = await applyNotifications(cfnEvent('Delete', [{ ...QUEUE_IN, Prefix: 'incoming/' }, TOPIC_TMP]), deps());
      expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${OWNER}@${b.name}` });
      expect(await ownEntries()).toEqual([]);
      await expectForeignUntouched();
      await expectEventBridgeOn();
    });
  });

  test('a stack that turns EventBridge on sets it on Create, and its Delete leaves it as found', async () => {
    await viaProxy.send(new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: FOREIGN }));
    const withEventBridge = (type: 'Create' | 'Delete') => {
      const event = cfnEvent(type, [QUEUE_IN]);
      (event.ResourceProperties as Record<string, unknown>).EventBridge = 'true';
      return event;
    };
    expect(await applyNotifications(withEventBridge('Create'), deps())).toMatchObject({ Status: 'SUCCESS' });
    await expectEventBridgeOn();
    expect(await ownEntries()).toEqual([expected(QUEUE_IN)]);
    expect(await applyNotifications(withEventBridge('Delete'), deps())).toMatchObject({ Status: 'SUCCESS' });
    expect(await ownEntries()).toEqual([]);
    await expectForeignUntouched();
    await expectEventBridgeOn();
  });

  test('an entry overlapping a hand-made one is FAILED, naming both, before any PUT', async () => {
    await viaProxy.send(new PutBucketNotificationConfigurationCommand({ Bucket: b.name, NotificationConfiguration: FOREIGN }));
    const puts = proxy.notificationPuts();
    const body = await applyNotifications(
      cfnEvent('Create', [{ Type: 'sqs', Arn: arn('sqs', 'q'), Events: ['s3:ObjectRemoved:Delete'], Prefix: 'logs/app/' }]),
      deps(),
    );
    expect(body?.Status).toBe('FAILED');
    expect(body?.Reason).toMatch(/"console-topic".*overlap/s);
    // The real id, so that the rollback's Delete would remove anything a failed Create left behind.
    expect(body?.PhysicalResourceId).toBe(`${OWNER}@${b.name}`);
    expect(proxy.notificationPuts()).toBe(puts);
    await expectForeignUntouched();
    const rollback = await applyNotifications(
      cfnEvent('Delete', [{ Type: 'sqs', Arn: arn('sqs', 'q'), Events: ['s3:ObjectRemoved:Delete'], Prefix: 'logs/app/' }]),
      deps(),
    );
    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${OWNER}@${b.name}` });
    expect(proxy.notificationPuts()).toBe(puts);
    await expectForeignUntouched();
    // A Create whose event could not be read answered NOT_CREATED_PHYSICAL_ID: its rollback Delete does nothing.
    const unread = await applyNotifications({ ...cfnEvent('Delete', []), PhysicalResourceId: NOT_CREATED_PHYSICAL_ID }, deps());
    expect(unread).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NOT_CREATED_PHYSICAL_ID });
    expect(proxy.notificationPuts()).toBe(puts);
  });

  test("moving from aws-cdk-lib's resource: its copy of an entry (no Id, S3 generates one) overlaps; FAILED with the way out, nothing written", async () => {
    // What Custom::S3BucketNotifications (Managed) puts: the declared configuration, without Ids.
    const { Filter, ...rest } = {
      Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'in/' }] } },
      QueueArn: QUEUE_IN.Arn,
      Events: ['s3:ObjectCreated:*' as const],
    };
    await viaProxy.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: b.name,
        NotificationConfiguration: { ...FOREIGN, QueueConfigurations: [...FOREIGN.QueueConfigurations, { ...rest, Filter }] },
      }),
    );
    const puts = proxy.notificationPuts();
    const body = await applyNotifications(cfnEvent('Create', [QUEUE_IN]), deps());
    expect(body?.Status).toBe('FAILED');
    expect(body?.Reason).toMatch(
      /overlap[\s\S]*without an owner .* saying exactly what this stack declares: most likely put by the AWS CDK's Custom::S3BucketNotifications[\s\S]*Deploy once without/,
    );
    expect(proxy.notificationPuts()).toBe(puts);
    expect(await ownEntries()).toEqual([]);
  });

  test('Delete on a bucket that is gone answers SUCCESS', async () => {
    const event = cfnEvent('Delete', [QUEUE_IN]);
    (event.ResourceProperties as Record<string, unknown>).BucketName = `${b.name}-gone`;
    event.PhysicalResourceId = `${OWNER}@${b.name}-gone`;
    expect(await applyNotifications(event, deps())).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${OWNER}@${b.name}-gone` });
  });
});

describe('notifications custom-resource handler: bad events and deadlines always answer', () => {
  test.each([
    ['an unknown RequestType', { RequestType: 'Replace' }, /RequestType: must be one of Create, Update, Delete \(got "Replace"\)/],
    ['no RequestType', { RequestType: undefined }, /RequestType: must be one of Create, Update, Delete/],
    ['no ResourceProperties', { ResourceProperties: undefined }, /ResourceProperties: is required/],
    ['no BucketName', { ResourceProperties: { Owner: OWNER, Notifications: [] } }, /ResourceProperties\.BucketName: must be a non-empty string/],
    [
      'an Owner with a slash',
      { ResourceProperties: { BucketName: 'some-bucket', Owner: 'App/Bucket' } },
      /ResourceProperties\.Owner: must be 1\.\.64 characters/,
    ],
    [
      'a notification without an ARN',
      { ResourceProperties: { BucketName: 'some-bucket', Owner: OWNER, Notifications: [{ Type: 'sqs', Events: ['s3:ObjectCreated:*'] }] } },
      /ResourceProperties\.Notifications\[0\]\.Arn: must be a non-empty string/,
    ],
    ['an Update without PhysicalResourceId', { RequestType: 'Update', PhysicalResourceId: undefined }, /PhysicalResourceId: is required for a Update event/],
  ])('%s is FAILED with the reason, before any S3 request', async (_name, patch, reason) => {
    const requests = proxy.requests.length;
    const event: Record<string, unknown> = { ...cfnEvent('Create', []), ...patch };
    const body = await applyNotifications(event, deps());
    expect(body?.Status).toBe('FAILED');
    expect(body?.PhysicalResourceId).toBe(event.PhysicalResourceId ?? NOT_CREATED_PHYSICAL_ID);
    expect(body?.Reason).toMatch(reason);
    expect(lastResponse().body).toEqual(body);
    expect(proxy.requests.length).toBe(requests);
  });

  test('an event without ResponseURL cannot be answered: logged, resolved, nothing sent', async () => {
    const sent = receiver.received.length;
    await expect(applyNotifications({ RequestType: 'Create' }, deps())).resolves.toBeUndefined();
    expect(receiver.received.length).toBe(sent);
  });

  test(`a store that never answers: FAILED ${RESPONSE_RESERVE_MS} ms before the Lambda deadline, not a hang`, async () => {
    const stall = await StallServer.start('no-answer');
    try {
      const started = Date.now();
      const body = await applyNotifications(
        cfnEvent('Create', [QUEUE_IN]),
        deps({
          context: { getRemainingTimeInMillis: () => Math.max(0, started + RESPONSE_RESERVE_MS + 1_500 - Date.now()) },
          storage: (config) =>
            new S3Storage({ ...config, endpoint: stall.endpoint, region: target.region, credentials: target.credentials, forcePathStyle: true }),
        }),
      );
      const elapsed = Date.now() - started;
      expect(body?.Status).toBe('FAILED');
      expect(body?.Reason).toMatch(/DeadlineExceededError: gave up 10000 ms before the Lambda deadline/);
      expect(lastResponse().body).toEqual(body);
      expect(stall.requests).toBeGreaterThan(0);
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await stall.stop();
    }
  });

  test('less time left than the reserve: FAILED at once', async () => {
    const body = await applyNotifications(cfnEvent('Create', [QUEUE_IN]), deps({ context: { getRemainingTimeInMillis: () => RESPONSE_RESERVE_MS - 1 } }));
    expect(body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/DeadlineExceededError/) });
  });
});
