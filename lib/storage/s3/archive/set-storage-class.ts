import { MAX_SINGLE_PUT_SIZE_BYTES } from '../../../rules/limits';
import { restoreStateOf } from '../../../rules/restore';
import { storageClassInfo, STORAGE_CLASSES } from '../../../rules/storage-classes';
import { InvalidArgumentError, InvalidObjectStateError } from '../../errors';
import type { SetStorageClassOptions, SetStorageClassResult } from '../../types/archive';
import type { CopyOptions, ServerSideEncryption, StorageClassName } from '../../types/objects';
import type { S3Context } from '../core/context';
import { customerKeyInput, customerKeyOf, keyProviderOf } from '../core/encryption';
import { assertKey, assertCustomerKey } from '../core/validation';
import { copyObject, prepareCopy } from '../objects/copy';
import { headRaw } from './restore';

/** Copies that S3 refuses between classes, `from>to` (ONEZONE_IA to GLACIER_IR). https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html */
const REFUSED_MOVES = new Set(['ONEZONE_IA>GLACIER_IR']);

/** Throws InvalidArgumentError unless `storageClass` is a class a general purpose bucket stores (no request is sent). */
export function assertTargetClass(storageClass: unknown): asserts storageClass is StorageClassName {
  const info = typeof storageClass === 'string' ? storageClassInfo(storageClass) : undefined;
  if (info?.directoryBucketOnly) {
    throw new InvalidArgumentError(`storageClass: ${info.name} is for directory buckets (S3 Express One Zone) only, not general purpose buckets`, {
      field: 'storageClass',
    });
  }
  if (!info || info.scope !== 'general-purpose' || !info.writable) {
    throw new InvalidArgumentError(`storageClass: must be one of ${STORAGE_CLASSES.join(', ')} (got ${String(storageClass)})`, { field: 'storageClass' });
  }
}

function encryptionOf(sse: string | undefined, keyId: string | undefined, bucketKey: boolean | undefined): ServerSideEncryption | undefined {
  if (sse === 'aws:kms') return { type: 'SSE-KMS', kmsKeyId: keyId, bucketKeyEnabled: bucketKey };
  if (sse === 'aws:kms:dsse') return { type: 'DSSE-KMS', kmsKeyId: keyId };
  if (sse === 'AES256') return { type: 'SSE-S3' };
  return undefined;
}

/**
 * Changes an object's storage class in place with a copy onto itself (CopyObject up to 5 GiB, parallel UploadPartCopy
 * above), keeping its metadata, tags, content headers and encryption (SSE-S3, or SSE-KMS / DSSE-KMS with the same
 * key). In a versioned bucket the copy is a new current version and the old version keeps its class.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html (Setting the storage class)
 *
 * @throws InvalidArgumentError naming `storageClass` (unknown, EXPRESS_ONEZONE, the class it already has, or a move S3
 *   refuses such as ONEZONE_IA to GLACIER_IR) or `key`, before any copy; the class checks that need no HEAD come
 *   before any request
 * @throws InvalidObjectStateError for a GLACIER or DEEP_ARCHIVE object that is not restored (no copy is sent)
 * @throws UnsupportedFeatureError when the compatibility profile does not take the class
 * @param runMultipartCopy the multipart copy engine (loaded on demand by the facade)
 */
export async function setStorageClass(
  ctx: S3Context,
  key: string,
  storageClass: string,
  options: SetStorageClassOptions,
  runMultipartCopy: (source: string, copyOptions: CopyOptions) => Promise<{ versionId?: string }>,
): Promise<SetStorageClassResult> {
  assertKey(key);
  assertTargetClass(storageClass);
  if (options.customerKey !== undefined) assertCustomerKey(options.customerKey);
  const probe: CopyOptions = { storageClass, sourceVersionId: options.versionId, abortSignal: options.abortSignal };
  await prepareCopy(ctx, key, key, probe);
  // The config's default encryption applies to the copy; with SSE-C its key reads the object and re-encrypts the copy.
  const customerKey = options.customerKey ?? customerKeyOf(ctx.config.encryption);
  const head = await headRaw(ctx, key, options.versionId, options.abortSignal, customerKeyInput(customerKey));
  const from = head.StorageClass ?? 'STANDARD';
  if (from === storageClass)
    throw new InvalidArgumentError(`storageClass: ${key} is already ${from}; S3 refuses a copy onto itself that changes nothing`, { field: 'storageClass' });
  if (REFUSED_MOVES.has(`${from}>${storageClass}`))
    throw new InvalidArgumentError(`storageClass: S3 does not allow ${from} to ${storageClass}`, { field: 'storageClass' });
  const state = restoreStateOf({ storageClass: from, restore: head.Restore, archiveStatus: head.ArchiveStatus });
  if (state === 'archived' || state === 'in-progress') {
    throw new InvalidObjectStateError(
      `${key} is ${from} and ${state === 'archived' ? 'not restored' : 'still being restored'}: restore it before changing its class`,
      { key, storageClass: from },
    );
  }
  if (head.SSECustomerAlgorithm && customerKey === undefined)
    throw new InvalidArgumentError(
      `key: ${key} is encrypted with SSE-C; pass customerKey, set config.encryption to its SSE-C key or config.customerKeys, or use copy() with sourceCustomerKey and encryption`,
      {
        field: 'key',
      },
    );
  const copyOptions: CopyOptions = {
    ...probe,
    metadataDirective: 'COPY',
    taggingDirective: 'COPY',
    // A provider default is not applied: the copy keeps the object's own key (and the bk-sse-c-key-id metadata naming it).
    encryption:
      customerKey !== undefined
        ? { type: 'SSE-C', key: customerKey }
        : ((keyProviderOf(ctx.config.encryption) ? undefined : ctx.config.encryption) ??
          encryptionOf(head.ServerSideEncryption, head.SSEKMSKeyId, head.BucketKeyEnabled)),
    sourceCustomerKey: customerKey,
  };
  const source = await prepareCopy(ctx, key, key, copyOptions);
  const size = head.ContentLength ?? 0;
  let copied: { versionId?: string } | undefined;
  let multipart = false;
  if (options.multipart !== true && size <= MAX_SINGLE_PUT_SIZE_BYTES) copied = await copyObject(ctx, key, source, copyOptions);
  if (copied === undefined) {
    multipart = true;
    copied = await runMultipartCopy(source, copyOptions);
  }
  let versionId = copied.versionId && copied.versionId !== 'null' ? copied.versionId : undefined;
  if (versionId === undefined && head.VersionId !== undefined && head.VersionId !== 'null') {
    // A versioned bucket whose store answered the copy without x-amz-version-id (Ceph RGW): the current version says.
    const after = await headRaw(ctx, key, undefined, options.abortSignal, customerKeyInput(customerKey));
    versionId = after.VersionId && after.VersionId !== 'null' ? after.VersionId : undefined;
  }
  return { key, from, to: storageClass, versionId, newVersionCreated: versionId !== undefined && versionId !== head.VersionId, multipart };
}
