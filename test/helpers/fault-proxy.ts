import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A canned answer the proxy sends instead of forwarding. */
export interface Fault {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Drop the connection without an answer. */
  readonly destroySocket?: boolean;
  /**
   * Reset the TCP connection (RST, not FIN): `'request'` as soon as the request line and headers arrive, before the
   * body is read; `'mid-body'` once about half of the request body (by Content-Length) has arrived, or at once for a
   * request without a body; `'mid-response'` after forwarding, once the server's status, headers and about half of
   * its body (or the `truncateAt` fraction of it) were sent on (at once, before the headers, for an answer without a
   * body). `status` is not used.
   */
  readonly reset?: 'request' | 'mid-body' | 'mid-response';
  /**
   * Read the request, answer nothing and keep the connection open for this many ms (then drop it); the request is
   * never forwarded. A stall longer than the client's request timeout tests that the timeout is real. `status` is
   * not used. Stalled connections are dropped by {@link FaultProxy.stop}.
   */
  readonly stallMs?: number;
  /**
   * Forward the request, then send the server's status and headers unchanged (Content-Length included) but only
   * this fraction (0 to 1) of its body, and close the connection (FIN): a truncated body. An answer without a body is
   * forwarded whole. `status` is not used.
   */
  readonly truncateAt?: number;
  /**
   * With `reset: 'mid-response'` or `truncateAt`: flip one bit of the body at each of these offsets (bytes, from the
   * body's start) among the bytes sent before the cut: a corrupted answer that then breaks.
   */
  readonly flipBytesAt?: readonly number[];
  /**
   * Forward the request, send the server's status and headers, then the whole body in one write once it is all in
   * and this many ms have passed (so it reaches the client in large reads). `status` is not used.
   */
  readonly bodyDelayMs?: number;
}

/** The kind of fault a {@link Fault} describes, as recorded in {@link FaultProxy.requests}. */
export type FaultKind = 'error' | 'destroy' | 'reset-request' | 'reset-mid-body' | 'reset-mid-response' | 'stall' | 'truncate';

/** The kind of a fault. */
export function faultKind(fault: Fault): FaultKind {
  if (fault.reset) return `reset-${fault.reset}`;
  if (fault.stallMs !== undefined) return 'stall';
  if (fault.truncateAt !== undefined) return 'truncate';
  return fault.destroySocket ? 'destroy' : 'error';
}

/** Decides, per request, whether to inject a fault; `undefined` forwards the request to the real server. */
export type FaultRule = (request: http.IncomingMessage, index: number) => Fault | undefined;

/** Rewrites a real answer before it reaches the client (to imitate a store that differs from S3). */
export type Rewrite = (answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer }) => {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
};

/** Decides, per request, whether to rewrite its answer. */
export type RewriteRule = (request: http.IncomingMessage) => Rewrite | undefined;

/**
 * A loopback HTTP proxy in front of a real S3 server: it forwards every request unchanged (Host header included,
 * so signatures still verify) and injects S3-shaped error answers where a rule says so. It lets the suite see
 * how bucketkit handles answers a healthy local server never gives (SlowDown, 500, a region redirect).
 */
export class FaultProxy {
  public readonly requests: { method: string; url: string; fault?: number; kind?: FaultKind }[] = [];
  private readonly stalls = new Set<NodeJS.Timeout>();
  private readonly server: http.Server;
  private readonly upstream: URL;
  private rules: FaultRule[] = [];
  private rewrites: RewriteRule[] = [];

