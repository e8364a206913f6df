/**
 * Fallback from the accelerate endpoint to the regional one, with injected request handlers (recorded S3 answers and
 * Node network errors; no network) and an injected clock for the cool-down.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { AccelerationFallbackError, AccessDeniedError, S3Storage, StorageError } from '../../../../lib/storage';
import { fallbackReason } from '../../../../lib/storage/s3/core/acceleration-router';
import { S3Session } from '../../../../lib/storage/s3/core/session';

// npm test's integration project exports AWS_ENDPOINT_URL_S3 (the moto endpoint) for the whole run; the SDK would take
// it as a configured endpoint, so these offline tests run without it (the env case is tested on its own below).
const configuredEndpointVars = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;
const savedEndpointEnv = Object.fromEntries(configuredEndpointVars.map((n) => [n, process.env[n]]));
beforeAll(() => configuredEndpointVars.forEach((n) => delete process.env[n]));
afterAll(() =>
  configuredEndpointVars.forEach((n) => {
    if (savedEndpointEnv[n] === undefined) delete process.env[n];
    else process.env[n] = savedEndpointEnv[n];
  }),
);

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const BUCKET = 'my-bucket';

type Answer = { status: number; body?: string; headers?: Record<string, string> } | { error: NodeJS.ErrnoException };

interface Recorded {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: Record<string, unknown>;
}

/** An S3Client whose request handler records requests and answers from `answer` (no network). */
function stubClient(answer: (req: Recorded) => Answer, seen: Recorded[], region = 'eu-west-1'): S3Client {
  return new S3Client({
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { method: string; hostname: string; path: string; query?: Record<string, unknown>; body?: unknown }) => {
        const rec = { method: request.method, host: request.hostname, path: request.path, query: request.query ?? {} };
        seen.push(rec);
        // Consume a stream body as a server would.
        if (request.body instanceof Readable) for await (const _ of request.body);
        const a = answer(rec);
        if ('error' in a) throw a.error;
        return {
          response: { statusCode: a.status, headers: { 'x-amz-request-id': 'REQ', ...(a.headers ?? {}) }, body: Readable.from([Buffer.from(a.body ?? '')]) },
        };
      },
    } as never,
  });
}

const NOT_CONFIGURED: Answer = {
  status: 400,
  headers: { 'content-type': 'application/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRequest</Code><Message>S3 Transfer Acceleration is not configured on this bucket</Message><RequestId>R</RequestId></Error>',
};
const ACCESS_DENIED: Answer = {
  status: 403,
  headers: { 'content-type': 'application/xml' },
  body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
};
const OK_PUT: Answer = { status: 200, headers: { etag: '"0cc175b9c0f1b6a831c399e269772661"' } };
const refused = (): Answer => ({ error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' }) });

function setup(
  accelerated: (req: Recorded) => Answer,
  options: { coolDownMs?: number; accelerate?: 'on' | 'auto'; regional?: (req: Recorded) => Answer } = {},
) {
  const seen = { regional: [] as Recorded[], accelerated: [] as Recorded[] };
  let now = 1_000_000;
  const session = new S3Session(
    {
      bucket: BUCKET,
      region: 'eu-west-1',
      credentials,
      accelerate: options.accelerate ?? 'on',
      accelerationCoolDownMs: options.coolDownMs ?? 60_000,
      client: stubClient(options.regional ?? (() => OK_PUT), seen.regional),
      acceleratedClient: stubClient(accelerated, seen.accelerated),
    },
    { now: () => now },
  );
  return { session, seen, advance: (ms: number) => (now += ms) };
}

const put = (session: S3Session, key: string, body: Buffer | Readable = Buffer.from('a'), replayable = true) =>
  session.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: 1 }), { key, replayable });

