import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { MIB } from '../../../../rules/limits';
import { PreconditionFailedError, StorageError } from '../../../errors';
import { buildS3Client, type S3Storage } from '../../s3-storage';
import type { Capability, Feature, ProbeConfig } from '../probe';
import { customerKeyInput } from '../../core/encryption';
import { presignUrl } from '../../objects/presign';

/** What every probe gets: a storage on the scratch bucket and a signal that fires at the time limit. */
export interface ProbeContext {
  readonly storage: S3Storage;
  readonly bucket: string;
  readonly config: ProbeConfig;
  readonly kmsKeyId?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly notes: { checksumAlgorithms: string[]; storageClasses: string[] };
}

type Probe = (ctx: ProbeContext) => Promise<Capability>;

const ok = (evidence: string): Capability => ({ status: 'supported', evidence });
const no = (evidence: string): Capability => ({ status: 'unsupported', evidence });
const partial = (evidence: string): Capability => ({ status: 'partial', evidence });
const describe = (e: unknown) => {
  const s = e as StorageError;
  return `${s.s3Code ?? s.name}${s.httpStatus ? ` (HTTP ${s.httpStatus})` : ''}`;
};

const send = <C extends Parameters<S3Storage['send']>[0]>(ctx: ProbeContext, command: C) => ctx.storage.send(command, { abortSignal: ctx.signal });

async function bodyText(ctx: ProbeContext, key: string, extra: object = {}): Promise<{ text: string; headers: Record<string, unknown> }> {
  const out = await send(ctx, new GetObjectCommand({ Bucket: ctx.bucket, Key: key, ...extra }));
  const text = out.Body ? await out.Body.transformToString() : '';
  return { text, headers: out as unknown as Record<string, unknown> };
}

async function putText(ctx: ProbeContext, key: string, text: string, extra: object = {}) {
  return send(ctx, new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: Buffer.from(text), ...extra }));
}

const rangedGet: Probe = async (ctx) => {
  await putText(ctx, 'probe/range', '0123456789');
  const { text } = await bodyText(ctx, 'probe/range', { Range: 'bytes=2-5' });
  return text === '2345' ? ok('GET Range: bytes=2-5 of "0123456789" returned "2345"') : no(`GET Range: bytes=2-5 returned ${JSON.stringify(text.slice(0, 20))}`);
};

const suffixRangeGet: Probe = async (ctx) => {
  await putText(ctx, 'probe/range', '0123456789');
  const { text } = await bodyText(ctx, 'probe/range', { Range: 'bytes=-3' });
  return text === '789' ? ok('GET Range: bytes=-3 returned "789"') : no(`GET Range: bytes=-3 returned ${JSON.stringify(text.slice(0, 20))}`);
};

async function putListObjects(ctx: ProbeContext): Promise<string[]> {
  const keys = ['probe/list/a', 'probe/list/b', 'probe/list/c'];
  for (const k of keys) await putText(ctx, k, k);
  return keys;
}

const listObjectsV2: Probe = async (ctx) => {
  const keys = await putListObjects(ctx);
  const out = await send(ctx, new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: 'probe/list/' }));
  const listed = (out.Contents ?? []).map((o) => o.Key);
  return JSON.stringify(listed) === JSON.stringify(keys) ? ok(`ListObjectsV2 listed the 3 keys written (KeyCount ${out.KeyCount})`) : no(`ListObjectsV2 listed ${JSON.stringify(listed)}`);
};

const listContinuation: Probe = async (ctx) => {
  const keys = await putListObjects(ctx);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await send(ctx, new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: 'probe/list/', MaxKeys: 1, ContinuationToken: token }));
    seen.push(...(out.Contents ?? []).map((o) => o.Key ?? ''));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
    if (++pages > 10) return no('continuation did not end after 10 pages of MaxKeys=1');
  } while (token);
  return JSON.stringify(seen) === JSON.stringify(keys) ? ok(`MaxKeys=1 gave ${pages} pages joined by continuation tokens, every key once`) : no(`continuation listed ${JSON.stringify(seen)}`);
};

