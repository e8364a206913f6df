import { UnsupportedFeatureError } from '../../errors';
import type { PutOptions } from '../../types/objects';
import type { CapabilityReport, Feature, ProviderName } from './probe';
import type { ChecksumPolicy } from '../core/config';

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
}

const AWS_LIKE: Omit<CompatibilityProfile, 'provider'> = {
  source: 'fixed',
  unsupported: new Set(),
  checksumPolicy: 'WHEN_SUPPORTED',
  requiresEqualParts: false,
  completeReturnsEtag: true,
  deleteMarkerHeader: true,
  listUploadsByPrefix: true,
};

/**
 * Fixed profiles, used without probing. They encode what docs/compatibility.md observed for the local servers,
 * and what providers document for the others; `compatibility: 'auto'` observes instead.
 */
export const FIXED_PROFILES: Readonly<Record<ProviderName, CompatibilityProfile>> = {
  aws: { ...AWS_LIKE, provider: 'aws' },
  // moto 5.2.5, observed by compat:matrix: SSE-C keys are ignored (the object reads back without the key).
  moto: { ...AWS_LIKE, provider: 'moto', checksumPolicy: 'WHEN_REQUIRED', unsupported: new Set<Feature>(['sseC', 'transferAcceleration']) },
  // MinIO RELEASE.2025-09-07, observed: only STANDARD and REDUCED_REDUNDANCY without tiering; no restore or
  // acceleration; SSE-C needs TLS (decided per endpoint by 'auto', not here).
  minio: {
    ...AWS_LIKE,
    provider: 'minio',
    checksumPolicy: 'WHEN_REQUIRED',
    unsupported: new Set<Feature>(['restoreObject', 'transferAcceleration', 'virtualHostStyle']),
    storageClasses: new Set(['STANDARD', 'REDUCED_REDUNDANCY']),
    listUploadsByPrefix: false,
  },
  // Ceph RGW Pacific 16.2.15, observed: 411 on streamed trailing checksums; checksums neither echoed nor stored;
  // If-None-Match ignored on versioned buckets; SSE-S3 accepted but not applied; no delete-marker header on the
  // 404; no ETag from CompleteMultipartUpload; RestoreObject 501. Storage classes are per deployment.
  'ceph-rgw': {
    ...AWS_LIKE,
    provider: 'ceph-rgw',
    checksumPolicy: 'WHEN_REQUIRED',
    unsupported: new Set<Feature>(['streamedTrailingChecksum', 'flexibleChecksums', 'conditionalWrite', 'sseS3', 'bucketDefaultEncryption', 'restoreObject', 'transferAcceleration', 'virtualHostStyle']),
    completeReturnsEtag: false,
    deleteMarkerHeader: false,
  },
  r2: {
    ...AWS_LIKE,
    provider: 'r2',
    checksumPolicy: 'WHEN_REQUIRED',
    requiresEqualParts: true,
    unsupported: new Set<Feature>(['versioning', 'objectLock', 'sseKms', 'sseC', 'restoreObject', 'transferAcceleration', 'notifications', 'mfaDelete']),
  },
  b2: { ...AWS_LIKE, provider: 'b2', checksumPolicy: 'WHEN_REQUIRED', unsupported: new Set<Feature>(['streamedTrailingChecksum', 'sseKms', 'restoreObject', 'transferAcceleration']) },
  gcs: { ...AWS_LIKE, provider: 'gcs', checksumPolicy: 'WHEN_REQUIRED', unsupported: new Set<Feature>(['streamedTrailingChecksum', 'objectLock', 'sseKms', 'sseC', 'restoreObject', 'transferAcceleration']) },
  wasabi: { ...AWS_LIKE, provider: 'wasabi', checksumPolicy: 'WHEN_REQUIRED', unsupported: new Set<Feature>(['sseKms', 'restoreObject', 'transferAcceleration']) },
  unknown: { ...AWS_LIKE, provider: 'unknown', checksumPolicy: 'WHEN_REQUIRED' },
};

