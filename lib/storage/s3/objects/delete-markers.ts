import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { ObjectNotFoundError } from '../../errors';
import type { S3Context } from '../core/context';

/**
 * On a target whose 404 for a delete marker may lack `x-amz-delete-marker`, asks ListObjectVersions whether the
 * latest version of `key` is a delete marker, and rethrows the error with `deleteMarker` and `versionId` set. That
 * is a store whose profile says so, or, with no profile, any custom endpoint (moto omits the header on GET, Ceph RGW
 * on HEAD and GET); Amazon S3 always sends it, so a miss there costs no extra request. A failed lookup (no
 * `s3:ListBucketVersions`, say) leaves the original error as it was.
 */
export async function withDeleteMarkerDetection<T>(ctx: S3Context, key: string, versionId: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError) || error.deleteMarker !== undefined || versionId !== undefined) throw error;
    const profile = await ctx.compatibilityProfile();
    if (profile ? profile.deleteMarkerHeader : !ctx.config.customEndpoint) throw error;
    const page = await ctx.send(new ListObjectVersionsCommand({ Bucket: ctx.bucket, Prefix: key, MaxKeys: 100 })).catch(() => undefined);
    if (page === undefined) throw error;
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