async function createUpload(ctx: ProbeContext, key: string): Promise<string> {
  return (await send(ctx, new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: key }))).UploadId!;
}

const PART = () => randomBytes(5 * MIB);

const multipartListParts: Probe = async (ctx) => {
  const uploadId = await createUpload(ctx, 'probe/mpu-list');
  try {
    await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId, PartNumber: 1, Body: Buffer.from('part one') }));
    await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId, PartNumber: 2, Body: Buffer.from('part 2') }));
    const parts = await send(ctx, new ListPartsCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId }));
    const seen = (parts.Parts ?? []).map((p) => `${p.PartNumber}:${p.Size}`);
    return seen.join(',') === '1:8,2:6' ? ok('ListParts listed parts 1 (8 bytes) and 2 (6 bytes) with ETags') : no(`ListParts listed ${seen.join(',') || 'nothing'}`);
  } finally {
    await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId })).catch(() => undefined);
  }
};

const multipartAbort: Probe = async (ctx) => {
  const uploadId = await createUpload(ctx, 'probe/mpu-abort');
  await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-abort', UploadId: uploadId, PartNumber: 1, Body: Buffer.from('x') }));
  await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-abort', UploadId: uploadId }));
  try {
    const parts = await send(ctx, new ListPartsCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-abort', UploadId: uploadId }));
    return partial(`AbortMultipartUpload answered, but ListParts still lists ${(parts.Parts ?? []).length} part(s)`);
  } catch (e) {
    const s = e as StorageError;
    if (s.s3Code === 'NoSuchUpload') return ok('after AbortMultipartUpload, ListParts answers NoSuchUpload');
    if (s.httpStatus === 404) return ok(`after AbortMultipartUpload, ListParts answers 404 ${s.s3Code ?? ''} (S3 says NoSuchUpload)`.trim());
    return partial(`after abort, ListParts answered ${describe(e)}`);
  }
};

const listMultipartUploads: Probe = async (ctx) => {
  const key = 'probe/mpu-open/object';
  const uploadId = await createUpload(ctx, key);
  try {
    const listed = async (prefix?: string) => ((await send(ctx, new ListMultipartUploadsCommand({ Bucket: ctx.bucket, Prefix: prefix }))).Uploads ?? []).some((u) => u.UploadId === uploadId);
    if (await listed('probe/mpu-')) return ok('ListMultipartUploads with a key prefix listed the open upload');
    if ((await listed(key)) || (await listed())) return partial('ListMultipartUploads lists the open upload without a prefix or by its exact key, but not by a shorter key prefix');
    return no('ListMultipartUploads did not list an open upload');
  } finally {
    await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
  }
};

const uploadPartCopy: Probe = async (ctx) => {
  await putText(ctx, 'probe/range', '0123456789');
  const uploadId = await createUpload(ctx, 'probe/mpu-copy');
  try {
    const copied = await send(ctx, new UploadPartCopyCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-copy', UploadId: uploadId, PartNumber: 1, CopySource: `${ctx.bucket}/probe/range`, CopySourceRange: 'bytes=3-6' }));
    await send(ctx, new CompleteMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-copy', UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }] } }));
    const { text } = await bodyText(ctx, 'probe/mpu-copy');
    return text === '3456' ? ok('UploadPartCopy of bytes=3-6 produced "3456"') : no(`UploadPartCopy produced ${JSON.stringify(text.slice(0, 20))}`);
  } catch (e) {
    await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-copy', UploadId: uploadId })).catch(() => undefined);
    throw e;
  }
};

const multipartCompleteEtag: Probe = async (ctx) => {
  const key = 'probe/mpu-etag';
  const uploadId = await createUpload(ctx, key);
  const parts = [PART(), Buffer.from('tail')];
  const etags = [];
  for (const [i, body] of parts.entries()) etags.push((await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body }))).ETag);
  const done = await send(ctx, new CompleteMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
  const expected = `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-2"`;
  if (!done.ETag) {
    const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return partial(`CompleteMultipartUpload returned no ETag; HEAD gave ${head.ETag}`);
  }
  return done.ETag === expected ? ok(`Complete returned ${done.ETag}, the MD5 of the part MD5s with -2`) : partial(`Complete returned ${done.ETag}; the MD5-of-MD5s form is ${expected}`);
};

const CHECKSUMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const;

const flexibleChecksums: Probe = async (ctx) => {
  const echoed: string[] = [];
  const refused: string[] = [];
  for (const algorithm of CHECKSUMS) {
    try {
      const out = await putText(ctx, `probe/checksum-${algorithm}`, 'checksum me', { ChecksumAlgorithm: algorithm });
      const field = `Checksum${algorithm}` as 'ChecksumCRC32';
      const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: `probe/checksum-${algorithm}`, ChecksumMode: 'ENABLED' }));
      if (out[field] && head[field] === out[field]) echoed.push(algorithm);
      else refused.push(`${algorithm} (accepted, not echoed)`);
    } catch (e) {
      refused.push(`${algorithm} (${describe(e)})`);
    }
  }
  ctx.notes.checksumAlgorithms.push(...echoed);
  const evidence = `echoed on PUT and HEAD: ${echoed.join(', ') || 'none'}${refused.length ? `; not: ${refused.join(', ')}` : ''}`;
  return echoed.length === CHECKSUMS.length ? ok(evidence) : echoed.length > 0 ? partial(evidence) : no(evidence);
};

