/** What a multipart copy reads from its source before it starts: size, ETag, and the metadata and tags to carry over. */
import { GetObjectTaggingCommand, HeadObjectCommand, type CreateMultipartUploadCommandInput } from '@aws-sdk/client-s3';
import { METADATA_OPTIONS } from '../../objects/copy';
import type { CopyOptions } from '../../../types/objects';
import type { S3Context } from '../../core/context';
import { customerKeyInput, type SseCustomerInput } from '../../core/encryption';
import { taggingHeader } from '../../core/write-input';

/** The source of a multipart copy, as HEAD saw it. */
export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Every part copy is pinned to it with `x-amz-copy-source-if-match`. */
  readonly etag?: string;
  readonly versionId?: string;
  /** The source's SSE-C key headers, when it is encrypted with one. */
  readonly sse: SseCustomerInput;
  /** The source's headers and user metadata, when the copy keeps them (`metadataDirective` COPY); else empty. */
  readonly copiedMetadata: Partial<CreateMultipartUploadCommandInput>;
  /** The destination's `x-amz-tagging`: the source's tags (`taggingDirective` COPY) or `options.tags`. */
  readonly tagging?: string;
}

/**
 * HEAD of the source (with the caller's `sourceConditions`), and its tags when they are copied: a multipart copy has
 * no directive that copies them, so what CopyObject would copy is read here and written on CreateMultipartUpload.
 */
export async function readCopySource(ctx: S3Context, sourceKey: string, options: CopyOptions): Promise<CopySource> {
  const bucket = options.sourceBucket ?? ctx.bucket;
  const sse = customerKeyInput(options.sourceCustomerKey);
  const conditions = options.sourceConditions ?? {};
  const head = await ctx.send(
    new HeadObjectCommand({
      Bucket: bucket,
      Key: sourceKey,
      VersionId: options.sourceVersionId,
      IfMatch: conditions.ifMatch,
      IfNoneMatch: conditions.ifNoneMatch,
      IfModifiedSince: conditions.ifModifiedSince,
      IfUnmodifiedSince: conditions.ifUnmodifiedSince,
      RequestPayer: ctx.requestPayer,
      ...sse,
    }),
    { bucket, key: sourceKey, abortSignal: options.abortSignal },
  );
  const replacesMetadata = (options.metadataDirective ?? (METADATA_OPTIONS.some((o) => options[o] !== undefined) ? 'REPLACE' : 'COPY')) === 'REPLACE';
  const copiedMetadata = replacesMetadata
    ? {}
    : {
        ContentType: head.ContentType,
        CacheControl: head.CacheControl,
        ContentDisposition: head.ContentDisposition,
        ContentEncoding: head.ContentEncoding,
        ContentLanguage: head.ContentLanguage,
        Expires: head.Expires,
        Metadata: head.Metadata,
        WebsiteRedirectLocation: head.WebsiteRedirectLocation,
      };
  const copiesTags = (options.taggingDirective ?? (options.tags !== undefined ? 'REPLACE' : 'COPY')) === 'COPY';
  const tagging = copiesTags
    ? await sourceTagging(ctx, bucket, sourceKey, options.sourceVersionId ?? head.VersionId, options.abortSignal)
    : taggingHeader(options.tags);
  return { bucket, key: sourceKey, size: head.ContentLength ?? 0, etag: head.ETag, versionId: head.VersionId, sse, copiedMetadata, tagging };
}

/** The source's tags, as an `x-amz-tagging` value. */
async function sourceTagging(
  ctx: S3Context,
  bucket: string,
  key: string,
  versionId: string | undefined,
  abortSignal: AbortSignal | undefined,
): Promise<string | undefined> {
  const tags = await ctx.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }), { bucket, key, abortSignal });
  return taggingHeader(Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
}
