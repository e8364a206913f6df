import type { CapabilityReport, CompatibilityProfile, Feature, ProviderName } from '../../types/compatibility';

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
    unsupported: new Set<Feature>([
      'streamedTrailingChecksum',
      'flexibleChecksums',
      'conditionalWrite',
      'sseS3',
      'bucketDefaultEncryption',
      'restoreObject',
      'transferAcceleration',
      'virtualHostStyle',
    ]),
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
  b2: {
    ...AWS_LIKE,
    provider: 'b2',
    checksumPolicy: 'WHEN_REQUIRED',
    unsupported: new Set<Feature>(['streamedTrailingChecksum', 'sseKms', 'restoreObject', 'transferAcceleration']),
  },
  gcs: {
    ...AWS_LIKE,
    provider: 'gcs',
    checksumPolicy: 'WHEN_REQUIRED',
    unsupported: new Set<Feature>(['streamedTrailingChecksum', 'objectLock', 'sseKms', 'sseC', 'restoreObject', 'transferAcceleration']),
  },
  wasabi: {
    ...AWS_LIKE,
    provider: 'wasabi',
    checksumPolicy: 'WHEN_REQUIRED',
    unsupported: new Set<Feature>(['sseKms', 'restoreObject', 'transferAcceleration']),
  },
  unknown: { ...AWS_LIKE, provider: 'unknown', checksumPolicy: 'WHEN_REQUIRED' },
};

/** Features whose silent absence loses protection: a store that ignored them would keep plaintext or overwrite. */
export const PROTECTION_FEATURES: readonly Feature[] = ['sseS3', 'sseKms', 'sseC', 'conditionalWrite'];

/**
 * Turns a probe report into a profile: what was observed decides, the provider hint only names it.
 *
 * `unknown` is not a verdict, so it never lands in `unsupported`. For the protection features
 * ({@link PROTECTION_FEATURES}) a write must be backed by a `supported` verdict: one whose probe timed out or hit an
 * unrelated failure goes to `unverified` (writes asking for it are refused as "could not be verified"), while one the
 * store needs an input for (`needs-input`, e.g. SSE-KMS without a key id on Ceph RGW) is let through, since the store
 * itself refuses such a write without the input and honours it with one. For every other feature an unknown verdict
 * refuses nothing; the settings derived from a verdict (checksum policy, Complete's ETag, the delete-marker header,
 * ListMultipartUploads by prefix) take their safe value.
 */
export function profileFromReport(report: CapabilityReport): CompatibilityProfile {
  const f = report.features;
  const unsupported = new Set<Feature>();
  const unverified = new Map<Feature, string>();
  for (const [feature, c] of Object.entries(f) as [Feature, { status: string }][]) {
    if (c.status === 'unsupported') unsupported.add(feature);
  }
  // Encryption that is accepted but not applied (SSE-S3 not reported back, SSE-C readable without the key) is not
  // encryption, and a create-only write that is ignored overwrites: treat "partial" as missing, so a write asking for
  // it is refused.
  for (const feature of PROTECTION_FEATURES) {
    const c = f[feature];
    if (c.status === 'partial') unsupported.add(feature);
    else if (c.status === 'unknown' && c.reason !== 'needs-input') unverified.set(feature, `${c.reason ?? 'unknown'}: ${c.evidence}`);
  }
  return {
    provider: report.provider,
    source: 'probe',
    unsupported,
    checksumPolicy: f.streamedTrailingChecksum.status === 'supported' && f.flexibleChecksums.status !== 'unsupported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    requiresEqualParts: FIXED_PROFILES[report.provider]?.requiresEqualParts ?? false,
    completeReturnsEtag: f.multipartCompleteEtag.status === 'supported',
    deleteMarkerHeader: f.deleteMarkerHeader.status === 'supported',
    listUploadsByPrefix: f.listMultipartUploads.status === 'supported',
    storageClasses: f.storageClasses.status !== 'unknown' && report.storageClasses.length > 0 ? new Set(report.storageClasses) : undefined,
    unverified,
  };
}

/** What bucketkit does on a target that lacks a feature; rendered into docs/compatibility.md. */
export const DEGRADATIONS: ReadonlyArray<{ feature: Feature | string; whenMissing: string }> = [
  { feature: 'streamedTrailingChecksum', whenMissing: 'checksumPolicy becomes WHEN_REQUIRED: bodies go with Content-Length and no aws-chunked trailer' },
  { feature: 'flexibleChecksums', whenMissing: 'a put asking for checksumAlgorithm throws UnsupportedFeatureError before sending' },
  { feature: 'multipartCompleteEtag', whenMissing: 'the ETag of a completed multipart upload is read with HEAD' },
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
  {
    feature: 'notifications',
    whenMissing:
      "addNotification to a destination the store refuses is the store's error, typed: on MinIO an SNS or Lambda destination is UnsupportedFeatureError (UnsupportedNotification) and an AWS queue ARN InvalidArgumentError; MinIO delivers only to targets configured on its server (webhook, AMQP, ...: `arn:minio:sqs::<id>:<type>` as an sqs destination, tested with a loopback webhook); setEventBridge on a store that never reports EventBridgeConfiguration (moto, MinIO) is UnsupportedFeatureError",
  },
  {
    feature: 'unknown (the probe could not tell)',
    whenMissing:
      'a timeout or a failure unrelated to the feature (5xx, throttling, access denied, a reset) is reported `unknown` with its reason, never unsupported, and refuses no write, except SSE-S3, SSE-KMS, SSE-C and ifNoneMatch, which need a supported verdict (refused as "could not be verified"); SSE-KMS on a store that wants a key id (Ceph RGW) is `unknown` (needs-input) and let through; a report with a timeout is cached one minute, not an hour',
  },
];
