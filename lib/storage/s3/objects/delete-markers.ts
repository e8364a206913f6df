import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { ObjectNotFoundError } from '../../errors';
import type { S3Storage } from '../s3-storage';

/**
 * On a target whose 404 for a delete marker lacks `x-amz-delete-marker`, asks ListObjectVersions whether the
 * latest version of `key` is a delete marker, and rethrows the error with `deleteMarker` and `versionId` set.
 */
export async function withDeleteMarkerDetection<T>(storage: S3Storage, key: string, versionId: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError) || error.deleteMarker !== undefined || versionId !== undefined) throw error;
    const profile = await storage.compatibilityProfile();
    if (!profile || profile.deleteMarkerHeader) throw error;
    const page = await storage.send(new ListObjectVersionsCommand({ Bucket: storage.bucket, Prefix: key, MaxKeys: 100 }));
    const marker = (page.DeleteMarkers ?? []).find((m) => m.Key === key && m.IsLatest);
    if (!marker) throw error;
    throw new ObjectNotFoundError(`${error.message} (the latest version is a delete marker, per ListObjectVersions)`, {
      cause: error.cause,
      s3Code: error.s3Code,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
      bucket: error.bucket,
      key,
      deleteMarker: true,
      versionId: marker.VersionId,
    });
  }
}
