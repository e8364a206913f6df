import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { StorageError } from '../../errors';
import type { ListOptions, ListPage } from '../../types/objects';
import type { S3Context } from '../core/context';
import { normalizeEtag, parseRestore } from '../core/mapping';
import { assertListOptions } from '../core/validation';

/** ListObjectsV2, page by page. Keys are requested URL-encoded so that any key survives the XML, then decoded. */
export async function* listObjects(ctx: S3Context, options: ListOptions): AsyncIterableIterator<ListPage> {
  assertListOptions(options);
  let token: string | undefined;
  do {
    const output = await ctx.send(
      new ListObjectsV2Command({
        Bucket: ctx.bucket,
        Prefix: options.prefix,
        Delimiter: options.delimiter,
        StartAfter: token ? undefined : options.startAfter,
        MaxKeys: options.pageSize,
        ContinuationToken: token,
        EncodingType: 'url',
        RequestPayer: ctx.requestPayer,
      }),
      { abortSignal: options.abortSignal },
    );
    const decode = output.EncodingType === 'url' ? decodeListKey : (s: string) => s;
    yield {
      objects: (output.Contents ?? []).map((o) => ({
        key: decode(o.Key ?? ''),
        size: o.Size ?? 0,
        etag: normalizeEtag(o.ETag),
        lastModified: o.LastModified,
        storageClass: o.StorageClass ?? 'STANDARD',
        checksumAlgorithms: o.ChecksumAlgorithm,
        restore: o.RestoreStatus
          ? { ongoing: o.RestoreStatus.IsRestoreInProgress ?? false, expiry: o.RestoreStatus.RestoreExpiryDate }
          : parseRestore(undefined),
      })),
      commonPrefixes: (output.CommonPrefixes ?? []).map((p) => decode(p.Prefix ?? '')),
      isTruncated: output.IsTruncated ?? false,
    };
    token = output.IsTruncated ? output.NextContinuationToken : undefined;
    if (output.IsTruncated && !token) {
      throw new StorageError('ListObjectsV2 said the listing is truncated but returned no continuation token', { bucket: ctx.bucket });
    }
  } while (token);
}

/** S3 URL-encodes listed keys as form data: `+` stands for a space. */
function decodeListKey(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
