import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A canned answer the proxy sends instead of forwarding. */
export interface Fault {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Drop the connection without an answer. */
  readonly destroySocket?: boolean;
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
  public readonly requests: { method: string; url: string; fault?: number }[] = [];
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
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const index = this.requests.length;
    const fault = this.rules.map((rule) => rule(req, index)).find((f) => f !== undefined);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', fault: fault?.status });
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
    const forward = http.request(
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
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

/** The region a SigV4 request was signed for, read from its credential scope. */
export function signedRegion(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(auth)?.[1];
}
