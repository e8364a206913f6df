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
import type { Writable } from 'node:stream';
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
  const target = await resolveTarget(ctx, key, options);
  const path = filePathOf(destination);
  if (path !== undefined) return downloadToFile(ctx, key, path, target, options);
  if (isWritable(destination)) return downloadToWritable(ctx, key, destination, target, options);
  throw new InvalidArgumentError('destination: must be a file path, { filePath } or a Writable', { field: 'destination' });
}

/** The numeric options must be positive integers (`retryBaseDelayMs` may be 0). */
function assertDownloadOptions(options: DownloadOptions): void {
  for (const field of ['rangeSizeBytes', 'concurrency', 'maxRangeAttempts', 'retryBaseDelayMs'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < (field === 'retryBaseDelayMs' ? 0 : 1))) {
      throw new InvalidArgumentError(`${field}: must be a positive integer (got ${String(value)})`, { field });
    }
  }
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
