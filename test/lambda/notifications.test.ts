/**
 * The notifications custom-resource handler's pure parts: reading the CloudFormation event, the response body and its
 * 4096-byte limit, sending it to the pre-signed URL (retries, refusals, never the URL in a message), the deadline
 * race, and the ids. The handler against a real store: test/integration/lambda/notifications-handler.test.ts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeadlineExceededError,
  MAX_RESPONSE_BYTES,
  declaredNotificationId,
  parseNotificationsEvent,
  physicalResourceIdFor,
  responseBody,
  responseTargetOf,
  sendResponse,
  withDeadline,
} from '../../lambda/notifications';

const TARGET = { responseUrl: 'https://example.invalid/x', stackId: 'arn:aws:cloudformation:us-east-1:1:stack/S/1', requestId: 'r', logicalResourceId: 'L' };
const EVENT = {
  RequestType: 'Create',
  ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc',
  StackId: TARGET.stackId,
  RequestId: 'r',
  LogicalResourceId: 'L',
  ResourceProperties: {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    BucketName: 'my-bucket',
    Owner: 'App-0123456789',
    Notifications: [{ Type: 'sqs', Arn: 'arn:aws:sqs:us-east-1:123456789012:q', Events: ['s3:ObjectCreated:*'], Prefix: 'in/' }],
    EventBridge: 'true',
    SkipDestinationValidation: 'false',
  },
};

describe('parseNotificationsEvent', () => {
  test('reads the properties as CloudFormation sends them (booleans as strings)', () => {
    expect(parseNotificationsEvent(EVENT)).toMatchObject({
      requestType: 'Create',
      properties: {
        bucketName: 'my-bucket',
        owner: 'App-0123456789',
        notifications: [{ type: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:q', events: ['s3:ObjectCreated:*'], prefix: 'in/' }],
        eventBridge: true,
        skipDestinationValidation: false,
      },
    });
    const without = { ...EVENT, ResourceProperties: { ...EVENT.ResourceProperties, EventBridge: undefined, Notifications: undefined } };
    expect(parseNotificationsEvent(without).properties).toEqual({
      bucketName: 'my-bucket',
      owner: 'App-0123456789',
      notifications: [],
      skipDestinationValidation: false,
    });
  });

  test.each([
    ['EventBridge "yes"', { EventBridge: 'yes' }, /ResourceProperties\.EventBridge: must be "true" or "false"/],
    ['an unknown property', { Extra: 1 }, /ResourceProperties\.Extra: is not a known field/],
    [
      'a bad event name',
      { Notifications: [{ Type: 'sqs', Arn: 'a', Events: ['ObjectCreated'] }] },
      /Notifications\[0\]\.Events\[0\]: must be an S3 event type/,
    ],
    [
      'a bad type',
      { Notifications: [{ Type: 'email', Arn: 'a', Events: ['s3:ObjectCreated:*'] }] },
      /Notifications\[0\]\.Type: must be one of sqs, sns, lambda/,
    ],
    ['a bucket name with capitals', { BucketName: 'My-Bucket' }, /BucketName: must be an S3 bucket name/],
  ])('%s is a ValidationError naming the field', (_what, patch, message) => {
    expect(() => parseNotificationsEvent({ ...EVENT, ResourceProperties: { ...EVENT.ResourceProperties, ...patch } })).toThrow(message);
  });

  test('an Update needs OldResourceProperties; the response target is read even from a bad event', () => {
    expect(() => parseNotificationsEvent({ ...EVENT, RequestType: 'Update', PhysicalResourceId: 'p' })).toThrow(/OldResourceProperties: is required/);
    expect(responseTargetOf({ ResponseURL: 'https://x/y', RequestType: 'Nope' })).toEqual({
      responseUrl: 'https://x/y',
      stackId: '',
      requestId: '',
      logicalResourceId: '',
    });
    expect(responseTargetOf({ RequestType: 'Create' })).toBeUndefined();
    expect(responseTargetOf('nope')).toBeUndefined();
  });
});

describe('ids', () => {
  test('an id is the owner and a hash of the content: equal for the same content in any event order, different otherwise', () => {
    const n = { type: 'sqs' as const, arn: 'arn:aws:sqs:us-east-1:1:q', events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], prefix: 'in/' };
    expect(declaredNotificationId('App-1', n)).toMatch(/^App-1\.[0-9a-f]{16}$/);
    expect(declaredNotificationId('App-1', { ...n, events: [...n.events].reverse() })).toBe(declaredNotificationId('App-1', n));
    expect(declaredNotificationId('App-1', { ...n, prefix: 'out/' })).not.toBe(declaredNotificationId('App-1', n));
    expect(physicalResourceIdFor({ bucketName: 'b', owner: 'App-1', notifications: [], skipDestinationValidation: false })).toBe('App-1@b');
  });
});

describe('responseBody', () => {
  test('a long reason is cut so the whole body stays within 4096 bytes, marked with "..."', () => {
    const body = responseBody(TARGET, 'FAILED', 'p', `InvalidArgumentError: ${'é'.repeat(5000)}`);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(body.Reason).toMatch(/^InvalidArgumentError: é+\.\.\.$/);
    expect(responseBody(TARGET, 'SUCCESS', 'p', 'short')).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'short',
      PhysicalResourceId: 'p',
      StackId: TARGET.stackId,
    });
  });
});

describe('sendResponse', () => {
  let server: http.Server;
  let answers: number[];
  const seen: { method?: string; contentType?: string; body: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answers.shift() ?? 200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    answers = [];
  });
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/r?X-Amz-Signature=secret-signature`;

  test('PUTs the JSON with an empty Content-Type, retrying a 5xx', async () => {
    answers = [503, 200];
    await sendResponse(url(), responseBody(TARGET, 'SUCCESS', 'p'));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ method: 'PUT', contentType: '' });
    expect(JSON.parse(seen[1].body)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'p' });
  });

  test('a 4xx is not retried; the error never carries the URL or its signature', async () => {
    answers = [403];
    const error = await sendResponse(url(), responseBody(TARGET, 'SUCCESS', 'p')).catch((e: Error) => e);
    expect(seen).toHaveLength(1);
    expect((error as Error).message).toMatch(/HTTP 403/);
    expect((error as Error).message).not.toMatch(/secret-signature|\/r\?/);
  });

  test('plain http is refused off loopback, before any request', async () => {
    await expect(sendResponse('http://example.com/r?X-Amz-Signature=secret-signature', responseBody(TARGET, 'SUCCESS', 'p'))).rejects.toThrow(
      /^ResponseURL must be https \(http only on loopback\), got a http: URL$/,
    );
  });

  test('a refused connection fails after the retries, naming only the host', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await sendResponse(`http://127.0.0.1:${port}/r?X-Amz-Signature=secret-signature`, responseBody(TARGET, 'SUCCESS', 'p')).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(new RegExp(`after 3 attempts: PUT to the response URL on 127\\.0\\.0\\.1:${port} failed: ECONNREFUSED`));
    expect((error as Error).message).not.toMatch(/secret-signature/);
  });
});

describe('withDeadline', () => {
  test('work that finishes in time resolves; work that does not is aborted and rejected with DeadlineExceededError', async () => {
    await expect(withDeadline(1_000, async () => 'done')).resolves.toBe('done');
    let aborted = false;
    const slow = withDeadline(50, (signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve('late')))));
    await expect(slow).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(aborted).toBe(true);
    await expect(withDeadline(0, async () => 'never')).rejects.toThrow(/gave up 10000 ms before the Lambda deadline/);
  });
});