const streamedTrailingChecksum: Probe = async (ctx) => {
  // A client with the SDK's default policy streams the body as aws-chunked with a trailing CRC32.
  const client = buildS3Client({ ...ctx.storage.config, checksumPolicy: 'WHEN_SUPPORTED' }, ctx.storage.region);
  const data = randomBytes(64 * 1024);
  try {
    await client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: 'probe/trailing', Body: Readable.from([data]), ContentLength: data.length }), { abortSignal: ctx.signal });
  } catch (e) {
    return no(`streamed PUT with a trailing checksum failed: ${(e as { name?: string }).name} (HTTP ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode})`);
  } finally {
    client.destroy();
  }
  const out = await send(ctx, new GetObjectCommand({ Bucket: ctx.bucket, Key: 'probe/trailing' }));
  const stored = Buffer.from(await out.Body!.transformToByteArray());
  return stored.equals(data) ? ok('a 64 KiB aws-chunked PUT with a trailing CRC32 read back byte for byte') : no(`stored ${stored.length} bytes for 65536 sent: the chunk framing was kept as data`);
};

/** Writes twice with If-None-Match: * and reports whether the second write was refused and the first kept. */
async function createOnlyHolds(ctx: ProbeContext, bucket: string): Promise<{ held: boolean; detail: string }> {
  const put = (body: string) => send(ctx, new PutObjectCommand({ Bucket: bucket, Key: 'probe/cond', Body: Buffer.from(body), IfNoneMatch: '*' }));
  await put('first');
  try {
    await put('second');
  } catch (e) {
    if (e instanceof PreconditionFailedError) return { held: true, detail: 'a second PUT got 412' };
    return { held: false, detail: `a second PUT got ${describe(e)}` };
  }
  const out = await send(ctx, new GetObjectCommand({ Bucket: bucket, Key: 'probe/cond' }));
  return { held: false, detail: `a second PUT succeeded and the object now reads "${await out.Body?.transformToString()}"` };
}

