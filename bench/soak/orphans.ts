import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';

/** Open multipart uploads left in the bucket (ListMultipartUploads, every page), on a direct client. */
export async function countOrphans(direct: S3Client, bucket: string): Promise<{ count: number; keys: string[] }> {
  const keys: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await direct.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const u of page.Uploads ?? []) keys.push(`${u.Key} (${u.UploadId})`);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return { count: keys.length, keys };
}