  private constructor(upstream: string) {
    this.upstream = new URL(upstream);
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  public static async start(upstream: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds a rule; rules are tried in order. */
  public inject(rule: FaultRule): this {
    this.rules.push(rule);
    return this;
  }

  /** Adds a rewrite rule; the first that matches a request rewrites its answer. */
  public rewrite(rule: RewriteRule): this {
    this.rewrites.push(rule);
    return this;
  }

  public reset(): void {
    this.rules = [];
    this.rewrites = [];
    this.requests.length = 0;
  }

  public async stop(): Promise<void> {
    for (const timer of this.stalls) clearTimeout(timer);
    this.stalls.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const index = this.requests.length;
    const fault = this.rules.map((rule) => rule(req, index)).find((f) => f !== undefined);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', fault: fault?.status, kind: fault && faultKind(fault) });
    if (fault?.reset === 'request') {
      resetSocket(req.socket);
      return;
    }
    if (fault?.reset === 'mid-body') {
      this.resetMidBody(req);
      return;
    }
    if (fault?.stallMs !== undefined) {
      this.stall(req, fault.stallMs);
      return;
    }
    if (fault && (fault.reset === 'mid-response' || fault.truncateAt !== undefined)) {
      this.forward(req, res, fault);
      return;
    }
    if (fault?.bodyDelayMs !== undefined) {
      this.forward(req, res, fault);
      return;
    }
    if (fault) {
      req.resume();
      req.on('end', () => {
        if (fault.destroySocket) {
          req.socket.destroy();
          return;
        }
        const body = fault.code
          ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message ?? fault.code}</Message><RequestId>FAULT${index}</RequestId><HostId>fault-proxy</HostId></Error>`
          : '';
        res.writeHead(fault.status, {
          'content-type': 'application/xml',
          'x-amz-request-id': `FAULT${index}`,
          'content-length': Buffer.byteLength(body),
          ...fault.headers,
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      });
      return;
    }
    this.forward(req, res);
  }

  /** Resets the connection once about half of the request body has arrived (at once when there is none). */
  private resetMidBody(req: http.IncomingMessage): void {
    const length = Number(req.headers['content-length'] ?? 0);
    if (!(length > 0)) {
      resetSocket(req.socket);
      return;
    }
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= length / 2) resetSocket(req.socket);
    });
  }

  /** Reads the request and holds the connection without an answer for `ms`, then drops it. */
  private stall(req: http.IncomingMessage, ms: number): void {
    req.resume();
    const timer = setTimeout(() => {
      this.stalls.delete(timer);
      req.socket.destroy();
    }, ms);
    timer.unref();
    this.stalls.add(timer);
    req.socket.on('close', () => {
      clearTimeout(timer);
      this.stalls.delete(timer);
    });
  }

  /** Sends the upstream's status and headers, then part of its body, then a reset (RST) or a close (FIN). */
  private faultyAnswer(req: http.IncomingMessage, res: http.ServerResponse, upstreamRes: http.IncomingMessage, fault: Fault): void {
    const length = Number(upstreamRes.headers['content-length'] ?? 0);
    const hasBody = req.method !== 'HEAD' && length > 0;
    if (!hasBody && fault.reset === 'mid-response') {
      upstreamRes.resume();
      resetSocket(req.socket);
      return;
    }
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
    if (!hasBody) {
      upstreamRes.pipe(res);
      return;
    }
    const fraction = Math.min(Math.max(fault.truncateAt ?? 0.5, 0), 1);
    const cut = Math.min(Math.floor(length * fraction), length - 1);
    let sent = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      upstreamRes.destroy();
      // Flush what was written, then cut the connection.
      res.socket?.write('', () => (fault.reset === 'mid-response' ? resetSocket(req.socket) : req.socket.end()));
    };
    upstreamRes.on('data', (chunk: Buffer) => {
      if (done) return;
      const piece = Buffer.from(chunk.subarray(0, cut - sent));
      for (const at of fault.flipBytesAt ?? []) if (at >= sent && at < sent + piece.length) piece[at - sent] ^= 0x10;
      sent += piece.length;
      if (piece.length > 0) res.write(piece);
      if (sent >= cut) finish();
    });
    upstreamRes.on('end', finish);
    upstreamRes.on('error', finish);
    if (cut === 0) finish();
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, fault?: Fault): void {
    const forward = http.request(
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        if (fault && fault.reset === undefined && fault.truncateAt === undefined) {
          // bodyDelayMs alone: the status and headers, then the whole body in one write once it is all in and the
          // delay has passed.
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          res.flushHeaders();
          const chunks: Buffer[] = [];
          const held = new Promise((resolve) => setTimeout(resolve, fault.bodyDelayMs).unref());
          upstreamRes.on('data', (c: Buffer) => chunks.push(c));
          upstreamRes.on('end', () => void held.then(() => res.end(Buffer.concat(chunks))));
          return;
        }
        if (fault) {
          this.faultyAnswer(req, res, upstreamRes, fault);
          return;
        }
        const rewrite = this.rewrites.map((rule) => rule(req)).find((r) => r !== undefined);
        if (!rewrite) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (c: Buffer) => chunks.push(c));
        upstreamRes.on('end', () => {
          const out = rewrite({ status: upstreamRes.statusCode ?? 502, headers: { ...upstreamRes.headers }, body: Buffer.concat(chunks) });
          const headers = { ...out.headers };
          delete headers['transfer-encoding'];
          if (req.method !== 'HEAD') headers['content-length'] = String(out.body.length);
          res.writeHead(out.status, headers);
          res.end(req.method === 'HEAD' ? undefined : out.body);
        });
      },
    );
    forward.on('error', () => res.destroy());
    // A client that gives up mid-request (an aborted upload part) must not leave the upstream request open.
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  }
}

/** Sends a TCP RST (not a FIN), as a crashed peer or a middlebox does; falls back to a plain destroy. */
function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/** The region a SigV4 request was signed for, read from its credential scope. */
export function signedRegion(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(auth)?.[1];
}

/** How a {@link StallServer} misbehaves. */
export type StallMode =
  /** Reads the request and never answers. */
  | 'no-answer'
  /** Answers 200 with headers announcing `bodyBytes` and sends `sentBytes` of them, then goes silent. */
  | { readonly bodyBytes: number; readonly sentBytes: number };

/**
 * A loopback HTTP server that stalls: it reads each request to the end and then never answers, or answers and stops
 * part-way through the body. It holds every socket open until {@link StallServer.stop}, so a client timeout is the
 * only way out. `requests` counts the requests that reached it.
 */
export class StallServer {
  public requests = 0;
  private constructor(private readonly server: http.Server) {}

  public static async start(mode: StallMode = 'no-answer'): Promise<StallServer> {
    const server = http.createServer((req, res) => {
      stall.requests++;
      req.resume();
      req.on('end', () => {
        if (mode === 'no-answer') return;
        res.writeHead(200, {
          'content-length': String(mode.bodyBytes),
          etag: '"0123456789abcdef0123456789abcdef"',
          'content-type': 'application/octet-stream',
        });
        res.write(Buffer.alloc(mode.sentBytes, 0x61));
      });
    });
    const stall = new StallServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stall;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A loopback port where a TCP connect never completes: a listening socket (python3, `listen(0)`) that never
 * accepts, with its one-slot accept queue filled, so Linux drops every further SYN and the client keeps retrying.
 * The only way a connect to it ends is the client's own connection timeout. {@link stop} kills the process by pid.
 */
export async function startUnacceptingListener(): Promise<{ endpoint: string; stop(): void }> {
  const { spawn } = await import('node:child_process');
  const net = await import('node:net');
  const child = spawn('python3', [
    '-c',
    "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(0); print(s.getsockname()[1], flush=True); time.sleep(600)",
  ]);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  // Fill the accept queue: this connect completes (the kernel accepts it for the listener); later ones hang.
  const filler = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => filler.once('connect', () => resolve()).once('error', reject));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      filler.destroy();
      if (child.pid !== undefined) process.kill(child.pid);
    },
  };
}
