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
  | 'suspended-delete-removes-all-versions'
  /** In a versioned bucket, a DELETE of a key whose latest version is a delete marker adds no second marker (it answers with the existing one, or with no marker headers). */
  | 'delete-of-deleted-key-stacks-no-marker'
  /** In a versioning-suspended bucket, a DELETE adds the null delete marker but answers without x-amz-delete-marker and x-amz-version-id. */
  | 'suspended-delete-omits-marker-headers'
  /** PutBucketAccelerateConfiguration answers 400 (MalformedXML, InvalidArgument): Transfer Acceleration is not implemented. */
  | 'acceleration-not-implemented'
  /** HEAD reports an SSE-KMS key `k` as `arn:aws:kms:k` (no region, account or `key/`), not as the key's ARN. */
  | 'kms-key-reported-as-short-arn'
  /** HEAD reports the SSE-KMS key id as the request sent it, not as the key's ARN. */
  | 'kms-key-reported-as-sent'
  /** x-amz-server-side-encryption-bucket-key-enabled is accepted but never reported (HEAD, GetBucketEncryption). */
  | 'bucket-key-not-reported'
  /** PutBucketEncryption answers 400 InvalidArgument (SSE-S3 and SSE-KMS alike): no bucket default encryption. */
  | 'bucket-encryption-refused'
  /** CopyObject accepts SSE-S3/SSE-KMS/SSE-C headers for the destination but writes it unencrypted. */
  | 'copy-ignores-destination-encryption'
  /** CopyObject of an SSE-KMS or SSE-C object answers 501 NotImplemented (UploadPartCopy copies it). */
  | 'copy-of-encrypted-object-not-implemented'
  /** An SSE-C read with another key than the object's answers 400 InvalidArgument, not 403 AccessDenied. */
  | 'sse-c-wrong-key-is-400'
  /** CopyObject onto itself without a source version id answers 400 InvalidRequest when only the encryption changes. */
  | 'copy-in-place-ignores-encryption-change'
  /** CopyObject from a missing source bucket answers 404 NoSuchBucket naming the destination bucket in <BucketName>. */
  | 'copy-no-such-bucket-names-destination'
  /** UploadPartCopy from an SSE-C source to another SSE-C key answers 400 InvalidArgument ("calculated MD5 hash of the key did not match"). */
  | 'part-copy-to-another-sse-c-key-refused'
  /** HEAD ?partNumber with ChecksumMode ENABLED reports no part checksum (a download checks the COMPOSITE checksum at the end instead of each part). */
  | 'part-checksums-not-reported'
  /** HEAD with ChecksumMode ENABLED reports a wrong FULL_OBJECT CRC32C or CRC64NVME for a multipart object. */
  | 'full-object-crc-misreported'
  /** UploadPart takes an x-amz-checksum-crc32 that does not match the bytes (S3 answers 400 BadDigest), though CreateMultipartUpload echoes the declared algorithm. */
  | 'part-checksum-mismatch-accepted';

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
  'delete-of-deleted-key-stacks-no-marker':
    'In a versioned bucket, a DELETE of a key whose latest version is a delete marker adds no second marker (it answers with the existing one, or with no marker headers).',
  'suspended-delete-omits-marker-headers':
    'In a versioning-suspended bucket, a DELETE adds the null delete marker but answers without x-amz-delete-marker and x-amz-version-id.',
  'acceleration-not-implemented': 'PutBucketAccelerateConfiguration answers 400 (MalformedXML, InvalidArgument): Transfer Acceleration is not implemented.',
  'kms-key-reported-as-short-arn':
    "HEAD reports an SSE-KMS key `k` as `arn:aws:kms:k` (no region, account or `key/`), not as the key's ARN; bucketkit matches it to `k`.",
  'kms-key-reported-as-sent': "HEAD reports the SSE-KMS key id as the request sent it, not as the key's ARN.",
  'bucket-key-not-reported': 'x-amz-server-side-encryption-bucket-key-enabled is accepted but never reported (HEAD, GetBucketEncryption).',
  'bucket-encryption-refused': 'PutBucketEncryption answers 400 InvalidArgument (SSE-S3 and SSE-KMS alike): no bucket default encryption.',
  'copy-ignores-destination-encryption':
    'CopyObject accepts SSE-S3/SSE-KMS/SSE-C headers for the destination but writes it unencrypted, so reencrypt by copy cannot encrypt.',
  'copy-of-encrypted-object-not-implemented':
    'CopyObject of an SSE-KMS or SSE-C object answers 501 NotImplemented (bucketkit: UnsupportedFeatureError), so such objects cannot be copied or re-encrypted below the multipart-copy threshold; UploadPartCopy copies them.',
  'sse-c-wrong-key-is-400': "An SSE-C read with another key than the object's answers 400 InvalidArgument, not 403 AccessDenied.",
  'copy-no-such-bucket-names-destination':
    'CopyObject from a missing source bucket answers 404 NoSuchBucket naming the destination bucket in <BucketName>, so bucketkit names the destination too.',
  'part-copy-to-another-sse-c-key-refused':
    'UploadPartCopy from an SSE-C source to another SSE-C key answers 400 InvalidArgument ("The calculated MD5 hash of the key did not match"): an SSE-C object cannot be re-keyed by copy.',
  'copy-in-place-ignores-encryption-change':
    'CopyObject of an object onto itself without a source version id (an unversioned bucket) answers 400 InvalidRequest "copy to itself" when only the encryption changes.',
  'part-checksum-mismatch-accepted':
    "UploadPart answers 200 to an x-amz-checksum-crc32 that does not match the bytes (Amazon S3 answers 400 BadDigest), though CreateMultipartUpload echoes x-amz-checksum-algorithm: CRC32. bucketkit's default part check on a custom endpoint therefore stays Content-MD5 there: the wrong-checksum part it sends to find out is taken, so it aborts that upload and creates a plain one.",
  'part-checksums-not-reported':
    'HEAD ?partNumber=N with ChecksumMode ENABLED reports no checksum for the part, so a download checks the COMPOSITE checksum once all ranges are in, instead of each part as it arrives (verification composite-checksum).',
  'full-object-crc-misreported':
    'HEAD with ChecksumMode ENABLED reports a wrong FULL_OBJECT CRC32C or CRC64NVME for a multipart object (a 4-byte value, not the CRC of the bytes; GET of the whole object has the right one): a verified download of a CRC32C one fails with IntegrityError (full-object-crc); the CRC64NVME value has the wrong width, so it is not used and the multipart ETag checks instead.',
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
    gap: 'SSE-C is ignored: an object written with a key is read with a wrong key (HEAD 200) or with none (GET returns the body), where S3 answers 403/400 (the integration tests check the SSE-C headers on the wire instead); in a bucket with default encryption an SSE-C write or copy is stored under that default, so reencrypt to SSE-C reports such a copy failed (its check after the copy sees SSE-S3)',
    test: 'test/unit/storage/encryption/recorded.test.ts',
  },
  {
    target: 'moto',
    gap: 'no Transfer Acceleration endpoint (only Get/PutBucketAccelerateConfiguration, and a never-configured bucket stays unconfigured on Suspended), and the SDK refuses useAccelerateEndpoint with a custom endpoint: endpoint choice is tested offline on resolved endpoints, fallback with injected request handlers, and on moto with acceleratedClient pointed at a refusing loopback port (test/integration/bucket-config/acceleration-routing.test.ts)',
    test: 'test/unit/storage/core/acceleration-fallback.test.ts',
  },
  {
    target: 'moto',
    gap: 'GetBucketNotificationConfiguration never reports EventBridgeConfiguration, though the setting is stored and events reach EventBridge rules; a read-merge-write there cannot see the setting and so drops it (the notifications custom-resource handler test reads through a proxy that reports it as S3 does, and checks the real setting by EventBridge delivery)',
    test: 'test/unit/storage/bucket-config/notifications.test.ts, test/integration/lambda/notifications-handler.test.ts',
  },
  {
    target: 'moto',
    gap: 'SSE-C key selection: any key opens an SSE-C object, so a CustomerKeyProvider read always takes the metadata path (bk-sse-c-key-id names the key); the 403 (wrong key) and 400 (not SSE-C) answers that move the selection on are recorded, and the integration suite also runs on MinIO over TLS, which checks keys',
    test: 'test/unit/storage/encryption/customer-keys.test.ts',
  },
  {
    target: 'moto',
    gap: "UploadPartCopy ignores x-amz-copy-source-if-match: a part copied from a source changed since LargeObjectCopy's plan succeeds, where S3 answers 412 PreconditionFailed (the LargeObjectCopy moto run injects S3's 412 through its proxy)",
    test: 'test/lambda/transfer-staged.test.ts',
  },
  {
    target: 'moto',
    gap: 'S3 Batch Operations jobs are not implemented: s3control CreateJob and DescribeJob are missing (moto implements other S3 Control APIs such as the public access block and access points), so `restore --batch` / `cp --batch` create and follow jobs only against recorded responses; their listing and manifest upload run on moto (`test/integration/cli/batch-manifest.test.ts`)',
    test: 'test/cli/batch.test.ts',
  },
  {
    target: 'moto',
    gap: 'per-part checksums of a downloaded object (moto 5.2.x): HEAD ?partNumber=N with ChecksumMode ENABLED gives no part checksum, GetObjectAttributes ObjectParts gives none, and GET ?partNumber=N returns the whole object, so the part-checksums download check cannot run on moto; it runs on MinIO (test/integration/transfer/download-verification.test.ts). MinIO (RELEASE.2025-09-07) answers GetObjectAttributes with 400 InvalidArgument, so bucketkit reads part checksums with HEAD ?partNumber',
    test: 'test/unit/storage/transfer/download/verification.test.ts',
  },
  {
    target: 'moto',
    gap: "HEAD with x-amz-checksum-mode: ENABLED of a multipart object written with a flexible checksum reports a whole-object value under every algorithm's name (its CRC32C is the CRC32), never the COMPOSITE -N form, and Complete reports none; so on moto upload() verifies by the multipart ETag where it has the parts' MD5s and otherwise reports verifiedBy: 'none'. The composite check runs on MinIO (test/integration/transfer/checksum-algorithms.test.ts)",
    test: 'test/unit/storage/integrity.test.ts',
  },
  {
    target: 'minio',
    gap: 'after an AbortMultipartUpload that races a CompleteMultipartUpload still in flight, ListMultipartUploads can keep listing the upload while ListParts answers NoSuchUpload and a second abort changes nothing: a ghost entry with no parts. bucketkit confirms each abort with ListParts (and aborts again while the upload holds parts); test/integration/transfer/truth-and-integrity.test.ts counts uploads that hold parts. The race itself (Complete committed, answer lost to a cancel) is unit-tested on recorded responses',
    test: 'test/unit/storage/transfer/upload/settle.test.ts',
  },
];

