import { GetBucketAccelerateConfigurationCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { GetOutputType } from '@smithy/types';
import { AccelerationFallbackError } from '../../errors';
import type { EndpointKind } from '../../types/acceleration';
import type { CompatibilityProfile } from '../../types/compatibility';
import { AccelerationRouter, commandName, fallbackReason } from './acceleration-router';
import { buildS3Client } from './client';
import { ResolvedS3StorageConfig, S3StorageConfig, resolveS3StorageConfig } from './config';
import type { S3Command, S3Context, SendOptions } from './context';
import { sseCUseOf, toStorageError } from './error-mapping';
import { HashPool } from './hashing/hash-pool';

type SdkCommand = Parameters<S3Client['send']>[0];

/**
 * Where a session gets its compatibility profile. The facade passes one that may probe (compatibility/); the
 * session itself never imports the probes.
 */
export type ProfileSource = (target: { readonly config: ResolvedS3StorageConfig; readonly region: string }) => Promise<CompatibilityProfile>;

/** Options of {@link S3Session}. */
export interface S3SessionOptions {
  /** Resolves the compatibility profile on first use. @default - no profile */
  readonly profile?: ProfileSource;
  /** The clock of the acceleration cool-down, ms since the epoch (for tests). @default Date.now */
  readonly now?: () => number;
}

/** Error codes S3 answers a request signed for, or sent to, the wrong region with. */
const WRONG_REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'IncorrectEndpoint']);

/**
 * The session under every operation: the SDK client, the bucket's region (discovered, and re-targeted once on a
 * redirect), `send` with error mapping, and the compatibility profile handed in by the caller.
 */
export class S3Session implements S3Context {
  private resolvedConfig: ResolvedS3StorageConfig;
  private clientInstance: S3Client;
  private readonly ownsClient: boolean;
  private currentRegion: string;
  private regionReady?: Promise<void>;
  private profileReady?: Promise<CompatibilityProfile | undefined>;
  private retargeted = false;
  /** The region is known and the compatibility profile resolved (when there is one): see {@link send}. */
  private settled = false;
  private clientEndpointChecked?: Promise<void>;
  private acceleratedInstance?: S3Client;
  /** Picks regional or accelerated per command, keeps the fallback cool-down and counts traffic per endpoint. */
  public readonly acceleration: AccelerationRouter;
  private hashPoolInstance?: HashPool;

  /**
   * @param config validated here (see `resolveS3StorageConfig`)
   * @throws InvalidArgumentError for a bad config field
   */
  public constructor(
    config: S3StorageConfig,
    private readonly options: S3SessionOptions = {},
  ) {
    this.resolvedConfig = resolveS3StorageConfig(config);
    this.ownsClient = this.config.client === undefined;
    this.currentRegion = this.config.region;
    this.clientInstance = this.config.client ?? buildS3Client(this.config, this.currentRegion);
    if (this.config.regionSource !== 'discover' || !this.ownsClient) this.regionReady = Promise.resolve();
    this.acceleration = new AccelerationRouter(this.config, {
      now: options.now,
      readStatus: async () => {
        const out = await this.send(new GetBucketAccelerateConfigurationCommand({ Bucket: this.bucket }));
        return out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : 'Disabled';
      },
    });
  }

  public get config(): ResolvedS3StorageConfig {
    return this.resolvedConfig;
  }

  public get bucket(): string {
    return this.config.bucket;
  }

  public get region(): string {
    return this.currentRegion;
  }

  public get client(): S3Client {
    return this.clientInstance;
  }

  public get requestPayer(): 'requester' | undefined {
    return this.config.requestPayer ? 'requester' : undefined;
  }

  /**
   * The SDK client of one endpoint: the regional one is {@link client}; the accelerated one
   * (`config.acceleratedClient`, or one built with `useAccelerateEndpoint`) is built on first use.
   */
  public clientFor(kind: EndpointKind): S3Client {
    if (kind === 'regional') return this.clientInstance;
    this.acceleratedInstance ??= this.config.acceleratedClient ?? buildS3Client(this.config, this.currentRegion, 'accelerated');
    return this.acceleratedInstance;
  }