const conditionalWrite: Probe = async (ctx) => {
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

const versioning: Probe = async (ctx) => {
  await enableVersioning(ctx);
  const status = (await send(ctx, new GetBucketVersioningCommand({ Bucket: ctx.bucket }))).Status;
  const v1 = (await putText(ctx, 'probe/versioned', 'one')).VersionId;
  const v2 = (await putText(ctx, 'probe/versioned', 'two')).VersionId;
  const { text } = await bodyText(ctx, 'probe/versioned', { VersionId: v1 });
  if (status === 'Enabled' && v1 && v2 && v1 !== v2 && text === 'one') return ok('versioning Enabled; two PUTs got distinct version ids and the first reads back by id');
  return no(`status ${status}, version ids ${v1}/${v2}, first version read "${text}"`);
};

const deleteMarkerHeader: Probe = async (ctx) => {
  await enableVersioning(ctx);
  await putText(ctx, 'probe/marker', 'x');
  const deleted = await send(ctx, new DeleteObjectCommand({ Bucket: ctx.bucket, Key: 'probe/marker' }));
  const headError = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/marker' })).then(
    () => undefined,
    (e: StorageError) => e,
  );
  const headerSeen = (headError as { deleteMarker?: boolean } | undefined)?.deleteMarker === true;
  const versions = await send(ctx, new ListObjectVersionsCommand({ Bucket: ctx.bucket, Prefix: 'probe/marker' }));
  const listed = (versions.DeleteMarkers ?? []).some((m) => m.IsLatest);
  if (deleted.DeleteMarker && headerSeen) return ok('DELETE answered x-amz-delete-marker: true, and HEAD of the key 404s with the header');
  if (listed) return partial(`the marker is listed by ListObjectVersions, but the header came back ${headerSeen ? 'on HEAD only' : deleted.DeleteMarker ? 'on DELETE only' : 'on neither DELETE nor HEAD'}`);
  return no('no delete marker was created');
};

const mfaDelete: Probe = async (ctx) => {
  const out = await send(ctx, new GetBucketVersioningCommand({ Bucket: ctx.bucket }));
  return partial(
    `requires MFA: changing MFA delete needs the root account's device in x-amz-mfa, so it is not switched on in a scratch bucket; GetBucketVersioning reports MFADelete=${out.MFADelete ?? '(absent)'}`,
  );
};

