/**
 * Direct reads (core/direct-read): a ranged GET's body read straight into the caller's buffer, against a loopback
 * server that writes exactly the bytes each test scripts (heads and bodies split anywhere, chunked bodies, error
 * answers, resets, stalls, closed keep-alive connections), plus TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Readable } from 'node:stream';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';
// Test only: the SDK's own builder, which the direct read's must match.
import { buildQueryString } from '@smithy/core/protocols';
import fc from 'fast-check';
import { DirectReadHttpHandler } from '../../../../lib/storage/s3/core/direct-read/handler';
import { parseResponseHead, queryString, requestHead } from '../../../../lib/storage/s3/core/direct-read/http1';
import { DirectReadPool } from '../../../../lib/storage/s3/core/direct-read/receive';
import { startUnacceptingListener } from '../../../helpers/fault-proxy';

/** What the server does with one request: the pieces it writes, in order, then whether it closes the connection. */
interface Script {
  readonly writes: (Buffer | string | { delayMs: number })[];
  readonly close?: 'end' | 'reset';
}

/** A loopback server that answers request N of the whole run with `scripts(N, head)`. */
class ScriptedServer {
  public readonly heads: string[] = [];
  public connections = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server | tls.Server,
    public readonly port: number,
  ) {}

  public static async start(scripts: (index: number, head: string) => Script, secure?: { key: Buffer; cert: Buffer }): Promise<ScriptedServer> {
    const ref: { self?: ScriptedServer } = {};
    const onSocket = (socket: net.Socket): void => {
      ref.self!.connections++;
      ref.self!.sockets.add(socket);
      socket.on('close', () => ref.self!.sockets.delete(socket));
      socket.on('error', () => undefined);
      let pending = '';
      let chain = Promise.resolve();
      socket.on('data', (data) => {
        pending += data.toString('latin1');
        let end: number;
        while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
          const head = pending.slice(0, end);
          pending = pending.slice(end + 4);
          const index = ref.self!.heads.push(head) - 1;
          const script = scripts(index, head);
          chain = chain.then(() => play(socket, script));
        }
      });
    };
    const server = secure ? tls.createServer(secure, onSocket) : net.createServer(onSocket);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ref.self = new ScriptedServer(server, (server.address() as net.AddressInfo).port);
    return ref.self;
  }

  public async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function play(socket: net.Socket, script: Script): Promise<void> {
  for (const piece of script.writes) {
    if (socket.destroyed) return;
    if (typeof piece === 'object' && 'delayMs' in piece) await new Promise((resolve) => setTimeout(resolve, piece.delayMs));
    else await new Promise((resolve) => socket.write(piece, resolve));
  }
  if (script.close === 'end') socket.end();
  if (script.close === 'reset') socket.resetAndDestroy();
}

const body = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
const ok = (data: Buffer, extra = ''): string => `HTTP/1.1 206 Partial Content\r\nContent-Length: ${data.length}\r\nETag: "abc"\r\n${extra}\r\n`;

function get(port: number, protocol: 'http:' | 'https:' = 'http:', headers: Record<string, string> = {}): HttpRequest {
  return {
    method: 'GET',
    protocol,
    hostname: '127.0.0.1',
    port,
    path: '/bucket/some%20key',
    query: { 'x-id': 'GetObject', versionId: 'v 1' },
    headers: { host: `127.0.0.1:${port}`, range: 'bytes=0-9', ...headers },
  };
}

