/**
 * Where a test server's behaviour differs from Amazon S3's, as observed in this suite and recorded in
 * docs/compatibility.md. Tests assert S3's documented behaviour on targets that implement it, and the
 * observed behaviour on the others, so a change on either side fails the suite instead of passing silently.
 */
export type Difference =
  /** CopyObject ignores x-amz-copy-source-if-match / -if-none-match / -if-(un)modified-since. */
  | 'copy-source-conditions-ignored'
  /** CompleteMultipartUpload accepts a part list out of order instead of answering InvalidPartOrder. */
  | 'part-order-not-checked'
  /** A delete refused by Object Lock (retention or legal hold) answers 400 InvalidRequest, not 403 AccessDenied. */
  | 'object-lock-denial-is-400'
  /** Only STANDARD and REDUCED_REDUNDANCY are accepted as storage classes (InvalidStorageClass otherwise). */
  | 'standard-classes-only'
  /** x-amz-website-redirect-location is accepted on PUT but not stored. */
  | 'website-redirect-not-stored'
  /** Flexible checksums are accepted on PUT but neither echoed nor stored. */
  | 'flexible-checksums-not-echoed'
  /** If-None-Match: * is ignored on a versioned bucket: the second write overwrites. */
  | 'create-only-ignored-on-versioned-buckets'
  /** HEAD/GET of a key whose latest version is a delete marker 404s without x-amz-delete-marker. */
  | 'delete-marker-header-missing'
  /** CopyObject answers without x-amz-version-id (and the copy-source version id). */
  | 'copy-omits-version-ids'
  /** CopyObject ignores x-amz-tagging-directive: REPLACE and the new tags. */
  | 'copy-tagging-directive-ignored'
  /** A request about an unknown multipart upload answers 404 NoSuchKey instead of NoSuchUpload. */
  | 'no-such-upload-is-no-such-key'
  /** CompleteMultipartUpload answers without an ETag (bucketkit reads it with HEAD). */
  | 'complete-omits-etag'
  /** A streamed body with the SDK's default aws-chunked trailing checksum gets 411 MissingContentLength. */
  | 'streamed-trailing-checksum-411'
  /** x-amz-server-side-encryption: AES256 is accepted but not applied (not reported on HEAD). */
  | 'sse-s3-not-applied'
  /** Objects in GLACIER or DEEP_ARCHIVE read back at once: the classes are placement targets, with no restore step. */
  | 'archived-objects-readable'
  /** ListMultipartUploads filters by exact key only: a shorter key prefix lists nothing. */
  | 'list-uploads-needs-exact-key'
  /** HEAD reports no x-amz-mp-parts-count and ignores ?partNumber, so downloads cannot follow the parts. */
  | 'parts-count-not-reported'
  /** CreateMultipartUpload ignores x-amz-tagging: an object written in parts has no tags. */
  | 'multipart-create-ignores-tagging'
  /** In a versioned bucket, a DELETE of a key with no versions adds no delete marker. */
  | 'delete-of-absent-key-adds-no-marker'
  /** In a versioning-suspended bucket, a DELETE removes every version of the key instead of adding a null delete marker. */
  | 'suspended-delete-removes-all-versions';

/** One sentence per difference, rendered into docs/compatibility.md by npm run compat:matrix. */
export const DIFFERENCE_NOTES: Readonly<Record<Difference, string>> = {
  'copy-source-conditions-ignored': 'CopyObject ignores x-amz-copy-source-if-match / -if-none-match / -if-(un)modified-since.',
  'part-order-not-checked': 'CompleteMultipartUpload accepts a part list out of order instead of answering InvalidPartOrder.',
  'object-lock-denial-is-400': 'A delete refused by Object Lock (retention or legal hold) answers 400 InvalidRequest, not 403 AccessDenied.',
  'standard-classes-only': 'Only STANDARD and REDUCED_REDUNDANCY are accepted as storage classes (InvalidStorageClass otherwise).',
  'website-redirect-not-stored': 'x-amz-website-redirect-location is accepted on PUT but not stored.',
  'flexible-checksums-not-echoed': 'Flexible checksums are accepted on PUT but neither echoed nor stored.',
  'create-only-ignored-on-versioned-buckets': 'If-None-Match: * is ignored on a versioned bucket: the second write overwrites.',
  'delete-marker-header-missing': 'HEAD/GET of a key whose latest version is a delete marker 404s without x-amz-delete-marker.',
  'copy-omits-version-ids': 'CopyObject answers without x-amz-version-id (and the copy-source version id).',
  'copy-tagging-directive-ignored': 'CopyObject ignores x-amz-tagging-directive: REPLACE and the new tags.',
  'no-such-upload-is-no-such-key': 'A request about an unknown multipart upload answers 404 NoSuchKey instead of NoSuchUpload.',
  'complete-omits-etag': 'CompleteMultipartUpload answers without an ETag (bucketkit reads it with HEAD).',
  'streamed-trailing-checksum-411': "A streamed body with the SDK's default aws-chunked trailing checksum gets 411 MissingContentLength.",
  'archived-objects-readable': 'Objects in GLACIER or DEEP_ARCHIVE read back at once: the classes are placement targets, with no restore step.',
  'list-uploads-needs-exact-key': 'ListMultipartUploads filters by exact key only: a shorter key prefix lists nothing.',
  'parts-count-not-reported': 'HEAD reports no x-amz-mp-parts-count and ignores ?partNumber, so downloads cannot follow the parts.',
  'multipart-create-ignores-tagging': 'CreateMultipartUpload ignores x-amz-tagging: an object written in parts has no tags.',
  'sse-s3-not-applied': 'x-amz-server-side-encryption: AES256 is accepted but not applied (not reported on HEAD).',
  'delete-of-absent-key-adds-no-marker': 'In a versioned bucket, a DELETE of a key with no versions adds no delete marker.',
  'suspended-delete-removes-all-versions':
    'In a versioning-suspended bucket, a DELETE removes every version of the key instead of adding a null delete marker.',
};

