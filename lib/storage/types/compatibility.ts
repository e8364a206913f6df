import type { ProviderName } from '../../rules/providers';

/**
 * Compatibility types: what a capability probe reports and what a profile tells the session. They sit at the bottom
 * of the graph (no imports but other types), so the core session, the probes and the facade can all use them.
 */

/** Checksum policy: the SDK's `requestChecksumCalculation` / `responseChecksumValidation`. */
export type ChecksumPolicy = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

/**
 * What a probe observed about one feature. `unknown` is not a verdict: the probe could not tell (it ran out of time, a
 * failure unrelated to the feature stopped it, the store needs an input the run did not have, or the feature was
 * not probed); {@link Capability.reason} says which and `evidence` says what happened.
 */
export type CapabilityStatus = 'supported' | 'unsupported' | 'partial' | 'unknown';

/**
 * Why a probe could not tell (status `unknown`):
 * - `timeout`: no answer within the probe's time limit;
 * - `error`: a failure that says nothing about the feature (a timeout or reset of one request, 5xx, throttling,
 *   access denied, a network error);
 * - `needs-input`: the store asked for an input the run did not give, e.g. SSE-KMS without a KMS key id on a store
 *   that has no default key (Ceph RGW); re-run with it (`kmsKeyId`);
 * - `not-probed`: the feature was left out of this run (`features`).
 */
export type UnknownReason = 'timeout' | 'error' | 'needs-input' | 'not-probed';

/** One feature's probe result: the verdict and what was sent and observed. */
export interface Capability {
  readonly status: CapabilityStatus;
  /** What was sent and what came back, in a sentence or two. */
  readonly evidence: string;
  /** Why the probe could not tell, when `status` is `unknown`. */
  readonly reason?: UnknownReason;
}

/** Providers a hint can name (the one list is `lib/rules/providers.ts`). The hint only picks defaults; observed behaviour decides. */
export type { ProviderName };

/** The features {@link probeCapabilities} checks, in report order. */
export const FEATURES = [
  'rangedGet',
  'suffixRangeGet',
  'listObjectsV2',
  'listContinuation',
  'multipartListParts',
  'multipartAbort',
  'listMultipartUploads',
  'uploadPartCopy',
  'multipartCompleteEtag',
  'flexibleChecksums',
  'streamedTrailingChecksum',
  'conditionalWrite',
  'versioning',
  'deleteMarkerHeader',
  'mfaDelete',
  'objectLock',
  'sseS3',
  'sseKms',
  'sseC',
  'bucketDefaultEncryption',
  'storageClasses',
  'restoreObject',
  'lifecycle',
  'transferAcceleration',
  'notifications',
  'tagging',
  'presignedUrls',
  'virtualHostStyle',
] as const;

/** A feature name. */
export type Feature = (typeof FEATURES)[number];

/** The result of a probe run. */
export interface CapabilityReport {
  readonly endpoint: string;
  readonly provider: ProviderName;
  /** Where the provider hint came from (response headers, host). */
  readonly providerEvidence: string;
  readonly probedAt: string;
  readonly features: Readonly<Record<Feature, Capability>>;
  /** Algorithms the store echoed back on a write, e.g. ['CRC32', 'SHA256']. */
  readonly checksumAlgorithms: readonly string[];
  /** Storage classes accepted and reported back on HEAD and LIST. */
  readonly storageClasses: readonly string[];
}

/** Options of {@link probeCapabilities}. */
export interface ProbeOptions {
  /**
   * Time allowed for each probe, in ms (an integer from 1 to 600000). It also bounds creating and deleting the scratch
   * bucket. A probe that runs out of it is reported `unknown` (reason `timeout`), never `unsupported`.
   * @default 15000
   */
  readonly probeTimeoutMs?: number;
  /** Prefix of the scratch bucket the probes create and delete. @default 'bucketkit-probe' */
  readonly scratchBucketPrefix?: string;
  /** A KMS key id to try SSE-KMS with. @default - the store's default key */
  readonly kmsKeyId?: string;
  /** Only these features. @default - all of {@link FEATURES} */
  readonly features?: readonly Feature[];
}

/**
 * What S3Storage adapts to on one target: derived from a probe report (`compatibility: 'auto'`) or a fixed
 * profile (`compatibility: 'aws'`, `'minio'`, ...).
 */
export interface CompatibilityProfile {
  readonly provider: ProviderName;
  /** `probe` when observed, `fixed` when taken from a named profile. */
  readonly source: 'probe' | 'fixed';
  /** Features the target does not implement, or ignores. */
  readonly unsupported: ReadonlySet<Feature>;
  /** The checksum policy that works here. */
  readonly checksumPolicy: ChecksumPolicy;
  /** Every part but the last must have the same size (e.g. Cloudflare R2). */
  readonly requiresEqualParts: boolean;
  /** CompleteMultipartUpload returns the object's ETag; when false it is read with HEAD. */
  readonly completeReturnsEtag: boolean;
  /** A 404 on a delete marker carries `x-amz-delete-marker`; when false ListObjectVersions tells. */
  readonly deleteMarkerHeader: boolean;
  /** ListMultipartUploads filters by any key prefix; when false it lists by exact key only, so bucketkit lists all and filters. */
  readonly listUploadsByPrefix: boolean;
  /** Storage classes accepted and reported back; undefined = not known, anything goes. */
  readonly storageClasses?: ReadonlySet<string>;
  /**
   * Protection features (SSE-S3, SSE-KMS, SSE-C, create-only writes) the probe could not verify (status `unknown`
   * from a timeout or an unrelated failure), with the probe's evidence. A write asking for one is refused with
   * `UnsupportedFeatureError` saying it could not be verified, because a store that silently ignored it would keep
   * plaintext or overwrite. A feature the store needs an input for (`needs-input`) is not listed: the store itself
   * refuses the write without it. @default - none
   */
  readonly unverified?: ReadonlyMap<Feature, string>;
}
