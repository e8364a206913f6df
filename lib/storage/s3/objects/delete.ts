import { DeleteObjectCommand, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { MAX_DELETE_OBJECTS_PER_REQUEST } from '../../../rules/limits';
import { InvalidArgumentError, StorageError } from '../../errors';
import type { DeleteManyOptions, DeleteManyResult, DeleteOptions, DeleteResult, DeleteTarget } from '../../types/objects';
import { mapSettledLimit } from '../core/concurrency';
import type { S3Context } from '../core/context';
import { toStorageError } from '../core/error-mapping';
import { assertKey, mfaHeader } from '../core/validation';

/** DeleteObject, with version, MFA and governance bypass. */
export async function deleteObject(ctx: S3Context, key: string, options: DeleteOptions): Promise<DeleteResult> {
  assertKey(key);
  if (options.versionId !== undefined && (typeof options.versionId !== 'string' || options.versionId.length === 0)) {
    throw new InvalidArgumentError('versionId: must be a non-empty string', { field: 'versionId' });
  }
  const output = await ctx.send(
    new DeleteObjectCommand({
      Bucket: ctx.bucket,
      Key: key,
      VersionId: options.versionId,
      MFA: mfaHeader(options.mfa, ctx.config.endpoint),
      BypassGovernanceRetention: options.bypassGovernanceRetention || undefined,
      RequestPayer: ctx.requestPayer,
    }),
    { key, abortSignal: options.abortSignal },
  );
  return { versionId: output.VersionId, deleteMarker: output.DeleteMarker };
}

/**
 * DeleteObjects in batches of 1,000, several batches in flight. Every key is validated before anything is sent,
 * and every key ends up in `deleted` or `errors`: a failed batch reports, for each of its keys, an error of its own
 * that names the key (`key`, message), with the batch's error as its `cause`.
 */
export async function deleteObjects(ctx: S3Context, targets: Iterable<DeleteTarget>, options: DeleteManyOptions): Promise<DeleteManyResult> {
  const objects = [...targets].map((t, i) => {
    const target = typeof t === 'string' ? { key: t } : t;
    assertKey(target?.key, `targets[${i}].key`);
    return { Key: target.key, VersionId: target.versionId };
  });
  const mfa = mfaHeader(options.mfa, ctx.config.endpoint);
  const batches: (typeof objects)[] = [];
  for (let i = 0; i < objects.length; i += MAX_DELETE_OBJECTS_PER_REQUEST) batches.push(objects.slice(i, i + MAX_DELETE_OBJECTS_PER_REQUEST));

  const deleted: DeleteManyResult['deleted'][number][] = [];
  const errors: DeleteManyResult['errors'][number][] = [];
  const settled = await mapSettledLimit(batches, ctx.config.concurrency, (batch) =>
    ctx.send(
      new DeleteObjectsCommand({
        Bucket: ctx.bucket,
        Delete: { Objects: batch, Quiet: false },
        MFA: mfa,
        BypassGovernanceRetention: options.bypassGovernanceRetention || undefined,
        RequestPayer: ctx.requestPayer,
      }),
      { abortSignal: options.abortSignal },
    ),
  );
  settled.forEach((result, i) => {
    if (result.status === 'rejected') {
      const batchError = toStorageError(result.reason, { bucket: ctx.bucket });
      for (const o of batches[i]) {
        const error = errorForKey(batchError, o.Key, o.VersionId);
        errors.push({ key: o.Key, versionId: o.VersionId, code: error.s3Code ?? error.code, message: error.message, error });
      }
      return;
    }
    for (const d of result.value.Deleted ?? []) {
      deleted.push({ key: d.Key ?? '', versionId: d.VersionId, deleteMarker: d.DeleteMarker, deleteMarkerVersionId: d.DeleteMarkerVersionId });
    }
    for (const e of result.value.Errors ?? []) {
      const error = toStorageError({ name: e.Code, Code: e.Code, message: e.Message }, { bucket: ctx.bucket, key: e.Key });
      // Some servers leave VersionId out of an error entry; when the batch asked for that key once, it is that version.
      const asked = batches[i].filter((o) => o.Key === e.Key);
      const versionId = e.VersionId ?? (asked.length === 1 ? asked[0].VersionId : undefined);
      errors.push({ key: e.Key ?? '', versionId, code: e.Code ?? 'Unknown', message: e.Message ?? '', error });
    }
  });
  return { deleted, errors };
}

/**
 * A copy of a failed batch's error for one of its keys: the same class and fields (code, s3Code, status, retryable,
 * request ids), with `key` set, a message that names the key, and the batch's error as `cause`.
 */
function errorForKey(batch: StorageError, key: string, versionId: string | undefined): StorageError {
  const copy = Object.create(Object.getPrototypeOf(batch) as object, Object.getOwnPropertyDescriptors(batch)) as StorageError;
  const version = versionId === undefined ? '' : ` version ${versionId}`;
  const message = `DeleteObjects failed for key "${key}"${version} (the whole batch failed): ${batch.message}`;
  const own = { writable: true, configurable: true };
  Object.defineProperty(copy, 'key', { ...own, enumerable: true, value: key });
  Object.defineProperty(copy, 'message', { ...own, enumerable: false, value: message });
  Object.defineProperty(copy, 'cause', { ...own, enumerable: false, value: batch });
  const frames = batch.stack?.split('\n').filter((line) => /^\s+at /.test(line)) ?? [];
  Object.defineProperty(copy, 'stack', { ...own, enumerable: false, value: [`${batch.name}: ${message}`, ...frames].join('\n') });
  return copy;
}
