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

/** File-system codes of a path that is not there or cannot be there as named (a file where a directory is wanted). */
const LOCAL_NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);
/** File-system codes of a path this user may not use. */
const LOCAL_ACCESS_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * The exit code for a local file-system error code: {@link EXIT_NOT_FOUND} for a path that is missing or cannot exist
 * as named, {@link EXIT_ACCESS_DENIED} for permission denied or a read-only file system, else undefined (a full disk,
 * an I/O error: a plain failure).
 */
export function localPathExitCode(code: string): number | undefined {
  if (LOCAL_NOT_FOUND_CODES.has(code)) return EXIT_NOT_FOUND;
  if (LOCAL_ACCESS_CODES.has(code)) return EXIT_ACCESS_DENIED;
  return undefined;
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return EXIT_USAGE;
  if (error instanceof IncompleteError) return EXIT_INCOMPLETE;
  if (error instanceof ObjectNotFoundError || error instanceof BucketNotFoundError) return EXIT_NOT_FOUND;
  if (error instanceof AccessDeniedError) return EXIT_ACCESS_DENIED;
  const name = (error as { name?: string })?.name ?? '';
  // A local path (bin/cli/local-path.ts): a missing one, or one a file stands in the way of, is "not found"; an
  // unreadable or unwritable one "access denied" (cp's source or destination, restore's --state-file, ...).
  const code = (error as { code?: unknown })?.code;
  const local = typeof code === 'string' ? localPathExitCode(code) : undefined;
  if (local !== undefined) return local;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // bucketkit/rules' InvalidArgumentError (bad input to a pure function, e.g. the cost estimator) is a usage error too.
  if (name === 'InvalidArgumentError') return EXIT_USAGE;
  if (NOT_FOUND_NAMES.has(name)) return EXIT_NOT_FOUND;
  if (ACCESS_DENIED_NAMES.has(name) || status === 403) return EXIT_ACCESS_DENIED;
  return EXIT_FAILURE;
}
