import {
  AbortedError,
  AccessDeniedError,
  BucketNotFoundError,
  ConflictError,
  InvalidArgumentError,
  InvalidObjectStateError,
  InvalidRangeError,
  MultipartUploadError,
  NotModifiedError,
  ObjectNotFoundError,
  PreconditionFailedError,
  ServiceError,
  StorageError,
  StorageErrorOptions,
  ThrottledError,
  TimeoutError,
  UnknownStorageError,
  UnsupportedFeatureError,
} from '../../errors';

/** What a request was about, added to the mapped error. */
export interface ErrorContext {
  readonly bucket?: string;
  readonly key?: string;
  readonly uploadId?: string;
  readonly partNumber?: number;
  readonly provider?: string;
  readonly feature?: string;
  /**
   * The request carried SSE-C headers: `'write'` for a write with the destination key (PutObject, CopyObject,
   * CreateMultipartUpload, UploadPart, ...), `'read'` for GET/HEAD or a copy-source key only. Set by the session
   * from the command ({@link sseCUseOf}), so a 403 is explained without matching message text.
   */
  readonly sseC?: 'read' | 'write';
  /** The caller's signal: a cancellation's message carries the reason given to `abort(reason)`. */
  readonly abortSignal?: AbortSignal;
}

const SSE_C_READS = new Set(['GetObjectCommand', 'HeadObjectCommand', 'GetObjectAttributesCommand']);

/** Whether a command sends SSE-C headers, and as a read or a write (see {@link ErrorContext.sseC}). */
export function sseCUseOf(command: { readonly input?: unknown }): 'read' | 'write' | undefined {
  const input = (command.input ?? {}) as { SSECustomerKey?: unknown; CopySourceSSECustomerKey?: unknown };
  if (input.SSECustomerKey !== undefined) return SSE_C_READS.has(command.constructor.name) ? 'read' : 'write';
  return input.CopySourceSSECustomerKey !== undefined ? 'read' : undefined;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html */
export const SSE_C_BLOCKED_HINT =
  ' (SSE-C writes are blocked on this bucket: since April 2026 Amazon S3 blocks SSE-C on new buckets by default. Opt the bucket in with ' +
  "storage.setBucketEncryption({ type: 'SSE-S3', allowSseC: true }) (BlockedEncryptionTypes NONE), or StorageBucket's allowSseC: true; " +
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html)';
/** S3 answers 403 to an SSE-C read whose key is not the one the object was written with. */
export const SSE_C_WRONG_KEY_HINT = ' (an SSE-C object answers 403 when the key sent is not the one it was written with)';

function sseCHint(s3Code: string | undefined, httpStatus: number | undefined, context: ErrorContext): string {
  if (context.sseC === undefined || httpStatus !== 403 || (s3Code !== undefined && s3Code !== 'AccessDenied' && s3Code !== 'Forbidden')) return '';
  return context.sseC === 'write' ? SSE_C_BLOCKED_HINT : SSE_C_WRONG_KEY_HINT;
}

type Factory = (message: string, options: StorageErrorOptions, context: ErrorContext, extra: ResponseExtras) => StorageError;

interface ResponseExtras {
  readonly deleteMarker?: boolean;
  readonly versionId?: string;
  readonly storageClass?: string;
}

const notFound: Factory = (m, o, _c, x) => new ObjectNotFoundError(m, { ...o, deleteMarker: x.deleteMarker, versionId: x.versionId });
const multipart: Factory = (m, o, c) => new MultipartUploadError(m, { ...o, uploadId: c.uploadId, partNumber: c.partNumber });
const unsupported: Factory = (m, o, c) => new UnsupportedFeatureError(m, { ...o, feature: c.feature ?? 'unknown', provider: c.provider });

/**
 * S3 error code -> error class. The one place where S3's codes are interpreted.
 * Codes from https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 */
