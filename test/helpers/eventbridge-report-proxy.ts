import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of moto that makes GetBucketNotificationConfiguration report `EventBridgeConfiguration`
 * the way Amazon S3 does (`<EventBridgeConfiguration/>`). moto 5.2.5 stores the setting and delivers events to
 * EventBridge, but its GET leaves the element out (docs/compatibility.md), so a read-merge-write on moto cannot see,
 * and so cannot keep, the setting.
 *
 * The proxy remembers, per bucket, whether the last PutBucketNotificationConfiguration that moto accepted (2xx)
 * carried the element, which is exactly what moto stores, and adds it to that bucket's GET answers. Nothing else is
 * changed: requests are forwarded byte for byte (Host header included, so signatures still verify). Whether the
 * setting is really on in moto is checked apart from this proxy, by EventBridge delivery (see the handler test).
 * Path-style requests only (`/<bucket>?notification`), as the test clients send.
 */
export class EventBridgeReportProxy {
  /** Requests seen, as `METHOD /path?query`. */
  public readonly requests: string[] = [];
  private readonly eventBridge = new Map<string, boolean>();
  private readonly server: http.Server;
  private readonly upstream: URL;

  private constructor(upstream: string) {
    this.upstream = new URL(upstream);
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  public static async start(upstream: string): Promise<EventBridgeReportProxy> {
    const proxy = new EventBridgeReportProxy(upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** PutBucketNotificationConfiguration requests seen so far. */
  public notificationPuts(): number {
    return this.requests.filter((r) => /^PUT \/[^/?]+\/?\?notification/.test(r)).length;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      this.requests.push(`${req.method} ${url}`);
      const match = /^\/([^/?]+)\/?\?notification(=|&|$)/.exec(url);
      const upstream = http.request(
        { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: url, headers: req.headers },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (c: Buffer) => out.push(c));
          answer.on('end', () => {
            let payload = Buffer.concat(out);
            const status = answer.statusCode ?? 502;
            const headers = { ...answer.headers };
            if (match && status >= 200 && status < 300) {
              const bucket = decodeURIComponent(match[1]);
              if (req.method === 'PUT') this.eventBridge.set(bucket, body.toString('utf8').includes('EventBridgeConfiguration'));
              if (req.method === 'GET' && this.eventBridge.get(bucket) === true) {
                payload = Buffer.from(withEventBridge(payload.toString('utf8')), 'utf8');
                headers['content-length'] = String(payload.length);
                delete headers['transfer-encoding'];
              }
            }
            res.writeHead(status, headers);
            res.end(payload);
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  }
}

/** The GET answer with `<EventBridgeConfiguration/>` added, as Amazon S3 writes it. */
export function withEventBridge(xml: string): string {
  if (xml.includes('EventBridgeConfiguration')) return xml;
  if (xml.includes('</NotificationConfiguration>'))
    return xml.replace('</NotificationConfiguration>', '<EventBridgeConfiguration/></NotificationConfiguration>');
  if (/<NotificationConfiguration([^>]*)\/>/.test(xml)) {
    return xml.replace(/<NotificationConfiguration([^>]*)\/>/, '<NotificationConfiguration$1><EventBridgeConfiguration/></NotificationConfiguration>');
  }
  if (xml.trim().length === 0)
    return '<?xml version="1.0" encoding="UTF-8"?><NotificationConfiguration><EventBridgeConfiguration/></NotificationConfiguration>';
  throw new Error(`EventBridgeReportProxy: unexpected GetBucketNotificationConfiguration answer: ${xml.slice(0, 200)}`);
}