describe('fallback to the regional endpoint', () => {
  test('InvalidRequest "Transfer Acceleration is not configured" is replayed once on the regional endpoint, and recorded', async () => {
    const { session, seen } = setup(() => NOT_CONFIGURED);
    const out = await put(session, 'k');
    expect(out.ETag).toBe('"0cc175b9c0f1b6a831c399e269772661"');
    expect(seen.accelerated).toHaveLength(1);
    expect(seen.regional.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /k']);
    const state = session.acceleration.state();
    expect(state.fallbacks).toBe(1);
    expect(state.lastFallback).toMatchObject({
      command: 'PutObjectCommand',
      reason: expect.stringMatching(/InvalidRequest: S3 Transfer Acceleration is not configured/),
    });
    expect(state.traffic.accelerated).toMatchObject({ requests: 1, failedRequests: 1, bytesSent: 0 });
    expect(state.traffic.regional).toMatchObject({ requests: 1, failedRequests: 0, bytesSent: 1 });
  });

  test('a refused connection (ECONNREFUSED) falls back too; the cool-down keeps the next requests regional until it ends', async () => {
    const { session, seen, advance } = setup(refused, { coolDownMs: 60_000 });
    await put(session, 'a');
    expect(seen.accelerated).toHaveLength(1);
    expect(session.acceleration.state().coolDownUntil?.getTime()).toBe(1_000_000 + 60_000);
    advance(59_999);
    await put(session, 'b');
    expect(seen.accelerated).toHaveLength(1); // still cooling down: straight to regional
    expect(seen.regional.map((r) => r.path)).toEqual(['/a', '/b']);
    advance(1);
    await put(session, 'c');
    expect(seen.accelerated).toHaveLength(2); // cool-down over: accelerated tried again, and fell back again
    expect(seen.regional.map((r) => r.path)).toEqual(['/a', '/b', '/c']);
    expect(session.acceleration.state().fallbacks).toBe(2);
  });

  test('after the cool-down a healthy accelerate endpoint carries the traffic again', async () => {
    let healthy = false;
    const { session, seen, advance } = setup(() => (healthy ? OK_PUT : refused()), { coolDownMs: 1_000 });
    await put(session, 'a');
    healthy = true;
    advance(1_000);
    await put(session, 'b');
    expect(seen.accelerated.map((r) => r.path)).toEqual(['/a', '/b']);
    expect(seen.regional.map((r) => r.path)).toEqual(['/a']);
    expect(session.acceleration.state().traffic.accelerated).toMatchObject({ requests: 2, failedRequests: 1, bytesSent: 1 });
  });

  test('an S3 answer that means the same on both endpoints (AccessDenied) is not replayed', async () => {
    const { session, seen } = setup(() => ACCESS_DENIED);
    await expect(put(session, 'k')).rejects.toBeInstanceOf(AccessDeniedError);
    expect(seen.regional).toHaveLength(0);
    expect(session.acceleration.state().fallbacks).toBe(0);
  });

  test('a one-shot stream body is not replayed: AccelerationFallbackError says why and suggests a file or a Buffer', async () => {
    const { session, seen } = setup(refused);
    const error = await put(session, 'k', Readable.from([Buffer.from('a')]), false).catch((e) => e);
    expect(error).toBeInstanceOf(AccelerationFallbackError);
    expect(error).toMatchObject({ code: 'AccelerationFallback', reason: 'ECONNREFUSED', key: 'k', retryable: true });
    expect(error.message).toMatch(/one-shot stream/);
    expect(error.message).toMatch(/\{ filePath \} or a Buffer/);
    expect(seen.regional).toHaveLength(0);
    // The cool-down started, so a retry with a fresh stream goes regional at once.
    expect(session.acceleration.state().fallbacks).toBe(1);
    await put(session, 'k', Readable.from([Buffer.from('a')]), false);
    expect(seen.regional).toHaveLength(1);
    expect(seen.accelerated).toHaveLength(1);
  });

  test('a request forced onto the accelerated endpoint (compareAcceleration) is never replayed', async () => {
    const { session, seen } = setup(refused);
    const error = await session.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: Buffer.from('a') }), { endpoint: 'accelerated' }).catch((e) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).not.toBeInstanceOf(AccelerationFallbackError);
    expect(seen.regional).toHaveLength(0);
    expect(session.acceleration.state().fallbacks).toBe(0);
  });

  test('a GetObject body read to the end is counted, with its throughput', async () => {
    const seen: Recorded[] = [];
    const session = new S3Session({
      bucket: BUCKET,
      region: 'eu-west-1',
      credentials,
      client: stubClient(() => ({ status: 200, headers: { 'content-length': '5' }, body: 'hello' }), seen),
    });
    const out = await session.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(session.acceleration.state().traffic.regional.bytesReceived).toBe(0); // not read yet
    expect(await out.Body!.transformToString()).toBe('hello');
    await new Promise((resolve) => setImmediate(resolve));
    const regional = session.acceleration.state().traffic.regional;
    expect(regional.bytesReceived).toBe(5);
    expect(regional.throughputMBps).toBeGreaterThan(0);
  });
});

