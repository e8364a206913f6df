/**
 * The lower half of the `S3Storage` facade: the session (config, client, send, destroy, compatibility profile) and
 * the bucket-level settings (versioning state, Transfer Acceleration, event notifications, default encryption).
 * `S3Storage` (s3-storage.ts) extends it with the object, transfer, archive and encryption operations. Like the
 * facade, it holds no logic of its own: each method delegates to a capability folder. Only s3-storage.ts imports it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { inspect } from 'node:util';
import type { GetOutputType } from '@smithy/types';
import type { CompatibilityProfile } from '../types/compatibility';
import type { BucketEncryption, SetBucketEncryptionInput } from '../types/encryption';
import type { AddNotificationInput, NotificationEntry, NotificationWriteOptions, RemoveNotificationOptions } from '../types/notifications';
import type { BucketVersioning, SetVersioningOptions } from '../types/versioning';
import { getAcceleration, setAcceleration, type AccelerationStatus } from './bucket-config/acceleration';
import { accelerationMetrics } from './bucket-config/acceleration-metrics';
import type { AccelerationMetrics, AccelerationMetricsOptions, CompareAccelerationInput, CompareAccelerationResult } from '../types/acceleration';
import { CapabilityCache } from './compatibility/cache';
import { profileSourceFor } from './compatibility/resolve';
import type { ResolvedS3StorageConfig, S3StorageConfig } from './core/config';
import type { S3Command, SendOptions } from './core/context';
import { S3Session } from './core/session';
import { getVersioning, setVersioning } from './versioning/bucket-versioning';

/** How long a probe report stays in {@link S3StorageBase.capabilityCache}: one hour. */
const CAPABILITY_CACHE_TTL_MS = 60 * 60 * 1000;

/** The notifications capability, loaded on first use (a handler that never configures notifications does not load it). */
const notifications = () => import('./bucket-config/notifications/notifications');

/**
 * The session and bucket-level settings shared by every {@link S3Storage}; use `S3Storage`, not this class.
 */
export abstract class S3StorageBase {
  private static sharedCapabilityCache?: CapabilityCache;

  /** Probe reports shared by every S3Storage in this process (a warm Lambda container keeps them), one hour each. */
  public static get capabilityCache(): CapabilityCache {
    S3StorageBase.sharedCapabilityCache ??= new CapabilityCache(CAPABILITY_CACHE_TTL_MS);
    return S3StorageBase.sharedCapabilityCache;
  }

  /** The session every operation runs on (client, config, retries, error mapping). */
  protected readonly session: S3Session;

  /**
   * @param config see {@link S3StorageConfig}
   * @throws InvalidArgumentError naming the field, for a bad config
   */
  public constructor(config: S3StorageConfig) {
    // The session validates the whole config (compatibility included) before the profile source is ever used.
    this.session = new S3Session(config, { profile: profileSourceFor(config?.compatibility, () => S3StorageBase.capabilityCache) });
    // Not enumerable: `console.dir` inspects without `util.inspect.custom` (below), and the session's config and its
    // client's sockets hold credentials and SSE-C keys (a fresh-user trial found the key in console.dir at depth null).
    Object.defineProperty(this, 'session', { enumerable: false });
  }

  /** The validated config, with defaults filled in (and the checksum policy a compatibility profile chose). */
  public get config(): ResolvedS3StorageConfig {
    return this.session.config;
  }

  /** The bucket this storage is bound to. */
  public get bucket(): string {
    return this.session.bucket;
  }

  /** The region requests are signed for now (after any discovery or redirect). */
  public get region(): string {
    return this.session.region;
  }

  /** The underlying SDK client, for operations bucketkit does not wrap. */
  public get client(): S3Client {
    return this.session.client;
  }

  /**
   * What `util.inspect` (and so `console.log`) shows of a storage: its bucket, region and endpoint (`console.dir`,
   * which skips this, shows no property: the session is not enumerable). Not the session: its config holds the credentials and any SSE-C keys, and its client's pooled sockets
   * hold the last request's headers, an SSE-C key among them (a fresh-user trial found the key in
   * `console.dir(storage, { depth: null })`). `storage.config` and `storage.client` stay readable on purpose.
   */
  public [inspect.custom](): string {
    const endpoint = this.session.config.endpoint;
    return `${this.constructor.name} { bucket: '${this.bucket}', region: '${this.region}'${endpoint === undefined ? '' : `, endpoint: '${endpoint}'`} }`;
  }

  /** `x-amz-request-payer` for every request, when configured. */
  public get requestPayer(): 'requester' | undefined {
    return this.session.requestPayer;
  }

