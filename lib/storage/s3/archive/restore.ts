import { HeadObjectCommand, RestoreObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import {
  checkRestoreRequest,
  DEFAULT_RESTORE_TIER,
  isIntelligentTieringArchived,
  parseRestoreHeader,
  restoreExpiryFor,
  restoreStateOf,
} from '../../../rules/restore';
import { isArchiveClass, type RestoreTier } from '../../../rules/storage-classes';
import { InvalidArgumentError, StorageError, UnsupportedFeatureError } from '../../errors';
import type { ObjectRestoreStatus, RestoreOptions, RestoreResult, RestoreStatusOptions } from '../../types/archive';
import type { S3Context } from '../core/context';
import type { SseCustomerInput } from '../core/encryption';
import { assertKey } from '../core/validation';

/** S3 error codes that mean "this object needs no restore". */
const NOT_ARCHIVED_CODES = new Set(['InvalidObjectState', 'ObjectAlreadyInActiveTierError']);

/** Throws InvalidArgumentError naming the field for every problem {@link checkRestoreRequest} finds. */
export function assertRestoreRequest(input: Parameters<typeof checkRestoreRequest>[0]): void {
  const [first, ...rest] = checkRestoreRequest(input);
  if (first) {
    const more = rest.length > 0 ? `; ${rest.map((p) => `${p.field}: ${p.message}`).join('; ')}` : '';
    throw new InvalidArgumentError(`${first.field}: ${first.message}${more}`, { field: first.field });
  }
}

/** Throws UnsupportedFeatureError, before any request, when the compatibility profile says the store has no RestoreObject. */
export async function assertRestoreSupported(ctx: S3Context): Promise<void> {
  const profile = await ctx.compatibilityProfile();
  if (profile?.unsupported.has('restoreObject')) {
    throw new UnsupportedFeatureError(
      `RestoreObject is not supported by this ${profile.provider} endpoint (${profile.source === 'probe' ? 'observed by a capability probe' : 'fixed profile'})`,
      {
        feature: 'restoreObject',
        provider: profile.provider,
      },
    );
  }
}

/** HEAD of one object, raw (the restore headers unparsed). */
export function headRaw(
  ctx: S3Context,
  key: string,
  versionId: string | undefined,
  abortSignal?: AbortSignal,
  sseC: SseCustomerInput = {},
): Promise<HeadObjectCommandOutput> {
  return ctx.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: versionId, RequestPayer: ctx.requestPayer, ...sseC }), { key, abortSignal });
}

/** The restore status of an object from its HEAD answer. */
export function statusFromHead(key: string, head: HeadObjectCommandOutput, now = new Date()): ObjectRestoreStatus {
  const storageClass = head.StorageClass ?? 'STANDARD';
  const state = restoreStateOf({ storageClass, restore: head.Restore, archiveStatus: head.ArchiveStatus, now });
  const expiresAt = state === 'restored' ? parseRestoreHeader(head.Restore)?.expiresAt : undefined;
  return { key, state, storageClass, expiresAt, archiveStatus: head.ArchiveStatus, versionId: head.VersionId };
}

/**
 * The restore status of one object (one HEAD).
 * @throws InvalidArgumentError for a bad key; ObjectNotFoundError; UnsupportedFeatureError when the profile has no restore
 */
export async function restoreStatus(ctx: S3Context, key: string, options: RestoreStatusOptions = {}): Promise<ObjectRestoreStatus> {
  assertKey(key);
  await assertRestoreSupported(ctx);
  return statusFromHead(key, await headRaw(ctx, key, options.versionId, options.abortSignal));
}

/** The S3 error code of a 503 to an Expedited restore when no Expedited capacity is left. */
export const EXPEDITED_UNAVAILABLE_CODE = 'GlacierExpeditedRetrievalNotAvailable';

const EXPEDITED_UNAVAILABLE_IS_FINAL = { step: 'deserialize', priority: 'high', name: 'bucketkitExpeditedUnavailableIsFinal' } as const;