describe("'auto' and the bucket's setting", () => {
  const statusAnswer = (status: string) => (req: Recorded) =>
    'accelerate' in req.query
      ? { status: 200, headers: { 'content-type': 'application/xml' }, body: `<AccelerateConfiguration><Status>${status}</Status></AccelerateConfiguration>` }
      : OK_PUT;

  test('an InvalidRequest "not configured" marks the cached setting Suspended: no more accelerated attempts, even after the cool-down', async () => {
    const { session, seen, advance } = setup(() => NOT_CONFIGURED, { accelerate: 'auto', coolDownMs: 1_000, regional: statusAnswer('Enabled') });
    await put(session, 'a');
    expect(seen.accelerated).toHaveLength(1);
    expect(session.acceleration.state().bucketStatus).toBe('Suspended');
    advance(10_000);
    await put(session, 'b');
    expect(seen.accelerated).toHaveLength(1);
    expect(seen.regional.filter((r) => 'accelerate' in r.query)).toHaveLength(1); // read once, never again
    expect(seen.regional.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual(['/a', '/b']);
  });

  test('a connection failure leaves the cached setting Enabled: acceleration is tried again after the cool-down', async () => {
    const { session, seen, advance } = setup(refused, { accelerate: 'auto', coolDownMs: 1_000, regional: statusAnswer('Enabled') });
    await put(session, 'a');
    advance(1_000);
    await put(session, 'b');
    expect(seen.accelerated.map((r) => r.path)).toEqual(['/a', '/b']);
    expect(session.acceleration.state().bucketStatus).toBe('Enabled');
  });

  test('a refused read of the setting counts as Disabled, says why, and is not retried', async () => {
    const { session, seen } = setup(() => OK_PUT, {
      accelerate: 'auto',
      regional: (req) => ('accelerate' in req.query ? ACCESS_DENIED : OK_PUT),
    });
    await put(session, 'a');
    await put(session, 'b');
    expect(seen.accelerated).toHaveLength(0);
    expect(seen.regional.filter((r) => 'accelerate' in r.query)).toHaveLength(1);
    expect(session.acceleration.state()).toMatchObject({ bucketStatus: 'Disabled', bucketStatusError: expect.stringMatching(/Access Denied/) });
  });
});

describe('fallbackReason', () => {
  test.each([
    ['DNS failure', Object.assign(new Error('getaddrinfo ENOTFOUND b.s3-accelerate.amazonaws.com'), { code: 'ENOTFOUND' }), 'ENOTFOUND'],
    ['DNS timeout', Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }), 'EAI_AGAIN'],
    ['reset before an answer', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['happy-eyeballs AggregateError', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed'), 'ECONNREFUSED'],
    ['cross-realm SDK wrapper', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), 'ECONNREFUSED'],
    ['code on the cause', Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }) }), 'EHOSTUNREACH'],
  ])('%s -> %s', (_label, error, reason) => {
    expect(fallbackReason(error)).toBe(reason);
  });

  test('errors with an HTTP answer, and other InvalidRequests, are not fallbacks', () => {
    const withAnswer = Object.assign(new Error('reset after headers'), { code: 'ECONNRESET', $metadata: { httpStatusCode: 200 } });
    expect(fallbackReason(withAnswer)).toBeUndefined();
    expect(fallbackReason(Object.assign(new Error('Invalid part number'), { name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } }))).toBeUndefined();
    expect(fallbackReason(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBeUndefined();
    expect(fallbackReason('ECONNREFUSED')).toBeUndefined();
  });
});

describe('S3Storage with a refusing accelerated client (facade)', () => {
  test('put of a Buffer lands on the regional endpoint and accelerationMetrics reports it with an upper-bound cost', async () => {
    const seen = { regional: [] as Recorded[], accelerated: [] as Recorded[] };
    const storage = new S3Storage({
      bucket: BUCKET,
      region: 'eu-west-1',
      credentials,
      accelerate: 'on',
      client: stubClient(() => OK_PUT, seen.regional),
      acceleratedClient: stubClient(refused, seen.accelerated),
    });
    await storage.put('k', Buffer.from('hello'));
    const m = storage.accelerationMetrics();
    expect(m).toMatchObject({ mode: 'on', fallbacks: 1, regional: { requests: 1, bytesSent: 5 }, accelerated: { requests: 1, failedRequests: 1 } });
    expect(m.cost).toMatchObject({ upperBoundUsd: 0, edgeClass: 'other', pricesRetrievedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(() => storage.accelerationMetrics({ edgeClass: 'mars' as never })).toThrow(expect.objectContaining({ field: 'edgeClass' }));
  });
});