export const S3_ERROR_CODE_MAP: Readonly<Record<string, Factory>> = {
  NoSuchKey: notFound,
  NoSuchVersion: notFound,
  NotFound: notFound,
  NoSuchBucket: (m, o) => new BucketNotFoundError(m, o),
  AccessDenied: (m, o) => new AccessDeniedError(m, o),
  Forbidden: (m, o) => new AccessDeniedError(m, o),
  AllAccessDisabled: (m, o) => new AccessDeniedError(m, o),
  AccountProblem: (m, o) => new AccessDeniedError(m, o),
  InvalidAccessKeyId: (m, o) => new AccessDeniedError(m, o),
  SignatureDoesNotMatch: (m, o) => new AccessDeniedError(m, o),
  PreconditionFailed: (m, o) => new PreconditionFailedError(m, o),
  NotModified: (m, o) => new NotModifiedError(m, o),
  InvalidRange: (m, o) => new InvalidRangeError(m, o),
  RequestedRangeNotSatisfiable: (m, o) => new InvalidRangeError(m, o),
  SlowDown: (m, o) => new ThrottledError(m, o),
  Throttling: (m, o) => new ThrottledError(m, o),
  ThrottlingException: (m, o) => new ThrottledError(m, o),
  RequestLimitExceeded: (m, o) => new ThrottledError(m, o),
  TooManyRequests: (m, o) => new ThrottledError(m, o),
  InternalError: (m, o) => new ServiceError(m, o),
  ServiceUnavailable: (m, o) => new ServiceError(m, o),
  RequestTimeout: (m, o) => new TimeoutError(m, o),
  RequestTimeTooSkewed: (m, o) => new AccessDeniedError(m, o),
  NoSuchUpload: multipart,
  EntityTooSmall: multipart,
  EntityTooLarge: multipart,
  InvalidPart: multipart,
  InvalidPartOrder: multipart,
  NotImplemented: unsupported,
  XNotImplemented: unsupported,
  // MinIO: a TopicConfiguration or LambdaFunctionConfiguration (it notifies only its own configured targets).
  UnsupportedNotification: unsupported,
  InvalidArgument: (m, o) => new InvalidArgumentError(m, o),
  InvalidRequest: (m, o) => new InvalidArgumentError(m, o),
  InvalidBucketName: (m, o) => new InvalidArgumentError(m, o),
  KeyTooLongError: (m, o) => new InvalidArgumentError(m, o),
  MetadataTooLarge: (m, o) => new InvalidArgumentError(m, o),
  InvalidStorageClass: (m, o) => new InvalidArgumentError(m, o),
  InvalidTag: (m, o) => new InvalidArgumentError(m, o),
  MalformedXML: (m, o) => new InvalidArgumentError(m, o),
  InvalidDigest: (m, o) => new InvalidArgumentError(m, o),
  BadDigest: (m, o) => new InvalidArgumentError(m, o),
  InvalidObjectState: (m, o, _c, x) => new InvalidObjectStateError(m, { ...o, storageClass: x.storageClass }),
  ConditionalRequestConflict: (m, o) => new ConflictError(m, { ...o, retryable: true }),
  OperationAborted: (m, o) => new ConflictError(m, { ...o, retryable: true }),
  BucketAlreadyExists: (m, o) => new ConflictError(m, o),
  BucketAlreadyOwnedByYou: (m, o) => new ConflictError(m, o),
  BucketNotEmpty: (m, o) => new ConflictError(m, o),
  RestoreAlreadyInProgress: (m, o) => new ConflictError(m, o),
  // 403 to a copy (or other read) of an object in GLACIER / DEEP_ARCHIVE that is not restored: the object's state, not a permission.
  ObjectNotInActiveTierError: (m, o, _c, x) => new InvalidObjectStateError(m, { ...o, storageClass: x.storageClass }),
  // 503 to an Expedited restore when there is no Expedited capacity: not throttling (slowing down does not help); the archive code falls back to Standard.
  GlacierExpeditedRetrievalNotAvailable: (m, o) => new ServiceError(m, o),
  AbortError: (m, o) => new AbortedError(m, o),
  TimeoutError: (m, o) => new TimeoutError(m, o),
};

