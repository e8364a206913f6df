import type { DeserializeHandlerArguments, HandlerExecutionContext, MetadataBearer, Pluggable } from '@smithy/types';
import { isConnectionTimeout, isIncomingMessage, ResponseBodyTracker, SOCKET_POOL_WARNING_DELAY_MS } from './body-tracker';

/** The parts of the SDK's `HttpRequest` the pool guard reads. */
interface RequestShape {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly headers?: Record<string, string | undefined>;
}

/** Options of {@link socketPoolPlugin}. */
export interface SocketPoolPluginOptions {
  /** The tracker of this client's open bodies. */
  readonly tracker: ResponseBodyTracker;
  /** The bucket, for the errors raised. */
  readonly bucket?: string;
  /** The client's connection timeout (ms); the warning comes at the earlier of it and {@link SOCKET_POOL_WARNING_DELAY_MS}. */
  readonly connectionTimeoutMs: number;
}

/**
 * The client plugin that keeps unread response bodies from failing other requests with a misleading error:
 *
 * - `bucketkitSocketPool` (step `deserialize`, priority `low`: innermost, next to the HTTP handler, once per attempt)
 *   tracks every raw response body (`IncomingMessage`) with its key until it ends or is destroyed. When an attempt
 *   fails with the handler's "did not establish a connection" timeout while unread bodies hold every pooled socket of
 *   its origin, the attempt fails with {@link SocketPoolExhaustedError} instead, which the SDK does not retry (so it
 *   surfaces after one connection timeout, not after `maxAttempts` of them). A request that has waited behind such a
 *   pool for {@link SOCKET_POOL_WARNING_DELAY_MS} emits the process warning once.
 * - `bucketkitBodyErrorGuard` (step `initialize`: outermost) gives the `Body` the command returns (the SDK may have
 *   wrapped the raw body, e.g. in a checksum-validating stream) an `'error'` listener, so a body destroyed by the socket
 *   timeout while nobody reads it cannot crash the process. The error stays on the stream and is thrown to its reader.
 *
 * Requests sent with `Expect: 100-continue` use a separate, unpooled agent and are left alone.
 */
export function socketPoolPlugin(options: SocketPoolPluginOptions): Pluggable<object, MetadataBearer> {
  const { tracker } = options;
  const warningDelayMs = Math.min(SOCKET_POOL_WARNING_DELAY_MS, options.connectionTimeoutMs);
  return {
    applyToStack(stack) {
      stack.add(
        (next, _context: HandlerExecutionContext) => async (args: DeserializeHandlerArguments<object>) => {
          const request = args.request as RequestShape;
          const origin = originOf(request);
          const pooled = !expectsContinue(request);
          const key = keyOf(args.input);
          // Only a request that starts with the pool already full of open bodies can be left waiting behind them.
          const mayWait = pooled && tracker.openCount >= tracker.maxSockets;
          const timer = mayWait ? setTimeout(() => tracker.warnIfHeld(origin), warningDelayMs) : undefined;
          timer?.unref();
          try {
            const result = await next(args);
            const body = (result.response as { body?: unknown }).body;
            if (isIncomingMessage(body)) tracker.track(body, key ?? '', origin);
            return result;
          } catch (error) {
            if (pooled && isConnectionTimeout(error)) {
              const exhausted = tracker.exhaustedError(origin, { bucket: options.bucket, key });
              if (exhausted !== undefined) throw exhausted;
            }
            throw error;
          } finally {
            clearTimeout(timer);
          }
        },
        { step: 'deserialize', priority: 'low', name: 'bucketkitSocketPool', override: true },
      );
      stack.add(
        (next) => async (args) => {
          const result = await next(args);
          guardBodyErrors((result.output as { Body?: unknown }).Body);
          return result;
        },
        { step: 'initialize', priority: 'high', name: 'bucketkitBodyErrorGuard', override: true },
      );
    },
  };
}

/** `host:port` of a request, the unit the agent pools sockets by. */
function originOf(request: RequestShape): string {
  const port = request.port ?? (request.protocol === 'https:' ? 443 : 80);
  return `${request.hostname ?? ''}:${port}`;
}

function expectsContinue(request: RequestShape): boolean {
  const headers = request.headers ?? {};
  const value = headers.Expect ?? headers.expect;
  return typeof value === 'string' && value.toLowerCase() === '100-continue';
}

function keyOf(input: unknown): string | undefined {
  const key = (input as { Key?: unknown } | undefined)?.Key;
  return typeof key === 'string' ? key : undefined;
}

function ignoreError(): void {
  // The error stays on the stream (`errored`) and is thrown to whoever reads it; this only keeps the process alive.
}

/** Adds a no-op `'error'` listener to a stream output (once), so an error nobody listens to cannot crash the process. */
function guardBodyErrors(body: unknown): void {
  const stream = body as { on?: unknown; listeners?: unknown } | undefined;
  if (stream === undefined || stream === null || typeof stream.on !== 'function' || typeof stream.listeners !== 'function') return;
  const emitter = stream as NodeJS.EventEmitter;
  if (emitter.listeners('error').includes(ignoreError)) return;
  emitter.on('error', ignoreError);
}
