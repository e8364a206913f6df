import type { Feature } from '../../../types/compatibility';
import { uploadPartCopy, multipartAbort, multipartCompleteEtag, multipartListParts, listMultipartUploads } from './multipart';
import { bucketDefaultEncryption, sseC, sseKms, sseS3 } from './encryption';
import { flexibleChecksums, streamedTrailingChecksum } from './checksums';
import { lifecycle, notifications, restoreObject, storageClasses, transferAcceleration } from './bucket-config';
import { listContinuation, listObjectsV2, presignedUrls, rangedGet, suffixRangeGet, tagging, virtualHostStyle } from './objects';
import { conditionalWrite, deleteMarkerHeader, mfaDelete, objectLock, versioning } from './versioning';
import type { Probe } from './context';

export type { ProbeContext } from './context';
export { emptyScratchBucket } from './scratch';

/** Every probe, by feature. */
export const PROBES: Readonly<Record<Feature, Probe>> = {
  rangedGet,
  suffixRangeGet,
  listObjectsV2,
  listContinuation,
  multipartListParts,
  multipartAbort,
  listMultipartUploads,
  uploadPartCopy,
  multipartCompleteEtag,
  flexibleChecksums,
  streamedTrailingChecksum,
  conditionalWrite,
  versioning,
  deleteMarkerHeader,
  mfaDelete,
  objectLock,
  sseS3,
  sseKms,
  sseC,
  bucketDefaultEncryption,
  storageClasses,
  restoreObject,
  lifecycle,
  transferAcceleration,
  notifications,
  tagging,
  presignedUrls,
  virtualHostStyle,
};