/** HTTP status -> error class, for responses without an error code (HEAD has no body). */
export const HTTP_STATUS_MAP: Readonly<Record<number, Factory>> = {
  304: (m, o) => new NotModifiedError(m, o),
  400: (m, o) => new InvalidArgumentError(m, o),
  403: (m, o) => new AccessDeniedError(m, o),
  404: notFound,
  409: (m, o) => new ConflictError(m, o),
  412: (m, o) => new PreconditionFailedError(m, o),
  416: (m, o) => new InvalidRangeError(m, o),
  429: (m, o) => new ThrottledError(m, o),
  500: (m, o) => new ServiceError(m, o),
  501: unsupported,
  502: (m, o) => new ServiceError(m, o),
  503: (m, o) => new ThrottledError(m, o),
  504: (m, o) => new ServiceError(m, o),
};

/** Node network error codes that mean "try again". */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  StorageClass?: string;
}

/**
 * Maps anything thrown by the SDK (or the network beneath it) to a {@link StorageError}.
 * A `StorageError` passes through unchanged.
 */
export function toStorageError(error: unknown, context: ErrorContext = {}): StorageError {
  if (error instanceof StorageError) return error;
  let e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  // The SDK's retry layer wraps an error from another realm (a VM context, a test runner) as a plain Error
  // whose message keeps the original's name: recover that name so it still maps.
  const wrapped = e.name === 'Error' && e.message ? /^AWS SDK error wrapper for (\w+)/.exec(e.message) : null;
  if (wrapped) {
    // The wrapper keeps only the message: a network code in it (…: write ECONNRESET) is recovered too.
    const networkCode = /\b(E[A-Z]{4,}|UND_ERR_SOCKET)\b/.exec(e.message!.slice(wrapped[0].length))?.[1];
    e = { ...e, name: wrapped[1], message: e.message, code: e.code ?? networkCode };
  }
  const httpStatus = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const headers = e.$response?.headers ?? {};
  dropRawBody(e);
  // The SDK names bodiless errors after the status ("NotFound", "Unknown", "403"); a real S3 code wins.
  const s3Code = e.Code ?? (e.name && e.name !== 'Error' && e.name !== 'Unknown' && !/^\d+$/.test(e.name) ? e.name : undefined);
  const options: StorageErrorOptions = {
    cause: error,
    s3Code,
    httpStatus,
    requestId: e.$metadata?.requestId ?? headers['x-amz-request-id'],
    extendedRequestId: e.$metadata?.extendedRequestId ?? headers['x-amz-id-2'],
    bucket: context.bucket,
    key: context.key,
  };
  const extras: ResponseExtras = {
    deleteMarker: headers['x-amz-delete-marker'] === 'true' ? true : undefined,
    versionId: headers['x-amz-version-id'],
    storageClass: e.StorageClass,
  };
  const message = describe(e, s3Code, httpStatus, context);

  // A request about a multipart upload that answers "no such key" means the upload is gone (Ceph RGW answers
  // NoSuchKey where S3 answers NoSuchUpload).
  if (context.uploadId !== undefined && httpStatus === 404 && (s3Code === undefined || s3Code === 'NoSuchKey' || s3Code === 'NotFound')) {
    return multipart(message, options, context, extras);
  }
  // GET/HEAD of a delete marker by its version id: S3 answers 405 MethodNotAllowed with x-amz-delete-marker: true.
  // There is no object at that version: ObjectNotFoundError with deleteMarker. (moto answers 404 NoSuchVersion.)
  if (httpStatus === 405 && extras.deleteMarker) return new ObjectNotFoundError(message, { ...options, deleteMarker: true, versionId: extras.versionId });
  // The SDK's HTTP handler names a reset or broken connection (ECONNRESET, EPIPE) "TimeoutError" too; nothing timed
  // out, so it is the retryable network error it is, not a TimeoutError (whose timeouts are documented and real).
  if (s3Code === 'TimeoutError' && e.code !== undefined && e.code !== 'ETIMEDOUT' && RETRYABLE_NETWORK_CODES.has(e.code)) {
    return new ServiceError(describe(e, undefined, httpStatus, context), { ...options, s3Code: undefined, retryable: true });
  }
  const byCode = s3Code ? S3_ERROR_CODE_MAP[s3Code] : undefined;
  if (byCode) return byCode(message, options, context, extras);
  const byStatus = httpStatus !== undefined ? HTTP_STATUS_MAP[httpStatus] : undefined;
  if (byStatus) return byStatus(message, options, context, extras);
  if (e.code && RETRYABLE_NETWORK_CODES.has(e.code)) {
    return new ServiceError(message, { ...options, s3Code: undefined, retryable: true });
  }
  const retryable = e.$retryable !== undefined || e.$fault === 'server';
  return new UnknownStorageError(message, { ...options, retryable });
}

