/**
 * Which endpoint, regional or accelerated, each request goes to; when an accelerated request falls back; and the
 * traffic counted per endpoint. The session (core/session.ts) owns one and asks it per `send`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 */
import { checkBucketName } from '../../../rules/bucket-name';
import type { AccelerationStatus, AccelerationTraffic, EndpointKind } from '../../types/acceleration';
import type { ResolvedS3StorageConfig } from './config';
import type { S3Command } from './context';

/**
 * The commands sent to the accelerate endpoint when acceleration is in force: the ones that move object bytes between
 * the client and S3, and the multipart bookends that go with them. Everything else stays regional:
 * - CreateBucket, DeleteBucket and ListBuckets, which the accelerate endpoint refuses;
 * - bucket listing (ListObjectsV2, ListObjectVersions, ListMultipartUploads) and every bucket-configuration call, which
 *   carry no object data;
 * - CopyObject and UploadPartCopy: the bytes move inside S3, not over the client's link, and a cross-Region copy is
 *   refused by the accelerate endpoint;
 * - deletes, tagging, restores and the other small object calls.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration-getting-started.html
 */
export const ACCELERATED_COMMANDS: ReadonlySet<string> = new Set([
  'PutObjectCommand',
  'GetObjectCommand',
  'HeadObjectCommand',
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
  'AbortMultipartUploadCommand',
  'ListPartsCommand',
]);

/** Error codes of a request that never reached a server (DNS, refused, reset, unreachable): worth a regional replay. */
export const FALLBACK_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/** The command's class name, e.g. `PutObjectCommand`. */
export function commandName(command: S3Command): string {
  return (command as { constructor?: { name?: string } }).constructor?.name ?? 'UnknownCommand';
}

/**
 * Why an error from the accelerate endpoint calls for a replay on the regional endpoint, or undefined when it does
 * not (an S3 answer such as NoSuchKey or AccessDenied means the same on both endpoints).
 * - `InvalidRequest` about acceleration: "S3 Transfer Acceleration is not configured on this bucket" (400).
 * - A DNS or connection error with no HTTP response: one of {@link FALLBACK_NETWORK_CODES}, on the error, its
 *   `cause` or, for Node's happy-eyeballs `AggregateError`, any of its `errors` (or in the message of the SDK's
 *   "AWS SDK error wrapper" for an error from another realm).
 */
export function fallbackReason(error: unknown): string | undefined {
  const e = error as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: unknown };
  if (typeof e !== 'object' || e === null) return undefined;
  const s3Code = e.Code ?? e.name;
  if (s3Code === 'InvalidRequest' && /accelerat/i.test(e.message ?? '')) return `InvalidRequest: ${e.message}`;
  if (e.$response !== undefined || e.$metadata?.httpStatusCode !== undefined) return undefined;
  const candidates: unknown[] = [e, (e as { cause?: unknown }).cause, ...((e as { errors?: unknown[] }).errors ?? [])];
  for (const c of candidates) {
    const code = (c as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && FALLBACK_NETWORK_CODES.has(code)) return code;
  }
  // The SDK's retry layer turns an error from another realm (a VM context, a test runner) into a plain Error whose
  // message is all that is left: "AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9".
  const wrapped = /^AWS SDK error wrapper for .*?\b(E[A-Z_]+)\b/.exec(e.message ?? '');
  if (wrapped && FALLBACK_NETWORK_CODES.has(wrapped[1])) return wrapped[1];
  return undefined;
}

/** Bytes of a request body the command carries, when known: `ContentLength`, else a Buffer's or string's length. */
function requestBytes(command: S3Command): number {
  const input = (command as { input?: { ContentLength?: unknown; Body?: unknown } }).input ?? {};
  if (typeof input.ContentLength === 'number') return input.ContentLength;
  if (input.Body instanceof Uint8Array) return input.Body.byteLength;
  if (typeof input.Body === 'string') return Buffer.byteLength(input.Body);
  return 0;
}

