import type { CustomerKeyProvider } from './customer-keys';
import type { ChecksumAlgorithmName } from '../../rules/checksums';
import type { WritableStorageClass } from '../../rules/storage-classes';
import type { Readable } from 'node:stream';

/** An object's body: text, bytes, a stream (of known or unknown length), or a file on disk. */
export type PutBody = string | Buffer | Uint8Array | Readable | { readonly filePath: string };

/** S3 storage classes. https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html */
export type StorageClassName = WritableStorageClass;

/** Canned ACLs. Buckets with Object Ownership "bucket owner enforced" reject every ACL but `bucket-owner-full-control` and `private`. */
export type CannedAcl =
  'private' | 'public-read' | 'public-read-write' | 'authenticated-read' | 'aws-exec-read' | 'bucket-owner-read' | 'bucket-owner-full-control';

/** Flexible checksum algorithms. */
export type { ChecksumAlgorithmName };

/**
 * SSE-S3: keys managed by S3 (`AES256`), free; every new object gets it by default since 5 Jan 2023.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html
 */
export interface SseS3Encryption {
  readonly type: 'SSE-S3';
}

/**
 * SSE-KMS (`aws:kms`). https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
export interface SseKmsEncryption {
  readonly type: 'SSE-KMS';
  /** The KMS key: a key ARN (preferred: an alias resolves in the caller's account), key id or alias, in the bucket's Region. @default - the AWS managed key `aws/s3` */
  readonly keyId?: string;
  /** Use an S3 Bucket Key (up to 99% fewer KMS requests). https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html @default - the bucket's setting */
  readonly bucketKey?: boolean;
  /** Extra encryption context pairs (`x-amz-server-side-encryption-context`). @default - none (S3 adds `aws:s3:arn`) */
  readonly context?: Readonly<Record<string, string>>;
  /** @deprecated use `keyId` */
  readonly kmsKeyId?: string;
  /** @deprecated use `bucketKey` */
  readonly bucketKeyEnabled?: boolean;
}

/** DSSE-KMS (`aws:kms:dsse`): two layers of KMS encryption, $0.003 per GB extra. https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingDSSEncryption.html */
export interface DsseKmsEncryption {
  readonly type: 'DSSE-KMS';
  /** The KMS key, as for SSE-KMS. @default - the AWS managed key `aws/s3` */
  readonly keyId?: string;
  /** Extra encryption context pairs. @default - none */
  readonly context?: Readonly<Record<string, string>>;
  /** @deprecated use `keyId` */
  readonly kmsKeyId?: string;
}

/**
 * SSE-C: S3 encrypts with a 256-bit key the caller sends on every request (HTTPS only) and keeps only a salted HMAC
 * of it, so a lost key is a lost object. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 */
export interface SseCEncryption {
  readonly type: 'SSE-C';
  /** The 32-byte key. It is never logged, stored or put in an error. Give either `key` or `keyProvider` + `keyId`. @default - none */
  readonly key?: Uint8Array;
  /** @deprecated use `key` */
  readonly customerKey?: Uint8Array;
  /**
   * Where the key comes from: bucketkit asks it for `keyId` (once per operation), writes with that key and stores
   * `bk-sse-c-key-id: <keyId>` and `bk-sse-c-key-md5: <base64 MD5 of the key>` in the object's user metadata (never the
   * key), so later reads find the key by id. Requires `keyId`. @default - none (`key` is used)
   */
  readonly keyProvider?: CustomerKeyProvider;
  /**
   * With `keyProvider`: the id of the key to write with, 1-128 printable ASCII characters without spaces (it travels in
   * the `x-amz-meta-bk-sse-c-key-id` header). Not a KMS key id: SSE-C with `key` takes no `keyId`. @default - none
   */
  readonly keyId?: string;
}

/** Server-side encryption of one object (a write), or what a bucket's objects are expected to have. */
export type ServerSideEncryption = SseS3Encryption | SseKmsEncryption | DsseKmsEncryption | SseCEncryption;