  /**
   * Sends one S3 command: the client's own retries apply, every error maps to a `StorageError`, and a
   * wrong-region answer re-targets the client once (when bucketkit built the client) and replays the request.
   * The endpoint is chosen per command (`config.accelerate`, core/acceleration-router.ts). An accelerated request
   * that fails with InvalidRequest (acceleration not configured) or a DNS or connection error is replayed once on
   * the regional endpoint and starts the cool-down; a one-shot stream body (`replayable: false`) is not replayed.
   * @throws AccelerationFallbackError when the accelerated request must fall back but its body cannot be sent again
   */
  public send<C extends S3Command>(command: C, options: SendOptions = {}): Promise<GetOutputType<C>> {
    // Once the region and the profile are settled, a regional request goes straight out: no await per request
    // (bench:overhead measures this path against the raw SDK).
    if (this.settled && this.acceleration.settledKindFor(command, options.endpoint) === 'regional') return this.sendRegional(command, options);
    return this.sendAfterSetUp(command, options);
  }

  private async sendAfterSetUp<C extends S3Command>(command: C, options: SendOptions): Promise<GetOutputType<C>> {
    await this.ensureRegion();
    await this.checkClientEndpoint();
    if (this.options.profile !== undefined) await this.compatibilityProfile();
    this.settled = true;
    const kind = await this.acceleration.kindFor(command, options.endpoint);
    if (kind === 'regional') return this.sendRegional(command, options);
    try {
      return await this.sendOn('accelerated', command, options);
    } catch (error) {
      const reason = options.endpoint === undefined && !options.abortSignal?.aborted ? fallbackReason(error) : undefined;
      const mapped = toStorageError(error, { bucket: this.bucket, sseC: sseCUseOf(command), ...options });
      if (reason === undefined) throw mapped;
      this.acceleration.recordFallback(command, reason);
      if (options.replayable === false) {
        throw new AccelerationFallbackError(
          `${commandName(command)} failed on the S3 Transfer Acceleration endpoint (${reason}) and its body is a one-shot stream, so it cannot be replayed on the regional endpoint; pass the data as a { filePath } or a Buffer, which can be sent again. The next requests use the regional endpoint for ${this.config.accelerationCoolDownMs} ms.`,
          { reason, cause: mapped, bucket: this.bucket, key: options.key },
        );
      }
      return this.sendRegional(command, options);
    }
  }

  private sendOn<C extends S3Command>(kind: EndpointKind, command: C, options: SendOptions): Promise<GetOutputType<C>> {
    const client = this.clientFor(kind);
    return this.acceleration.track(kind, command, async () => (await client.send(command as unknown as SdkCommand, directRead(options))) as GetOutputType<C>);
  }

  private async sendRegional<C extends S3Command>(command: C, options: SendOptions): Promise<GetOutputType<C>> {
    try {
      return await this.sendOn('regional', command, options);
    } catch (error) {
      const region = wrongRegionHint(error);
      if (region && region !== this.currentRegion && this.ownsClient && !this.retargeted && options.replayable !== false) {
        this.retarget(region);
        try {
          return await this.sendOn('regional', command, options);
        } catch (retry) {
          throw toStorageError(retry, { bucket: this.bucket, sseC: sseCUseOf(command), ...options });
        }
      }
      throw toStorageError(error, { bucket: this.bucket, sseC: sseCUseOf(command), ...options });
    }
  }

  /** The hash pool, made on first use (its workers start on first hash). */
  public get hashPool(): HashPool {
    this.hashPoolInstance ??= new HashPool({ workers: this.config.hashWorkers });
    return this.hashPoolInstance;
  }