interface Counter {
  requests: number;
  failedRequests: number;
  bytesSent: number;
  bytesReceived: number;
  transferBytes: number;
  transferMs: number;
}

const newCounter = (): Counter => ({ requests: 0, failedRequests: 0, bytesSent: 0, bytesReceived: 0, transferBytes: 0, transferMs: 0 });

/** What the router knows, for `accelerationMetrics()`. */
export interface AccelerationRouterState {
  readonly traffic: Readonly<Record<EndpointKind, AccelerationTraffic>>;
  readonly fallbacks: number;
  readonly lastFallback?: { readonly at: Date; readonly command: string; readonly reason: string };
  readonly coolDownUntil?: Date;
  readonly bucketStatus?: AccelerationStatus;
  /** Why reading the bucket's setting failed, when it did. */
  readonly bucketStatusError?: string;
  /** Why acceleration does not apply at all (mode off, custom endpoint, bucket name), when it does not. */
  readonly notApplicable?: string;
}

/** Options of {@link AccelerationRouter}. */
export interface AccelerationRouterOptions {
  /** Reads the bucket's setting, for `'auto'` (GetBucketAccelerateConfiguration on the regional endpoint). */
  readonly readStatus: () => Promise<AccelerationStatus>;
  /** The clock for the cool-down, in ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/**
 * Picks the endpoint per request (see {@link ACCELERATED_COMMANDS}), keeps the cool-down after a fallback, and counts
 * requests, bytes and body-transfer time per endpoint.
 */
export class AccelerationRouter {
  private readonly counters: Record<EndpointKind, Counter> = { regional: newCounter(), accelerated: newCounter() };
  private readonly now: () => number;
  private statusReady?: Promise<AccelerationStatus>;
  private status?: AccelerationStatus;
  private statusError?: string;
  private offUntil = 0;
  private fallbackCount = 0;
  private last?: { at: Date; command: string; reason: string };
  /** Why acceleration can never apply with this config, or undefined when it can. */
  public readonly notApplicable?: string;

  public constructor(
    private readonly config: ResolvedS3StorageConfig,
    private readonly options: AccelerationRouterOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.notApplicable = notApplicableReason(config);
  }

  /**
   * The endpoint for this command. `forced` (from `SendOptions.endpoint`) wins. Otherwise: regional for commands
   * outside {@link ACCELERATED_COMMANDS}, for mode `'off'`, where acceleration cannot apply, during a cool-down, and
   * for `'auto'` unless the bucket's setting (read once) is `Enabled`.
   */
  public async kindFor(command: S3Command, forced?: EndpointKind): Promise<EndpointKind> {
    return this.settledKindFor(command, forced) ?? ((await this.bucketStatus()) === 'Enabled' ? 'accelerated' : 'regional');
  }

  /**
   * {@link kindFor}'s answer when it needs no read of the bucket's setting (or the setting is already known);
   * undefined when `'auto'` still has to read it. Lets the session send without an extra await per request.
   */
  public settledKindFor(command: S3Command, forced?: EndpointKind): EndpointKind | undefined {
    if (forced !== undefined) return forced;
    if (this.notApplicable !== undefined || !ACCELERATED_COMMANDS.has(commandName(command))) return 'regional';
    if (this.now() < this.offUntil) return 'regional';
    if (this.config.accelerate === 'on') return 'accelerated';
    if (this.status === undefined) return undefined;
    return this.status === 'Enabled' ? 'accelerated' : 'regional';
  }

  /**
   * The bucket's setting, read once (a failed read, e.g. AccessDenied without `s3:GetAccelerateConfiguration`, counts
   * as not enabled, is kept in `statusError` and is not retried).
   */
  public bucketStatus(): Promise<AccelerationStatus> {
    this.statusReady ??= this.options.readStatus().then(
      (status) => (this.status = status),
      (error: unknown) => {
        this.statusError = error instanceof Error ? error.message : String(error);
        return (this.status = 'Disabled');
      },
    );
    return this.statusReady;
  }

