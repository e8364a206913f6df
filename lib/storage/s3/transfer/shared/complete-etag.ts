import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Storage } from '../../s3-storage';
import type { SseCustomerInput } from '../../core/encryption';
import { normalizeEtag } from '../../core/mapping';

/**
 * The ETag of a just-completed multipart upload, in S3's quoted form. Some stores (Ceph RGW) answer
 * CompleteMultipartUpload without one; then it is read with HEAD of the version just written.
 */
export async function completedEtag(
  storage: S3Storage,
  key: string,
  completed: { ETag?: string; VersionId?: string },
  sseC: SseCustomerInput = {},
  abortSignal?: AbortSignal,
): Promise<string> {
  if (completed.ETag) return normalizeEtag(completed.ETag);
  const head = await storage.send(
    new HeadObjectCommand({ Bucket: storage.bucket, Key: key, VersionId: completed.VersionId, RequestPayer: storage.requestPayer, ...sseC }),
    { key, abortSignal },
  );
  return normalizeEtag(head.ETag);
}
