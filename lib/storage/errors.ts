/**
 * Errors thrown by `bucketkit/storage`.
 *
 * Every failure surfaces as a {@link StorageError} subclass. The SDK's exceptions are mapped in one place,
 * {@link toStorageError}, from the table {@link S3_ERROR_CODE_MAP} (S3 error code) and
 * {@link HTTP_STATUS_MAP} (HTTP status, for bodiless responses such as HEAD). `docs/errors.md` holds the table.
 */

/**
 * Every value {@link StorageError.code} takes: one per class, stable across releases, so a caller can `switch` on it
 * (or log it) without `instanceof`. `StorageError` itself (a failure with no more specific class) uses `'StorageError'`.
 */
export type StorageErrorCode =
  | 'StorageError'
  | 'InvalidArgument'
  | 'ObjectNotFound'
  | 'BucketNotFound'
  | 'AccessDenied'
  | 'PreconditionFailed'
  | 'NotModified'
  | 'InvalidRange'
  | 'Throttled'
  | 'ServiceError'
  | 'Timeout'
  | 'Conflict'
  | 'InvalidObjectState'
  | 'MultipartUpload'
  | 'Integrity'
  | 'UnsupportedFeature'
  | 'Aborted'
  | 'Unknown'
  | 'CallerStream'
  | 'SocketPoolExhausted'
  | 'AccelerationFallback'
  | 'EncryptionKeyMismatch'
  | 'CustomerKeyProvider'
  | 'HashWorker';

/** Context an S3 failure carries. */
export interface StorageErrorOptions {
  /** The underlying error (the SDK's exception, a network error, ...). */
  readonly cause?: unknown;
  /** S3's error code, e.g. `NoSuchKey`. */
  readonly s3Code?: string;
  /** The HTTP status of the response, when there was one. */
  readonly httpStatus?: number;
  /** S3's `x-amz-request-id`. */
  readonly requestId?: string;
  /** S3's `x-amz-id-2`. */
  readonly extendedRequestId?: string;
  /** Whether the same request may succeed when retried. Defaults to the class's own answer. */
  readonly retryable?: boolean;
  /** The bucket the request was for. */
  readonly bucket?: string;
  /** The object key the request was for. */
  readonly key?: string;
}

/** Base class of every error `bucketkit/storage` throws. */
export class StorageError extends Error {
  /** A stable, library-level code, e.g. `ObjectNotFound`: one per class, see {@link StorageErrorCode}. */
  public readonly code: StorageErrorCode = 'StorageError';
  /** S3's error code, when the error came from S3. */
  public readonly s3Code?: string;
  /** The HTTP status, when the error came from an HTTP response. */
  public readonly httpStatus?: number;
  /** S3's request id, for AWS support. */
  public readonly requestId?: string;
  /** S3's extended request id (`x-amz-id-2`). */
  public readonly extendedRequestId?: string;
  /** Whether retrying the same request may succeed. */
  public readonly retryable: boolean;
  /** The bucket involved, when known. */
  public readonly bucket?: string;
  /** The key involved, when known. */
  public readonly key?: string;