/** The differences of each target, keyed by BUCKETKIT_TARGET (the compat matrix uses the script names). */
export const DIFFERENCES: Readonly<Record<string, readonly Difference[]>> = {
  moto: [
    'copy-source-conditions-ignored',
    'part-order-not-checked',
    'delete-of-absent-key-adds-no-marker',
    'suspended-delete-removes-all-versions',
    'part-checksums-not-reported',
    'full-object-crc-misreported',
    'part-checksum-mismatch-accepted',
  ],
  minio: [
    'object-lock-denial-is-400',
    'standard-classes-only',
    'website-redirect-not-stored',
    'list-uploads-needs-exact-key',
    'delete-of-absent-key-adds-no-marker',
    'delete-of-deleted-key-stacks-no-marker',
    'suspended-delete-omits-marker-headers',
    'acceleration-not-implemented',
    'kms-key-reported-as-short-arn',
    'bucket-key-not-reported',
  ],
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
    'delete-of-deleted-key-stacks-no-marker',
    'acceleration-not-implemented',
    'kms-key-reported-as-sent',
    'bucket-key-not-reported',
    'bucket-encryption-refused',
    'copy-ignores-destination-encryption',
    'copy-of-encrypted-object-not-implemented',
    'sse-c-wrong-key-is-400',
    'copy-in-place-ignores-encryption-change',
    'copy-no-such-bucket-names-destination',
    'part-copy-to-another-sse-c-key-refused',
  ],
};

