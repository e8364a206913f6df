import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A long-distance link emulated in user space on 127.0.0.1: every TCP connection through the relay gets a one-way
 * delay in each direction and its own bandwidth cap (a token bucket per connection and direction), as a WAN path
 * with a per-flow rate limit would. Used where the kernel has no netem (see docs/benchmarks.md).
 */
export class LatencyRelay {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly upstreamPort: number,
    private readonly oneWayDelayMs: number,
    private readonly bytesPerSecond: number,
  ) {
    this.server = net.createServer((client) => this.connect(client));
  }

  /** Starts a relay on a free loopback port in front of 127.0.0.1:upstreamPort. */
  public static async start(upstreamPort: number, oneWayDelayMs: number, bytesPerSecond: number): Promise<LatencyRelay> {
    const relay = new LatencyRelay(upstreamPort, oneWayDelayMs, bytesPerSecond);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    this.shape(client, upstream);
    this.shape(upstream, client);
  }

  /** Delivers `from`'s bytes to `to`, in order, after the serialization time at the capped rate plus the one-way delay. */
  private shape(from: net.Socket, to: net.Socket): void {
    const queue: { due: number; chunk: Buffer | null }[] = [];
    let linkFreeAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const drain = () => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0].due <= now) {
        const { chunk } = queue.shift()!;
        if (chunk === null) to.end();
        else if (to.writable) to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, Math.max(1, queue[0].due - now));
      // Back-pressure: hold the sender while more than 250 ms of data waits for the link.
      if (from.isPaused() && linkFreeAt - now < 100) from.resume();
    };
    const enqueue = (chunk: Buffer | null) => {
      const now = performance.now();
      if (chunk) linkFreeAt = Math.max(now, linkFreeAt) + (chunk.length / this.bytesPerSecond) * 1000;
      queue.push({ due: Math.max(now, linkFreeAt) + this.oneWayDelayMs, chunk });
      if (!timer) timer = setTimeout(drain, Math.max(1, queue[0].due - now));
      if (linkFreeAt - now > 250) from.pause();
    };
    from.on('data', (chunk: Buffer) => enqueue(chunk));
    from.on('end', () => enqueue(null));
  }
}