  public constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.s3Code = options.s3Code;
    this.httpStatus = options.httpStatus;
    this.requestId = options.requestId;
    this.extendedRequestId = options.extendedRequestId;
    this.bucket = options.bucket;
    this.key = options.key;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad input: a key, range, option or config value that S3 would reject. Thrown before any request is sent. */
export class InvalidArgumentError extends StorageError {
  public override readonly code = 'InvalidArgument';
  /** The name of the offending field, e.g. `key` or `config.maxAttempts`. */
  public readonly field?: string;
  public constructor(message: string, options: StorageErrorOptions & { field?: string } = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/** The object, or the requested version of it, does not exist (404 NoSuchKey, NoSuchVersion, NotFound). */
export class ObjectNotFoundError extends StorageError {
  public override readonly code = 'ObjectNotFound';
  /** True when the latest version is a delete marker (`x-amz-delete-marker: true`). */
  public readonly deleteMarker?: boolean;
  /** The version id S3 reported, e.g. the delete marker's. */
  public readonly versionId?: string;
  public constructor(message: string, options: StorageErrorOptions & { deleteMarker?: boolean; versionId?: string } = {}) {
    super(message, options);
    this.deleteMarker = options.deleteMarker;
    this.versionId = options.versionId;
  }
}

/** The bucket does not exist (404 NoSuchBucket). */
export class BucketNotFoundError extends StorageError {
  public override readonly code = 'BucketNotFound';
}

/** The caller may not do this (403 AccessDenied and friends). */
export class AccessDeniedError extends StorageError {
  public override readonly code = 'AccessDenied';
}

/** A conditional request's precondition failed (412), e.g. `If-Match` against a changed object. */
export class PreconditionFailedError extends StorageError {
  public override readonly code = 'PreconditionFailed';
}

/** The object has not changed (304), the answer to `If-None-Match` / `If-Modified-Since`. */
export class NotModifiedError extends StorageError {
  public override readonly code = 'NotModified';
}

/** The requested range cannot be satisfied (416 InvalidRange). */
export class InvalidRangeError extends StorageError {
  public override readonly code = 'InvalidRange';
}

/** S3 asked the caller to slow down (503 SlowDown, Throttling). Retryable. */
export class ThrottledError extends StorageError {
  public override readonly code = 'Throttled';
  public constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** S3 failed on its side (500 InternalError, 503 ServiceUnavailable). Retryable. */
export class ServiceError extends StorageError {
  public override readonly code = 'ServiceError';
  public constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** The request or connection timed out (RequestTimeout, socket or client timeouts). Retryable. */
export class TimeoutError extends StorageError {
  public override readonly code = 'Timeout';
  public constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** A conflicting operation is in progress or the state forbids this one (409). */
export class ConflictError extends StorageError {
  public override readonly code = 'Conflict';
}

/** The object is archived and must be restored first (403 InvalidObjectState). */
export class InvalidObjectStateError extends StorageError {
  public override readonly code = 'InvalidObjectState';
  /** The archived object's storage class, when S3 said. */
  public readonly storageClass?: string;
  public constructor(message: string, options: StorageErrorOptions & { storageClass?: string } = {}) {
    super(message, options);
    this.storageClass = options.storageClass;
  }
}

/** A multipart upload failed: the upload is gone (NoSuchUpload), or a part was rejected (EntityTooSmall, InvalidPart, ...). */
export class MultipartUploadError extends StorageError {
  public override readonly code = 'MultipartUpload';
  /** The multipart upload involved. */
  public readonly uploadId?: string;
  /** The part involved, when one is. */
  public readonly partNumber?: number;
  public constructor(message: string, options: StorageErrorOptions & { uploadId?: string; partNumber?: number } = {}) {
    super(message, options);
    this.uploadId = options.uploadId;
    this.partNumber = options.partNumber;
  }
}

/**
 * What an {@link IntegrityError} compared:
 * - `size`: a byte count (a range shorter or longer than asked for, a file of the wrong length);
 * - `md5-etag`: an ETag that should be the MD5 of the bytes (a single PUT, one part of an upload, a plain object read back);
 * - `multipart-etag`: the multipart ETag (`md5(md5(part 1) || ...)-N`) against the one computed from the parts;
 * - `composite-checksum`: a composite flexible checksum (`CRC32`, `CRC32C`, ... `-N`) against the one computed from the parts;
 * - `part-checksum`: one downloaded range against its part's checksum (HEAD `?partNumber` with checksum mode);
 * - `full-object-crc`: a FULL_OBJECT CRC32, CRC32C or CRC64NVME against the ranges' CRCs combined.
 */
export type IntegrityCheck = 'size' | 'md5-etag' | 'multipart-etag' | 'composite-checksum' | 'part-checksum' | 'full-object-crc';

/** Options of {@link IntegrityError}. */
export interface IntegrityErrorOptions extends StorageErrorOptions {
  /** What was compared. */
  readonly check: IntegrityCheck;
  /** The value the bytes should have had: a byte count for `size`, an unquoted ETag or checksum otherwise. */
  readonly expected: string | number;
  /** The value the bytes had. */
  readonly actual: string | number;
  /** The multipart upload involved, when the mismatch was found in one. */
  readonly uploadId?: string;
  /** The part involved, when the mismatch is in one part. */
  readonly partNumber?: number;
}

/**
 * The bytes do not match what they were checked against: a checksum, an ETag or a size. It is thrown by the transfer
 * engine when an upload's stored ETag or composite checksum differs from the one computed from the bytes sent, when
 * a download's bytes hash to something other than the object's ETag, or when a range holds more or fewer bytes than
 * asked for. It is never an S3 error code: the request succeeded, and what it returned or stored is wrong.
 *
 * `check`, `expected` and `actual` say what differed; `uploadId` and `partNumber` say where, in a multipart upload.
 * Not retryable, except where the mismatch may be transient and the same request may succeed: a truncated or
 * over-long range, or a part whose ETag differs from the MD5 of the bytes sent (the part is sent again; the error
 * surfaces once the attempts run out).
 */
export class IntegrityError extends StorageError {
  public override readonly code = 'Integrity';
  /** What was compared. */
  public readonly check: IntegrityCheck;
  /** The value the bytes should have had: a byte count for `size`, an unquoted ETag or checksum otherwise. */
  public readonly expected: string | number;
  /** The value the bytes had. */
  public readonly actual: string | number;
  /** The multipart upload involved, when the mismatch was found in one. */
  public readonly uploadId?: string;
  /** The part involved, when the mismatch is in one part. */
  public readonly partNumber?: number;
  public constructor(message: string, options: IntegrityErrorOptions) {
    super(message, options);
    this.check = options.check;
    this.expected = options.expected;
    this.actual = options.actual;
    this.uploadId = options.uploadId;
    this.partNumber = options.partNumber;
  }
}

/** The target does not implement a feature (501 NotImplemented, or a capability probe said so). */
export class UnsupportedFeatureError extends StorageError {
  public override readonly code = 'UnsupportedFeature';
  /** The feature, e.g. `objectLock` or `sse-c`. */
  public readonly feature: string;
  /** The provider, e.g. `minio`, `ceph-rgw`, `aws`, or `unknown`. */
  public readonly provider: string;
  public constructor(message: string, options: StorageErrorOptions & { feature: string; provider?: string }) {
    super(message, options);
    this.feature = options.feature;
    this.provider = options.provider ?? 'unknown';
  }
}

/** The operation was cancelled through an `AbortSignal`. */
export class AbortedError extends StorageError {
  public override readonly code = 'Aborted';
}

/** Anything that has no specific class maps onto this one, e.g. an unrecognised S3 code. */
export class UnknownStorageError extends StorageError {
  public override readonly code = 'Unknown';
}

/**
 * A stream of the caller's failed while bucketkit was using it, not S3. On the way in (a put body, an upload source):
 * the stream emitted an `'error'` or was destroyed before it ended, a stream given a `contentLength` ended short of it
 * or ran past it, or a `{ filePath }` body could no longer be read (deleted or truncated after it was checked). On the
 * way out (a download into a `Writable`): the destination errored or was destroyed. The request in flight is aborted
 * at once, so nothing was stored from a failed body (a multipart upload is aborted as after any other failure).
 * `cause` is the stream's own error, when it had one; `field` names the input (`body`, `body.filePath`,
 * `contentLength`, `source`, `destination`). Not retryable: the stream is spent; retry with a fresh one.
 */
export class CallerStreamError extends StorageError {
  public override readonly code = 'CallerStream';
  /** The stream that failed: `body`, `body.filePath`, `contentLength`, `source` or `destination`. */
  public readonly field: string;
  public constructor(message: string, options: StorageErrorOptions & { field: string }) {
    super(message, options);
    this.field = options.field;
  }
}

/** A GetObject body that holds a pooled socket because nobody has read it to the end or destroyed it. */
export interface HeldBody {
  /** The object key the body belongs to. */
  readonly key: string;
  /** How long ago the response arrived, in ms. */
  readonly ageMs: number;
}

/**
 * A request could not get a connection because every socket of the client's keep-alive pool (`config.concurrency`
 * of them, per host) is held by a response body (a `get()` result's `body`) that was never read to the end nor
 * destroyed. A socket goes back to the pool only when its body is consumed, so waiting or retrying cannot help: read
 * each body (`for await`, `pipe`, `getBuffer()`), call `body.destroy()` on the ones you do not need, or raise
 * `config.concurrency`. Thrown after one `connectionTimeoutMs` in place of the SDK's "did not establish a connection"
 * `TimeoutError`, which names the wrong cause. `heldBodies` lists the bodies (oldest first), `maxSockets` the pool
 * size. Not retryable. A process warning with code `BUCKETKIT_SOCKET_POOL_EXHAUSTED` is emitted once per process when
 * a request has waited behind such a pool for 1 s.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
export class SocketPoolExhaustedError extends StorageError {
  public override readonly code = 'SocketPoolExhausted';
  /** The bodies holding the sockets, oldest first. */
  public readonly heldBodies: readonly HeldBody[];
  /** The size of the pool (`config.concurrency`). */
  public readonly maxSockets: number;
  public constructor(message: string, options: StorageErrorOptions & { heldBodies: readonly HeldBody[]; maxSockets: number }) {
    super(message, { ...options, retryable: false });
    this.heldBodies = options.heldBodies;
    this.maxSockets = options.maxSockets;
  }
}

/**
 * A request to the S3 Transfer Acceleration endpoint failed in a way that calls for the regional endpoint
 * (`InvalidRequest`: acceleration not configured on the bucket, or a DNS or connection error), but its body is a
 * one-shot stream that was already handed to the failed request, so it cannot be replayed there. Send the data as a
 * `{ filePath }` or a Buffer, which can be sent again, or set `accelerate: 'off'`. The accelerate endpoint is in its
 * cool-down after this error, so a retry goes to the regional endpoint. `cause` is the accelerated request's error;
 * `reason` says what failed. Retryable with a fresh body.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 */
export class AccelerationFallbackError extends StorageError {
  public override readonly code = 'AccelerationFallback';
  /** Why the accelerated request failed, e.g. `ECONNREFUSED` or `InvalidRequest: S3 Transfer Acceleration is not configured`. */
  public readonly reason: string;
  public constructor(message: string, options: StorageErrorOptions & { reason: string }) {
    super(message, { ...options, retryable: options.retryable ?? true });
    this.reason = options.reason;
  }
}

/**
 * The SSE-C key a `CustomerKeyProvider` gives for an object is not the key the object was written with: the MD5 that
 * bucketkit stored in the object's `bk-sse-c-key-md5` metadata (or in a resumable upload's state) differs from the MD5
 * of the key the provider returns for that key id now, or no key id the provider offers opens the object (S3 answers
 * 403 to each). The message names key ids only, never a key. Not retryable: give the provider the original key for
 * `keyId`. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 */
export class EncryptionKeyMismatchError extends StorageError {
  public override readonly code = 'EncryptionKeyMismatch';
  /** The key id the object (or upload) was written with, when known (its `bk-sse-c-key-id`). */
  public readonly keyId?: string;
  /** The key ids tried, in order. */
  public readonly keyIdsTried: readonly string[];
  public constructor(message: string, options: StorageErrorOptions & { keyId?: string; keyIdsTried?: readonly string[] } = {}) {
    super(message, { ...options, retryable: false });
    this.keyId = options.keyId;
    this.keyIdsTried = options.keyIdsTried ?? [];
  }
}

/**
 * A `CustomerKeyProvider` failed for `keyId`: it threw (the provider's error is the `cause`), returned something that
 * is not a 32-byte key, or did not settle within the operation's `requestTimeoutMs`. Nothing was sent with that key.
 * Retryable when the provider threw or timed out, not for a wrong-length key. The message names the key id, never a key.
 */
export class CustomerKeyProviderError extends StorageError {
  public override readonly code = 'CustomerKeyProvider';
  /** The key id asked for. */
  public readonly keyId: string;
  public constructor(message: string, options: StorageErrorOptions & { keyId: string }) {
    super(message, options);
    this.keyId = options.keyId;
  }
}

/**
 * A hash worker (see `hashWorkers` in the config) died, or the pool was shut down by `destroy()`, while it held a
 * hash: the hash is failed with this instead of hanging. Retryable: the pool starts a new worker on the next hash.
 */
export class HashWorkerError extends StorageError {
  public override readonly code = 'HashWorker';
  public constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}
