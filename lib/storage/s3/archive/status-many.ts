import { ListObjectsV2Command, type _Object } from '@aws-sdk/client-s3';
import { isArchiveClass } from '../../../rules/storage-classes';
import type { ObjectRestoreStatus } from '../../types/archive';
import type { S3Context } from '../core/context';
import { assertListOptions } from '../core/validation';
import { assertRestoreSupported, headRaw, statusFromHead } from './restore';

/** Options of `S3Storage.restoreStatusMany`. */
export interface RestoreStatusManyOptions {
  /** Keys per ListObjectsV2 page, 1 to 1,000. @default 1000 */
  readonly pageSize?: number;
  /** HEAD requests in flight at once when the store does not report restore status in listings. @default 16 */
  readonly headConcurrency?: number;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

const decodeKey = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

/**
 * The restore status of every object under `prefix`, streamed page by page. ListObjectsV2 asks for
 * `OptionalObjectAttributes=RestoreStatus` (one request per 1,000 keys,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreStatus.html). S3 reports it only for objects with a
 * restore, so when no object of a page carries it the store may not support it (moto does not): the archived
 * objects of that page are then read with HEAD, which is always right. INTELLIGENT_TIERING objects are read with HEAD
 * too (listings do not carry `x-amz-archive-status`).
 *
 * @throws InvalidArgumentError for a bad page size; UnsupportedFeatureError when the profile has no RestoreObject
 */
export async function* restoreStatusMany(ctx: S3Context, prefix: string, options: RestoreStatusManyOptions = {}): AsyncIterableIterator<ObjectRestoreStatus> {
  assertListOptions({ prefix, pageSize: options.pageSize });
  await assertRestoreSupported(ctx);
  let token: string | undefined;
  do {
    const page = await ctx.send(
      new ListObjectsV2Command({
        Bucket: ctx.bucket,
        Prefix: prefix,
        MaxKeys: options.pageSize,
        ContinuationToken: token,
        EncodingType: 'url',
        OptionalObjectAttributes: ['RestoreStatus'],
        RequestPayer: ctx.requestPayer,
      }),
      { abortSignal: options.abortSignal },
    );
    const decode = page.EncodingType === 'url' ? decodeKey : (s: string) => s;
    const objects = page.Contents ?? [];
    const listsRestoreStatus = objects.some((o) => o.RestoreStatus !== undefined);
    const statuses = await mapLimited(objects, options.headConcurrency ?? 16, async (o) => {
      const key = decode(o.Key ?? '');
      const storageClass = o.StorageClass ?? 'STANDARD';
      if (storageClass === 'INTELLIGENT_TIERING' || (isArchiveClass(storageClass) && !listsRestoreStatus)) {
        return statusFromHead(key, await headRaw(ctx, key, undefined, options.abortSignal));
      }
      return fromListing(key, storageClass, o);
    });
    yield* statuses;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

function fromListing(key: string, storageClass: string, o: _Object): ObjectRestoreStatus {
  if (!isArchiveClass(storageClass)) return { key, state: 'not-archived', storageClass };
  const r = o.RestoreStatus;
  if (r?.IsRestoreInProgress) return { key, state: 'in-progress', storageClass };
  if (r?.RestoreExpiryDate && r.RestoreExpiryDate.getTime() > Date.now()) return { key, state: 'restored', storageClass, expiresAt: r.RestoreExpiryDate };
  return { key, state: 'archived', storageClass };
}

/** Maps with at most `limit` calls in flight, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