  /** Closes pooled sockets, when bucketkit built the client, and ends the hash workers. */
  public destroy(): void {
    if (this.ownsClient) this.clientInstance.destroy();
    this.dropAcceleratedClient();
    void this.hashPoolInstance?.destroy();
    this.hashPoolInstance = undefined;
  }

  /** Destroys the accelerated client when bucketkit built it; the next accelerated request builds a new one. */
  private dropAcceleratedClient(): void {
    if (this.config.acceleratedClient === undefined) this.acceleratedInstance?.destroy();
    this.acceleratedInstance = undefined;
  }

  /**
   * The compatibility profile in force, resolved once. When it changes the checksum policy (and the config did
   * not set one), the client is rebuilt to match.
   */
  public compatibilityProfile(): Promise<CompatibilityProfile | undefined> {
    this.profileReady ??= this.resolveProfile();
    return this.profileReady;
  }

  private async resolveProfile(): Promise<CompatibilityProfile | undefined> {
    if (this.options.profile === undefined) return undefined;
    const profile = await this.options.profile({ config: this.config, region: this.currentRegion });
    if (!this.config.checksumPolicyExplicit && this.ownsClient && profile.checksumPolicy !== this.config.checksumPolicy) {
      this.resolvedConfig = { ...this.resolvedConfig, checksumPolicy: profile.checksumPolicy };
      const old = this.clientInstance;
      this.clientInstance = buildS3Client(this.config, this.currentRegion);
      old.destroy();
      this.dropAcceleratedClient();
    }
    return profile;
  }

  /**
   * A ready client and `endpoint` both given: they must name the same store (core/client-endpoint.ts, loaded only
   * then). Checked once, before the first request.
   * @throws InvalidArgumentError (`endpoint`) when they differ
   */
  private checkClientEndpoint(): Promise<void> {
    const { client, endpoint } = this.config;
    if (client === undefined || endpoint === undefined) return Promise.resolve();
    this.clientEndpointChecked ??= import('./client-endpoint').then((m) => m.assertSameEndpoint(client, endpoint));
    return this.clientEndpointChecked;
  }

  private ensureRegion(): Promise<void> {
    this.regionReady ??= this.discoverRegion();
    return this.regionReady;
  }

  /** Learns the bucket's region from `x-amz-bucket-region`, which S3 sends on HeadBucket whatever the answer. */
  private async discoverRegion(): Promise<void> {
    let region: string | undefined;
    try {
      const out = await this.clientInstance.send(new HeadBucketCommand({ Bucket: this.bucket }));
      region = out.BucketRegion;
    } catch (error) {
      region = wrongRegionHint(error) ?? headerOf(error, 'x-amz-bucket-region');
    }
    if (region && region !== this.currentRegion) this.retarget(region);
  }

  private retarget(region: string): void {
    this.retargeted = true;
    const old = this.clientInstance;
    this.currentRegion = region;
    this.clientInstance = buildS3Client(this.config, region);
    old.destroy();
    this.dropAcceleratedClient();
  }
}

/** The SDK's per-request options: the abort signal, and the buffer a direct read fills (core/direct-read/handler.ts). */
function directRead(options: SendOptions): Pick<SendOptions, 'abortSignal' | 'receiveInto' | 'onReceived'> {
  return { abortSignal: options.abortSignal, receiveInto: options.receiveInto, onReceived: options.onReceived };
}

function headerOf(error: unknown, name: string): string | undefined {
  const headers = (error as { $response?: { headers?: Record<string, string | undefined> } })?.$response?.headers;
  return headers?.[name];
}

/** The region a wrong-region answer points at: the `x-amz-bucket-region` header, or the `Region` in the body. */
function wrongRegionHint(error: unknown): string | undefined {
  const e = error as { name?: string; Code?: string; Region?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  const code = e?.Code ?? e?.name;
  if (status !== 301 && !(code && WRONG_REGION_CODES.has(code))) return undefined;
  return headerOf(error, 'x-amz-bucket-region') ?? e.Region;
}
