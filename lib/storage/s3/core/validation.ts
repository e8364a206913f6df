import { CHECKSUM_ALGORITHMS, isChecksumAlgorithm } from '../../../rules/checksums';
import { WRITABLE_STORAGE_CLASSES, isWritableStorageClass, storageClassInfo } from '../../../rules/storage-classes';
import { checkObjectKey, checkObjectTags, checkUserMetadata } from '../../../rules/object';
import { checkBucketName } from '../../../rules/bucket-name';
import { MAX_LIST_PAGE_SIZE, MAX_PARTS, MAX_SINGLE_PUT_SIZE_BYTES } from '../../../rules/limits';
import { RuleProblem } from '../../../rules/problem';
import { InvalidArgumentError } from '../../errors';
import type { ByteRange, CopyOptions, GetOptions, HeadOptions, ListOptions, MfaToken, PutOptions, ServerSideEncryption } from '../../types/objects';

/**
 * Input validation, run before any request: bad input throws {@link InvalidArgumentError} naming the field,
 * and nothing is sent.
 */

const CANNED_ACLS = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);
/** SSE-C keys are 256-bit AES keys. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html */
export const SSE_C_KEY_LENGTH_BYTES = 32;

function throwIf(field: string, problems: readonly RuleProblem[]): void {
  if (problems.length > 0) {
    throw new InvalidArgumentError(`${field}: ${problems.map((p) => `${p.message} (${p.fix})`).join('; ')}`, { field });
  }
}

function invalid(field: string, message: string): never {
  throw new InvalidArgumentError(`${field}: ${message}`, { field });
}

/** Throws unless `key` is a valid object key. */
export function assertKey(key: string, field = 'key'): void {
  throwIf(field, checkObjectKey(key));
}

function assertNonNegativeInteger(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) invalid(field, `must be a non-negative integer, got ${String(value)}`);
}

/** Throws unless `range` is `{ start, end }` with 0 <= start <= end, `{ start }`, or `{ suffixLength > 0 }`. */
export function assertRange(range: ByteRange, field = 'range'): void {
  if (typeof range !== 'object' || range === null) invalid(field, 'must be { start, end }, { start } or { suffixLength }');
  if ('suffixLength' in range) {
    if ('start' in range) invalid(field, 'takes either start or suffixLength, not both');
    assertNonNegativeInteger(`${field}.suffixLength`, range.suffixLength);
    if (range.suffixLength === 0) invalid(`${field}.suffixLength`, 'must be at least 1: S3 answers an empty suffix range with 416');
    return;
  }
  assertNonNegativeInteger(`${field}.start`, (range as { start: unknown }).start);
  if ('end' in range) {
    assertNonNegativeInteger(`${field}.end`, range.end);
    if (range.end < range.start) invalid(field, `end (${range.end}) must not be less than start (${range.start})`);
  }
}

/** The `Range` header for a valid range. */
export function rangeHeader(range: ByteRange): string {
  if ('suffixLength' in range) return `bytes=-${range.suffixLength}`;
  return 'end' in range ? `bytes=${range.start}-${range.end}` : `bytes=${range.start}-`;
}

/** An options argument must be an object: `null` from a JavaScript caller gets a typed error, not a TypeError. */
function assertObject(field: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) invalid(field, `must be an object, got ${value === null ? 'null' : typeof value}`);
}

function assertDate(field: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) invalid(field, 'must be a valid Date');
}

function assertNonEmptyString(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) invalid(field, 'must be a non-empty string');
}

/** KMS key ids, ARNs and aliases: what an SSE-C key id must not look like. */
const KMS_KEY_ID_PATTERN = /^(arn:aws[\w-]*:kms:|alias\/|[0-9a-f]{8}-[0-9a-f]{4}-|mrk-)/i;

/**
 * Validates server-side encryption options; never echoes key material. SSE-C takes `key` (32 bytes) and no KMS key
 * id; SSE-S3 takes nothing; SSE-KMS and DSSE-KMS take `keyId` (or the deprecated `kmsKeyId`), `context` and, for
 * SSE-KMS, `bucketKey`. https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
 * @throws InvalidArgumentError naming the field
 */
