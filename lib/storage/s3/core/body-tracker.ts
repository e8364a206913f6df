import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { SocketPoolExhaustedError, type HeldBody } from '../../errors';

/** The `code` of the process warning emitted (once per process) when the socket pool is held by unread bodies. */
export const SOCKET_POOL_WARNING_CODE = 'BUCKETKIT_SOCKET_POOL_EXHAUSTED';

/**
 * How long a request waits behind a pool held by unread bodies before the process warning is emitted (or sooner, at
 * the connection timeout, when that is shorter).
 */
export const SOCKET_POOL_WARNING_DELAY_MS = 1_000;

/** One response body still open: the socket under it is not back in the pool. */
interface OpenBody {
  readonly message: IncomingMessage;
  readonly key: string;
  readonly origin: string;
  readonly openedAt: number;
}

/** Options of {@link ResponseBodyTracker}. */
export interface ResponseBodyTrackerOptions {
  /** Called with the warning text when the pool is held by unread bodies. @default - `process.emitWarning`, once per process */
  readonly warn?: (message: string) => void;
  /** The clock, in ms. @default Date.now */
  readonly now?: () => number;
}

let warnedThisProcess = false;

/** The default warning sink: `process.emitWarning` with {@link SOCKET_POOL_WARNING_CODE}, at most once per process. */
function warnOnce(message: string): void {
  if (warnedThisProcess) return;
  warnedThisProcess = true;
  process.emitWarning(message, { code: SOCKET_POOL_WARNING_CODE });
}

/**
 * The response bodies of one client that are still open, with the key each belongs to. A keep-alive socket goes back
 * to the pool only when its body has been read to the end or destroyed; with `maxSockets` (`config.concurrency`) bodies
 * left unread, every other request of the client waits for a socket until its connection timeout. This tracker is what
 * lets that failure name its cause ({@link SocketPoolExhaustedError}) instead of "did not establish a connection".
 *
 * It only listens: it never reads, pauses or resumes a body. Its `'error'` listener also means that a body destroyed
 * with an error (by the socket timeout, `requestTimeoutMs`) while nobody listens cannot crash the process with an
 * unhandled `'error'` event; the error stays on the stream (`body.errored`) and is thrown to whoever reads it.
 */
export class ResponseBodyTracker {
  private readonly open = new Set<OpenBody>();
  private readonly warn: (message: string) => void;
  private readonly now: () => number;

  /** @param maxSockets the pool size per origin (the agent's `maxSockets`, i.e. `config.concurrency`) */
  public constructor(
    public readonly maxSockets: number,
    options: ResponseBodyTrackerOptions = {},
  ) {
    this.warn = options.warn ?? warnOnce;
    this.now = options.now ?? Date.now;
  }

  /** Starts tracking a response body until it ends, closes or is destroyed. */
  public track(message: IncomingMessage, key: string, origin: string): void {
    if (message.readableEnded || message.destroyed) return;
    const entry: OpenBody = { message, key, origin, openedAt: this.now() };
    this.open.add(entry);
    const done = (): void => {
      this.open.delete(entry);
    };
    message.once('end', done);
    message.once('close', done);
    // Keeps an error on a body nobody listens to from killing the process; the error stays on message.errored.
    message.on('error', done);
  }

  /** How many bodies are open (all origins). */
  public get openCount(): number {
    return this.open.size;
  }

  /**
   * The bodies that hold the sockets of `origin` and wait on their reader (nothing read for the data already buffered:
   * the whole body arrived, or the stream's buffer is full), oldest first, when they hold every socket of the pool;
   * otherwise `undefined`.
   */
  public heldPool(origin: string): readonly HeldBody[] | undefined {
    const sockets = new Set<Socket>();
    const held: OpenBody[] = [];
    for (const body of this.open) {
      if (body.origin !== origin || !waitsOnReader(body.message)) continue;
      const socket = body.message.socket;
      if (socket === null || socket.destroyed || sockets.has(socket)) continue;
      sockets.add(socket);
      held.push(body);
    }
    if (sockets.size < this.maxSockets) return undefined;
    const now = this.now();
    return held.sort((a, b) => a.openedAt - b.openedAt).map((b) => ({ key: b.key, ageMs: now - b.openedAt }));
  }

  /** Emits the process warning when the pool of `origin` is held by unread bodies. */
  public warnIfHeld(origin: string): void {
    const held = this.heldPool(origin);
    if (held !== undefined) this.warn(warningText(held, this.maxSockets));
  }

  /**
   * The error for a request that timed out waiting for a socket, when unread bodies hold the whole pool of `origin`;
   * `undefined` when they do not (the timeout then has another cause and is left as it is).
   */
  public exhaustedError(origin: string, context: { readonly bucket?: string; readonly key?: string }): SocketPoolExhaustedError | undefined {
    const held = this.heldPool(origin);
    if (held === undefined) return undefined;
    this.warn(warningText(held, this.maxSockets));
    const target = context.key === undefined ? 'A request' : `The request for "${context.key}"`;
    return new SocketPoolExhaustedError(
      `${target} got no connection: all ${this.maxSockets} pooled sockets to ${origin} are held by GetObject bodies ` +
        `that were never read to the end nor destroyed (${heldList(held)}). A socket goes back to the pool only when ` +
        `its body is consumed: read each body (for await, pipe, getBuffer()) or call body.destroy() on the ones you ` +
        `do not need, or raise config.concurrency (now ${this.maxSockets}).`,
      { bucket: context.bucket, key: context.key, heldBodies: held, maxSockets: this.maxSockets },
    );
  }
}

/** True when a body has data (or all of it) waiting to be read: the reader, not the network, is what holds it. */
function waitsOnReader(message: IncomingMessage): boolean {
  if (message.readableEnded || message.destroyed) return false;
  return message.complete || message.readableLength >= message.readableHighWaterMark;
}

const LISTED_KEYS = 10;

function heldList(held: readonly HeldBody[]): string {
  const keys = held.slice(0, LISTED_KEYS).map((b) => JSON.stringify(b.key));
  const more = held.length > LISTED_KEYS ? ` and ${held.length - LISTED_KEYS} more` : '';
  return `keys ${keys.join(', ')}${more}`;
}

function warningText(held: readonly HeldBody[], maxSockets: number): string {
  return (
    `bucketkit: all ${maxSockets} pooled sockets are held by GetObject bodies that are not being read (${heldList(held)}); ` +
    `other requests wait for a socket until their connection timeout. Read each body to the end or call body.destroy(), ` +
    `or raise config.concurrency.`
  );
}

/** True for the node-http-handler's "did not establish a connection" timeout (which includes the wait for a socket). */
export function isConnectionTimeout(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  return e?.name === 'TimeoutError' && typeof e.message === 'string' && /establish a connection/i.test(e.message);
}

/** True when `value` is a Node.js HTTP response (the raw body the node-http-handler returns). */
export function isIncomingMessage(value: unknown): value is IncomingMessage {
  return value instanceof IncomingMessage;
}