  /**
   * Sends one S3 command: the client's own retries apply, every error maps to a `StorageError`, and a
   * wrong-region answer re-targets the client once (when bucketkit built the client) and replays the request.
   */
  public send<C extends S3Command>(command: C, options: SendOptions = {}): Promise<GetOutputType<C>> {
    return this.session.send(command, options);
  }

  /** Closes pooled sockets. Call it when done with an instance that bucketkit built the client for. */
  public destroy(): void {
    this.session.destroy();
  }

  /**
   * The compatibility profile in force, per `config.compatibility`: probed once per endpoint (cached), fixed, or
   * none. When it changes the checksum policy (and the config did not set one), the client is rebuilt to match.
   */
  public compatibilityProfile(): Promise<CompatibilityProfile | undefined> {
    return this.session.compatibilityProfile();
  }

  /** The bucket's versioning state and MFA delete flag (GetBucketVersioning). See `versioning/bucket-versioning.ts`. */
  public getVersioning(): Promise<BucketVersioning> {
    return getVersioning(this.session);
  }

  /** Enables or suspends versioning; `mfa` (HTTPS only) for a bucket with MFA delete. @throws InvalidArgumentError before sending */
  public setVersioning(status: 'Enabled' | 'Suspended', options: SetVersioningOptions = {}): Promise<void> {
    return setVersioning(this.session, status, options);
  }

  /** The bucket's Transfer Acceleration state (`'Disabled'`: never configured). See `bucket-config/acceleration.ts`. */
  public getAcceleration(options: { readonly abortSignal?: AbortSignal } = {}): Promise<AccelerationStatus> {
    return getAcceleration(this.session, options);
  }

  /** Enables or suspends Transfer Acceleration; a dotted or non-DNS name is InvalidArgumentError before the request. */
  public setAcceleration(enabled: boolean, options: { readonly abortSignal?: AbortSignal } = {}): Promise<void> {
    return setAcceleration(this.session, enabled, options);
  }

  /** Requests, bytes and throughput per endpoint, fallbacks, and the upper-bound acceleration fee. See docs/acceleration.md. */
  public accelerationMetrics(options: AccelerationMetricsOptions = {}): AccelerationMetrics {
    return accelerationMetrics(this.session, options);
  }

  /** The same upload through both endpoints, alternating: median MB/s each and a recommendation; test objects deleted. */
  public async compareAcceleration(input: CompareAccelerationInput = {}): Promise<CompareAccelerationResult> {
    const { compareAcceleration } = await import('./bucket-config/acceleration-compare');
    return compareAcceleration(this.session, input);
  }

  // Event notifications (lib/storage/s3/bucket-config/notifications): read, merge by owner-prefixed id, write, verify.

  /** Every notification entry of the bucket, whoever created it (id, owner, destination, events, prefix, suffix). */
  public async listNotifications(options: { readonly abortSignal?: AbortSignal } = {}): Promise<NotificationEntry[]> {
    return (await notifications()).listNotifications(this.session, options);
  }

  /** Adds one entry under `options.owner`, keeping every other entry and EventBridge; overlaps refused before the PUT. */
  public async addNotification(input: AddNotificationInput, options: NotificationWriteOptions = {}): Promise<NotificationEntry> {
    return (await notifications()).addNotification(this.session, input, options);
  }

  /** Removes one entry by id; refuses an absent id, or another owner's unless `force`. */
  public async removeNotification(id: string, options: RemoveNotificationOptions = {}): Promise<void> {
    return (await notifications()).removeNotification(this.session, id, options);
  }

  /** Turns EventBridge delivery on or off, keeping every entry. */
  public async setEventBridge(enabled: boolean, options: NotificationWriteOptions = {}): Promise<void> {
    return (await notifications()).setEventBridge(this.session, enabled, options);
  }

  // Server-side encryption (lib/storage/s3/bucket-config, lib/storage/s3/encryption); docs/encryption.md.

  /** The bucket's default encryption (GetBucketEncryption); `{ type: 'none' }` where the store has none. */
  public async getBucketEncryption(): Promise<BucketEncryption> {
    const { getBucketEncryption } = await import('./bucket-config/bucket-encryption');
    return getBucketEncryption(this.session);
  }

  /** Sets the bucket's default encryption for new objects (PutBucketEncryption); `allowSseC` sets BlockedEncryptionTypes. */
  public async setBucketEncryption(encryption: SetBucketEncryptionInput): Promise<void> {
    const { setBucketEncryption } = await import('./bucket-config/bucket-encryption');
    return setBucketEncryption(this.session, encryption);
  }
}
