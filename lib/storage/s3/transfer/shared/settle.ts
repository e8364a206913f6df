/**
 * Telling the truth after a write whose outcome is unknown: a CompleteMultipartUpload (or PutObject) that was
 * cancelled mid-request, or retried after a lost answer, may have stored the object. These helpers find out which,
 * so that a transfer never reports an abort that did not happen, and resolves when the object was committed.
 *
 * AbortMultipartUpload of an upload that was completed answers 404 `NoSuchUpload`; an abort may have to be repeated
 * while parts are still in flight: https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
 */
import { HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithmName } from '../../../../rules/checksums';
import { MultipartUploadError, ObjectNotFoundError } from '../../../errors';
import type { S3Context } from '../../core/context';
import type { SseCustomerInput } from '../../core/encryption';
import { checksumsOf, normalizeEtag } from '../../core/mapping';
import { etagIsMd5Based, unquoteEtag } from './checksums';
import { withRetry } from './control';
import { abortUpload, listUploadedParts } from './uploads-admin';

/** What an AbortMultipartUpload did: aborted the upload, found it gone (completed, or aborted by someone else), or failed. */
export type AbortOutcome = { readonly kind: 'aborted' } | { readonly kind: 'gone' } | { readonly kind: 'failed'; readonly error: unknown };

/** Aborts tried at most, when the upload is still listed after an abort. */
const MAX_ABORTS = 3;
/** Wait between them. */
const ABORT_RECHECK_DELAY_MS = 100;
/**
 * Attempts of each AbortMultipartUpload and confirming ListParts that fails transiently (a reset, a 5xx, throttling),
 * on top of the SDK's own: a client built with `maxAttempts: 1`, or a keep-alive socket the server closed as the
 * abort was sent, must not turn a failed transfer into an orphaned upload.
 */
const ABORT_REQUEST_ATTEMPTS = 4;
/** Back-off base of those attempts (full jitter, doubling). */
const ABORT_RETRY_BASE_DELAY_MS = 100;

/**
 * AbortMultipartUpload, without the caller's signal (it has usually fired), reporting what happened instead of hiding
 * it. A part still in flight on the server when the abort lands may outlive it ("it might be necessary to abort a
 * given multipart upload multiple times"), so the abort is confirmed with ListParts and repeated while the upload is
 * there. Each request is retried on its own when it fails transiently ({@link isRetryable}).
 */
export async function tryAbortUpload(ctx: S3Context, key: string, uploadId: string): Promise<AbortOutcome> {
  const retry = { maxAttempts: ABORT_REQUEST_ATTEMPTS, baseDelayMs: ABORT_RETRY_BASE_DELAY_MS };
  for (let attempt = 1; ; attempt++) {
    try {
      await withRetry(() => abortUpload(ctx, key, uploadId), retry);
    } catch (error) {
      if (isGone(error)) return { kind: attempt === 1 ? 'gone' : 'aborted' };
      return { kind: 'failed', error };
    }
    // Still listed: abort again. Gone: done. Unknown after the retries (the listing keeps failing): the abort itself
    // was answered, which is what S3 documents as the abort.
    const stillThere = await withRetry(() => listUploadedParts(ctx, key, uploadId), retry).then(
      () => true,
      () => false,
    );
    if (!stillThere || attempt >= MAX_ABORTS) return { kind: 'aborted' };
    await new Promise((resolve) => setTimeout(resolve, ABORT_RECHECK_DELAY_MS));
  }
}

function isGone(error: unknown): boolean {
  return error instanceof MultipartUploadError && (error.s3Code === 'NoSuchUpload' || error.httpStatus === 404);
}

/** The words that say what an abort did, for the end of an error message. */
export function abortSuffix(uploadId: string, outcome: AbortOutcome): string {
  if (outcome.kind === 'aborted') return `; upload ${uploadId} was aborted`;
  if (outcome.kind === 'gone') return `; upload ${uploadId} no longer exists (NoSuchUpload)`;
  const reason = (outcome.error as Error)?.message ?? String(outcome.error);
  return `; upload ${uploadId} could not be aborted (${reason}) and may still be open: remove it with abortIncompleteUploads()`;
}

/** What the object written should look like: its ETag (when MD5-based) and/or a flexible checksum. */
export interface ExpectedObject {
  /** Unquoted: a plain MD5 (PutObject) or a multipart ETag `<md5>-<parts>`. */
  readonly etag?: string;
  /** A checksum S3 reports with `x-amz-checksum-mode: ENABLED`: composite (`<base64>-<parts>`) or full-object. */
  readonly checksum?: { readonly algorithm: ChecksumAlgorithmName; readonly value: string };
}

/** Whether the object now at `key` is the one expected: `yes` (with its HEAD), `no`, or `unknown` (cannot be told). */
export type StoredVerdict =
  | { readonly stored: 'yes'; readonly head: HeadObjectCommandOutput; readonly by: 'etag' | 'checksum' }
  | { readonly stored: 'no' }
  | { readonly stored: 'unknown'; readonly reason: string };

/**
 * HEADs `key` (without the caller's signal) and compares it with what the write would have stored: the ETag when the
 * object's encryption keeps it MD5-based, else the flexible checksum when S3 reports one.
 */
export async function checkStored(ctx: S3Context, key: string, expected: ExpectedObject, sseC: SseCustomerInput = {}): Promise<StoredVerdict> {
  let head: HeadObjectCommandOutput;
  try {
    head = await ctx.send(
      new HeadObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        RequestPayer: ctx.requestPayer,
        ChecksumMode: expected.checksum ? 'ENABLED' : undefined,
        ...sseC,
      }),
      { key },
    );
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return { stored: 'no' };
    return { stored: 'unknown', reason: `HEAD ${key} failed: ${(error as Error)?.message ?? String(error)}` };
  }
  if (expected.etag !== undefined && etagIsMd5Based(head.ServerSideEncryption, head.SSECustomerAlgorithm)) {
    return unquoteEtag(head.ETag) === expected.etag ? { stored: 'yes', head, by: 'etag' } : { stored: 'no' };
  }
  const reported = expected.checksum ? checksumsOf(head)[expected.checksum.algorithm] : undefined;
  if (expected.checksum && reported) return reported === expected.checksum.value ? { stored: 'yes', head, by: 'checksum' } : { stored: 'no' };
  return { stored: 'unknown', reason: `${key}'s ETag is not MD5-based and no checksum to compare was reported` };
}

/** The words for an outcome that cannot be told, for the end of an error message. */
export function mayBeStoredSuffix(key: string, reason: string): string {
  return `; the object may be stored (${reason}): check with head('${key}')`;
}

/** The quoted ETag and version of a HEAD, for a result. */
export function storedIdentity(head: HeadObjectCommandOutput): { etag: string; versionId?: string } {
  return { etag: normalizeEtag(head.ETag), versionId: head.VersionId };
}
