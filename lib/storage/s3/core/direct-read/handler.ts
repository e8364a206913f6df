/**
 * The HTTP handler of the clients bucketkit builds: the SDK's `NodeHttpHandler`, plus direct reads for the download
 * engine's ranged GETs.
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import type { DirectReadPool, DirectReadPoolOptions } from './receive';

/**
 * The per-request options of {@link DirectReadHttpHandler}: the SDK passes what `client.send(command, options)` is
 * given on to the handler.
 */
export interface DirectReadHandlerOptions extends HttpHandlerOptions {
  /**
   * Read the body of this GET straight into this buffer. Taken when the answer is a 2xx with a `Content-Length` of
   * exactly `receiveInto.byteLength`; the response's body is then one chunk that is this buffer. Any other answer is
   * read by the SDK's handler, as without the option.
   */
  readonly receiveInto?: Uint8Array;
  /**
   * Told after each read of a direct read's body: `receiveInto`'s first `filled` bytes have arrived (so a caller can
   * write them on while they are still in the CPU's cache). Each answer's body starts with a call with 0: the SDK
   * retries a request with the same options, and the bytes told before then are replaced. Not called when the SDK's
   * handler reads the answer.
   */
  readonly onReceived?: (filled: number) => void;
}

/**
 * `NodeHttpHandler` with direct reads: a GET sent with {@link DirectReadHandlerOptions.receiveInto} is answered on a
 * keep-alive connection of this handler's own whose reads the kernel makes into that buffer (`onread`), so a 16 MiB
 * range costs a few large reads instead of 256 allocated 64 KiB chunks copied into the buffer, and no copy at all.
 * Measured on 2 cores against MinIO on loopback, 1 GiB in 8 parallel ranges of 16 MiB written at their offsets:
 * 0.60-0.68 s against 1.44-1.75 s through `http.get` (docs/benchmarks.md, "Issue 15").
 *
 * Every other request, and a direct read whose answer is not the exact one expected (an error status, another
 * length, a chunked body), goes through `fallback` (the direct connection is closed and the GET sent again there, so
 * errors, retries and their bodies are the SDK's). The same timeouts apply: `connectionTimeoutMs` to connect,
 * `socketTimeoutMs` of socket inactivity; their errors are named `TimeoutError`, as the SDK's handler names its own,
 * and an abort rejects with an `AbortError`. At most `maxSockets` connections per origin, in use or idle. The socket
 * code is loaded on the first direct read.
 */
export class DirectReadHttpHandler implements RequestHandler<HttpRequest, HttpResponse, DirectReadHandlerOptions> {
  public readonly metadata = { handlerProtocol: 'http/1.1' };
  private pool: Promise<DirectReadPool> | undefined;
  private destroyed = false;

  /**
   * @param fallback the SDK's handler: every request that is not a direct read, and the direct reads it declines
   * @param options the direct connections' pool size and timeouts (the same as `fallback`'s)
   */
  public constructor(
    public readonly fallback: NodeHttpHandler,
    public readonly options: DirectReadPoolOptions,
  ) {}

  public async handle(request: HttpRequest, options: DirectReadHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const { receiveInto, onReceived, ...rest } = options;
    if (
      receiveInto !== undefined &&
      !this.destroyed &&
      request.method === 'GET' &&
      request.body === undefined &&
      (request.protocol === 'http:' || request.protocol === 'https:')
    ) {
      const pool = await this.directPool();
      const response = await pool.receive(request, receiveInto, options.abortSignal as AbortSignal | undefined, onReceived);
      if (response !== undefined) return { response };
    }
    return this.fallback.handle(request as Parameters<NodeHttpHandler['handle']>[0], rest);
  }

  public updateHttpClientConfig(key: never, value: never): void {
    this.fallback.updateHttpClientConfig(key, value);
  }

  public httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.fallback.httpHandlerConfigs();
  }

  public destroy(): void {
    this.destroyed = true;
    void this.pool?.then((pool) => pool.destroy());
    this.fallback.destroy();
  }

  private directPool(): Promise<DirectReadPool> {
    this.pool ??= import('./receive').then(({ DirectReadPool }) => new DirectReadPool(this.options));
    return this.pool;
  }
}
