/**
 * What a core function needs besides its event: the Lambda context (request id, remaining time), a logger and a
 * factory for `S3Storage`. Tests pass their own (a fake clock, a mocked S3 client); `wrap` builds the real ones.
 */
import { S3Storage, type S3StorageConfig } from 'bucketkit/storage';
import { Logger, SILENT } from './log';

/** Lambda's longest function timeout, ms. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const MAX_LAMBDA_TIMEOUT_MS = 900_000;

/** The part of Lambda's context object the handlers use. https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html */
export interface InvocationContext {
  /** Lambda's request id, printed on every log line. */
  readonly awsRequestId?: string;
  /** The function's name. */
  readonly functionName?: string;
  /** Milliseconds left before Lambda stops this invocation. */
  getRemainingTimeInMillis(): number;
}

/** Dependencies of a core function. */
export interface HandlerDeps {
  /** The invocation's context. */
  readonly context: InvocationContext;
  /** Structured logger bound to the request id. @default - silent */
  readonly log?: Logger;
  /**
   * Builds the storage for one bucket. @default {@link defaultStorage}: an `S3Storage` on the function's endpoint
   * and credentials (the default chain: the execution role on Lambda).
   */
  readonly storage?: (config: S3StorageConfig) => S3Storage;
}

/** A context that never runs out of time: for cores called as a library or from tests. */
export const UNLIMITED_TIME: InvocationContext = { getRemainingTimeInMillis: () => Number.MAX_SAFE_INTEGER };

/**
 * The function's S3 storage for `bucket`. The endpoint comes only from the function's own configuration
 * (`AWS_ENDPOINT_URL_S3`, the SDK's service-specific variable; unset on AWS), never from an event, so an event
 * cannot point the function's credentials at another host.
 */
export function defaultStorage(config: S3StorageConfig): S3Storage {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || undefined;
  return new S3Storage({ ...config, endpoint: config.endpoint ?? endpoint });
}

/** The deps with defaults filled in. */
export function resolveDeps(deps: HandlerDeps): Required<HandlerDeps> {
  return { context: deps.context, log: deps.log ?? SILENT, storage: deps.storage ?? defaultStorage };
}
