import * as http from 'node:http';
import * as https from 'node:https';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CommandIO, GetOutputType } from '@smithy/types';
import { ErrorContext, toStorageError } from './core/error-mapping';
import type {
  CopyOptions,
  CopyResult,
  DeleteManyOptions,
  DeleteManyResult,
  DeleteOptions,
  DeleteResult,
  DeleteTarget,
  GetOptions,
  GetResult,
  HeadOptions,
  ListOptions,
  ListPage,
  ObjectMetadata,
  PutBody,
  PutOptions,
  PutResult,
  Storage,
} from '../types/objects';
import type {
  AbortIncompleteUploadsOptions,
  DownloadDestination,
  DownloadOptions,
  DownloadResult,
  IncompleteUpload,
  ListIncompleteUploadsOptions,
  UploadOptions,
  UploadResult,
  UploadSource,
} from '../types/transfer';
import { CapabilityCache } from './compatibility/probe';
import { CompatibilityProfile, FIXED_PROFILES, profileFromReport } from './compatibility/profile';
import { ResolvedS3StorageConfig, S3StorageConfig, resolveS3StorageConfig } from './core/config';
import * as ops from './objects/operations';
import * as admin from './transfer/shared/uploads-admin';
import { downloadObject } from './transfer/download/download';
import { resumeUpload, uploadObject } from './transfer/upload/multipart-upload';

/** Any S3 command. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type S3Command = CommandIO<any, any>;
type SdkCommand = Parameters<S3Client['send']>[0];

/** Options of {@link S3Storage.send}. */
export interface SendOptions extends ErrorContext {
  readonly abortSignal?: AbortSignal;
  /** The request body can be sent again (not a one-shot stream), so a region redirect may replay it. @default true */
  readonly replayable?: boolean;
}

/** Error codes S3 answers a request signed for, or sent to, the wrong region with. */
const WRONG_REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'IncorrectEndpoint']);

/**
 * {@link Storage} on Amazon S3 and S3-compatible stores, bound to one bucket.
 *
 * @example
 * const storage = new S3Storage({ bucket: 'my-bucket', region: 'eu-west-1' });
 * await storage.put('hello.txt', 'hello', { contentType: 'text/plain' });
 * const text = await storage.getText('hello.txt');
 */
export class S3Storage implements Storage {
  /** The validated config, with defaults filled in. */
  private resolvedConfig: ResolvedS3StorageConfig;
  private clientInstance: S3Client;
  private readonly ownsClient: boolean;
  private currentRegion: string;
  private regionReady?: Promise<void>;
  private profileReady?: Promise<CompatibilityProfile | undefined>;
  private retargeted = false;

  private static sharedCapabilityCache?: CapabilityCache;

  /** Probe reports shared by every S3Storage in this process (a warm Lambda container keeps them), one hour each. */
  public static get capabilityCache(): CapabilityCache {
    S3Storage.sharedCapabilityCache ??= new CapabilityCache(60 * 60 * 1000);
    return S3Storage.sharedCapabilityCache;
  }

  public constructor(config: S3StorageConfig) {
    this.resolvedConfig = resolveS3StorageConfig(config);
    this.ownsClient = this.config.client === undefined;
    this.currentRegion = this.config.region;
    this.clientInstance = this.config.client ?? buildS3Client(this.config, this.currentRegion);
    if (this.config.regionSource !== 'discover' || !this.ownsClient) this.regionReady = Promise.resolve();
  }

  /** The validated config, with defaults filled in (and the checksum policy a compatibility profile chose). */
  public get config(): ResolvedS3StorageConfig {
    return this.resolvedConfig;
  }

  /** The bucket this storage is bound to. */
  public get bucket(): string {
    return this.config.bucket;
  }

  /** The region requests are signed for now (after any discovery or redirect). */
  public get region(): string {
    return this.currentRegion;
  }

  /** The underlying SDK client, for operations bucketkit does not wrap. */
  public get client(): S3Client {
    return this.clientInstance;
  }

  /**
   * Sends one S3 command: the client's own retries apply, every error maps to a `StorageError`, and a
   * wrong-region answer re-targets the client once (when bucketkit built the client) and replays the request.
   */
  public async send<C extends S3Command>(command: C, options: SendOptions = {}): Promise<GetOutputType<C>> {
    await this.ensureRegion();
    if (this.config.compatibility !== undefined) await this.compatibilityProfile();
    try {
      return (await this.clientInstance.send(command as unknown as SdkCommand, { abortSignal: options.abortSignal })) as GetOutputType<C>;
    } catch (error) {
      const region = wrongRegionHint(error);
      if (region && region !== this.currentRegion && this.ownsClient && !this.retargeted && options.replayable !== false) {
        this.retarget(region);
        try {
          return (await this.clientInstance.send(command as unknown as SdkCommand, { abortSignal: options.abortSignal })) as GetOutputType<C>;
        } catch (retry) {
          throw toStorageError(retry, { bucket: this.bucket, ...options });
        }
      }
      throw toStorageError(error, { bucket: this.bucket, ...options });
    }
  }

