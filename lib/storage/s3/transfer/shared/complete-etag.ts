import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Context } from '../../core/context';
import type { SseCustomerInput } from '../../core/encryption';
import { normalizeEtag } from '../../core/mapping';

/**
 * The ETag of a just-completed multipart upload, in S3's quoted form. Some stores (Ceph RGW) answer
 * CompleteMultipartUpload without one; then it is read with HEAD of the version just written.
 */
export async function completedEtag(
  ctx: S3Context,
  key: string,
  completed: { ETag?: string; VersionId?: string },
  sseC: SseCustomerInput = {},
  abortSignal?: AbortSignal,
): Promise<string> {
  if (completed.ETag) return normalizeEtag(completed.ETag);
  const head = await ctx.send(
    new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: completed.VersionId, RequestPayer: ctx.requestPayer, ...sseC }),
    { key, abortSignal },
  );
  return normalizeEtag(head.ETag);
}
