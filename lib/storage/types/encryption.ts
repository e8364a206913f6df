import type { ServerSideEncryption } from './objects';

/**
 * Server-side encryption at run time: the shapes of bucket default encryption, verification, audit and re-keying.
 * Facts: https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
 */

/** The encryption types S3 reports, plus `'none'` for an object that reports none (some S3-compatible stores) and `'unknown'` when HEAD failed. */
export type EncryptionType = 'SSE-S3' | 'SSE-KMS' | 'DSSE-KMS' | 'SSE-C' | 'none' | 'unknown';

/**
 * An object's encryption as HEAD reports it, or what was expected, with no key material: an SSE-C key is shown only
 * as the base64 MD5 of its bytes (what S3 itself returns in `x-amz-server-side-encryption-customer-key-MD5`).
 */
export interface EncryptionState {
  readonly type: EncryptionType;
  /** The KMS key (`x-amz-server-side-encryption-aws-kms-key-id`; S3 reports the key ARN). @default - none */
  readonly keyId?: string;
  /** Whether an S3 Bucket Key is in use (`x-amz-server-side-encryption-bucket-key-enabled`). @default - not reported */
  readonly bucketKey?: boolean;
  /** Base64 MD5 of the SSE-C key (never the key). @default - none */
  readonly customerKeyMd5?: string;
}

/** What {@link S3Storage.verifyEncryption} found for one object. */
export interface VerifyEncryptionResult {
  readonly key: string;
  /** The version HEAD reported. */
  readonly versionId?: string;
  /** True when `problems` is empty. */
  readonly ok: boolean;
  readonly actual: EncryptionState;
  readonly expected: EncryptionState;
  /** One sentence per difference, e.g. `type is SSE-S3, expected SSE-KMS`. Empty when `ok`. */
  readonly problems: readonly string[];
  /** Why HEAD failed (`actual.type` is then `'unknown'`); audit only, `verifyEncryption` throws instead. @default - none */
  readonly error?: Error;
}

/** Options of `verifyEncryption`. */
export interface VerifyEncryptionOptions {
  /** @default - the current version */
  readonly versionId?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** Options of `auditEncryption`. */
export interface AuditEncryptionOptions {
  /** Only keys under this prefix. @default - the whole bucket */
  readonly prefix?: string;
  /** What every object should have. */
  readonly expected: ServerSideEncryption;
  /** HEAD requests in flight. At most the storage's `concurrency` (the sockets its client pools; more would only wait for one, and the wait counts against `connectionTimeoutMs`). @default - the config's `concurrency` (8) */
  readonly concurrency?: number;
  /** Keys per ListObjectsV2 page (1-1000); at most this many HEAD answers are held at once. @default 1000 */
  readonly pageSize?: number;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** The bucket's default encryption (GetBucketEncryption). https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html */
export interface BucketEncryption {
  /** `'none'` when the store reports no configuration (moto, some S3-compatible stores; Amazon S3 always has SSE-S3 since 5 Jan 2023). */
  readonly type: 'SSE-S3' | 'SSE-KMS' | 'DSSE-KMS' | 'none';
  /** The KMS key of the default rule. @default - none (the AWS managed key `aws/s3` for SSE-KMS) */
  readonly keyId?: string;
  /** S3 Bucket Key on for new SSE-KMS objects. */
  readonly bucketKey: boolean;
  /**
   * Encryption types the bucket refuses on writes (`BlockedEncryptionTypes`): `['SSE-C']` when SSE-C is blocked (the
   * default for new buckets since April 2026), `['NONE']` when it is allowed.
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html
   * @default - not reported
   */
  readonly blockedEncryptionTypes?: readonly string[];
}

/** What `setBucketEncryption` sets: the default for new objects that carry no encryption headers. SSE-C cannot be a bucket default. */
export interface SetBucketEncryptionInput {
  readonly type: 'SSE-S3' | 'SSE-KMS' | 'DSSE-KMS';
  /** The KMS key (SSE-KMS, DSSE-KMS); prefer the key ARN, since an alias resolves in the requester's account. @default - `aws/s3` */
  readonly keyId?: string;
  /** S3 Bucket Key for SSE-KMS. @default false */
  readonly bucketKey?: boolean;
  /**
   * Allow (`true`: `BlockedEncryptionTypes` `NONE`) or block (`false`: `SSE-C`) SSE-C writes.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
   * @default - not sent (the bucket keeps what the store applies)
   */
  readonly allowSseC?: boolean;
}

/** How `reencrypt` moves an object. */
export type ReencryptMethod = 'copy' | 'update';

/** Options of `reencrypt`. */
export interface ReencryptOptions {
  /** The encryption every object should end up with. */
  readonly to: ServerSideEncryption;
  /**
   * What objects are under now. Required to re-key SSE-C objects (its `key` is the copy-source key); for other types it
   * only filters: an object under another type or key is reported `skipped` with a reason. @default - any SSE-S3/KMS object
   */
  readonly from?: ServerSideEncryption;
  /** Objects in flight. At most the storage's `concurrency` (the sockets its client pools; more would only wait for one, and the wait counts against `connectionTimeoutMs`). @default - the config's `concurrency` (8) */
  readonly concurrency?: number;
  /** Report what would happen and change nothing. @default false */
  readonly dryRun?: boolean;
  /**
   * `'update'`: UpdateObjectEncryption (no data copy; SSE-S3/SSE-KMS source to SSE-KMS with a key ARN, Amazon S3 only),
   * falling back to the copy when the store answers it is not implemented; `'copy'`: CopyObject in place.
   * @default - 'update' on Amazon S3 when it applies, else 'copy'
   */
  readonly method?: ReencryptMethod;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** What `reencrypt` did to one key. */
export interface ReencryptItem {
  readonly key: string;
  /** `reencrypted` (or would be, in a dry run), `skipped` (already under the target, or not under `from`), `failed`. */
  readonly outcome: 'reencrypted' | 'skipped' | 'failed';
  /** `copy`, `multipart-copy` or `update`, for a re-encrypted object. */
  readonly method?: 'copy' | 'multipart-copy' | 'update';
  /** The version the copy created (versioned buckets). */
  readonly versionId?: string;
  readonly before?: EncryptionState;
  /** Why it was skipped or failed. */
  readonly reason?: string;
  /** The error, for `failed`. */
  readonly error?: Error;
}

/** What `reencrypt` did. */
export interface ReencryptResult {
  readonly items: readonly ReencryptItem[];
  readonly reencrypted: number;
  readonly skipped: number;
  readonly failed: number;
  readonly dryRun: boolean;
}
