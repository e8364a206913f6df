import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ResponseBodyTracker } from './body-tracker';
import { DirectReadHttpHandler } from './direct-read/handler';
import type { ResolvedS3StorageConfig } from './config';
import { socketPoolPlugin } from './pool-middleware';

/**
 * The SDK client's logger: silent. With its default (`NoOpLogger`) the SDK's retry middleware writes "An error was
 * encountered in a non-retryable streaming request." to `console.warn` whenever a stream body's request fails, before
 * bucketkit throws its own typed error for the same failure (a stray line in a caller's stderr and in the CLI's output).
 */
const SILENT_SDK_LOGGER = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A keep-alive agent whose sockets always have an `'error'` listener. A store may answer a PUT before it has read the
 * body and close the connection (Ceph RGW and MinIO answer 404 NoSuchBucket so): Node's HTTP client detaches the
 * request from the socket once the answer is in, and the write still in flight then fails with EPIPE on a socket
 * nobody listens to, which is an uncaught exception that ends the process (seen on Ceph RGW, about 1 in 10 24 MiB
 * PUTs to a missing bucket). The request's own errors still reach it (Node adds its listener per request); this one
 * only takes the errors of a socket no request owns any more.
 */
function quietAgent<T extends http.Agent>(agent: T): T {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback);
    socket?.on('error', ignoreDetachedSocketError);
    return socket;
  };
  return agent;
}

/** The error of a socket after its request was answered: nothing is waiting for it. */
function ignoreDetachedSocketError(): void {}

/**
 * Builds the SDK client for a config: keep-alive sockets pooled to the configured concurrency, timeouts,
 * retries, the checksum policy, and the certificate authorities https trusts (`caBundle` / `AWS_CA_BUNDLE`).
 *
 * Timeouts (both reject with the SDK's `TimeoutError`, mapped to bucketkit's `TimeoutError`, and retried up to
 * `maxAttempts`):
 * - `connectionTimeoutMs` is the handler's `connectionTimeout`: the time from asking for a socket to a connected one
 *   (which includes waiting for a free socket in the pool).
 * - `requestTimeoutMs` is the handler's `socketTimeout`: socket inactivity while the request is sent and the answer
 *   (headers and body) is read. In @smithy/node-http-handler 4.x, the handler's `requestTimeout` is a different
 *   thing, a total time that only logs a warning unless `throwOnRequestTimeout` is set; as a total time it would also
 *   cut off a healthy 5 GiB PUT that takes longer, so it is not used. For a timeout of 6 s or more, the handler
 *   starts watching the socket 3 s after the request starts, so a request that stalls from the start fails after
 *   at most `requestTimeoutMs` + 3 s.
 *
 * Response bodies hold their pooled socket until they are read to the end or destroyed. The client tracks them
 * (`socketPoolPlugin`): a request that times out waiting for a socket while unread bodies hold the whole pool fails
 * with `SocketPoolExhaustedError` (not retried) naming their keys, and a body destroyed by the socket timeout while
 * nobody listens cannot crash the process.
 *
 * `kind` picks the endpoint: `'regional'` (the configured endpoint, or `s3.<region>.amazonaws.com`) or
 * `'accelerated'` (`<bucket>.s3-accelerate.amazonaws.com`, never with a custom endpoint: the SDK refuses the pair).
 * Both use the dual-stack variant when `config.dualStack` is set.
 *
 * The handler is a {@link DirectReadHttpHandler}: the download engine's ranged GETs (`SendOptions.receiveInto`) are
 * read straight into their range buffers on connections of its own (at most `concurrency` idle ones), with the same
 * timeouts; every other request goes through the `NodeHttpHandler` above.
 */
export function buildS3Client(config: ResolvedS3StorageConfig, region: string, kind: 'regional' | 'accelerated' = 'regional'): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: config.concurrency };
  // Built once per client: a \`ca\` option would parse the bundle again for every TLS connection (AWS_CA_BUNDLE is often
  // the system's whole bundle, ~140 certificates).
  const secureContext = config.caBundle === undefined ? undefined : tls.createSecureContext({ ca: config.caBundle });
  const client = new S3Client({
    region,
    endpoint: kind === 'accelerated' ? undefined : config.endpoint,
    forcePathStyle: kind === 'accelerated' ? false : config.forcePathStyle,
    credentials: config.credentials,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    useAccelerateEndpoint: kind === 'accelerated',
    useDualstackEndpoint: config.dualStack,
    logger: SILENT_SDK_LOGGER,
    requestChecksumCalculation: config.checksumPolicy,
    responseChecksumValidation: config.checksumPolicy,
    requestHandler: new DirectReadHttpHandler(
      new NodeHttpHandler({
        httpAgent: quietAgent(new http.Agent(agentOptions)),
        httpsAgent: quietAgent(new https.Agent({ ...agentOptions, secureContext })),
        connectionTimeout: config.connectionTimeoutMs,
        // 0 turns it off (the handler ignores 0 and undefined alike).
        socketTimeout: config.requestTimeoutMs,
      }),
      { maxSockets: config.concurrency, connectionTimeoutMs: config.connectionTimeoutMs, socketTimeoutMs: config.requestTimeoutMs, secureContext },
    ),
  });
  const tracker = new ResponseBodyTracker(config.concurrency);
  client.middlewareStack.use(socketPoolPlugin({ tracker, bucket: config.bucket, connectionTimeoutMs: config.connectionTimeoutMs }));
  return client;
}