/** Options of {@link Storage.put}. */
export interface PutOptions {
  /** @default - S3's default, `application/octet-stream` */
  readonly contentType?: string;
  /** @default - none */
  readonly cacheControl?: string;
  /** @default - none */
  readonly contentDisposition?: string;
  /** @default - none */
  readonly contentEncoding?: string;
  /** @default - none */
  readonly contentLanguage?: string;
  /** @default - none */
  readonly expires?: Date;
  /** User-defined metadata (`x-amz-meta-*`): printable ASCII, 2 KB in all. @default - none */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Object tags, at most 10. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
  /** A canned ACL. @default - none (the bucket's ownership rules apply) */
  readonly acl?: CannedAcl;
  /** @default - STANDARD */
  readonly storageClass?: StorageClassName;
  /** A flexible checksum to compute and send. @default - the client's checksum policy */
  readonly checksumAlgorithm?: ChecksumAlgorithmName;
  /** Object Lock retention mode; needs `objectLockRetainUntil`. @default - the bucket's default retention */
  readonly objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  /** @default - none */
  readonly objectLockRetainUntil?: Date;
  /** Put a legal hold on the object. @default false */
  readonly objectLockLegalHold?: boolean;
  /** `'*'`: create only, fail with `PreconditionFailedError` if the key exists. @default - overwrite */
  readonly ifNoneMatch?: '*';
  /** Overwrite only if the current ETag matches. @default - unconditional */
  readonly ifMatch?: string;
  /** The body's length, for a stream. @default - measured; a stream of unknown length is read into bounded buffers */
  readonly contentLength?: number;
  /** @default - the bucket's default encryption */
  readonly encryption?: ServerSideEncryption;
  /** @default - none */
  readonly websiteRedirectLocation?: string;
  /** Cancels the request. @default - none */
  readonly abortSignal?: AbortSignal;
}

/** What S3 returned for a write. */
export interface PutResult {
  readonly etag: string;
  readonly versionId?: string;
  readonly size: number;
  /** Flexible checksums S3 returned, by algorithm. */
  readonly checksums: Partial<Record<ChecksumAlgorithmName, string>>;
  readonly serverSideEncryption?: string;
}

/** A byte range: `{ start, end }` (inclusive), `{ start }` to the end, or the last `suffixLength` bytes. */
export type ByteRange = { readonly start: number; readonly end: number } | { readonly start: number } | { readonly suffixLength: number };

/** Conditions on a read. */
export interface ReadConditions {
  /** Fail with `PreconditionFailedError` unless the ETag matches. @default - none */
  readonly ifMatch?: string;
  /** Fail with `NotModifiedError` if the ETag matches. @default - none */
  readonly ifNoneMatch?: string;
  /** Fail with `NotModifiedError` unless modified since. @default - none */
  readonly ifModifiedSince?: Date;
  /** Fail with `PreconditionFailedError` if modified since. @default - none */
  readonly ifUnmodifiedSince?: Date;
}

