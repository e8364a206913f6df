import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultProxy, faultKind } from '../../helpers/fault-proxy';

// The fault kinds the soak (bench/soak) injects, each checked on the wire against a plain loopback upstream.
const BODY = Buffer.alloc(100_000, 0x61);
let upstream: http.Server;
let upstreamUrl: string;
let received: { method: string; bytes: number }[] = [];
let proxy: FaultProxy;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      received.push({ method: req.method ?? '', bytes });
      res.writeHead(200, { 'content-length': BODY.length, etag: '"e"' });
      res.end(req.method === 'HEAD' ? undefined : BODY);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  received = [];
  proxy = await FaultProxy.start(upstreamUrl);
});
afterEach(() => proxy.stop());
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

interface Outcome {
  status?: number;
  contentLength?: number;
  bodyBytes: number;
  error?: string;
  ms: number;
}

/** One request on a fresh connection; resolves with what arrived and how it ended. */
function send(method: string, body?: Buffer, timeoutMs = 5_000): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const out: Outcome = { bodyBytes: 0, ms: 0 };
    const done = (error?: Error): void =>
      resolve({ ...out, error: error && ((error as NodeJS.ErrnoException).code ?? error.message), ms: Date.now() - started });
    const req = http.request(`${proxy.endpoint}/bucket/key`, { method, agent: false, headers: body ? { 'content-length': body.length } : {} }, (res) => {
      out.status = res.statusCode;
      out.contentLength = Number(res.headers['content-length']);
      res.on('data', (c: Buffer) => (out.bodyBytes += c.length));
      res.on('end', () => done());
      res.on('error', done);
      res.on('aborted', () => done(new Error('aborted')));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', done);
    if (body) {
      // Two writes with a pause, so a mid-body reset lands between them.
      req.write(body.subarray(0, body.length / 2));
      setTimeout(() => req.end(body.subarray(body.length / 2)), 50);
    } else req.end();
  });
}

test('no fault: the answer is forwarded whole', async () => {
  const out = await send('GET');
  expect(out).toMatchObject({ status: 200, bodyBytes: BODY.length, error: undefined });
});

test("reset 'request': the connection is reset before anything is forwarded", async () => {
  proxy.inject(() => ({ status: 0, reset: 'request' }));
  const out = await send('PUT', Buffer.alloc(50_000));
  expect(out.status).toBeUndefined();
  expect(out.error).toBe('ECONNRESET');
  expect(received).toHaveLength(0);
  expect(proxy.requests[0].kind).toBe('reset-request');
});

test("reset 'mid-body': the connection is reset after part of the request body, and nothing reaches the server", async () => {
  proxy.inject(() => ({ status: 0, reset: 'mid-body' }));
  const out = await send('PUT', Buffer.alloc(200_000));
  expect(out.status).toBeUndefined();
  expect(['ECONNRESET', 'EPIPE']).toContain(out.error);
  expect(received).toHaveLength(0);
});

test("reset 'mid-response': status and headers arrive, then about half the body, then a reset", async () => {
  proxy.inject(() => ({ status: 0, reset: 'mid-response' }));
  const out = await send('GET');
  expect(out.status).toBe(200);
  expect(out.contentLength).toBe(BODY.length);
  expect(out.bodyBytes).toBeGreaterThan(0);
  expect(out.bodyBytes).toBeLessThan(BODY.length);
  expect(out.error).toBeDefined();
  expect(received).toHaveLength(1);
});

test("reset 'mid-response' on an answer without a body resets before the headers", async () => {
  proxy.inject(() => ({ status: 0, reset: 'mid-response' }));
  const out = await send('HEAD');
  expect(out.status).toBeUndefined();
  expect(out.error).toBe('ECONNRESET');
});

test('truncateAt: the headers promise the whole body, the given fraction arrives, then the connection closes', async () => {
  proxy.inject(() => ({ status: 0, truncateAt: 0.25 }));
  const out = await send('GET');
  expect(out.status).toBe(200);
  expect(out.contentLength).toBe(BODY.length);
  expect(out.bodyBytes).toBe(BODY.length / 4);
  expect(out.error).toBeDefined();
});

test('stallMs: nothing is answered or forwarded; the client times out, or the proxy drops the connection after stallMs', async () => {
  proxy.inject((_req, index) => (index === 0 ? { status: 0, stallMs: 60_000 } : { status: 0, stallMs: 300 }));
  const timedOut = await send('GET', undefined, 400);
  expect(timedOut.error).toBe('client timeout');
  expect(timedOut.ms).toBeGreaterThanOrEqual(390);
  const dropped = await send('GET', undefined, 5_000);
  expect(dropped.error).toBe('ECONNRESET');
  expect(dropped.ms).toBeGreaterThanOrEqual(290);
  expect(dropped.ms).toBeLessThan(3_000);
  expect(received).toHaveLength(0);
  expect(proxy.requests.map((r) => r.kind)).toEqual(['stall', 'stall']);
});

test('stop() ends a stalled connection at once', async () => {
  proxy.inject(() => ({ status: 0, stallMs: 60_000 }));
  const pending = send('GET', undefined, 30_000);
  await new Promise((r) => setTimeout(r, 100));
  await proxy.stop();
  const out = await pending;
  expect(out.error).toBeDefined();
  expect(out.ms).toBeLessThan(5_000);
  proxy = await FaultProxy.start(upstreamUrl); // for afterEach
});

test('faultKind names each kind', () => {
  expect(faultKind({ status: 503, code: 'SlowDown' })).toBe('error');
  expect(faultKind({ status: 0, destroySocket: true })).toBe('destroy');
  expect(faultKind({ status: 0, reset: 'mid-body' })).toBe('reset-mid-body');
  expect(faultKind({ status: 0, stallMs: 1 })).toBe('stall');
  expect(faultKind({ status: 0, truncateAt: 0.5 })).toBe('truncate');
});