async function readAll(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

const options = { maxSockets: 4, connectionTimeoutMs: 2000, socketTimeoutMs: 1000 };

describe('request and response heads', () => {
  test('the request line carries the encoded path and the query the SDK would build; headers go as they are', () => {
    const head = requestHead(get(8080));
    expect(head).toBe('GET /bucket/some%20key?versionId=v%201&x-id=GetObject HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nrange: bytes=0-9\r\n\r\n');
  });

  test("query strings: sorted, RFC 3986 escaping (also !'()*), lists repeated, a null value as the bare key", () => {
    expect(queryString({ versionId: "a b!'()*~", 'x-id': 'GetObject', partNumber: '2', uploads: null as unknown as string, tag: ['x', 'y'] })).toBe(
      'partNumber=2&tag=x&tag=y&uploads&versionId=a%20b%21%27%28%29%2A~&x-id=GetObject',
    );
  });

  test('query strings: the same as the SDK handler builds, for any keys and values (property)', () => {
    const value = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', minLength: 1 }), value), (query) => {
        expect(queryString(query as QueryParameterBag)).toBe(buildQueryString(query as QueryParameterBag));
      }),
    );
  });

  test('a header value with CR or LF, or a path with a space, is not written by hand (the SDK handler refuses it)', () => {
    expect(requestHead(get(1, 'http:', { 'x-amz-meta-a': 'x\r\nInjected: 1' }))).toBeUndefined();
    const request = get(1);
    request.path = '/bucket/a key';
    expect(requestHead(request)).toBeUndefined();
  });

  test('response heads: repeated headers are joined, names lower-cased; anything not HTTP/1.x is refused', () => {
    expect(parseResponseHead('HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\nX-A: 1\r\nx-a: 2')).toEqual({
      statusCode: 206,
      headers: { 'content-length': '10', 'x-a': '1, 2' },
    });
    expect(parseResponseHead('HTTP/2 200')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.0 200 OK\r\nContent-Length: 10')).toBeUndefined();
    expect(parseResponseHead('HTTP/1.1 200 OK\r\nno colon here')).toBeUndefined();
  });
});

