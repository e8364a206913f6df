import type { S3Client } from '@aws-sdk/client-s3';
import type { CommandIO, GetOutputType } from '@smithy/types';
import type { EndpointKind } from '../../types/acceleration';
import type { CompatibilityProfile } from '../../types/compatibility';
import type { ErrorContext } from './error-mapping';
import type { ResolvedS3StorageConfig } from './config';
import type { HashPool } from './hashing/hash-pool';

/** Any S3 command. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type S3Command = CommandIO<any, any>;

/** Options of {@link S3Context.send}. */
export interface SendOptions extends ErrorContext {
  readonly abortSignal?: AbortSignal;
  /** The request body can be sent again (not a one-shot stream), so a region redirect may replay it. @default true */
  readonly replayable?: boolean;
  /**
   * Send to this endpoint, whatever `config.accelerate` says, with no fallback (used by `compareAcceleration`).
   * @default - chosen per command by the acceleration router (core/acceleration-router.ts)
   */
  readonly endpoint?: EndpointKind;
  /**
   * A GET's body goes straight into this buffer when the answer is a 2xx of exactly its length (the clients bucketkit
   * builds, core/direct-read/handler.ts); the body is then one chunk that is this buffer. Otherwise ignored.
   * @default - the body is read by the SDK's handler
   */
  readonly receiveInto?: Uint8Array;
  /** Told as a direct read's body arrives: `receiveInto`'s first `filled` bytes are in (core/direct-read/handler.ts). */
  readonly onReceived?: (filled: number) => void;
}

/**
 * What an operation needs from the session, and nothing more: the bucket, the resolved config, and `send`. Every
 * operation under `objects/`, `transfer/`, `archive/`, `versioning/` and `bucket-config/` takes this, never the
 * `S3Storage` facade, so the facade sits on top of the graph and a handler bundles only what it calls.
 */
export interface S3Context {
  /** The bucket requests go to. */
  readonly bucket: string;
  /** The validated config, with defaults filled in (and the checksum policy a compatibility profile chose). */
  readonly config: ResolvedS3StorageConfig;
  /** The region requests are signed for now. */
  readonly region: string;
  /** The SDK client in use now (it is rebuilt after a region redirect or a checksum-policy change). */
  readonly client: S3Client;
  /** `'requester'` when the config sets `requestPayer`, for the `x-amz-request-payer` header. */
  readonly requestPayer: 'requester' | undefined;
  /**
   * Sends one command. Errors are `StorageError`s (mapped once, in `core/error-mapping.ts`).
   * @throws StorageError (a subclass per S3 error code)
   */
  send<C extends S3Command>(command: C, options?: SendOptions): Promise<GetOutputType<C>>;
  /** The compatibility profile in force, or undefined when the config sets none. */
  compatibilityProfile(): Promise<CompatibilityProfile | undefined>;
  /** The session's hash pool (`hashWorkers`); absent in hand-made contexts, which then hash inline (`hashPoolOf`). */
  readonly hashPool?: HashPool;
}
