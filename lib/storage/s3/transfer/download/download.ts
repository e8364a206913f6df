/**
 * The download engine: parallel ranged GETs pinned to the object's ETag with `If-Match`, so an object that changes
 * mid-way fails with `PreconditionFailedError` instead of mixing versions.
 *
 * - target.ts: HEAD, and the range layout (the object's parts when they can be told, so the multipart ETag can be checked).
 * - range.ts: one ranged GET with retries, and the loop that runs them with bounded concurrency.
 * - to-file.ts (with resume-state.ts): positional writes into `<path>.partial`, resumable, renamed after the checks.
 * - to-writable.ts: in order, through a reorder buffer of at most `2 x concurrency` ranges.
 * - verify.ts: the bytes received against the ETag.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { MAX_PART_SIZE_BYTES } from '../../../../rules/limits';
import { InvalidArgumentError } from '../../../errors';
import type { DownloadDestination, DownloadOptions, DownloadResult } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { assertKey } from '../../core/validation';
import { resolveTarget } from './target';
import { downloadToFile } from './to-file';
import { downloadToWritable } from './to-writable';

/** `ctx.download`: see {@link DownloadOptions}. */
export async function downloadObject(ctx: S3Context, key: string, destination: DownloadDestination, options: DownloadOptions = {}): Promise<DownloadResult> {
  assertKey(key);
  assertDownloadOptions(options);
  const path = filePathOf(destination);
  if (path !== undefined) await assertFileDestination(path);
  else if (!isWritable(destination)) throw new InvalidArgumentError('destination: must be a file path, { filePath } or a Writable', { field: 'destination' });
  const target = await resolveTarget(ctx, key, options);
  if (path !== undefined) return downloadToFile(ctx, key, path, target, options);
  return downloadToWritable(ctx, key, destination as Writable, target, options);
}

/**
 * The numeric options must be positive integers (`retryBaseDelayMs` may be 0); a range is held in memory and can
 * follow a part only up to S3's largest part, so `rangeSizeBytes` is at most 5 GiB
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
 */
function assertDownloadOptions(options: DownloadOptions): void {
  for (const field of ['rangeSizeBytes', 'concurrency', 'maxRangeAttempts', 'retryBaseDelayMs'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < (field === 'retryBaseDelayMs' ? 0 : 1))) {
      throw new InvalidArgumentError(`${field}: must be a positive integer (got ${String(value)})`, { field });
    }
  }
  if (options.rangeSizeBytes !== undefined && options.rangeSizeBytes > MAX_PART_SIZE_BYTES) {
    throw new InvalidArgumentError(
      `rangeSizeBytes: at most ${MAX_PART_SIZE_BYTES} (5 GiB, S3's largest part; each range is held in memory) (got ${options.rangeSizeBytes})`,
      { field: 'rangeSizeBytes' },
    );
  }
}

/**
 * A file destination must be a path to a file in a directory that exists, checked before any request: a directory
 * (or a path ending in a separator) is refused, and so is a missing parent directory (the CLI creates it; the library
 * does not write outside what exists).
 * @throws InvalidArgumentError (field `destination`)
 */
async function assertFileDestination(path: string): Promise<void> {
  const refuse = (why: string) => new InvalidArgumentError(`destination: ${path} ${why}`, { field: 'destination' });
  if (path === '' || path.endsWith(sep) || path.endsWith('/')) throw refuse('is a directory path; give the path of a file');
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) throw refuse('is a directory; give the path of a file');
  const parent = dirname(resolve(path));
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(parent)).isDirectory();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw refuse(code === 'ENOENT' ? `cannot be written: the directory ${parent} does not exist` : `cannot be written: ${parent}: ${code ?? message}`);
  }
  if (!isDirectory) throw refuse(`cannot be written: ${parent} is not a directory`);
}

/** The path of a file destination (a string or `{ filePath }`), else undefined. */
function filePathOf(destination: DownloadDestination): string | undefined {
  if (typeof destination === 'string') return destination;
  if (typeof destination === 'object' && destination !== null && typeof (destination as { filePath?: unknown }).filePath === 'string') {
    return (destination as { filePath: string }).filePath;
  }
  return undefined;
}

function isWritable(destination: DownloadDestination): destination is Writable {
  return typeof destination === 'object' && destination !== null && typeof (destination as Writable).write === 'function';
}
