import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { BucketNotFoundError, ObjectNotFoundError, StorageError } from '../../errors';
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
  return copySource(options.sourceBucket ?? ctx.bucket, sourceKey, options.sourceVersionId);
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
      throw namingCopySource(error, ctx.bucket, destinationKey, source);
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

/** The bucket, key and version id of an `x-amz-copy-source` value made by {@link copySource}. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const [path, query] = value.split('?', 2);
  const slash = path.indexOf('/');
  const versionId = query?.startsWith('versionId=') ? decodeURIComponent(query.slice('versionId='.length)) : undefined;
  return {
    bucket: path.slice(0, slash),
    key: path
      .slice(slash + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/'),
    versionId,
  };
}

/**
 * Makes a CopyObject failure name the object it is about. CopyObject needs no destination object, so a 404
 * NoSuchKey / NoSuchVersion is about the source: the error then carries the source's bucket, key and version. A
 * NoSuchBucket may be about either bucket: S3 names it in `<BucketName>`, which is used when present; otherwise the
 * message names both. Other errors concern the request as a whole and keep the destination.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
export function namingCopySource(error: unknown, destinationBucket: string, destinationKey: string, source: string): unknown {
  const from = parseCopySource(source);
  const where = `${from.bucket}/${from.key}${from.versionId ? ` version ${from.versionId}` : ''}`;
  const common = (e: StorageError) => ({
    cause: e.cause,
    s3Code: e.s3Code,
    httpStatus: e.httpStatus,
    requestId: e.requestId,
    extendedRequestId: e.extendedRequestId,
  });
  if (error instanceof ObjectNotFoundError) {
    return new ObjectNotFoundError(`${error.s3Code ?? 'NotFound'}: the copy source ${where} does not exist (copy to ${destinationBucket}/${destinationKey})`, {
      ...common(error),
      bucket: from.bucket,
      key: from.key,
      versionId: from.versionId ?? error.versionId,
      deleteMarker: error.deleteMarker,
    });
  }
  if (error instanceof BucketNotFoundError) {
    const named = (error.cause as { BucketName?: unknown } | undefined)?.BucketName;
    const bucket = typeof named === 'string' ? named : from.bucket === destinationBucket ? from.bucket : undefined;
    const which =
      bucket === undefined
        ? `the source bucket ${from.bucket} or the destination bucket ${destinationBucket} does not exist`
        : `the ${bucket === from.bucket ? 'source' : 'destination'} bucket ${bucket} does not exist`;
    return new BucketNotFoundError(`${error.s3Code ?? 'NoSuchBucket'}: ${which} (copy of ${where} to ${destinationBucket}/${destinationKey})`, {
      ...common(error),
      bucket,
      key: bucket === undefined ? undefined : bucket === from.bucket ? from.key : destinationKey,
    });
  }
  return error;
}
