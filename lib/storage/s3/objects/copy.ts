import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { InvalidArgumentError, StorageError } from '../../errors';
import type { CopyOptions, CopyResult } from '../../types/objects';
import { assertWriteSupported } from '../core/capabilities';
import type { S3Context } from '../core/context';
import { customerKeyInput } from '../core/encryption';
import { checksumsOf, normalizeEtag } from '../core/mapping';
import { assertCopyOptions, assertKey } from '../core/validation';
import { writeInput } from '../core/write-input';

/** The `x-amz-copy-source` value: bucket and URL-encoded key, with `?versionId=` when given. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  return `${bucket}/${encodedKey}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
}

/** True for the answer S3 gives a CopyObject whose source exceeds 5 GiB. */
export function isCopyTooLarge(error: unknown): boolean {
  if (!(error instanceof StorageError)) return false;
  if (error.s3Code === 'EntityTooLarge') return true;
  return error.s3Code === 'InvalidRequest' && /larger than the maximum|too large/i.test(error.message);
}

/** The options that, when set, make a copy replace the source's metadata (`MetadataDirective: REPLACE`). */
export const METADATA_OPTIONS = [
  'contentType',
  'cacheControl',
  'contentDisposition',
  'contentEncoding',
  'contentLanguage',
  'expires',
  'metadata',
  'websiteRedirectLocation',
] as const;

/**
 * Validates a copy and returns its `x-amz-copy-source` value. Nothing is sent.
 * @throws InvalidArgumentError for a bad key or option; UnsupportedFeatureError when the profile refuses it
 */
export async function prepareCopy(ctx: S3Context, sourceKey: string, destinationKey: string, options: CopyOptions): Promise<string> {
  assertKey(sourceKey, 'sourceKey');
  assertKey(destinationKey, 'destinationKey');
  assertCopyOptions(options);
  assertWriteSupported(await ctx.compatibilityProfile(), options);
  const sourceBucket = options.sourceBucket ?? ctx.bucket;
  if (options.sourceBucket !== undefined && sourceBucket.length === 0)
    throw new InvalidArgumentError('sourceBucket: must not be empty', { field: 'sourceBucket' });
  return copySource(sourceBucket, sourceKey, options.sourceVersionId);
}

/**
 * One CopyObject request (server-side, up to 5 GiB) for a copy {@link prepareCopy} accepted. Resolves to
 * undefined when S3 answers that the source is too large for CopyObject and `options.multipart` is not false: the
 * caller then copies with parallel UploadPartCopy.
 */
export async function copyObject(ctx: S3Context, destinationKey: string, source: string, options: CopyOptions): Promise<CopyResult | undefined> {
  const replacesMetadata = METADATA_OPTIONS.some((o) => options[o] !== undefined);
  const conditions = options.sourceConditions ?? {};
  const sourceKeyInput = customerKeyInput(options.sourceCustomerKey);
  const output = await ctx
    .send(
      new CopyObjectCommand({
        Bucket: ctx.bucket,
        Key: destinationKey,
        CopySource: source,
        MetadataDirective: options.metadataDirective ?? (replacesMetadata ? 'REPLACE' : 'COPY'),
        TaggingDirective: options.taggingDirective ?? (options.tags !== undefined ? 'REPLACE' : 'COPY'),
        CopySourceIfMatch: conditions.ifMatch,
        CopySourceIfNoneMatch: conditions.ifNoneMatch,
        CopySourceIfModifiedSince: conditions.ifModifiedSince,
        CopySourceIfUnmodifiedSince: conditions.ifUnmodifiedSince,
        CopySourceSSECustomerAlgorithm: sourceKeyInput.SSECustomerAlgorithm,
        CopySourceSSECustomerKey: sourceKeyInput.SSECustomerKey,
        CopySourceSSECustomerKeyMD5: sourceKeyInput.SSECustomerKeyMD5,
        ChecksumAlgorithm: options.checksumAlgorithm,
        IfNoneMatch: options.ifNoneMatch,
        RequestPayer: ctx.requestPayer,
        ...writeInput(options),
      }),
      { key: destinationKey, abortSignal: options.abortSignal },
    )
    .catch((error: unknown) => {
      // Above 5 GiB S3 refuses CopyObject: copy with parallel UploadPartCopy instead.
      if (options.multipart !== false && isCopyTooLarge(error)) return undefined;
      throw error;
    });
  if (output === undefined) return undefined;
  return {
    etag: normalizeEtag(output.CopyObjectResult?.ETag),
    versionId: output.VersionId,
    // Some stores (Ceph RGW) leave x-amz-copy-source-version-id out; the version asked for is the one copied.
    sourceVersionId: output.CopySourceVersionId ?? options.sourceVersionId,
    lastModified: output.CopyObjectResult?.LastModified,
    checksums: checksumsOf(output.CopyObjectResult ?? {}),
  };
}