/**
 * Drops the raw body from the SDK error's hidden `$response` (the cause kept on every StorageError): that
 * IncomingMessage reaches the socket and the ClientRequest, whose header text holds the SSE-C key and the session
 * token, and `util.inspect(error, { showHidden: true })` or `console.log('%o', error)` would print them. The SDK
 * has read the body already; status and headers stay.
 */
function dropRawBody(e: SdkErrorShape): void {
  const response = e.$response as { body?: unknown } | undefined;
  if (typeof response !== 'object' || response === null || response.body === undefined) return;
  try {
    response.body = undefined;
  } catch {
    // A frozen response keeps its body; nothing else to do.
  }
}

function describe(e: SdkErrorShape, s3Code: string | undefined, httpStatus: number | undefined, context: ErrorContext): string {
  const target = [context.bucket, context.key].filter((p) => p !== undefined).join('/');
  const what = [s3Code ?? e.code, httpStatus ? `HTTP ${httpStatus}` : undefined].filter(Boolean).join(', ');
  const detail = e.message && e.message !== s3Code && e.message !== 'UnknownError' ? `: ${e.message}` : '';
  return `${what || 'S3 request failed'}${target ? ` (${target})` : ''}${detail}${hintFor(s3Code, e.message)}${sseCHint(s3Code, httpStatus, context)}${abortReason(s3Code, context)}`;
}

/** The reason the caller gave `abort(reason)`, for a cancelled request (not the default "This operation was aborted"). */
function abortReason(s3Code: string | undefined, context: ErrorContext): string {
  const signal = context.abortSignal;
  if (s3Code !== 'AbortError' || !signal?.aborted) return '';
  const reason: unknown = signal.reason;
  if (reason === undefined || (typeof reason === 'object' && reason !== null && (reason as Error).name === 'AbortError')) return '';
  return `; cancelled by the caller: ${reason instanceof Error || (typeof reason === 'object' && reason !== null && 'message' in reason) ? (reason as Error).message : String(reason)}`;
}

/**
 * What to do about an error whose S3 code alone does not say it. MFA delete: S3 answers 403 AccessDenied ("Mfa
 * Authentication must be used for this request") to a versioned delete or a versioning change without `x-amz-mfa`,
 * and fails a whole DeleteObjects batch when any entry needs it; 400 InvalidArgument for a malformed header.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
 */
export function hintFor(s3Code: string | undefined, message: string | undefined): string {
  if (!message || !/\bmfa\b/i.test(message)) return '';
  if (s3Code === 'AccessDenied') {
    return ' (the bucket has MFA delete: deleting a version, or changing versioning, needs mfa: "<serial> <6-digit code>" over HTTPS; in a DeleteObjects batch one such entry fails the whole batch, so every key in it is reported failed)';
  }
  if (s3Code === 'InvalidArgument') return ' (x-amz-mfa must be "<device serial or ARN> <6-digit code>", one space between)';
  return '';
}
