import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
} from '@aws-sdk/client-s3';
import { PreconditionFailedError, StorageError } from '../../../errors';
import { Probe, ok, no, partial, describe, rethrowUnrelated, send, bodyText, putText, ProbeContext } from './context';
import { emptyScratchBucket } from './scratch';

/** Writes twice with If-None-Match: * and reports whether the second write was refused and the first kept. */
async function createOnlyHolds(ctx: ProbeContext, bucket: string): Promise<{ held: boolean; detail: string }> {
  const put = (body: string) => send(ctx, new PutObjectCommand({ Bucket: bucket, Key: 'probe/cond', Body: Buffer.from(body), IfNoneMatch: '*' }));
  await put('first');
  try {
    await put('second');
  } catch (e) {
    rethrowUnrelated(e);
    if (e instanceof PreconditionFailedError) return { held: true, detail: 'a second PUT got 412' };
    return { held: false, detail: `a second PUT got ${describe(e)}` };
  }
  const out = await send(ctx, new GetObjectCommand({ Bucket: bucket, Key: 'probe/cond' }));
  return { held: false, detail: `a second PUT succeeded and the object now reads "${await out.Body?.transformToString()}"` };
}

export const conditionalWrite: Probe = async (ctx) => {
  const plain = await createOnlyHolds(ctx, ctx.bucket);
  // Some stores honour If-None-Match only on unversioned buckets: check a versioned one too.
  const versionedBucket = `${ctx.bucket}-v`.slice(0, 63);
  await send(ctx, new CreateBucketCommand({ Bucket: versionedBucket }));
  let versioned: { held: boolean; detail: string };
  try {
    await send(ctx, new PutBucketVersioningCommand({ Bucket: versionedBucket, VersioningConfiguration: { Status: 'Enabled' } }));
    versioned = await createOnlyHolds(ctx, versionedBucket);
  } finally {
    await emptyScratchBucket(ctx.storage, versionedBucket).catch(() => undefined);
    await send(ctx, new DeleteBucketCommand({ Bucket: versionedBucket })).catch(() => undefined);
  }
  const evidence = `If-None-Match: * on an unversioned bucket: ${plain.detail}; on a versioned bucket: ${versioned.detail}`;
  if (plain.held && versioned.held) return ok(evidence);
  return plain.held || versioned.held ? partial(evidence) : no(evidence);
};

async function enableVersioning(ctx: ProbeContext): Promise<void> {
  await send(ctx, new PutBucketVersioningCommand({ Bucket: ctx.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
}

export const versioning: Probe = async (ctx) => {
  await enableVersioning(ctx);
  const status = (await send(ctx, new GetBucketVersioningCommand({ Bucket: ctx.bucket }))).Status;
  const v1 = (await putText(ctx, 'probe/versioned', 'one')).VersionId;
  const v2 = (await putText(ctx, 'probe/versioned', 'two')).VersionId;
  const { text } = await bodyText(ctx, 'probe/versioned', { VersionId: v1 });
  if (status === 'Enabled' && v1 && v2 && v1 !== v2 && text === 'one')
    return ok('versioning Enabled; two PUTs got distinct version ids and the first reads back by id');
  return no(`status ${status}, version ids ${v1}/${v2}, first version read "${text}"`);
};

export const deleteMarkerHeader: Probe = async (ctx) => {
  await enableVersioning(ctx);
  await putText(ctx, 'probe/marker', 'x');
  const deleted = await send(ctx, new DeleteObjectCommand({ Bucket: ctx.bucket, Key: 'probe/marker' }));
  const headError = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/marker' })).then(
    () => undefined,
    (e: StorageError) => {
      rethrowUnrelated(e);
      return e;
    },
  );
  const headerSeen = (headError as { deleteMarker?: boolean } | undefined)?.deleteMarker === true;
  const versions = await send(ctx, new ListObjectVersionsCommand({ Bucket: ctx.bucket, Prefix: 'probe/marker' }));
  const listed = (versions.DeleteMarkers ?? []).some((m) => m.IsLatest);
  if (deleted.DeleteMarker && headerSeen) return ok('DELETE answered x-amz-delete-marker: true, and HEAD of the key 404s with the header');
  if (listed)
    return partial(
      `the marker is listed by ListObjectVersions, but the header came back ${headerSeen ? 'on HEAD only' : deleted.DeleteMarker ? 'on DELETE only' : 'on neither DELETE nor HEAD'}`,
    );
  return no('no delete marker was created');
};

export const mfaDelete: Probe = async (ctx) => {
  const out = await send(ctx, new GetBucketVersioningCommand({ Bucket: ctx.bucket }));
  return partial(
    `requires MFA: changing MFA delete needs the root account's device in x-amz-mfa, so it is not switched on in a scratch bucket; GetBucketVersioning reports MFADelete=${out.MFADelete ?? '(absent)'}`,
  );
};

export const objectLock: Probe = async (ctx) => {
  const bucket = `${ctx.bucket}-lock`.slice(0, 63);
  await send(ctx, new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  try {
    const config = await send(ctx, new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const put = await send(
      ctx,
      new PutObjectCommand({ Bucket: bucket, Key: 'held', Body: Buffer.from('x'), ObjectLockLegalHoldStatus: 'ON', ChecksumAlgorithm: 'CRC32' }),
    );
    const head = await send(ctx, new HeadObjectCommand({ Bucket: bucket, Key: 'held', VersionId: put.VersionId }));
    await send(
      ctx,
      new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'held', VersionId: put.VersionId, LegalHold: { Status: 'OFF' }, ChecksumAlgorithm: 'CRC32' }),
    );
    await send(ctx, new DeleteObjectCommand({ Bucket: bucket, Key: 'held', VersionId: put.VersionId }));
    const enabled = config.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
    return enabled && head.ObjectLockLegalHoldStatus === 'ON'
      ? ok('a lock-enabled bucket held an object under legal hold (HEAD: ON)')
      : partial(`lock config ${enabled ? 'Enabled' : 'missing'}, legal hold on HEAD: ${head.ObjectLockLegalHoldStatus}`);
  } finally {
    await emptyScratchBucket(ctx.storage, bucket).catch(() => undefined);
    await send(ctx, new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  }
};