/**
 * Where a server lacks a behaviour the suite cannot observe on it at all, so bucketkit covers it with unit tests on
 * recorded responses instead: the gap, and the unit test file. Rendered into docs/compatibility.md.
 */
export const UNIT_TESTED_GAPS: ReadonlyArray<{ readonly target: string; readonly gap: string; readonly test: string }> = [
  {
    target: 'moto',
    gap: 'MFA delete is ignored: PutBucketVersioning accepts MFADelete and x-amz-mfa, GetBucketVersioning never reports MFADelete, and no delete needs x-amz-mfa (and the suite runs over plain http, where bucketkit refuses MFA)',
    test: 'test/unit/storage/versioning/versioning.test.ts',
  },
  {
    target: 'moto',
    gap: 'a GET of a delete marker by its versionId answers 404 NoSuchVersion (S3: 405 MethodNotAllowed with x-amz-delete-marker)',
    test: 'test/unit/storage/versioning/versioning.test.ts',
  },
  {
    target: 'moto',
    gap: 'ListObjectVersions lists all versions, then all delete markers, instead of interleaving them newest first per key (bucketkit then orders them itself)',
    test: 'test/unit/storage/versioning/versioning.test.ts',
  },
  {
    target: 'moto',
    gap: "RestoreObject does not answer 409 RestoreAlreadyInProgress (bucketkit: status 'in-progress'), nor 202 for a tier upgrade of a running restore",
    test: 'test/unit/storage/archive/recorded-restores.test.ts',
  },
  {
    target: 'moto',
    gap: "RestoreObject does not answer 503 GlacierExpeditedRetrievalNotAvailable (bucketkit: one retry at Standard at once, fellBackToStandard in the result; the SDK's own retries of that 503 are switched off for it)",
    test: 'test/unit/storage/archive/recorded-restores.test.ts',
  },
  {
    target: 'moto',
    gap: 'version-specific restores: RestoreObject with the versionId of an archived older version acts on the current version (a STANDARD current version answers 403 InvalidObjectState)',
    test: 'test/unit/storage/archive/recorded-restores.test.ts',
  },
  {
    target: 'moto',
    gap: 'the expiry of a restored copy is the exact request time plus days, not rounded up to the next midnight UTC as S3 does (x-amz-restore expiry-date, and the 200 that extends it)',
    test: 'test/unit/storage/archive/recorded-restores.test.ts',
  },
  {
    target: 'moto',
    gap: "UpdateObjectEncryption is answered as a PutObject: 200, and the object's body is overwritten with the request XML (bucketkit never sends it to a custom endpoint; reencrypt copies there)",
    test: 'test/unit/storage/encryption/recorded.test.ts',
  },
  {
    target: 'moto',
    gap: "BlockedEncryptionTypes is dropped: PutBucketEncryption accepts it and GetBucketEncryption never reports it, and an SSE-C write is never refused with 403 AccessDenied (bucketkit's opt-in hint)",
    test: 'test/unit/storage/encryption/recorded.test.ts',
  },
  {
    target: 'moto',
    gap: 'SSE-C is ignored: an object written with a key is read with a wrong key (HEAD 200) or with none (GET returns the body), where S3 answers 403/400 (the integration tests check the SSE-C headers on the wire instead)',
    test: 'test/unit/storage/encryption/recorded.test.ts',
  },
  {
    target: 'moto',
    gap: 'S3 Batch Operations jobs are not implemented: s3control CreateJob and DescribeJob are missing (moto implements other S3 Control APIs such as the public access block and access points), so `restore --batch` / `cp --batch` create and follow jobs only against recorded responses; their listing and manifest upload run on moto (`test/integration/cli/batch-manifest.test.ts`)',
    test: 'test/cli/batch.test.ts',
  },
];

/** The differences of each target, keyed by BUCKETKIT_TARGET (the compat matrix uses the script names). */
export const DIFFERENCES: Readonly<Record<string, readonly Difference[]>> = {
  moto: ['copy-source-conditions-ignored', 'part-order-not-checked', 'delete-of-absent-key-adds-no-marker', 'suspended-delete-removes-all-versions'],
  minio: ['object-lock-denial-is-400', 'standard-classes-only', 'website-redirect-not-stored', 'list-uploads-needs-exact-key'],
  ceph: [
    'copy-source-conditions-ignored',
    'part-order-not-checked',
    'flexible-checksums-not-echoed',
    'create-only-ignored-on-versioned-buckets',
    'delete-marker-header-missing',
    'copy-omits-version-ids',
    'copy-tagging-directive-ignored',
    'no-such-upload-is-no-such-key',
    'complete-omits-etag',
    'streamed-trailing-checksum-411',
    'sse-s3-not-applied',
    'archived-objects-readable',
    'parts-count-not-reported',
    'multipart-create-ignores-tagging',
  ],
};

/** True when the current target is known to differ from S3 in this way. */
export function targetDiffers(difference: Difference, target = process.env.BUCKETKIT_TARGET ?? 'moto'): boolean {
  return (DIFFERENCES[target] ?? []).includes(difference);
}

/** A non-default storage class the current target accepts and reports back. */
export function nonDefaultStorageClass(): 'STANDARD_IA' | 'REDUCED_REDUNDANCY' {
  return targetDiffers('standard-classes-only') ? 'REDUCED_REDUNDANCY' : 'STANDARD_IA';
}