/** True when the current target is known to differ from S3 in this way. */
export function targetDiffers(difference: Difference, target = process.env.BUCKETKIT_TARGET ?? 'moto'): boolean {
  return (DIFFERENCES[target] ?? []).includes(difference);
}

/**
 * The store answers a CreateMultipartUpload that declares CRC32 with `x-amz-checksum-algorithm: CRC32`, so a default
 * upload sends it one part with a wrong CRC32 to learn whether it checks it (transfer/upload/checksum-negotiation.ts).
 */
export function echoesDeclaredChecksum(): boolean {
  return !targetDiffers('flexible-checksums-not-echoed');
}

/**
 * The part check of an upload with bucketkit's defaults on the current target (a custom endpoint): CRC32, where the
 * store refused a wrong CRC32; else Content-MD5. Also what a download of such an object checks when it follows the parts.
 */
export function defaultPartCheck(): 'CRC32' | 'MD5' {
  return echoesDeclaredChecksum() && !targetDiffers('part-checksum-mismatch-accepted') ? 'CRC32' : 'MD5';
}

/** A non-default storage class the current target accepts and reports back. */
export function nonDefaultStorageClass(): 'STANDARD_IA' | 'REDUCED_REDUNDANCY' {
  return targetDiffers('standard-classes-only') ? 'REDUCED_REDUNDANCY' : 'STANDARD_IA';
}