export function assertEncryption(encryption: ServerSideEncryption | undefined, field = 'encryption'): void {
  if (encryption === undefined) return;
  if (typeof encryption !== 'object' || encryption === null) invalid(field, "must be { type: 'SSE-S3' | 'SSE-KMS' | 'DSSE-KMS' | 'SSE-C', ... }");
  const any = encryption as unknown as Record<string, unknown>;
  const kmsFields = ['keyId', 'kmsKeyId', 'bucketKey', 'bucketKeyEnabled', 'context'] as const;
  switch (encryption.type) {
    case 'SSE-S3':
      for (const f of [...kmsFields, 'key', 'customerKey']) if (any[f] !== undefined) invalid(`${field}.${f}`, 'SSE-S3 takes no key or options');
      return;
    case 'SSE-KMS':
    case 'DSSE-KMS':
      for (const f of ['key', 'customerKey'])
        if (any[f] !== undefined) invalid(`${field}.${f}`, `${encryption.type} uses a KMS key id (keyId), not a customer key`);
      for (const f of ['keyId', 'kmsKeyId'] as const) if (any[f] !== undefined) assertNonEmptyString(`${field}.${f}`, any[f]);
      if (any.keyId !== undefined && any.kmsKeyId !== undefined && any.keyId !== any.kmsKeyId)
        invalid(`${field}.keyId`, 'keyId and kmsKeyId differ: give keyId only');
      for (const f of ['bucketKey', 'bucketKeyEnabled'] as const) {
        if (any[f] === undefined) continue;
        if (encryption.type === 'DSSE-KMS') invalid(`${field}.${f}`, 'S3 Bucket Keys do not apply to DSSE-KMS');
        if (typeof any[f] !== 'boolean') invalid(`${field}.${f}`, 'must be a boolean');
      }
      if (
        encryption.context !== undefined &&
        (typeof encryption.context !== 'object' || encryption.context === null || Object.values(encryption.context).some((v) => typeof v !== 'string'))
      ) {
        invalid(`${field}.context`, 'must map strings to strings');
      }
      return;
    case 'SSE-C': {
      if (any.keyProvider !== undefined) {
        for (const f of ['key', 'customerKey']) if (any[f] !== undefined) invalid(`${field}.${f}`, 'give either key or keyProvider + keyId, not both');
        assertKeyProvider(any.keyProvider, `${field}.keyProvider`);
        if (any.keyId === undefined) invalid(`${field}.keyId`, 'is required with keyProvider: the id of the key to write with');
        assertCustomerKeyId(any.keyId, `${field}.keyId`);
      }
      for (const f of kmsFields) {
        if (any[f] === undefined || (f === 'keyId' && any.keyProvider !== undefined)) continue;
        const hint = typeof any[f] === 'string' && KMS_KEY_ID_PATTERN.test(any[f]) ? ' (that is a KMS key id: use SSE-KMS for KMS keys)' : '';
        invalid(`${field}.${f}`, `SSE-C takes a 32-byte customer key (key), not a KMS key or KMS options${hint}`);
      }
      if (any.keyProvider !== undefined) return;
      if (any.key !== undefined && any.customerKey !== undefined) invalid(`${field}.key`, 'give key only (customerKey is its deprecated name)');
      assertCustomerKey(any.key ?? any.customerKey, `${field}.${any.key === undefined && any.customerKey !== undefined ? 'customerKey' : 'key'}`);
      return;
    }
    default:
      invalid(`${field}.type`, "must be 'SSE-S3', 'SSE-KMS', 'DSSE-KMS' or 'SSE-C'");
  }
}

/** An SSE-C key id: printable ASCII without spaces, as it travels in the `x-amz-meta-bk-sse-c-key-id` header. */
const CUSTOMER_KEY_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Throws unless `keyId` is 1-128 printable ASCII characters without spaces (an S3 user-metadata header value). */
export function assertCustomerKeyId(keyId: unknown, field = 'customerKeyId'): asserts keyId is string {
  if (typeof keyId !== 'string' || !CUSTOMER_KEY_ID_PATTERN.test(keyId))
    invalid(
      field,
      `must be a key id of 1-128 printable ASCII characters without spaces, got ${typeof keyId === 'string' ? JSON.stringify(keyId.slice(0, 140)) : typeof keyId}`,
    );
}

/** Throws unless `provider` has a `getKey` function (and `keyIds`, when given, is a function). */
export function assertKeyProvider(provider: unknown, field = 'keyProvider'): void {
  const p = provider as { getKey?: unknown; keyIds?: unknown } | null;
  if (typeof p !== 'object' || p === null || typeof p.getKey !== 'function' || (p.keyIds !== undefined && typeof p.keyIds !== 'function'))
    invalid(field, 'must be a CustomerKeyProvider: { getKey(keyId, { abortSignal }), keyIds?() }');
}

/** Throws unless the SSE-C key is 32 bytes. The message states the length only. */
export function assertCustomerKey(key: unknown, field = 'customerKey'): void {
  if (!(key instanceof Uint8Array) || key.length !== SSE_C_KEY_LENGTH_BYTES) {
    const length = key instanceof Uint8Array ? `${key.length} bytes` : typeof key;
    invalid(field, `must be a ${SSE_C_KEY_LENGTH_BYTES}-byte (256-bit) key as a Buffer or Uint8Array, got ${length}`);
  }
}