describe('DirectReadPool', () => {
  let server: ScriptedServer | undefined;
  let pool: DirectReadPool | undefined;
  afterEach(async () => {
    pool?.destroy();
    await server?.stop();
    server = undefined;
  });

  test('the body lands in the caller buffer, whatever the split of head and body across reads, and the response body is that buffer', async () => {
    const data = body(300_000);
    const head = ok(data);
    server = await ScriptedServer.start(() => ({
      writes: [
        head.slice(0, 7),
        { delayMs: 5 },
        head.slice(7, 30),
        { delayMs: 5 },
        head.slice(30) + data.subarray(0, 3).toString('latin1'),
        { delayMs: 5 },
        data.subarray(3, 70_000),
        { delayMs: 5 },
        data.subarray(70_000),
      ],
    }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(data.length);
    const response = await pool.receive(get(server.port), into, undefined);
    expect(response?.statusCode).toBe(206);
    expect(response?.headers).toMatchObject({ 'content-length': String(data.length), etag: '"abc"' });
    expect(into.equals(data)).toBe(true);
    const chunks = await readAll(response!.body as Readable);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).toBe(into.buffer);
    expect(chunks[0]!.byteOffset).toBe(into.byteOffset);
  });

  test('onReceived is told each read as it lands, counting the body from its start, at most 1 MiB per read', async () => {
    const data = body(3 * 1024 * 1024 + 5);
    // The whole answer at once: the socket holds more than a read may take.
    server = await ScriptedServer.start(() => ({ writes: [Buffer.concat([Buffer.from(ok(data), 'latin1'), data])] }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(data.length);
    const seen: { filled: number; correct: boolean }[] = [];
    const onReceived = (filled: number): void => {
      seen.push({ filled, correct: into.subarray(0, filled).equals(data.subarray(0, filled)) });
    };
    await pool.receive(get(server.port), into, undefined, onReceived);
    expect(into.equals(data)).toBe(true);
    // The body's start is told first (0), then each read.
    expect(seen[0]?.filled).toBe(0);
    expect(seen.at(-1)?.filled).toBe(data.length);
    expect(seen.every((s) => s.correct)).toBe(true);
    const steps = seen.slice(1).map((s, i) => s.filled - seen[i]!.filled);
    expect(steps.every((n) => n > 0)).toBe(true);
    // The first step may hold the bytes that came with the head (at most 64 KiB); every read after it at most 1 MiB.
    expect(Math.max(...steps.slice(1))).toBeLessThanOrEqual(1024 * 1024);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });

  test('onReceived: each answer into the same buffer starts with 0 (a caller learns that earlier bytes were replaced)', async () => {
    const a = body(200_000, 1);
    const b = body(200_000, 2);
    server = await ScriptedServer.start((i) => ({ writes: [ok(i === 0 ? a : b), i === 0 ? a : b] }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(a.length);
    const seen: number[] = [];
    await pool.receive(get(server.port), into, undefined, (filled) => seen.push(filled));
    const first = seen.length;
    await pool.receive(get(server.port), into, undefined, (filled) => seen.push(filled));
    expect(into.equals(b)).toBe(true);
    expect(seen[0]).toBe(0);
    expect(seen[first]).toBe(0);
    expect(seen[first - 1]).toBe(a.length);
    expect(seen.at(-1)).toBe(b.length);
  });

  test('keep-alive: the second range reuses the connection; "Connection: close" is honoured', async () => {
    const a = body(1000, 1);
    const b = body(1000, 2);
    const c = body(1000, 3);
    server = await ScriptedServer.start((i) => ({
      writes: [i === 1 ? ok(b, 'Connection: close\r\n') : ok(i === 0 ? a : c), i === 0 ? a : i === 1 ? b : c],
      close: i === 1 ? 'end' : undefined,
    }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(1000);
    await pool.receive(get(server.port), into, undefined);
    expect(into.equals(a)).toBe(true);
    await pool.receive(get(server.port), into, undefined);
    expect(into.equals(b)).toBe(true);
    expect(server.connections).toBe(1);
    await pool.receive(get(server.port), into, undefined);
    expect(into.equals(c)).toBe(true);
    expect(server.connections).toBe(2);
  });

  test.each([
    ['an error status', 'HTTP/1.1 412 Precondition Failed\r\nContent-Length: 5\r\n\r\nerror'],
    ['another length', 'HTTP/1.1 206 Partial Content\r\nContent-Length: 9\r\n\r\n123456789'],
    ['a chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n'],
    ['no length', 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789'],
    ['an HTTP/2-looking head', 'HTTP/2 200\r\ncontent-length: 10\r\n\r\n0123456789'],
    ['a head over 64 KiB', `HTTP/1.1 206 Partial Content\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 10\r\n\r\n0123456789`],
  ])('%s: undefined (the SDK handler takes it), the connection closed, the caller buffer untouched', async (_name, answer) => {
    server = await ScriptedServer.start(() => ({ writes: [answer] }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(10, 0x2a);
    expect(await pool.receive(get(server.port), into, undefined)).toBeUndefined();
    expect(into.equals(Buffer.alloc(10, 0x2a))).toBe(true);
    // The next request opens a new connection.
    await pool.receive(get(server.port), into, undefined);
    expect(server.connections).toBe(2);
  });

  test("at most maxSockets connections per origin: a second range waits for the first one's connection", async () => {
    const a = body(50_000, 1);
    const b = body(50_000, 2);
    server = await ScriptedServer.start((i) => ({ writes: [ok(i === 0 ? a : b), { delayMs: 100 }, i === 0 ? a : b] }));
    pool = new DirectReadPool({ ...options, maxSockets: 1 });
    const first = Buffer.alloc(a.length);
    const second = Buffer.alloc(b.length);
    await Promise.all([pool.receive(get(server.port), first, undefined), pool.receive(get(server.port), second, undefined)]);
    expect(first.equals(a)).toBe(true);
    expect(second.equals(b)).toBe(true);
    expect(server.connections).toBe(1);
  });

  test('a range that waits for a place longer than connectionTimeoutMs fails with TimeoutError; the first completes', async () => {
    const a = body(50_000, 1);
    server = await ScriptedServer.start(() => ({ writes: [ok(a), { delayMs: 800 }, a] }));
    pool = new DirectReadPool({ ...options, maxSockets: 1, connectionTimeoutMs: 300 });
    const first = pool.receive(get(server.port), Buffer.alloc(a.length), undefined);
    const started = Date.now();
    await expect(pool.receive(get(server.port), Buffer.alloc(a.length), undefined)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(800);
    expect((await first)?.statusCode).toBe(206);
    expect(server.heads).toHaveLength(1);
  });

  test('a reset part-way through the body rejects with ECONNRESET, marked as started (not replayed by the pool)', async () => {
    const data = body(100_000);
    server = await ScriptedServer.start(() => ({ writes: [ok(data), data.subarray(0, 40_000), { delayMs: 20 }], close: 'reset' }));
    pool = new DirectReadPool(options);
    await expect(pool.receive(get(server.port), Buffer.alloc(data.length), undefined)).rejects.toMatchObject({ code: 'ECONNRESET', $responseStarted: true });
    expect(server.heads).toHaveLength(1);
  });

  test('the server ends the connection part-way: a hang-up error, never a short buffer taken as complete', async () => {
    const data = body(100_000);
    server = await ScriptedServer.start(() => ({ writes: [ok(data), data.subarray(0, 40_000)], close: 'end' }));
    pool = new DirectReadPool(options);
    await expect(pool.receive(get(server.port), Buffer.alloc(data.length), undefined)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  test('a kept connection the server closed while idle is not used again: the next range opens a fresh one', async () => {
    const data = body(1000);
    server = await ScriptedServer.start((i) => ({ writes: [ok(data), data], close: i === 0 ? 'end' : undefined }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(1000);
    await pool.receive(get(server.port), into, undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    into.fill(0);
    await pool.receive(get(server.port), into, undefined);
    expect(into.equals(data)).toBe(true);
    expect(server.connections).toBe(2);
    expect(server.heads).toHaveLength(2);
  });

  test('a reused connection that is reset before any answer byte is replaced once', async () => {
    const data = body(1000);
    server = await ScriptedServer.start((i) => (i === 1 ? { writes: [], close: 'reset' } : { writes: [ok(data), data] }));
    pool = new DirectReadPool(options);
    const into = Buffer.alloc(1000);
    await pool.receive(get(server.port), into, undefined);
    into.fill(0);
    await pool.receive(get(server.port), into, undefined);
    expect(into.equals(data)).toBe(true);
    expect(server.heads).toHaveLength(3);
    expect(server.connections).toBe(2);
  });

  test('an IPv6 literal endpoint ([::1]) is connected to without its brackets', async () => {
    const data = body(1000);
    const v6 = net.createServer((socket) => {
      socket.once('data', () => socket.write(Buffer.concat([Buffer.from(ok(data)), data])));
    });
    await new Promise<void>((resolve) => v6.listen(0, '::1', resolve));
    pool = new DirectReadPool(options);
    try {
      const request = get((v6.address() as net.AddressInfo).port);
      request.hostname = '[::1]';
      const into = Buffer.alloc(1000);
      expect((await pool.receive(request, into, undefined))?.statusCode).toBe(206);
      expect(into.equals(data)).toBe(true);
    } finally {
      pool.destroy();
      await new Promise((resolve) => v6.close(resolve));
    }
  });

  test('socketTimeoutMs: a body that stalls rejects with TimeoutError after about that long', async () => {
    const data = body(100_000);
    server = await ScriptedServer.start(() => ({ writes: [ok(data), data.subarray(0, 1000)] }));
    pool = new DirectReadPool({ ...options, socketTimeoutMs: 500 });
    const started = Date.now();
    await expect(pool.receive(get(server.port), Buffer.alloc(data.length), undefined)).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'the request socket timed out after 500 ms of inactivity (requestTimeoutMs)',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('an abort rejects at once with an AbortError and closes the connection', async () => {
    const data = body(100_000);
    server = await ScriptedServer.start(() => ({ writes: [ok(data), data.subarray(0, 1000)] }));
    pool = new DirectReadPool({ ...options, socketTimeoutMs: 0 });
    const controller = new AbortController();
    const pending = pool.receive(get(server.port), Buffer.alloc(data.length), controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pool.receive(get(server.port), Buffer.alloc(1), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('connectionTimeoutMs: a connect that never completes rejects with TimeoutError after about that long', async () => {
    const listener = await startUnacceptingListener();
    pool = new DirectReadPool({ ...options, connectionTimeoutMs: 500 });
    try {
      const url = new URL(listener.endpoint);
      const started = Date.now();
      await expect(pool.receive(get(Number(url.port)), Buffer.alloc(1), undefined)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      listener.stop();
    }
  });
});

describe('TLS', () => {
  let dir: string;
  let secure: { key: Buffer; cert: Buffer };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'direct-read-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    secure = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a certificate the system does not trust is refused: an error, never a read', async () => {
    const data = body(1000);
    const server = await ScriptedServer.start(() => ({ writes: [ok(data), data] }), secure);
    const pool = new DirectReadPool(options);
    try {
      await expect(pool.receive(get(server.port, 'https:'), Buffer.alloc(1000), undefined)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(server.heads).toHaveLength(0);
    } finally {
      pool.destroy();
      await server.stop();
    }
  });

  test('over TLS the body lands in the caller buffer too (the test certificate trusted as its own CA)', async () => {
    const data = body(500_000);
    const server = await ScriptedServer.start(() => ({ writes: [ok(data), data.subarray(0, 1000), { delayMs: 5 }, data.subarray(1000)] }), secure);
    const pool = new DirectReadPool({ ...options, secureContext: tls.createSecureContext({ ca: secure.cert }) });
    try {
      const into = Buffer.alloc(data.length);
      const response = await pool.receive(get(server.port, 'https:'), into, undefined);
      expect(response?.statusCode).toBe(206);
      expect(into.equals(data)).toBe(true);
    } finally {
      pool.destroy();
      await server.stop();
    }
  });
});

describe('DirectReadHttpHandler', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('an answer the direct read declines is sent again through the SDK handler, which reads its body', async () => {
    const error = '<Error><Code>PreconditionFailed</Code></Error>';
    server = await ScriptedServer.start(() => ({ writes: [`HTTP/1.1 412 Precondition Failed\r\nContent-Length: ${error.length}\r\n\r\n${error}`] }));
    const handler = new DirectReadHttpHandler(new NodeHttpHandler(), options);
    try {
      const { response } = await handler.handle(get(server.port), { receiveInto: Buffer.alloc(10) });
      expect(response.statusCode).toBe(412);
      expect(Buffer.concat(await readAll(response.body as Readable)).toString()).toBe(error);
      expect(server.heads).toHaveLength(2);
    } finally {
      handler.destroy();
    }
  });

  test('without receiveInto, or for a method other than GET, the SDK handler answers (one request)', async () => {
    const data = body(10);
    server = await ScriptedServer.start(() => ({ writes: [ok(data), data] }));
    const handler = new DirectReadHttpHandler(new NodeHttpHandler(), options);
    try {
      const { response } = await handler.handle(get(server.port));
      expect(Buffer.concat(await readAll(response.body as Readable)).equals(data)).toBe(true);
      const head = get(server.port);
      head.method = 'HEAD';
      const into = Buffer.alloc(10);
      await handler.handle(head, { receiveInto: into });
      expect(into.equals(Buffer.alloc(10))).toBe(true);
      expect(server.heads).toHaveLength(2);
    } finally {
      handler.destroy();
    }
  });
});