  /** Closes pooled sockets. Call it when done with an instance that bucketkit built the client for. */
  public destroy(): void {
    if (this.ownsClient) this.clientInstance.destroy();
  }

  public put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    return ops.putObject(this, key, body, options);
  }

  public get(key: string, options: GetOptions = {}): Promise<GetResult> {
    return ops.getObject(this, key, options);
  }

  public getBuffer(key: string, options: GetOptions = {}): Promise<Buffer> {
    return ops.getObjectBuffer(this, key, options);
  }

  public async getText(key: string, options: GetOptions = {}): Promise<string> {
    return (await ops.getObjectBuffer(this, key, options)).toString('utf8');
  }

  public head(key: string, options: HeadOptions = {}): Promise<ObjectMetadata> {
    return ops.headObject(this, key, options);
  }

  public exists(key: string, options: HeadOptions = {}): Promise<boolean> {
    return ops.objectExists(this, key, options);
  }

  public delete(key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    return ops.deleteObject(this, key, options);
  }

  public deleteMany(targets: Iterable<DeleteTarget>, options: DeleteManyOptions = {}): Promise<DeleteManyResult> {
    return ops.deleteObjects(this, targets, options);
  }

  public list(options: ListOptions = {}): AsyncIterableIterator<ListPage> {
    return ops.listObjects(this, options);
  }

  public copy(sourceKey: string, destinationKey: string, options: CopyOptions = {}): Promise<CopyResult> {
    return ops.copyObject(this, sourceKey, destinationKey, options);
  }

  public upload(key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
    return uploadObject(this, key, source, options);
  }

  public resumeUpload(uploadId: string, key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
    return resumeUpload(this, uploadId, key, source, options);
  }

  public download(key: string, destination: DownloadDestination, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadObject(this, key, destination, options);
  }

  public listIncompleteUploads(options: ListIncompleteUploadsOptions = {}): Promise<IncompleteUpload[]> {
    return admin.listIncompleteUploads(this, options);
  }

  public abortIncompleteUploads(options: AbortIncompleteUploadsOptions = {}): Promise<IncompleteUpload[]> {
    return admin.abortIncompleteUploads(this, options);
  }

  /** `x-amz-request-payer` for every request, when configured. */
  public get requestPayer(): 'requester' | undefined {
    return this.config.requestPayer ? 'requester' : undefined;
  }

  /**
   * The compatibility profile in force, per `config.compatibility`: probed once per endpoint (cached), fixed, or
   * none. When it changes the checksum policy (and the config did not set one), the client is rebuilt to match.
   */
  public compatibilityProfile(): Promise<CompatibilityProfile | undefined> {
    this.profileReady ??= this.resolveProfile();
    return this.profileReady;
  }

  private async resolveProfile(): Promise<CompatibilityProfile | undefined> {
    const setting = this.config.compatibility;
    if (setting === undefined) return undefined;
    let profile: CompatibilityProfile;
    if (typeof setting === 'object') profile = profileFromReport(setting);
    else if (setting !== 'auto') profile = FIXED_PROFILES[setting];
    else if (!this.config.endpoint) profile = FIXED_PROFILES.aws;
    else {
      const { bucket: _bucket, client: _client, compatibility: _c, ...probeConfig } = this.config;
      profile = profileFromReport(await S3Storage.capabilityCache.get({ ...probeConfig, region: this.currentRegion }));
    }
    if (!this.config.checksumPolicyExplicit && this.ownsClient && profile.checksumPolicy !== this.config.checksumPolicy) {
      this.resolvedConfig = { ...this.resolvedConfig, checksumPolicy: profile.checksumPolicy };
      const old = this.clientInstance;
      this.clientInstance = buildS3Client(this.config, this.currentRegion);
      old.destroy();
    }
    return profile;
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
  }
}

/**
 * Builds the SDK client for a config: keep-alive sockets pooled to the configured concurrency, timeouts,
 * retries and the checksum policy.
 */
export function buildS3Client(config: ResolvedS3StorageConfig, region: string): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: config.concurrency };
  return new S3Client({
    region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    useAccelerateEndpoint: config.useAccelerateEndpoint,
    requestChecksumCalculation: config.checksumPolicy,
    responseChecksumValidation: config.checksumPolicy,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
    }),
  });
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
