/**
 * The socket side of {@link DirectReadHttpHandler}: HTTP/1.1 GETs whose body the kernel reads straight into the
 * caller's buffer (`net`/`tls` `onread` with a buffer per read), on keep-alive connections of its own. Loaded on the
 * first direct read, so a handler that never downloads does not carry it.
 *
 * Only the exact case is handled here: a 2xx answer with a `Content-Length` equal to the buffer's length and no
 * `Transfer-Encoding`. Anything else (an error status, another length, a chunked body, a head over 64 KiB, a request
 * that cannot be written as is) answers `undefined`, the connection is closed, and the caller sends the request again
 * through the SDK's own handler, which reads error bodies, redirects and the rest the SDK's way. A GET is safe to send
 * twice.
 */
import * as net from 'node:net';
import { Readable } from 'node:stream';
import * as tls from 'node:tls';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { parseResponseHead, requestHead, type ResponseHead } from './http1';

/** The timeouts and pool size of a {@link DirectReadPool}, as the SDK's handler has them. */
export interface DirectReadPoolOptions {
  /** Connections per origin, in use or idle (the client's concurrency); a request waits for a place. */
  readonly maxSockets: number;
  /** From asking for a connection to a connected one (ms); 0 or undefined: none. */
  readonly connectionTimeoutMs?: number;
  /** Socket inactivity while a request is sent and its answer read (ms); 0 or undefined: none. */
  readonly socketTimeoutMs?: number;
  /**
   * The TLS context https connections use (the client's `caBundle`), shared with the SDK's agent.
   * @default - Node's roots (and `NODE_EXTRA_CA_CERTS`), as the SDK's handler
   */
  readonly secureContext?: tls.SecureContext;
}

/**
 * The most one socket read takes into the body's buffer. Each read is then at most the size of a core's L2 cache here,
 * so a caller that writes the bytes on as they arrive (transfer/download/range-writes.ts) copies them while cached.
 * Uncapped, a read took whatever the socket held (2.6 MiB on average, up to 13 MiB): 1 GiB in 8 ranges of 16 MiB,
 * written as read, took 0.67-1.06 s against 0.67-0.71 s capped at 1 MiB (0.82-0.90 s at 256 KiB, 0.98-1.16 s at
 * 128 KiB: the reads' own cost), 3 alternating runs each (docs/benchmarks.md, "Issue 15").
 */
const MAX_READ_BYTES = 1024 * 1024;

/** The largest response head read (status line and headers); a longer one goes to the SDK's handler. */
const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
/** Why a connection stopped before the answer was complete, as the SDK's retry strategy reads it. */
function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
}

