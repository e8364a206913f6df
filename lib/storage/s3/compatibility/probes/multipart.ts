import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { MIB } from '../../../../rules/limits';
import { StorageError } from '../../../errors';
import { Probe, ok, no, partial, describe, rethrowUnrelated, send, bodyText, putText, ProbeContext } from './context';

async function createUpload(ctx: ProbeContext, key: string): Promise<string> {
  return (await send(ctx, new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: key }))).UploadId!;
}

const PART = () => randomBytes(5 * MIB);

export const multipartListParts: Probe = async (ctx) => {
  const uploadId = await createUpload(ctx, 'probe/mpu-list');
  try {
    await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId, PartNumber: 1, Body: Buffer.from('part one') }));
    await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId, PartNumber: 2, Body: Buffer.from('part 2') }));
    const parts = await send(ctx, new ListPartsCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId }));
    const seen = (parts.Parts ?? []).map((p) => `${p.PartNumber}:${p.Size}`);
    return seen.join(',') === '1:8,2:6'
      ? ok('ListParts listed parts 1 (8 bytes) and 2 (6 bytes) with ETags')
      : no(`ListParts listed ${seen.join(',') || 'nothing'}`);
  } finally {
    await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-list', UploadId: uploadId })).catch(() => undefined);
  }
};

export const multipartAbort: Probe = async (ctx) => {
  const uploadId = await createUpload(ctx, 'probe/mpu-abort');
  await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-abort', UploadId: uploadId, PartNumber: 1, Body: Buffer.from('x') }));
  await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-abort', UploadId: uploadId }));
  try {
    const parts = await send(ctx, new ListPartsCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-abort', UploadId: uploadId }));
    return partial(`AbortMultipartUpload answered, but ListParts still lists ${(parts.Parts ?? []).length} part(s)`);
  } catch (e) {
    rethrowUnrelated(e);
    const s = e as StorageError;
    if (s.s3Code === 'NoSuchUpload') return ok('after AbortMultipartUpload, ListParts answers NoSuchUpload');
    if (s.httpStatus === 404) return ok(`after AbortMultipartUpload, ListParts answers 404 ${s.s3Code ?? ''} (S3 says NoSuchUpload)`.trim());
    return partial(`after abort, ListParts answered ${describe(e)}`);
  }
};

export const listMultipartUploads: Probe = async (ctx) => {
  const key = 'probe/mpu-open/object';
  const uploadId = await createUpload(ctx, key);
  try {
    const listed = async (prefix?: string) =>
      ((await send(ctx, new ListMultipartUploadsCommand({ Bucket: ctx.bucket, Prefix: prefix }))).Uploads ?? []).some((u) => u.UploadId === uploadId);
    if (await listed('probe/mpu-')) return ok('ListMultipartUploads with a key prefix listed the open upload');
    if ((await listed(key)) || (await listed()))
      return partial('ListMultipartUploads lists the open upload without a prefix or by its exact key, but not by a shorter key prefix');
    return no('ListMultipartUploads did not list an open upload');
  } finally {
    await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
  }
};

export const uploadPartCopy: Probe = async (ctx) => {
  await putText(ctx, 'probe/range', '0123456789');
  const uploadId = await createUpload(ctx, 'probe/mpu-copy');
  try {
    const copied = await send(
      ctx,
      new UploadPartCopyCommand({
        Bucket: ctx.bucket,
        Key: 'probe/mpu-copy',
        UploadId: uploadId,
        PartNumber: 1,
        CopySource: `${ctx.bucket}/probe/range`,
        CopySourceRange: 'bytes=3-6',
      }),
    );
    await send(
      ctx,
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: 'probe/mpu-copy',
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }] },
      }),
    );
    const { text } = await bodyText(ctx, 'probe/mpu-copy');
    return text === '3456' ? ok('UploadPartCopy of bytes=3-6 produced "3456"') : no(`UploadPartCopy produced ${JSON.stringify(text.slice(0, 20))}`);
  } catch (e) {
    await send(ctx, new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: 'probe/mpu-copy', UploadId: uploadId })).catch(() => undefined);
    throw e;
  }
};

export const multipartCompleteEtag: Probe = async (ctx) => {
  const key = 'probe/mpu-etag';
  const uploadId = await createUpload(ctx, key);
  const parts = [PART(), Buffer.from('tail')];
  const etags = [];
  for (const [i, body] of parts.entries())
    etags.push((await send(ctx, new UploadPartCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body }))).ETag);
  const done = await send(
    ctx,
    new CompleteMultipartUploadCommand({
      Bucket: ctx.bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }),
  );
  const expected = `"${createHash('md5')
    .update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest())))
    .digest('hex')}-2"`;
  if (!done.ETag) {
    const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return partial(`CompleteMultipartUpload returned no ETag; HEAD gave ${head.ETag}`);
  }
  return done.ETag === expected
    ? ok(`Complete returned ${done.ETag}, the MD5 of the part MD5s with -2`)
    : partial(`Complete returned ${done.ETag}; the MD5-of-MD5s form is ${expected}`);
};