const objectLock: Probe = async (ctx) => {
  const bucket = `${ctx.bucket}-lock`.slice(0, 63);
  await send(ctx, new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  try {
    const config = await send(ctx, new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const put = await send(ctx, new PutObjectCommand({ Bucket: bucket, Key: 'held', Body: Buffer.from('x'), ObjectLockLegalHoldStatus: 'ON', ChecksumAlgorithm: 'CRC32' }));
    const head = await send(ctx, new HeadObjectCommand({ Bucket: bucket, Key: 'held', VersionId: put.VersionId }));
    await send(ctx, new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'held', VersionId: put.VersionId, LegalHold: { Status: 'OFF' }, ChecksumAlgorithm: 'CRC32' }));
    await send(ctx, new DeleteObjectCommand({ Bucket: bucket, Key: 'held', VersionId: put.VersionId }));
    const enabled = config.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
    return enabled && head.ObjectLockLegalHoldStatus === 'ON' ? ok('a lock-enabled bucket held an object under legal hold (HEAD: ON)') : partial(`lock config ${enabled ? 'Enabled' : 'missing'}, legal hold on HEAD: ${head.ObjectLockLegalHoldStatus}`);
  } finally {
    await emptyScratchBucket(ctx.storage, bucket).catch(() => undefined);
    await send(ctx, new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  }
};

const sseS3: Probe = async (ctx) => {
  await putText(ctx, 'probe/sse-s3', 'secret', { ServerSideEncryption: 'AES256' });
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/sse-s3' }));
  return head.ServerSideEncryption === 'AES256' ? ok('PUT with SSE AES256; HEAD reports x-amz-server-side-encryption: AES256') : partial(`PUT accepted; HEAD reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};

const sseKms: Probe = async (ctx) => {
  await putText(ctx, 'probe/sse-kms', 'secret', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ctx.kmsKeyId });
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/sse-kms' }));
  const { text } = await bodyText(ctx, 'probe/sse-kms');
  if (head.ServerSideEncryption === 'aws:kms' && text === 'secret') return ok(`PUT with aws:kms; HEAD reports aws:kms (key ${head.SSEKMSKeyId ?? 'default'}) and the data reads back`);
  return partial(`PUT accepted; HEAD reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};

const sseC: Probe = async (ctx) => {
  const key = randomBytes(32);
  await putText(ctx, 'probe/sse-c', 'secret', customerKeyInput(key));
  const withoutKey = await bodyText(ctx, 'probe/sse-c').then(
    () => 'readable without the key',
    (e) => describe(e),
  );
  const { text, headers } = await bodyText(ctx, 'probe/sse-c', customerKeyInput(key));
  if (text === 'secret' && headers.SSECustomerAlgorithm === 'AES256' && withoutKey !== 'readable without the key') {
    return ok(`GET without the key: ${withoutKey}; with it: the data and x-amz-server-side-encryption-customer-algorithm: AES256`);
  }
  return partial(`GET without the key: ${withoutKey}; with it: ${headers.SSECustomerAlgorithm ?? 'no SSE-C header'}`);
};

const bucketDefaultEncryption: Probe = async (ctx) => {
  await send(ctx, new PutBucketEncryptionCommand({ Bucket: ctx.bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  const config = await send(ctx, new GetBucketEncryptionCommand({ Bucket: ctx.bucket }));
  await putText(ctx, 'probe/default-enc', 'x');
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/default-enc' }));
  const stored = config.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  if (stored === 'AES256' && head.ServerSideEncryption === 'AES256') return ok('PutBucketEncryption AES256 stored, and a plain PUT came back encrypted');
  return partial(`config reads back ${stored ?? 'nothing'}; a plain PUT reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};

const PROBED_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR'] as const;

const storageClasses: Probe = async (ctx) => {
  const good: string[] = [];
  const bad: string[] = [];
  for (const cls of PROBED_CLASSES) {
    const key = `probe/class/${cls}`;
    try {
      await putText(ctx, key, cls, { StorageClass: cls });
      const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
      const list = await send(ctx, new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: key }));
      const onHead = head.StorageClass ?? 'STANDARD';
      const onList = list.Contents?.[0]?.StorageClass ?? 'STANDARD';
      if (onHead === cls && onList === cls) good.push(cls);
      else bad.push(`${cls} (HEAD ${onHead}, LIST ${onList})`);
    } catch (e) {
      bad.push(`${cls} (${describe(e)})`);
    }
  }
  ctx.notes.storageClasses.push(...good);
  const evidence = `accepted and reported on HEAD and LIST: ${good.join(', ') || 'none'}${bad.length ? `; not: ${bad.join(', ')}` : ''}`;
  return bad.length === 0 ? ok(evidence) : good.length > 1 ? partial(evidence) : no(evidence);
};

const restoreObject: Probe = async (ctx) => {
  await putText(ctx, 'probe/archived', 'cold', { StorageClass: 'GLACIER' });
  await send(ctx, new RestoreObjectCommand({ Bucket: ctx.bucket, Key: 'probe/archived', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }));
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/archived' }));
  return head.Restore ? ok(`RestoreObject accepted; HEAD shows x-amz-restore: ${head.Restore}`) : partial('RestoreObject accepted, but HEAD shows no x-amz-restore');
};

const lifecycle: Probe = async (ctx) => {
  await send(ctx, new PutBucketLifecycleConfigurationCommand({ Bucket: ctx.bucket, LifecycleConfiguration: { Rules: [{ ID: 'probe', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 30 } }] } }));
  const out = await send(ctx, new GetBucketLifecycleConfigurationCommand({ Bucket: ctx.bucket }));
  const rule = out.Rules?.find((r) => r.ID === 'probe');
  return rule?.Expiration?.Days === 30 ? ok('PutBucketLifecycleConfiguration stored a 30-day expiration rule that reads back') : partial(`lifecycle read back ${JSON.stringify(out.Rules ?? []).slice(0, 120)}`);
};

const transferAcceleration: Probe = async (ctx) => {
  await send(ctx, new PutBucketAccelerateConfigurationCommand({ Bucket: ctx.bucket, AccelerateConfiguration: { Status: 'Enabled' } }));
  const out = await send(ctx, new GetBucketAccelerateConfigurationCommand({ Bucket: ctx.bucket }));
  if (out.Status !== 'Enabled') return no(`the setting was accepted but reads back ${out.Status ?? 'absent'}`);
  return ctx.config.endpoint ? partial('the setting is stored, but a custom endpoint has no s3-accelerate endpoint to use it') : ok('enabled; reads back Enabled');
};

const notifications: Probe = async (ctx) => {
  const before = await send(ctx, new GetBucketNotificationConfigurationCommand({ Bucket: ctx.bucket }));
  const topicArn = 'arn:aws:sns:us-east-1:000000000000:bucketkit-probe';
  try {
    await send(ctx, new PutBucketNotificationConfigurationCommand({ Bucket: ctx.bucket, NotificationConfiguration: { TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }] } }));
  } catch (e) {
    return partial(`GetBucketNotificationConfiguration answers (${Object.keys(before).filter((k) => !k.startsWith('$')).length} sections); an SNS topic destination was refused: ${describe(e)}`);
  }
  const after = await send(ctx, new GetBucketNotificationConfigurationCommand({ Bucket: ctx.bucket }));
  return after.TopicConfigurations?.some((t) => t.TopicArn === topicArn) ? ok('an SNS topic configuration was stored and reads back') : partial('PutBucketNotificationConfiguration answered, but the configuration does not read back');
};

const tagging: Probe = async (ctx) => {
  await putText(ctx, 'probe/tags', 'x');
  await send(ctx, new PutObjectTaggingCommand({ Bucket: ctx.bucket, Key: 'probe/tags', Tagging: { TagSet: [{ Key: 'a', Value: 'b c' }] } }));
  const out = await send(ctx, new GetObjectTaggingCommand({ Bucket: ctx.bucket, Key: 'probe/tags' }));
  return out.TagSet?.[0]?.Value === 'b c' ? ok('PutObjectTagging then GetObjectTagging read back a=b c') : no(`tags read back ${JSON.stringify(out.TagSet)}`);
};

function fetchUrl(url: string, hostHeader?: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: 'GET', headers: hostHeader ? { host: hostHeader } : undefined, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function credentialsOf(ctx: ProbeContext) {
  return ctx.storage.client.config.credentials();
}

const presignedUrls: Probe = async (ctx) => {
  await putText(ctx, 'probe/presigned file.txt', 'presigned!');
  const endpoint = ctx.config.endpoint ?? `https://s3.${ctx.storage.region}.amazonaws.com`;
  const url = await presignUrl({ method: 'GET', endpoint, path: `/${ctx.bucket}/probe/presigned file.txt`, region: ctx.storage.region, credentials: await credentialsOf(ctx), expiresInSeconds: 60 });
  const res = await fetchUrl(url, undefined, ctx.signal);
  return res.status === 200 && res.body === 'presigned!' ? ok('a SigV4 query-string URL fetched the object with no other credentials') : no(`the presigned GET answered HTTP ${res.status}`);
};

const virtualHostStyle: Probe = async (ctx) => {
  await putText(ctx, 'probe/vhost', 'virtual');
  const endpoint = ctx.config.endpoint ?? `https://s3.${ctx.storage.region}.amazonaws.com`;
  const host = `${ctx.bucket}.${new URL(endpoint).host}`;
  const url = await presignUrl({ method: 'GET', endpoint, host, path: '/probe/vhost', region: ctx.storage.region, credentials: await credentialsOf(ctx), expiresInSeconds: 60 });
  const res = await fetchUrl(url, host, ctx.signal);
  return res.status === 200 && res.body === 'virtual'
    ? ok(`a GET with Host: <bucket>.${new URL(endpoint).host} and path /probe/vhost read the object`)
    : no(`a GET with the bucket in the Host header answered HTTP ${res.status}: the store wants path-style requests`);
};

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

/** Removes every version, delete marker and open upload from a scratch bucket. */
export async function emptyScratchBucket(storage: S3Storage, bucket = storage.bucket): Promise<void> {
  const uploads = await storage.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) await storage.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId })).catch(() => undefined);
  for (;;) {
    const page = await storage.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const all = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    if (all.length === 0) return;
    for (const v of all) await storage.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId, BypassGovernanceRetention: true })).catch(() => undefined);
    if (!page.IsTruncated) {
      const again = await storage.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      if ([...(again.Versions ?? []), ...(again.DeleteMarkers ?? [])].length === all.length) return; // nothing more can go
    }
  }
}