/** A hostname as sockets take it: `[::1]` → `::1`. */
export function connectHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function connectionTimeoutError(ms: number | undefined): Error {
  return timeoutError(`Socket timed out without establishing a connection within ${ms} ms`);
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

function hangUpError(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** One keep-alive connection, reading into whatever buffer the request in flight points it at. */
class Connection {
  public readonly socket: net.Socket;
  private readonly head = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  private readBuffer: Uint8Array = this.head;
  private onRead: (bytes: number) => void = () => this.socket.destroy();
  private onFail: (error: Error) => void = () => undefined;
  private connected = false;
  /** The server closed it, or it failed: not reusable. */
  public closed = false;

  public constructor(
    request: HttpRequest,
    private readonly options: DirectReadPoolOptions,
  ) {
    const onread: net.OnReadOpts = {
      buffer: () => this.readBuffer,
      callback: (bytes: number) => {
        this.onRead(bytes);
        return true;
      },
    };
    const port = request.port ?? (request.protocol === 'https:' ? 443 : 80);
    // An IPv6 literal comes as `[::1]` (URL form); sockets take it without the brackets, as the SDK's handler does.
    const host = connectHost(request.hostname);
    this.socket =
      request.protocol === 'https:'
        ? // `onread` is a documented option of tls.connect (it passes it to the net.Socket below), missing from @types/node.
          tls.connect({
            host,
            port,
            servername: net.isIP(host) ? undefined : host,
            ALPNProtocols: ['http/1.1'],
            secureContext: options.secureContext,
            onread,
          } as tls.ConnectionOptions)
        : net.connect({ host, port, onread });
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => {
      this.closed = true;
      this.onFail(error);
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.onFail(hangUpError());
    });
    this.socket.on('end', () => {
      this.closed = true;
      this.socket.destroy();
    });
  }

  /**
   * Resolves once connected (TLS: after the handshake); rejects at `deadline` (a `Date.now()` time; what is left of
   * the connection timeout after the wait for a place in the pool).
   */
  public async connect(signal: AbortSignal | undefined, deadline: number | undefined): Promise<void> {
    if (this.connected) return;
    const event = this.socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect';
    await new Promise<void>((resolve, reject) => {
      const ms = this.options.connectionTimeoutMs;
      const timer = deadline === undefined ? undefined : setTimeout(() => fail(connectionTimeoutError(ms)), Math.max(0, deadline - Date.now()));
      const onAbort = (): void => fail(abortError());
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.onFail = () => undefined;
      };
      const fail = (error: Error): void => {
        done();
        this.closed = true;
        this.socket.destroy();
        reject(error);
      };
      this.onFail = fail;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.socket.once(event, () => {
        done();
        this.connected = true;
        resolve();
      });
    });
  }

  /**
   * Sends one GET and reads its answer: the body straight into `into` when the answer is the exact one expected.
   * Resolves undefined when it is not (the connection is then closed); rejects on a socket error, a timeout, an abort
   * or a close before the end. The error's `$responseStarted` says whether any byte of the answer came (a reused
   * connection that fails before that may be retried on a fresh one).
   */
  public exchange(
    head: string,
    into: Uint8Array,
    signal: AbortSignal | undefined,
    onReceived: (filled: number) => void = () => undefined,
  ): Promise<{ response: HttpResponse; reusable: boolean } | undefined> {
    this.socket.ref();
    return new Promise((resolve, reject) => {
      let headBytes = 0;
      let bodyBytes = 0;
      let response: ResponseHead | undefined;
      let settled = false;
      const ms = this.options.socketTimeoutMs;
      const finish = (): void => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        this.socket.setTimeout(0);
        this.socket.removeListener('timeout', onTimeout);
        this.readBuffer = this.head;
        this.onRead = () => {
          // Bytes nobody asked for on an idle connection: it is out of step, close it.
          this.closed = true;
          this.socket.destroy();
        };
        this.onFail = () => undefined;
      };
      const close = (): void => {
        finish();
        this.closed = true;
        this.socket.destroy();
      };
      const fail = (error: Error): void => {
        if (settled) return;
        close();
        reject(Object.assign(error, { $responseStarted: headBytes > 0 }));
      };
      const decline = (): void => {
        close();
        resolve(undefined);
      };
      const onAbort = (): void => fail(abortError());
      const onTimeout = (): void => fail(timeoutError(`the request socket timed out after ${ms} ms of inactivity (requestTimeoutMs)`));
      const complete = (): void => {
        const headers = response!.headers;
        finish();
        const body = Buffer.from(into.buffer, into.byteOffset, into.byteLength);
        resolve({
          // The SDK's HttpResponse is this shape (its checks are `HttpResponse.isInstance`, a shape test).
          response: { statusCode: response!.statusCode, headers, body: Readable.from([body], { objectMode: false }) },
          reusable: !this.closed && !/(^|,)\s*close\s*(,|$)/i.test(headers.connection ?? ''),
        });
      };
      this.onFail = fail;
      this.onRead = (bytes) => {
        if (settled) return;
        if (response !== undefined) {
          bodyBytes += bytes;
          onReceived(bodyBytes);
          if (bodyBytes === into.byteLength) complete();
          else this.readBuffer = into.subarray(bodyBytes, bodyBytes + MAX_READ_BYTES);
          return;
        }
        const from = Math.max(0, headBytes - 3);
        headBytes += bytes;
        const end = this.head.subarray(0, headBytes).indexOf(HEAD_END, from);
        if (end < 0) {
          if (headBytes === MAX_HEAD_BYTES) decline();
          else this.readBuffer = this.head.subarray(headBytes);
          return;
        }
        response = parseResponseHead(this.head.toString('latin1', 0, end));
        const length = response?.headers['content-length'];
        const early = headBytes - end - 4;
        if (
          response === undefined ||
          response.statusCode < 200 ||
          response.statusCode > 299 ||
          response.headers['transfer-encoding'] !== undefined ||
          length === undefined ||
          !/^\d+$/.test(length) ||
          Number(length) !== into.byteLength ||
          early > into.byteLength
        ) {
          decline();
          return;
        }
        // A body starts: told as 0 first, so a caller that already took bytes from an earlier answer (the SDK's retry
        // of this request) knows they were replaced.
        onReceived(0);
        this.head.copy(into, 0, end + 4, headBytes);
        bodyBytes = early;
        if (early > 0) onReceived(early);
        if (bodyBytes === into.byteLength) complete();
        else this.readBuffer = into.subarray(bodyBytes, bodyBytes + MAX_READ_BYTES);
      };
      if (signal?.aborted) {
        fail(abortError());
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      if (ms) {
        this.socket.setTimeout(ms);
        this.socket.on('timeout', onTimeout);
      }
      this.socket.write(head);
    });
  }

  /** Parks the connection in the pool: no timeout, and it no longer keeps the process alive. */
  public park(): void {
    this.socket.unref();
  }
}

