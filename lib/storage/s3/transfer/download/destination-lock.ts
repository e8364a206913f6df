/**
 * One download at a time per destination file: `<path>.partial.lock`, created exclusively (`O_EXCL`) for the length of
 * a download to `path`. Two downloads to one path (in one process or two) would share `<path>.partial` and its state
 * sidecar, and one of them could rename the other's bytes into place after its own checks passed on its in-memory
 * digests (a fresh-user trial saw a mix of two objects reported as a success). The lock holds the owner's pid and
 * host; a lock whose process is gone (killed mid-download) is taken over, so a resume after a crash still works.
 */
import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { CallerStreamError, ConflictError } from '../../../errors';

/** The suffix of a download's lock file, next to `<path>.partial`. */
export const LOCK_SUFFIX = '.partial.lock';

/** What a lock file holds. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

/** A held lock: {@link release} removes it. */
export interface DestinationLock {
  release(): Promise<void>;
}

/**
 * Takes the lock of a download to `path`.
 * @throws ConflictError (retryable) when another download, in this process or a live one on this host, holds it, or
 *   one on another host (a shared file system: remove `<path>.partial.lock` by hand if that download is gone)
 * @throws CallerStreamError (`field: 'destination'`) when the lock file cannot be created (e.g. the directory is not
 *   writable)
 */
export async function lockDestination(path: string, context: { bucket?: string; key: string }): Promise<DestinationLock> {
  const lockPath = path + LOCK_SUFFIX;
  const me: LockOwner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return { release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new CallerStreamError(`destination: ${lockPath} cannot be created (${code ?? (error as Error).message})`, {
          field: 'destination',
          cause: error,
          ...context,
        });
      }
    }
    const owner = await readOwner(lockPath);
    // Gone in between (the other download finished): try again. A lock of a process that no longer runs on this
    // host (killed mid-download), or one that cannot be read (written by nothing bucketkit knows), is stale.
    if (attempt < 2 && (owner === undefined || (owner !== 'unreadable' && owner.host === me.host && !isAlive(owner.pid)))) {
      if (owner !== undefined) await rm(lockPath, { force: true });
      continue;
    }
    const who =
      owner === undefined || owner === 'unreadable'
        ? 'another download'
        : owner.pid === me.pid && owner.host === me.host
          ? 'another download in this process'
          : `process ${owner.pid} on ${owner.host}`;
    throw new ConflictError(
      `destination: ${path} is being downloaded by ${who} (${lockPath}); two downloads to one file would mix their bytes. Wait for it to finish, or download to another path${owner === 'unreadable' || (owner !== undefined && owner.host !== me.host) ? ` (remove ${lockPath} if that download is gone)` : ''}`,
      { retryable: true, ...context },
    );
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return { pid: parsed.pid, host: parsed.host };
  } catch {
    // Fall through: not a lock bucketkit wrote, or one caught half-written.
  }
  return 'unreadable';
}

/** Whether a process with this pid runs here (`kill(pid, 0)`: EPERM means it runs under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