function assertReadConditions(options: HeadOptions, prefix = ''): void {
  assertObject(prefix ? prefix.slice(0, -1) : 'options', options);
  if (options.ifMatch !== undefined) assertNonEmptyString(`${prefix}ifMatch`, options.ifMatch);
  if (options.ifNoneMatch !== undefined) assertNonEmptyString(`${prefix}ifNoneMatch`, options.ifNoneMatch);
  if (options.ifModifiedSince !== undefined) assertDate(`${prefix}ifModifiedSince`, options.ifModifiedSince);
  if (options.ifUnmodifiedSince !== undefined) assertDate(`${prefix}ifUnmodifiedSince`, options.ifUnmodifiedSince);
}

/** Validates HEAD and GET options. */
export function assertReadOptions(options: GetOptions): void {
  assertReadConditions(options);
  if (options.versionId !== undefined) assertNonEmptyString('versionId', options.versionId);
  if (options.versionId !== undefined && options.ifNoneMatch !== undefined) {
    // A version never changes: If-None-Match on a pinned version is always 304 or never, so it is a mistake.
    invalid('ifNoneMatch', 'cannot be combined with versionId: a version never changes, so read it or not; use ifNoneMatch on the latest version');
  }
  if (options.partNumber !== undefined) {
    if (!Number.isInteger(options.partNumber) || options.partNumber < 1 || options.partNumber > MAX_PARTS)
      invalid('partNumber', `must be an integer from 1 to ${MAX_PARTS}`);
    if (options.range !== undefined) invalid('partNumber', 'cannot be combined with range');
  }
  if (options.range !== undefined) assertRange(options.range);
  if (options.customerKey !== undefined) assertCustomerKey(options.customerKey);
  if (options.customerKeyId !== undefined) assertCustomerKeyId(options.customerKeyId);
  if (options.customerKey !== undefined && options.customerKeyId !== undefined) invalid('customerKeyId', 'give customerKey or customerKeyId, not both');
}

/**
 * Throws InvalidArgumentError naming `storageClass` unless it is a class a write to a general purpose bucket takes:
 * EXPRESS_ONEZONE is for directory buckets only (S3 answers InvalidStorageClass), and bucketkit writes to general
 * purpose buckets. https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-buckets-overview.html
 */
export function assertStorageClass(storageClass: unknown): void {
  if (storageClass === undefined) return;
  if (typeof storageClass === 'string' && storageClassInfo(storageClass)?.directoryBucketOnly)
    invalid('storageClass', `${storageClass} is for directory buckets (S3 Express One Zone) only, not general purpose buckets`);
  if (typeof storageClass !== 'string' || !isWritableStorageClass(storageClass))
    invalid('storageClass', `must be one of ${WRITABLE_STORAGE_CLASSES.join(', ')}`);
}

/** Validates the metadata-like options shared by put and copy. */
export function assertWriteOptions(options: Omit<PutOptions, 'contentLength'> | CopyOptions): void {
  assertObject('options', options);
  if (options.metadata !== undefined) throwIf('metadata', checkUserMetadata(options.metadata));
  if (options.tags !== undefined) throwIf('tags', checkObjectTags(options.tags));
  if (options.acl !== undefined && !CANNED_ACLS.has(options.acl)) invalid('acl', `must be one of ${[...CANNED_ACLS].join(', ')}`);
  assertStorageClass(options.storageClass);
  if (options.checksumAlgorithm !== undefined && !isChecksumAlgorithm(options.checksumAlgorithm))
    invalid('checksumAlgorithm', `must be one of ${[...CHECKSUM_ALGORITHMS].join(', ')}`);
  if (options.expires !== undefined) assertDate('expires', options.expires);
  if (options.objectLockMode !== undefined && options.objectLockMode !== 'GOVERNANCE' && options.objectLockMode !== 'COMPLIANCE')
    invalid('objectLockMode', "must be 'GOVERNANCE' or 'COMPLIANCE'");
  if ((options.objectLockMode === undefined) !== (options.objectLockRetainUntil === undefined)) {
    invalid('objectLockMode', 'objectLockMode and objectLockRetainUntil go together: S3 rejects one without the other');
  }
  if (options.objectLockRetainUntil !== undefined) {
    assertDate('objectLockRetainUntil', options.objectLockRetainUntil);
    if (options.objectLockRetainUntil.getTime() <= Date.now()) invalid('objectLockRetainUntil', 'must be in the future');
  }
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== '*')
    invalid('ifNoneMatch', "must be '*' (create only); S3 supports no other value on writes");
  for (const field of ['contentType', 'cacheControl', 'contentDisposition', 'contentEncoding', 'contentLanguage', 'websiteRedirectLocation'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'string' || !/^[\t\x20-\x7e]*$/.test(value))) invalid(field, 'must be printable US-ASCII text');
  }
  assertEncryption(options.encryption);
}