/** The connections of one origin: idle ones, how many exist, and the requests waiting for a place. */
interface OriginPool {
  readonly idle: Connection[];
  /** Connections that exist (in use or idle); at most `maxSockets`. */
  live: number;
  readonly waiters: (() => void)[];
}

/**
 * A pool of keep-alive connections per origin for direct reads: at most `maxSockets` per origin, as the SDK's agent
 * has (a request waits for a place, within the connection timeout).
 */
export class DirectReadPool {
  private readonly origins = new Map<string, OriginPool>();
  private destroyed = false;

  public constructor(private readonly options: DirectReadPoolOptions) {}

  /**
   * Sends `request` (a GET without a body) and reads a 2xx answer of exactly `into.byteLength` bytes into `into`.
   * Resolves undefined when the answer is anything else, or the request cannot be written as is: send it through the
   * SDK's handler then. A reused connection the server had closed is replaced by a fresh one once.
   * @throws the socket's error (e.g. ECONNRESET), a `TimeoutError` (connection or socket timeout) or an `AbortError`
   */
  public async receive(
    request: HttpRequest,
    into: Uint8Array,
    signal: AbortSignal | undefined,
    onReceived?: (filled: number) => void,
  ): Promise<HttpResponse | undefined> {
    if (this.destroyed) return undefined;
    const head = requestHead(request);
    if (head === undefined) return undefined;
    if (signal?.aborted) throw abortError();
    const pool = this.originPool(`${request.protocol}//${request.hostname}:${request.port ?? ''}`);
    const ms = this.options.connectionTimeoutMs;
    const deadline = ms ? Date.now() + ms : undefined;
    for (let attempt = 0; ; attempt++) {
      const { connection, reused } = await this.acquire(pool, request, signal, deadline);
      let keep = false;
      try {
        await connection.connect(signal, deadline);
        const answer = await connection.exchange(head, into, signal, onReceived);
        keep = answer?.reusable === true;
        return answer?.response;
      } catch (error) {
        const started = (error as { $responseStarted?: boolean }).$responseStarted === true;
        if (reused && !started && attempt === 0 && !signal?.aborted && (error as Error).name !== 'TimeoutError') continue;
        throw error;
      } finally {
        this.release(pool, connection, keep);
      }
    }
  }

  /** Closes every idle connection; later requests go to the SDK's handler. */
  public destroy(): void {
    this.destroyed = true;
    for (const pool of this.origins.values()) {
      for (const connection of pool.idle) connection.socket.destroy();
      pool.idle.length = 0;
    }
  }

  private originPool(origin: string): OriginPool {
    let pool = this.origins.get(origin);
    if (pool === undefined) {
      pool = { idle: [], live: 0, waiters: [] };
      this.origins.set(origin, pool);
    }
    return pool;
  }

  /** An idle connection, else a new one while the origin has fewer than `maxSockets`, else waits for a release. */
  private async acquire(
    pool: OriginPool,
    request: HttpRequest,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ): Promise<{ connection: Connection; reused: boolean }> {
    for (;;) {
      while (pool.idle.length > 0) {
        const connection = pool.idle.pop()!;
        if (!connection.closed) return { connection, reused: true };
        pool.live--;
      }
      if (pool.live < this.options.maxSockets) {
        pool.live++;
        return { connection: new Connection(request, this.options), reused: false };
      }
      await this.waitForRelease(pool, signal, deadline);
    }
  }

  private waitForRelease(pool: OriginPool, signal: AbortSignal | undefined, deadline: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const fail = (error: Error): void => {
        const at = pool.waiters.indexOf(wake);
        if (at >= 0) pool.waiters.splice(at, 1);
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        reject(error);
      };
      const onAbort = (): void => fail(abortError());
      const timer =
        deadline === undefined
          ? undefined
          : setTimeout(() => fail(connectionTimeoutError(this.options.connectionTimeoutMs)), Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', onAbort, { once: true });
      pool.waiters.push(wake);
    });
  }

  /** Parks a reusable connection (or closes it), and wakes the next request waiting for a place. */
  private release(pool: OriginPool, connection: Connection, keep: boolean): void {
    if (keep && !this.destroyed && !connection.closed) {
      connection.park();
      pool.idle.push(connection);
    } else {
      connection.socket.destroy();
      pool.live--;
    }
    pool.waiters.shift()?.();
  }
}
