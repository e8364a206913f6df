import { AbortMultipartUploadCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { S3Session } from '../../core/session';

/** Removes every version, delete marker and open upload from a scratch bucket. */
export async function emptyScratchBucket(storage: S3Session, bucket = storage.bucket, abortSignal?: AbortSignal): Promise<void> {
  const uploads = await storage.send(new ListMultipartUploadsCommand({ Bucket: bucket }), { abortSignal });
  for (const u of uploads.Uploads ?? [])
    await storage.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }), { abortSignal }).catch(() => undefined);
  for (;;) {
    const page = await storage.send(new ListObjectVersionsCommand({ Bucket: bucket }), { abortSignal });
    const all = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    if (all.length === 0) return;
    for (const v of all)
      await storage
        .send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId, BypassGovernanceRetention: true }), { abortSignal })
        .catch(() => undefined);
    if (!page.IsTruncated) {
      const again = await storage.send(new ListObjectVersionsCommand({ Bucket: bucket }), { abortSignal });
      if ([...(again.Versions ?? []), ...(again.DeleteMarkers ?? [])].length === all.length) return; // nothing more can go
    }
  }
}
