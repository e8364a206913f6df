/**
 * CreateMultipartUpload without orphans. A Create whose answer is lost (a reset or truncation after S3 created the
 * upload, a timeout) is retried by the SDK or by bucketkit; S3 then creates a second upload, and the first one's id
 * is never seen: it stays open, holding nothing but counting as an incomplete upload until a lifecycle rule
 * (AbortIncompleteMultipartUpload) or an explicit abort removes it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
 *
 * The rule, which never touches another writer's upload except in one narrow race:
 * 1. Just before the Create, the open uploads of exactly this key are listed (ListMultipartUploads, `Prefix` = the
 *    key, then filtered to `Key` === the key): the snapshot.
 * 2. When any Create attempt may have lost its answer (the SDK retried it, `$metadata.attempts` > 1, or an attempt
 *    failed), the open uploads of the key are listed again once the Create settled, and every upload that is in the
 *    new list but not in the snapshot, and is not the one the transfer goes on with, is aborted. Nothing is adopted:
 *    an upload that is not provably this call's own is never written to.
 * 3. Uploads of other keys, and uploads of this key that were open before the Create, are never touched. Another
 *    writer that creates an upload of the same key while this Create is retried would see its upload aborted
 *    (its next UploadPart or Complete fails with NoSuchUpload: loud, nothing mixed or lost).
 *
 * Times are not used: moto reports the same `Initiated` date for every upload, and clocks may differ.
 * The snapshot costs one ListMultipartUploads per upload. When it is refused (a role without
 * s3:ListBucketMultipartUploads), it is not asked for again on that client and the recovery is off; an upload lost
 * then is left to the bucket's lifecycle rule, as before.
 */
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type CreateMultipartUploadCommandInput,
  type CreateMultipartUploadCommandOutput,
} from '@aws-sdk/client-s3';
import { AccessDeniedError, MultipartUploadError, StorageError } from '../../../errors';
import type { S3Context } from '../../core/context';
import { withRetry } from './control';
import { abortUpload } from './uploads-admin';

/** Pages of ListMultipartUploads read at most for one key (1,000 uploads a page). */
const MAX_LIST_PAGES = 10;
/** Attempts of each listing and abort of the recovery, on top of the SDK's own. */
const RECOVERY_ATTEMPTS = 3;

/** Clients whose credentials may not list uploads: the snapshot is not asked for again. */
const listingRefused = new WeakSet<object>();

/** What {@link createMultipartUpload} did about uploads whose Create answer was lost. */
export interface CreateUploadOutcome {
  readonly output: CreateMultipartUploadCommandOutput;
  /** Upload ids of this key that a lost Create answer left open, aborted here. */
  readonly abortedLost: readonly string[];
}

/** Options of {@link createMultipartUpload}. */
export interface CreateUploadOptions {
  /** bucketkit's attempts of the Create, on top of the SDK's (the transfer's part attempts). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Cancels the back-off between attempts and the recovery's listing; a Create in flight is not cancelled. */
  readonly signal?: AbortSignal;
}

/**
 * CreateMultipartUpload with retries, aborting any upload of the same key that a lost answer left open (the rule in
 * this file's header). Resolves with the Create's output once it has an `UploadId`.
 * @throws the Create's last error (after the recovery ran), or MultipartUploadError when S3 returned no UploadId
 */
export async function createMultipartUpload(
  ctx: S3Context,
  input: CreateMultipartUploadCommandInput,
  options: CreateUploadOptions,
): Promise<CreateUploadOutcome> {
  const key = input.Key!;
  const before = await snapshot(ctx, key);
  let mayHaveLost = false;
  let output: CreateMultipartUploadCommandOutput;
  try {
    output = await withRetry(
      async () => {
        // Not cancelled mid-request: a Create whose answer is cut off leaves an upload nobody knows the id of.
        const out = await ctx.send(new CreateMultipartUploadCommand(input), { key });
        if ((out.$metadata?.attempts ?? 1) > 1) mayHaveLost = true;
        return out;
      },
      { maxAttempts: options.maxAttempts, baseDelayMs: options.baseDelayMs, signal: options.signal, onRetry: () => (mayHaveLost = true) },
    );
  } catch (error) {
    if (before !== undefined && (mayHaveLost || mayHaveCreated(error))) await abortLost(ctx, key, before, undefined);
    throw error;
  }
  if (!output.UploadId) {
    if (before !== undefined) await abortLost(ctx, key, before, undefined);
    throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: ctx.bucket, key });
  }
  const abortedLost = mayHaveLost && before !== undefined ? await abortLost(ctx, key, before, output.UploadId) : [];
  return { output, abortedLost };
}

/** False only for an answer from the store that refused the Create (4xx): anything else may have created an upload. */
function mayHaveCreated(error: unknown): boolean {
  return !(error instanceof StorageError && error.httpStatus !== undefined && error.httpStatus >= 400 && error.httpStatus < 500);
}

/** The upload ids open for exactly `key` now; undefined when they cannot be listed (then there is no recovery). */
async function snapshot(ctx: S3Context, key: string): Promise<Set<string> | undefined> {
  if (listingRefused.has(ctx.client)) return undefined;
  try {
    return await openUploadsOf(ctx, key);
  } catch (error) {
    if (error instanceof AccessDeniedError) listingRefused.add(ctx.client);
    return undefined;
  }
}

/** Aborts the uploads of `key` that were not open before the Create and are not `keep`; returns their ids. Never throws. */
async function abortLost(ctx: S3Context, key: string, before: ReadonlySet<string>, keep: string | undefined): Promise<string[]> {
  let now: Set<string>;
  try {
    now = await withRetry(() => openUploadsOf(ctx, key), { maxAttempts: RECOVERY_ATTEMPTS, baseDelayMs: 100 });
  } catch {
    return [];
  }
  const lost = [...now].filter((id) => !before.has(id) && id !== keep);
  const aborted: string[] = [];
  for (const uploadId of lost) {
    try {
      await withRetry(() => abortUpload(ctx, key, uploadId), { maxAttempts: RECOVERY_ATTEMPTS, baseDelayMs: 100 });
      aborted.push(uploadId);
    } catch (error) {
      // Gone already (completed or aborted by its owner) is as good as aborted.
      if (error instanceof MultipartUploadError && (error.s3Code === 'NoSuchUpload' || error.httpStatus === 404)) aborted.push(uploadId);
    }
  }
  return aborted;
}

/** Every upload id ListMultipartUploads shows for exactly `key`. */
async function openUploadsOf(ctx: S3Context, key: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const out = await ctx.send(
      new ListMultipartUploadsCommand({
        Bucket: ctx.bucket,
        Prefix: key,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
        RequestPayer: ctx.requestPayer,
      }),
      { key },
    );
    for (const u of out.Uploads ?? []) if (u.Key === key && u.UploadId) ids.add(u.UploadId);
    if (!out.IsTruncated || !out.NextKeyMarker) break;
    // Past the key: nothing further can be an upload of it.
    if (out.NextKeyMarker > key) break;
    keyMarker = out.NextKeyMarker;
    uploadIdMarker = out.NextUploadIdMarker;
  }
  return ids;
}
