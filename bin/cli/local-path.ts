/**
 * Local files the CLI reads or writes (cp's source and destination, its `.partial` and state sidecars, restore's
 * `--state-file`, cost's `--template`): a file-system error becomes one line that names the path as the user gave it
 * and the problem in words (`./big.bin/: ./big.bin is a file, not a directory`), never Node's raw
 * `EEXIST: file already exists, mkdir 'big.bin'`. Exit codes as documented: 3 for a path that is not there or cannot
 * be (missing, a path component that is a file, a directory where a file is wanted), 4 for permission denied, 1 for
 * anything else (a full disk, an I/O error).
 */
import { statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve, relative, isAbsolute, sep } from 'node:path';
import { CallerStreamError } from '../../lib/storage';

/** A local path the CLI cannot use; its exit code follows `code` ({@link localPathExitCode} in exit-codes.ts). */
export class LocalPathError extends Error {
  /**
   * @param path - the path as the user gave it
   * @param problem - what is wrong, in words
   * @param code - the file-system error code (`ENOTDIR`, `EACCES`, ...)
   * @param options - `what`: the option that named the path (`--state-file`), printed first; `cause`: the error
   */
  public constructor(
    public readonly path: string,
    public readonly problem: string,
    public readonly code: string,
    options: { what?: string; cause?: unknown } = {},
  ) {
    super(`${options.what ? `${options.what}: ` : ''}${path}: ${problem}`, { cause: options.cause });
    this.name = 'LocalPathError';
  }
}

/** A Node file-system error: a system error code (`E...`) and the path it was about (network errors have no path). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string; path: string } {
  const e = error as { code?: unknown; path?: unknown } | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.path === 'string';
}

/** The first ancestor of `path` (or `path` itself) that exists and is not a directory, if any. */
function fileInTheWay(path: string): string | undefined {
  let found: string | undefined;
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) found = p;
    } catch {
      // not there (or not reachable): look higher
    }
    if (dirname(p) === p) return found;
  }
}

/** `absolute` as the user would write it: relative to the working directory when under it. */
function shown(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? `.${sep}${rel}` : absolute;
}

/** The problem of a file-system error, in words; `failedPath` is the path the system call was about. */
function problemOf(code: string, failedPath: string, syscall: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return syscall === 'open' || syscall === 'stat' || syscall === 'lstat' ? 'no such file' : 'no such file or directory';
    case 'ENOTDIR':
    case 'EEXIST': {
      // mkdir answers EEXIST for a file where a directory should be made; ENOTDIR for one higher up.
      const file = fileInTheWay(failedPath);
      return file === undefined ? `${code === 'EEXIST' ? 'already exists' : 'not a directory'}` : `${shown(file)} is a file, not a directory`;
    }
    case 'EISDIR':
      return `${shown(resolve(failedPath))} is a directory, not a file`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${shown(resolve(failedPath))})`;
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return `${code}${syscall ? ` (${syscall})` : ''}`;
  }
}

/**
 * The {@link LocalPathError} for a file-system error about `userPath` (or a file the CLI makes beside it); any other
 * error is returned as it is.
 * @param userPath - the path as the user gave it, e.g. `./big.bin/`
 * @param what - the option that named it, e.g. `--state-file` @default - none (an argument such as cp's `<dst>`)
 */
export function localPathError(error: unknown, userPath: string, what?: string): unknown {
  if (error instanceof LocalPathError) return error;
  // The library reports a destination file it cannot open or rename as CallerStreamError (field `destination`),
  // with the file-system error as its cause.
  const fsError = isFileSystemError(error)
    ? error
    : error instanceof CallerStreamError && error.field === 'destination' && isFileSystemError(error.cause)
      ? error.cause
      : undefined;
  if (fsError === undefined) return error;
  return new LocalPathError(userPath, problemOf(fsError.code, fsError.path, fsError.syscall), fsError.code, { what, cause: error });
}

/** Runs `fn`; a file-system error it throws becomes a {@link LocalPathError} naming `userPath` (see {@link localPathError}). */
export async function withLocalPath<T>(userPath: string, fn: () => Promise<T>, what?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw localPathError(error, userPath, what);
  }
}

/**
 * `mkdir -p`: makes `dir` and its missing parents, one `mkdir` each from the nearest existing ancestor down; resolves
 * with the first directory made (undefined when none was missing), as `mkdir(dir, { recursive: true })` does. Not
 * that call itself: Node's recursive mkdir never returns on procfs (`mkdir('/proc/nope', { recursive: true })` spins
 * at full CPU; `bucketkit cp s3://b/k /proc/nope/x` hung), where one plain `mkdir` fails with ENOENT at once.
 * @throws the file-system error of the first `mkdir` that fails
 */
export async function makeDirectories(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    const found = await stat(p).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      return undefined;
    });
    // A file where a directory is wanted: the plain mkdir of the first level raises what the recursive one did
    // (EEXIST for the file itself, ENOTDIR below it).
    if (found !== undefined && !found.isDirectory()) await mkdir(missing[0] ?? resolve(dir));
    if (found !== undefined || dirname(p) === p) break;
    missing.unshift(p);
  }
  for (const p of missing) {
    await mkdir(p).catch((error: NodeJS.ErrnoException) => {
      // Made meanwhile by another process: fine, as with mkdir -p.
      if (error.code !== 'EEXIST' || !statSync(p).isDirectory()) throw error;
    });
  }
  return missing[0];
}