/**
 * Per-command middleware (inside the SDK's retry loop): a 503 GlacierExpeditedRetrievalNotAvailable is not a passing
 * fault that the SDK should retry up to `maxAttempts` times with backoff, since the fallback is a Standard restore,
 * which bucketkit sends at once. The SDK treats every 500/502/503/504 in `$metadata.httpStatusCode` as transient,
 * so that field is cleared on this one error; `$response.statusCode` keeps the 503 for error mapping.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html (Special errors)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const expeditedUnavailableIsFinal = (next: (args: any) => Promise<any>) => async (args: unknown) => {
  try {
    return await next(args);
  } catch (error) {
    const e = error as { name?: string; Code?: string; $metadata?: Record<string, unknown> };
    if (e?.name === EXPEDITED_UNAVAILABLE_CODE || e?.Code === EXPEDITED_UNAVAILABLE_CODE) e.$metadata = { ...e.$metadata, httpStatusCode: undefined };
    throw error;
  }
};

/** What {@link sendRestore} sends: the object, and the request, already validated. */
export interface RestoreSend {
  readonly key: string;
  readonly versionId?: string;
  readonly days?: number;
  readonly tier: RestoreTier;
  readonly storageClass: string;
  readonly fallbackToStandard?: boolean;
  readonly abortSignal?: AbortSignal;
}

/**
 * One RestoreObject, its answer read as S3 documents it: 202 started, 200 already restored (expiry extended),
 * 409 RestoreAlreadyInProgress, InvalidObjectState / ObjectAlreadyInActiveTierError not archived, and one retry at
 * Standard after 503 GlacierExpeditedRetrievalNotAvailable.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
 */
export async function sendRestore(ctx: S3Context, request: RestoreSend): Promise<RestoreResult> {
  const { key, versionId, days, storageClass, abortSignal } = request;
  const attempt = async (tier: RestoreTier): Promise<RestoreResult> => {
    const requestedAt = new Date();
    try {
      const command = new RestoreObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        VersionId: versionId,
        RequestPayer: ctx.requestPayer,
        RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } },
      });
      if (tier === 'Expedited') command.middlewareStack.add(expeditedUnavailableIsFinal, EXPEDITED_UNAVAILABLE_IS_FINAL);
      const output = await ctx.send(command, { key, abortSignal });
      if (output.$metadata.httpStatusCode === 200) {
        return { status: 'already-restored', tier, storageClass, expiresAt: days !== undefined ? restoreExpiryFor(requestedAt, days) : undefined };
      }
      return { status: 'started', tier, storageClass };
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      if (error.s3Code === 'RestoreAlreadyInProgress') return { status: 'in-progress', tier, storageClass };
      if (error.s3Code !== undefined && NOT_ARCHIVED_CODES.has(error.s3Code)) return { status: 'not-archived', tier, storageClass };
      throw error;
    }
  };
  try {
    return await attempt(request.tier);
  } catch (error) {
    const expeditedUnavailable = error instanceof StorageError && error.s3Code === EXPEDITED_UNAVAILABLE_CODE;
    if (!expeditedUnavailable || request.tier !== 'Expedited' || request.fallbackToStandard === false) throw error;
    return { ...(await attempt('Standard')), fellBackToStandard: true };
  }
}

/**
 * Restores an archived object (`storage.restore`). A HEAD first learns its class and `x-amz-archive-status`, so the
 * request is checked against the class before RestoreObject is sent: `days` is required for GLACIER and
 * DEEP_ARCHIVE and must be left out for Intelligent-Tiering archive tiers; Expedited is refused for DEEP_ARCHIVE. An
 * object that needs no restore answers `not-archived` without a RestoreObject. Asking again at a faster tier while a
 * restore runs upgrades it (S3 allows this; a slower or equal tier answers `in-progress`).
 *
 * @throws InvalidArgumentError naming the field (`key`, `days`, `tier`), with no RestoreObject sent
 * @throws UnsupportedFeatureError when the compatibility profile has no RestoreObject (no request sent)
 * @throws ObjectNotFoundError, AccessDeniedError, ThrottledError, ... for what S3 answers
 */
export async function restoreObject(ctx: S3Context, key: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  assertKey(key);
  const tier = options.tier ?? DEFAULT_RESTORE_TIER;
  assertRestoreRequest({ days: options.days, tier });
  await assertRestoreSupported(ctx);
  const head = await headRaw(ctx, key, options.versionId, options.abortSignal);
  const storageClass = head.StorageClass ?? 'STANDARD';
  if (!isArchiveClass(storageClass) && !isIntelligentTieringArchived(storageClass, head.ArchiveStatus)) {
    return { status: 'not-archived', tier, storageClass };
  }
  assertRestoreRequest({ days: options.days, tier, storageClass, archiveStatus: head.ArchiveStatus });
  return sendRestore(ctx, { ...options, key, tier, storageClass });
}
