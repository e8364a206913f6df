/**
 * The CLI's exit codes, one per error class, so scripts can branch on them:
 * 0 ok, 1 failure, 2 usage (a bad argument; usage is printed), 3 not found, 4 access denied, 5 incomplete (a probe
 * that could not tell for some features: a timeout is not a verdict; a wait timeout of an AWS engine).
 */
import { AccessDeniedError, BucketNotFoundError, InvalidArgumentError, ObjectNotFoundError } from '../../lib/storage';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_FOUND = 3;
export const EXIT_ACCESS_DENIED = 4;
/**
 * Incomplete: `bucketkit probe` printed its report but some features are `unknown` (timeout, unrelated failure), or
 * `--batch --wait` / `--engine step-functions` stopped following at `--wait-timeout-minutes` (the work goes on).
 */
export const EXIT_INCOMPLETE = 5;

/** A bad command line: exits {@link EXIT_USAGE} with the command's usage. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Work that goes on where this process stopped following it (`--batch --wait` or `--engine step-functions` at
 * `--wait-timeout-minutes`): exits {@link EXIT_INCOMPLETE}.
 */
export class IncompleteError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'IncompleteError';
  }
}

/** Lambda's and S3's "not found" and "access denied" answers, by error name, for errors that are not StorageErrors. */
const NOT_FOUND_NAMES = new Set(['ResourceNotFoundException', 'NoSuchBucket', 'NoSuchKey', 'NotFound']);
const ACCESS_DENIED_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return EXIT_USAGE;
  if (error instanceof IncompleteError) return EXIT_INCOMPLETE;
  if (error instanceof ObjectNotFoundError || error instanceof BucketNotFoundError) return EXIT_NOT_FOUND;
  if (error instanceof AccessDeniedError) return EXIT_ACCESS_DENIED;
  const name = (error as { name?: string })?.name ?? '';
  // A local file: a missing one is "not found", an unreadable one "access denied" (cp's source or destination).
  const code = (error as { code?: unknown })?.code;
  if (code === 'ENOENT') return EXIT_NOT_FOUND;
  if (code === 'EACCES' || code === 'EPERM') return EXIT_ACCESS_DENIED;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // bucketkit/rules' InvalidArgumentError (bad input to a pure function, e.g. the cost estimator) is a usage error too.
  if (name === 'InvalidArgumentError') return EXIT_USAGE;
  if (NOT_FOUND_NAMES.has(name)) return EXIT_NOT_FOUND;
  if (ACCESS_DENIED_NAMES.has(name) || status === 403) return EXIT_ACCESS_DENIED;
  return EXIT_FAILURE;
}