/** Validates put options. */
export function assertPutOptions(options: PutOptions): void {
  assertWriteOptions(options);
  if (options.ifMatch !== undefined) assertNonEmptyString('ifMatch', options.ifMatch);
  if (options.contentLength !== undefined) {
    assertNonNegativeInteger('contentLength', options.contentLength);
    assertSinglePutSize(options.contentLength, 'contentLength');
  }
}

/** Throws when a single-request write would exceed S3's 5 GiB limit. */
export function assertSinglePutSize(size: number, field: string): void {
  if (size > MAX_SINGLE_PUT_SIZE_BYTES) {
    invalid(field, `is ${size} bytes; a single PutObject takes at most ${MAX_SINGLE_PUT_SIZE_BYTES} bytes (5 GiB): use upload(), which switches to multipart`);
  }
}

/** Validates copy options. */
export function assertCopyOptions(options: CopyOptions): void {
  assertWriteOptions(options);
  if (options.sourceBucket !== undefined) {
    // The same rules as config.bucket: a name S3 would refuse (or a typo) is told here, not by the store's 400 or 404.
    if (typeof options.sourceBucket !== 'string' || options.sourceBucket.length === 0) invalid('sourceBucket', 'must be a non-empty bucket name');
    const problems = checkBucketName(options.sourceBucket);
    if (problems.length > 0) invalid('sourceBucket', `${problems.map((p) => p.message).join('; ')} (got "${options.sourceBucket}")`);
  }
  if (options.sourceVersionId !== undefined) assertNonEmptyString('sourceVersionId', options.sourceVersionId);
  if (options.metadataDirective !== undefined && options.metadataDirective !== 'COPY' && options.metadataDirective !== 'REPLACE')
    invalid('metadataDirective', "must be 'COPY' or 'REPLACE'");
  if (options.taggingDirective !== undefined && options.taggingDirective !== 'COPY' && options.taggingDirective !== 'REPLACE')
    invalid('taggingDirective', "must be 'COPY' or 'REPLACE'");
  if (options.sourceConditions !== undefined) assertReadConditions(options.sourceConditions, 'sourceConditions.');
  if (options.sourceCustomerKey !== undefined) assertCustomerKey(options.sourceCustomerKey, 'sourceCustomerKey');
  if (options.sourceCustomerKeyId !== undefined) assertCustomerKeyId(options.sourceCustomerKeyId, 'sourceCustomerKeyId');
}

/** Validates list options. */
export function assertListOptions(options: ListOptions): void {
  assertObject('options', options);
  if (options.pageSize !== undefined && (!Number.isInteger(options.pageSize) || options.pageSize < 1 || options.pageSize > MAX_LIST_PAGE_SIZE)) {
    invalid('pageSize', `must be an integer from 1 to ${MAX_LIST_PAGE_SIZE}`);
  }
  for (const field of ['prefix', 'delimiter', 'startAfter'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'string') invalid(field, 'must be a string');
  }
  if (options.prefix) throwIf('prefix', checkObjectKey(options.prefix));
}

/** `x-amz-mfa`: a device serial or ARN (no spaces), one space, a 6-digit code. https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html */
const MFA_PATTERN = /^(\S+) (\d{6})$/;

/**
 * Validates an MFA option and returns the `x-amz-mfa` value: `'<serial> <6-digit code>'`, or `{ serial, code }`.
 * S3 accepts `x-amz-mfa` over HTTPS only, so a plain-http `endpoint` is refused too.
 * @throws InvalidArgumentError naming `mfa` (the code itself is never echoed)
 */
export function mfaHeader(mfa: MfaToken | undefined, endpoint?: string): string | undefined {
  if (mfa === undefined) return undefined;
  let header: string;
  if (typeof mfa === 'string') {
    if (!MFA_PATTERN.test(mfa)) invalid('mfa', "must be '<device serial or ARN> <6-digit code>': the serial, one space, the code shown by the device");
    header = mfa;
  } else {
    if (typeof mfa !== 'object' || mfa === null) invalid('mfa', "must be '<serial> <code>' or { serial, code }");
    if (typeof mfa.serial !== 'string' || mfa.serial.length === 0 || /\s/.test(mfa.serial))
      invalid('mfa.serial', 'must be the MFA device serial number or ARN, without spaces');
    if (typeof mfa.code !== 'string' || !/^\d{6}$/.test(mfa.code)) invalid('mfa.code', 'must be the 6-digit code shown by the MFA device');
    header = `${mfa.serial} ${mfa.code}`;
  }
  if (endpoint !== undefined && endpoint.startsWith('http:')) {
    invalid('mfa', `S3 accepts x-amz-mfa over HTTPS only; the endpoint ${endpoint} is plain http`);
  }
  return header;
}