/** Options of {@link Storage.head}. */
export interface HeadOptions extends ReadConditions {
  /** @default - the latest version */
  readonly versionId?: string;
  /** Return the size and checksum of one part of a multipart object. @default - the whole object */
  readonly partNumber?: number;
  /** The SSE-C key, for an object written with SSE-C. @default - none */
  readonly customerKey?: Uint8Array;
  /**
   * The id of the object's SSE-C key in the config's `customerKeys` provider (as written in its `bk-sse-c-key-id`), so
   * the read tries that key only. @default - found from the object: see `S3StorageConfig.customerKeys`
   */
  readonly customerKeyId?: string;
  /** Ask for the object's flexible checksums. @default false */
  readonly checksumMode?: boolean;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** Options of {@link Storage.get}. */
export interface GetOptions extends HeadOptions {
  /** @default - the whole object */
  readonly range?: ByteRange;
}

/** Restore status of an archived object (`x-amz-restore`). */
export interface RestoreStatus {
  readonly ongoing: boolean;
  readonly expiry?: Date;
}

/** An object's metadata, as HEAD or GET returns it. */
export interface ObjectMetadata {
  readonly key: string;
  /** The whole object's size in bytes (for a ranged GET, the total from Content-Range). */
  readonly size: number;
  readonly etag: string;
  readonly lastModified?: Date;
  readonly versionId?: string;
  readonly contentType?: string;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  readonly contentLanguage?: string;
  readonly expires?: Date;
  readonly metadata: Readonly<Record<string, string>>;
  readonly storageClass: StorageClassName | string;
  readonly checksums: Partial<Record<ChecksumAlgorithmName, string>>;
  readonly checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  /** Parts count for a multipart object, when asked with `partNumber` or reported. */
  readonly partsCount?: number;
  readonly serverSideEncryption?: string;
  readonly kmsKeyId?: string;
  readonly bucketKeyEnabled?: boolean;
  readonly sseCustomerAlgorithm?: string;
  readonly restore?: RestoreStatus;
  readonly archiveStatus?: string;
  readonly objectLockMode?: string;
  readonly objectLockRetainUntil?: Date;
  readonly objectLockLegalHold?: boolean;
  readonly tagCount?: number;
  readonly websiteRedirectLocation?: string;
  readonly deleteMarker?: boolean;
}

/** A read: the body as a stream, plus metadata. Consume or destroy the body. */
export interface GetResult extends ObjectMetadata {
  readonly body: Readable;
  /** The bytes in this response (differs from `size` for a range). */
  readonly contentLength: number;
  /** For a ranged read: the inclusive range served and the object's total size. */
  readonly contentRange?: { readonly start: number; readonly end: number; readonly total: number };
}

/**
 * An MFA token for a bucket with MFA delete: `'<device serial or ARN> <6-digit code>'` (one space), or the two
 * parts. Sent as `x-amz-mfa`, which S3 accepts over HTTPS only.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
 */
export type MfaToken = string | { readonly serial: string; readonly code: string };

/** Options of {@link Storage.delete}. */
export interface DeleteOptions {
  /** Delete this version for good. @default - the latest (a delete marker on a versioned bucket) */
  readonly versionId?: string;
  /** MFA for a bucket with MFA delete (HTTPS only): `'<serial> <6-digit code>'` or the two parts. @default - none */
  readonly mfa?: MfaToken;
  /** Bypass Governance-mode Object Lock retention. @default false */
  readonly bypassGovernanceRetention?: boolean;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** What a delete did. */
export interface DeleteResult {
  readonly versionId?: string;
  /** True when the delete created (or removed) a delete marker. */
  readonly deleteMarker?: boolean;
}

/** A key for {@link Storage.deleteMany}: a plain key, or one version of it. */
export type DeleteTarget = string | { readonly key: string; readonly versionId?: string };

/** Options of {@link Storage.deleteMany}. */
export interface DeleteManyOptions {
  /** MFA for a bucket with MFA delete (HTTPS only); S3 fails the whole batch without it. @default - none */
  readonly mfa?: MfaToken;
  /** @default false */
  readonly bypassGovernanceRetention?: boolean;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** The outcome of a batch delete: every key lands in exactly one list. */
export interface DeleteManyResult {
  readonly deleted: ReadonlyArray<{
    readonly key: string;
    readonly versionId?: string;
    readonly deleteMarker?: boolean;
    readonly deleteMarkerVersionId?: string;
  }>;
  readonly errors: ReadonlyArray<{ readonly key: string; readonly versionId?: string; readonly code: string; readonly message: string; readonly error: Error }>;
}

/** Options of {@link Storage.list}. */
export interface ListOptions {
  /** @default - all keys */
  readonly prefix?: string;
  /** Group keys by this separator into common prefixes, e.g. `/`. @default - no grouping */
  readonly delimiter?: string;
  /** Start listing after this key. @default - the first key */
  readonly startAfter?: string;
  /** Keys per page, 1..1000. @default 1000 */
  readonly pageSize?: number;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** One listed object. */
export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified?: Date;
  readonly storageClass: StorageClassName | string;
  readonly checksumAlgorithms?: readonly string[];
  readonly restore?: RestoreStatus;
}

/** One ListObjectsV2 page. */
export interface ListPage {
  readonly objects: readonly ObjectSummary[];
  readonly commonPrefixes: readonly string[];
  /** True when more pages follow. */
  readonly isTruncated: boolean;
}

/** Options of {@link Storage.copy}. */
export interface CopyOptions extends Omit<PutOptions, 'contentLength' | 'ifNoneMatch' | 'ifMatch'>, MultipartCopySettings {
  /** @default - this storage's bucket */
  readonly sourceBucket?: string;
  /** @default - the latest version */
  readonly sourceVersionId?: string;
  /** `COPY` keeps the source's metadata; `REPLACE` takes this call's. @default - `REPLACE` when metadata options are given, else `COPY` */
  readonly metadataDirective?: 'COPY' | 'REPLACE';
  /** `COPY` keeps the source's tags; `REPLACE` takes `tags`. @default - `REPLACE` when `tags` is given, else `COPY` */
  readonly taggingDirective?: 'COPY' | 'REPLACE';
  /** Conditions on the source. @default - none */
  readonly sourceConditions?: ReadConditions;
  /** The SSE-C key of the source object. @default - none */
  readonly sourceCustomerKey?: Uint8Array;
  /** The id of the source's SSE-C key in the config's `customerKeys` provider. @default - found from the source object */
  readonly sourceCustomerKeyId?: string;
  /** Create only: fail if the destination exists. @default - overwrite */
  readonly ifNoneMatch?: '*';
}

/** What a copy produced. */
export interface CopyResult {
  readonly etag: string;
  readonly versionId?: string;
  readonly sourceVersionId?: string;
  readonly lastModified?: Date;
  readonly checksums: Partial<Record<ChecksumAlgorithmName, string>>;
}

/** Options of a multipart copy, part of {@link CopyOptions}. */
export interface MultipartCopySettings {
  /** `true`: always copy with parallel UploadPartCopy; `false`: never. @default - multipart when the source is larger than 5 GiB */
  readonly multipart?: boolean;
  /** Part size aimed for by a multipart copy; raised as needed to stay within 10,000 parts. @default 64 MiB */
  readonly copyPartSizeBytes?: number;
  /** Parts copied at once by a multipart copy. At most the storage's `concurrency` (the sockets its client pools; more would only wait for one, and the wait counts against `connectionTimeoutMs`). @default - the storage's `concurrency` */
  readonly copyConcurrency?: number;
  /** Attempts per copied part, on top of the SDK's retries. @default 4 */
  readonly maxPartAttempts?: number;
}
