/**
 * The tracking of open response bodies behind SocketPoolExhaustedError (issue 9, item 7): which bodies count as
 * holding a socket, when the pool counts as held, what the error and the warning say, and the client plugin that
 * turns the handler's connection timeout into the error (and only then).
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { SocketPoolExhaustedError } from '../../../../lib/storage/errors';
import { isConnectionTimeout, ResponseBodyTracker } from '../../../../lib/storage/s3/core/body-tracker';
import { socketPoolPlugin } from '../../../../lib/storage/s3/core/pool-middleware';

const ORIGIN = '127.0.0.1:5000';

/** A response on its own (unconnected) socket; `complete` says the whole body arrived and waits to be read. */
function response(options: { complete?: boolean } = {}): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.complete = options.complete ?? true;
  return message;
}

function trackerWithClock(maxSockets: number): { tracker: ResponseBodyTracker; warnings: string[]; clock: { now: number } } {
  const warnings: string[] = [];
  const clock = { now: 1_000 };
  const tracker = new ResponseBodyTracker(maxSockets, { warn: (m) => warnings.push(m), now: () => clock.now });
  return { tracker, warnings, clock };
}

describe('ResponseBodyTracker', () => {
  test('the pool is held once maxSockets distinct sockets are held by unread bodies, listed oldest first with their age', () => {
    const { tracker, clock } = trackerWithClock(3);
    tracker.track(response(), 'a', ORIGIN);
    clock.now += 10;
    tracker.track(response(), 'b', ORIGIN);
    expect(tracker.heldPool(ORIGIN)).toBeUndefined();
    clock.now += 10;
    tracker.track(response(), 'c', ORIGIN);
    clock.now += 5;
    expect(tracker.heldPool(ORIGIN)).toEqual([
      { key: 'a', ageMs: 25 },
      { key: 'b', ageMs: 15 },
      { key: 'c', ageMs: 5 },
    ]);
  });

  test('a body that ends, closes, is destroyed or errors gives its socket back', () => {
    for (const release of [
      (m: IncomingMessage) => m.emit('end'),
      (m: IncomingMessage) => m.emit('close'),
      (m: IncomingMessage) => m.destroy(),
      (m: IncomingMessage) => m.emit('error', new Error('reset')),
    ]) {
      const { tracker } = trackerWithClock(2);
      const first = response();
      tracker.track(first, 'a', ORIGIN);
      tracker.track(response(), 'b', ORIGIN);
      expect(tracker.heldPool(ORIGIN)).toHaveLength(2);
      release(first);
      expect(tracker.heldPool(ORIGIN)).toBeUndefined();
    }
  });

  test('bodies still arriving with nothing buffered (being read) do not count; a full buffer does', () => {
    const { tracker } = trackerWithClock(2);
    const reading = response({ complete: false });
    tracker.track(reading, 'a', ORIGIN);
    tracker.track(response(), 'b', ORIGIN);
    expect(tracker.heldPool(ORIGIN)).toBeUndefined();
    reading.push(Buffer.alloc(reading.readableHighWaterMark)); // nobody reads: the buffer fills up
    expect(tracker.heldPool(ORIGIN)?.map((h) => h.key)).toEqual(['a', 'b']);
  });

  test('bodies of another origin, and two bodies on one socket, are not counted twice', () => {
    const { tracker } = trackerWithClock(2);
    tracker.track(response(), 'other', '10.0.0.1:443');
    const shared = new Socket();
    for (const key of ['x', 'y']) {
      const message = new IncomingMessage(shared);
      message.complete = true;
      tracker.track(message, key, ORIGIN);
    }
    expect(tracker.heldPool(ORIGIN)).toBeUndefined();
  });

  test('an error on a tracked body nobody else listens to does not throw', () => {
    const { tracker } = trackerWithClock(1);
    const message = response();
    tracker.track(message, 'a', ORIGIN);
    expect(() => message.emit('error', new Error('socket timed out'))).not.toThrow();
    expect(tracker.openCount).toBe(0);
  });

  test('exhaustedError names the request, the holders and the fixes, is not retryable, and warns', () => {
    const { tracker, warnings } = trackerWithClock(2);
    expect(tracker.exhaustedError(ORIGIN, { key: 'wanted' })).toBeUndefined();
    expect(warnings).toEqual([]);
    tracker.track(response(), 'held/1', ORIGIN);
    tracker.track(response(), 'held/2', ORIGIN);
    const error = tracker.exhaustedError(ORIGIN, { bucket: 'bkt', key: 'wanted' });
    expect(error).toBeInstanceOf(SocketPoolExhaustedError);
    expect(error).toMatchObject({ code: 'SocketPoolExhausted', retryable: false, bucket: 'bkt', key: 'wanted', maxSockets: 2 });
    expect(error?.message).toMatch(/^The request for "wanted" got no connection: all 2 pooled sockets to 127\.0\.0\.1:5000 are held/);
    expect(error?.message).toContain('keys "held/1", "held/2"');
    expect(error?.message).toMatch(/body\.destroy\(\).*raise config\.concurrency \(now 2\)/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"held/1"');
  });

  test('a long list of holders is cut after 10 keys', () => {
    const { tracker } = trackerWithClock(12);
    for (let i = 0; i < 12; i++) tracker.track(response(), `k${i}`, ORIGIN);
    const error = tracker.exhaustedError(ORIGIN, {});
    expect(error?.heldBodies).toHaveLength(12);
    expect(error?.message).toMatch(/^A request got no connection/);
    expect(error?.message).toContain('"k9" and 2 more');
    expect(error?.message).not.toContain('"k10"');
  });

  test('isConnectionTimeout matches only the handler connection timeout', () => {
    const connect = Object.assign(
      new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms.'),
      { name: 'TimeoutError' },
    );
    const idle = Object.assign(new Error('@smithy/node-http-handler - the request socket timed out after 500 ms of inactivity'), { name: 'TimeoutError' });
    expect(isConnectionTimeout(connect)).toBe(true);
    expect(isConnectionTimeout(idle)).toBe(false);
    expect(isConnectionTimeout(new Error(connect.message))).toBe(false);
    expect(isConnectionTimeout(undefined)).toBe(false);
  });
});

describe('socketPoolPlugin on a client', () => {
  const connectTimeout = (): Error =>
    Object.assign(
      new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 50 ms.'),
      { name: 'TimeoutError' },
    );

  /** A client whose handler answers GetObject with an unread, complete body, and fails HeadObject as `headFails` says. */
  function clientWith(tracker: ResponseBodyTracker, headFails: () => Error): { client: S3Client; heads: () => number } {
    let heads = 0;
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:5000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 3,
      requestHandler: {
        handle: async (request: { method: string }) => {
          if (request.method === 'HEAD') {
            heads++;
            throw headFails();
          }
          const body = response();
          body.push('data');
          return { response: { statusCode: 200, headers: { 'content-length': '4' }, body } };
        },
      },
    });
    client.middlewareStack.use(socketPoolPlugin({ tracker, bucket: 'bkt', connectionTimeoutMs: 50 }));
    return { client, heads: () => heads };
  }

  test('with the pool held by unread bodies, the connection timeout becomes SocketPoolExhaustedError, not retried', async () => {
    const { tracker, warnings } = trackerWithClock(2);
    const { client, heads } = clientWith(tracker, connectTimeout);
    for (const Key of ['a', 'b']) await client.send(new GetObjectCommand({ Bucket: 'bkt', Key }));
    expect(tracker.openCount).toBe(2);
    const error = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'c' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketPoolExhaustedError);
    expect(error).toMatchObject({ key: 'c', bucket: 'bkt', heldBodies: [{ key: 'a' }, { key: 'b' }] });
    expect(heads()).toBe(1); // the SDK did not retry it
    expect(warnings).toHaveLength(1);
  });

  test('the same timeout with the pool not held stays a (retried) TimeoutError', async () => {
    const { tracker } = trackerWithClock(2);
    const { client, heads } = clientWith(tracker, connectTimeout);
    await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'a' }));
    const error = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'c' })).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SocketPoolExhaustedError);
    expect((error as Error).name).toBe('TimeoutError');
    expect(heads()).toBe(3);
  }, 20_000);

  test('another failure with the pool held is left as it is', async () => {
    const { tracker } = trackerWithClock(1);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { client } = clientWith(tracker, () => reset);
    await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'a' }));
    const error = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'c' })).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SocketPoolExhaustedError);
    expect((error as Error).message).toMatch(/socket hang up/);
  }, 20_000);

  test('the Body returned has an error listener: an error nobody else listens to does not throw, and releases the socket', async () => {
    const { tracker } = trackerWithClock(4);
    const { client } = clientWith(tracker, connectTimeout);
    const out = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'a' }));
    const body = out.Body as unknown as IncomingMessage;
    expect(body.listenerCount('error')).toBeGreaterThanOrEqual(1);
    expect(() => body.emit('error', new Error('late'))).not.toThrow();
    expect(tracker.openCount).toBe(0);
  });
});
