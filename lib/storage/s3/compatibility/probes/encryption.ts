import { GetBucketEncryptionCommand, HeadObjectCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { customerKeyInput } from '../../core/encryption';
import { Probe, ok, partial, describe, send, bodyText, putText } from './context';

export const sseS3: Probe = async (ctx) => {
  await putText(ctx, 'probe/sse-s3', 'secret', { ServerSideEncryption: 'AES256' });
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/sse-s3' }));
  return head.ServerSideEncryption === 'AES256'
    ? ok('PUT with SSE AES256; HEAD reports x-amz-server-side-encryption: AES256')
    : partial(`PUT accepted; HEAD reports ${head.ServerSideEncryption ?? 'no encryption'}`);
};

export const sseKms: Probe = async (ctx) => {
  await putText(ctx, 'probe/sse-kms', 'secret', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ctx.kmsKeyId });
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
    (e) => describe(e),
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