  /**
   * Records a fallback and starts the cool-down. Under `'auto'`, an `InvalidRequest` (acceleration not configured)
   * is S3 saying the setting changed since it was read: the cached status becomes `'Suspended'`, so this instance
   * stops trying the accelerate endpoint (a new instance reads the setting again).
   */
  public recordFallback(command: S3Command, reason: string): void {
    if (this.config.accelerate === 'auto' && reason.startsWith('InvalidRequest')) {
      this.status = 'Suspended';
      this.statusReady = Promise.resolve('Suspended');
    }
    this.fallbackCount++;
    this.offUntil = this.now() + this.config.accelerationCoolDownMs;
    this.last = { at: new Date(this.now()), command: commandName(command), reason };
  }

  /** The end of the cool-down, while one runs. */
  public coolDownUntil(): Date | undefined {
    return this.now() < this.offUntil ? new Date(this.offUntil) : undefined;
  }

  /**
   * Runs one request on `kind`'s client and counts it: the request, the bytes of its body (on success), and the time
   * the body took; for a GetObject, the response body's bytes and time are counted when it has been read to the end.
   */
  public async track<T>(kind: EndpointKind, command: S3Command, run: () => Promise<T>): Promise<T> {
    const counter = this.counters[kind];
    const started = performance.now();
    counter.requests++;
    let output: T;
    try {
      output = await run();
    } catch (error) {
      counter.failedRequests++;
      throw error;
    }
    const sent = requestBytes(command);
    if (sent > 0) {
      counter.bytesSent += sent;
      counter.transferBytes += sent;
      counter.transferMs += performance.now() - started;
    }
    const out = output as { ContentLength?: unknown; Body?: { once?: (event: string, listener: () => void) => unknown } };
    if (
      commandName(command) === 'GetObjectCommand' &&
      typeof out?.ContentLength === 'number' &&
      out.ContentLength > 0 &&
      typeof out.Body?.once === 'function'
    ) {
      const length = out.ContentLength;
      // 'end' only: a 'data' listener would start the caller's stream flowing.
      out.Body.once('end', () => {
        counter.bytesReceived += length;
        counter.transferBytes += length;
        counter.transferMs += performance.now() - started;
      });
    }
    return output;
  }

  /** A snapshot of the counters and the fallback state. */
  public state(): AccelerationRouterState {
    const traffic = (c: Counter): AccelerationTraffic => ({
      requests: c.requests,
      failedRequests: c.failedRequests,
      bytesSent: c.bytesSent,
      bytesReceived: c.bytesReceived,
      throughputMBps: c.transferMs > 0 ? c.transferBytes / 1e6 / (c.transferMs / 1000) : undefined,
    });
    return {
      traffic: { regional: traffic(this.counters.regional), accelerated: traffic(this.counters.accelerated) },
      fallbacks: this.fallbackCount,
      lastFallback: this.last,
      coolDownUntil: this.coolDownUntil(),
      bucketStatus: this.status,
      bucketStatusError: this.statusError,
      notApplicable: this.notApplicable,
    };
  }
}

/** Why acceleration can never apply with this config (mode, endpoint, addressing, name), or undefined. */
function notApplicableReason(config: ResolvedS3StorageConfig): string | undefined {
  if (config.accelerate === 'off') return "accelerate is 'off'";
  if (config.acceleratedClient === undefined && config.customEndpoint) return `a custom endpoint (${config.endpoint}) has no accelerate endpoint`;
  if (config.acceleratedClient === undefined && config.forcePathStyle) return 'path-style addressing cannot be accelerated';
  if (checkBucketName(config.bucket, { transferAcceleration: true }).some((p) => p.ruleId === 'S3-ACCELERATE-BUCKET-NAME-DOTS')) {
    return `the bucket name ${config.bucket} has dots, which Transfer Acceleration does not allow`;
  }
  return undefined;
}
