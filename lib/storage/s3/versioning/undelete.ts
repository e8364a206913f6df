import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { ObjectNotFoundError } from '../../errors';
import type { CopyOptions, CopyResult, ServerSideEncryption } from '../../types/objects';
import type { UndeleteOptions, UndeleteResult } from '../../types/versioning';
import type { S3Context } from '../core/context';
import { assertKey, mfaHeader } from '../core/validation';
import { copyObject, prepareCopy } from '../objects/copy';
import { headObject } from '../objects/get';
import { versionsOfKey } from './list-versions';

/**
 * Brings a deleted key back: removes the delete marker that is its current version (and any markers stacked on top
 * of it by repeated deletes), so the newest real version becomes current again. A key that is not deleted is left
 * alone and its current version returned. Removing a marker is `DeleteObject ?versionId=<marker>`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html
 * @throws ObjectNotFoundError when the key has no version to bring back (never existed, or only markers are left)
 * @throws InvalidArgumentError for a bad key or MFA token, before any request
 */
export async function undelete(ctx: S3Context, key: string, options: UndeleteOptions = {}): Promise<UndeleteResult> {
  assertKey(key);
  const mfa = mfaHeader(options.mfa, ctx.config.endpoint);
  const versions = await versionsOfKey(ctx, key, options.abortSignal);
  const markers: string[] = [];
  let index = 0;
  while (index < versions.length && versions[index].isDeleteMarker) markers.push(versions[index++].versionId);
  const target = versions[index];
  if (target === undefined) {
    throw new ObjectNotFoundError(`undelete ${key}: nothing to bring back (${versions.length === 0 ? 'no versions' : 'only delete markers'} under this key)`, {
      bucket: ctx.bucket,
      key,
      deleteMarker: markers.length > 0 || undefined,
    });
  }
  for (const versionId of markers) {
    await ctx.send(new DeleteObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: versionId, MFA: mfa, RequestPayer: ctx.requestPayer }), {
      key,
      abortSignal: options.abortSignal,
    });
  }
  return { current: { ...target, isLatest: true }, removedDeleteMarkers: markers };
}

/** Options of `restoreVersion`. */
export interface RestoreVersionOptions {
  /** Encryption of the new current version. @default - the old version's SSE-S3 or SSE-KMS settings (key id and bucket key kept) */
  readonly encryption?: ServerSideEncryption;
  /** The SSE-C key the old version was written with. @default - none */
  readonly sourceCustomerKey?: Uint8Array;
  /** The id of the old version's SSE-C key in the config's `customerKeys` provider. @default - found from the version */
  readonly sourceCustomerKeyId?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** The SSE-S3/KMS settings of an object as HEAD reported them, to write a copy the same way. */
function encryptionLike(head: { serverSideEncryption?: string; kmsKeyId?: string; bucketKeyEnabled?: boolean }): ServerSideEncryption | undefined {
  switch (head.serverSideEncryption) {
    case 'AES256':
      return { type: 'SSE-S3' };
    case 'aws:kms':
      return { type: 'SSE-KMS', keyId: head.kmsKeyId, bucketKey: head.bucketKeyEnabled };
    case 'aws:kms:dsse':
      return { type: 'DSSE-KMS', keyId: head.kmsKeyId };
    default:
      return undefined;
  }
}

/**
 * Makes an old version current again by copying it onto its own key (CopyObject from `?versionId=`, or a multipart
 * copy above 5 GiB). The copy keeps the version's metadata (`MetadataDirective: COPY`), tags (`COPY`), storage class
 * (read with HEAD, since CopyObject would otherwise write STANDARD) and SSE-S3/KMS settings. The old version stays.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html
 * @throws ObjectNotFoundError when the version does not exist (or is a delete marker)
 * @throws InvalidArgumentError for a bad key or version id, before any request
 */
export async function restoreVersion(ctx: S3Context, key: string, versionId: string, options: RestoreVersionOptions = {}): Promise<CopyResult> {
  assertKey(key);
  const copyOptions: CopyOptions = { sourceVersionId: versionId, sourceCustomerKey: options.sourceCustomerKey, abortSignal: options.abortSignal };
  const source = await prepareCopy(ctx, key, key, { ...copyOptions, encryption: options.encryption });
  const head = await headObject(ctx, key, { versionId, customerKey: options.sourceCustomerKey, abortSignal: options.abortSignal });
  const full: CopyOptions = {
    ...copyOptions,
    metadataDirective: 'COPY',
    taggingDirective: 'COPY',
    storageClass: head.storageClass as CopyOptions['storageClass'],
    encryption: options.encryption ?? encryptionLike(head),
  };
  const copied = await copyObject(ctx, key, source, full);
  if (copied !== undefined) return copied;
  const { multipartCopy } = await import('../transfer/copy/multipart-copy');
  return multipartCopy(ctx, key, key, source, full);
}
