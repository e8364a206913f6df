/**
 * The handlers' error policy, in one place.
 *
 * - A bad event is a {@link ValidationError} (an `InvalidArgumentError` naming the field), raised before any S3
 *   request, and returned as a failure result: retrying the same event cannot help.
 * - A retryable `StorageError` (throttling, 5xx, timeouts: `error.retryable`) is rethrown, so that Lambda's own retry
 *   (asynchronous invokes: up to 2 more attempts), Step Functions or the caller tries again.
 * - A permanent `StorageError` (access denied, no such key, a changed source, ...) is returned as a failure result.
 * - Anything else is a bug and is rethrown, so Lambda reports it as a function error.
 *
 * For S3 Batch Operations the same split gives `TemporaryFailure` (retried by the job) and `PermanentFailure`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html
 */
import { InvalidArgumentError, StorageError } from 'bucketkit/storage';

/** A field of an invocation event is missing or malformed. `field` is its path, e.g. `continuation.uploadId`. */
export class ValidationError extends InvalidArgumentError {
  public constructor(field: string, problem: string) {
    super(`${field}: ${problem}`, { field });
    this.name = 'ValidationError';
  }
}

/** The failure result a handler returns (never throws) for a bad event or a permanent storage error. */
export interface FailureResult {
  readonly status: 'Failed';
  /** `ValidationError`, or the `StorageError` subclass name, e.g. `ObjectNotFoundError`. */
  readonly errorType: string;
  /** What went wrong; never contains credentials or customer keys. */
  readonly errorMessage: string;
  /** The offending event field, for a `ValidationError` or an `InvalidArgumentError`. */
  readonly field?: string;
  /** S3's error code, when S3 answered. */
  readonly s3Code?: string;
  /** S3's request id, for AWS support. */
  readonly s3RequestId?: string;
}

/** What to do with an error: `retry` (rethrow / TemporaryFailure) or `fail` (a failure result / PermanentFailure). */
export type ErrorDisposition = 'retry' | 'fail' | 'bug';

/** Classifies an error per the policy above. */
export function dispositionOf(error: unknown): ErrorDisposition {
  if (error instanceof StorageError) return error.retryable ? 'retry' : 'fail';
  return 'bug';
}

/** The failure result for a `ValidationError` or a permanent `StorageError`. */
export function failureResult(error: StorageError): FailureResult {
  return {
    status: 'Failed',
    errorType: error.name,
    errorMessage: error.message,
    field: error instanceof InvalidArgumentError ? error.field : undefined,
    s3Code: error.s3Code,
    s3RequestId: error.requestId,
  };
}
