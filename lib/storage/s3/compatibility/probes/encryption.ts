import { GetBucketEncryptionCommand, HeadObjectCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { customerKeyInput } from '../../core/encryption';
import { Probe, ok, partial, describe, rethrowUnrelated, send, bodyText, putText, unknown } from './context';

export const sseS3: Probe = async (ctx) => {
  await putText(ctx, 'probe/sse-s3', 'secret', { ServerSideEncryption: 'AES256' });
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/sse-s3' }));
  return head.ServerSideEncryption === 'AES256'
    ? ok('PUT with SSE AES256; HEAD reports x-amz-server-side-encryption: AES256')
    : partial(`PUT accepted; HEAD reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};

/**
 * True for a store's refusal of SSE-KMS that asks for a key rather than refusing the feature: Ceph RGW answers
 * 400 InvalidArgument "Server Side Encryption with KMS managed key requires HTTP header
 * x-amz-server-side-encryption-aws-kms-key-id" (older releases 403 InvalidAccessKeyId with the same message) when no
 * key id is sent, because it has no default key; AWS KMS errors (`KMS.NotFoundException`, ...) name a key problem.
 */
export function isKmsKeyRequired(error: unknown): boolean {
  const e = error as { s3Code?: string; message?: string };
  if (e?.s3Code?.startsWith('KMS.')) return true;
  return /kms/i.test(e?.message ?? '') && /key[- ]?id|key.*(required|not found|does not exist)/i.test(e?.message ?? '');
}

export const sseKms: Probe = async (ctx) => {
  try {
    await putText(ctx, 'probe/sse-kms', 'secret', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ctx.kmsKeyId });
  } catch (e) {
    if (isKmsKeyRequired(e)) {
      return unknown(
        'needs-input',
        `${ctx.kmsKeyId ? `the KMS key id given was refused` : 'the store wants a KMS key id (it has no default key)'}: ${describe(e)}: ${String((e as Error).message).slice(0, 160)}; probe again with kmsKeyId (bucketkit probe --kms-key-id)`,
      );
    }
    throw e;
  }
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/sse-kms' }));
  const { text } = await bodyText(ctx, 'probe/sse-kms');
  if (head.ServerSideEncryption === 'aws:kms' && text === 'secret')
    return ok(`PUT with aws:kms; HEAD reports aws:kms (key ${head.SSEKMSKeyId ?? 'default'}) and the data reads back`);
  return partial(`PUT accepted; HEAD reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};

export const sseC: Probe = async (ctx) => {
  const key = randomBytes(32);
  await putText(ctx, 'probe/sse-c', 'secret', customerKeyInput(key));
  const withoutKey = await bodyText(ctx, 'probe/sse-c').then(
    () => 'readable without the key',
    (e) => {
      rethrowUnrelated(e);
      return describe(e);
    },
  );
  const { text, headers } = await bodyText(ctx, 'probe/sse-c', customerKeyInput(key));
  if (text === 'secret' && headers.SSECustomerAlgorithm === 'AES256' && withoutKey !== 'readable without the key') {
    return ok(`GET without the key: ${withoutKey}; with it: the data and x-amz-server-side-encryption-customer-algorithm: AES256`);
  }
  return partial(`GET without the key: ${withoutKey}; with it: ${headers.SSECustomerAlgorithm ?? 'no SSE-C header'}`);
};

export const bucketDefaultEncryption: Probe = async (ctx) => {
  await send(
    ctx,
    new PutBucketEncryptionCommand({
      Bucket: ctx.bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    }),
  );
  const config = await send(ctx, new GetBucketEncryptionCommand({ Bucket: ctx.bucket }));
  await putText(ctx, 'probe/default-enc', 'x');
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/default-enc' }));
  const stored = config.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  if (stored === 'AES256' && head.ServerSideEncryption === 'AES256') return ok('PutBucketEncryption AES256 stored, and a plain PUT came back encrypted');
  return partial(`config reads back ${stored ?? 'nothing'}; a plain PUT reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};