/** Turns a probe report into a profile: what was observed decides, the provider hint only names it. */
export function profileFromReport(report: CapabilityReport): CompatibilityProfile {
  const f = report.features;
  const unsupported = new Set<Feature>();
  for (const [feature, c] of Object.entries(f) as [Feature, { status: string }][]) {
    if (c.status === 'unsupported') unsupported.add(feature);
  }
  // Encryption that is accepted but not applied (SSE-S3 not reported back, SSE-C readable without the key) is not
  // encryption: treat it as missing, never as "partial", so a write asking for it is refused.
  for (const feature of ['sseS3', 'sseKms', 'sseC'] as const) if (f[feature].status !== 'supported') unsupported.add(feature);
  if (f.conditionalWrite.status !== 'supported') unsupported.add('conditionalWrite');
  return {
    provider: report.provider,
    source: 'probe',
    unsupported,
    checksumPolicy: f.streamedTrailingChecksum.status === 'supported' && f.flexibleChecksums.status !== 'unsupported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    requiresEqualParts: FIXED_PROFILES[report.provider]?.requiresEqualParts ?? false,
    completeReturnsEtag: f.multipartCompleteEtag.status === 'supported',
    deleteMarkerHeader: f.deleteMarkerHeader.status === 'supported',
    listUploadsByPrefix: f.listMultipartUploads.status === 'supported',
    storageClasses: report.storageClasses.length > 0 ? new Set(report.storageClasses) : undefined,
  };
}

/** What bucketkit does on a target that lacks a feature; rendered into docs/compatibility.md. */
export const DEGRADATIONS: ReadonlyArray<{ feature: Feature | string; whenMissing: string }> = [
  { feature: 'streamedTrailingChecksum', whenMissing: "checksumPolicy becomes WHEN_REQUIRED: bodies go with Content-Length and no aws-chunked trailer" },
  { feature: 'flexibleChecksums', whenMissing: 'a put asking for checksumAlgorithm throws UnsupportedFeatureError before sending' },
  { feature: 'multipartCompleteEtag', whenMissing: "the ETag of a completed multipart upload is read with HEAD" },
  { feature: 'listMultipartUploads', whenMissing: 'listIncompleteUploads and abortIncompleteUploads list every upload and filter by prefix themselves' },
  { feature: 'deleteMarkerHeader', whenMissing: 'a 404 is checked against ListObjectVersions to tell a delete marker from a missing key' },
  { feature: 'equal part sizes required', whenMissing: 'uploads use one fixed part size for every part but the last' },
  { feature: 'sseC', whenMissing: 'SSE-C writes throw UnsupportedFeatureError (a store that ignores the key would keep plaintext)' },
  { feature: 'sseKms', whenMissing: 'SSE-KMS writes throw UnsupportedFeatureError' },
  { feature: 'sseS3', whenMissing: 'SSE-S3 writes throw UnsupportedFeatureError (a store that accepts but does not apply it would keep plaintext)' },
  { feature: 'conditionalWrite', whenMissing: "ifNoneMatch: '*' throws UnsupportedFeatureError (a store that ignores it would overwrite)" },
  { feature: 'objectLock', whenMissing: 'Object Lock options throw UnsupportedFeatureError' },
  { feature: 'storageClasses', whenMissing: 'a storage class the target does not report back throws UnsupportedFeatureError' },
  { feature: 'tagging', whenMissing: 'tags on a write throw UnsupportedFeatureError' },
];

function refuse(profile: CompatibilityProfile, feature: string, what: string): never {
  throw new UnsupportedFeatureError(`${what} is not supported by this ${profile.provider} endpoint (${profile.source === 'probe' ? 'observed by a capability probe' : 'fixed profile'})`, {
    feature,
    provider: profile.provider,
  });
}

/** Throws UnsupportedFeatureError, before any request, for a write the target cannot honour. */
export function assertWriteSupported(profile: CompatibilityProfile | undefined, options: PutOptions): void {
  if (!profile) return;
  const missing = (f: Feature) => profile.unsupported.has(f);
  if (options.checksumAlgorithm && missing('flexibleChecksums')) refuse(profile, 'flexibleChecksums', `checksumAlgorithm ${options.checksumAlgorithm}`);
  if (options.encryption?.type === 'SSE-C' && missing('sseC')) refuse(profile, 'sseC', 'SSE-C');
  if ((options.encryption?.type === 'SSE-KMS' || options.encryption?.type === 'DSSE-KMS') && missing('sseKms')) refuse(profile, 'sseKms', options.encryption.type);
  if (options.encryption?.type === 'SSE-S3' && missing('sseS3')) refuse(profile, 'sseS3', 'SSE-S3');
  if (options.ifNoneMatch && missing('conditionalWrite')) refuse(profile, 'conditionalWrite', "ifNoneMatch: '*'");
  if ((options.objectLockMode || options.objectLockLegalHold !== undefined) && missing('objectLock')) refuse(profile, 'objectLock', 'Object Lock');
  if (options.tags && missing('tagging')) refuse(profile, 'tagging', 'object tags');
  if (options.storageClass && profile.storageClasses && !profile.storageClasses.has(options.storageClass)) refuse(profile, 'storageClasses', `storage class ${options.storageClass}`);
}
