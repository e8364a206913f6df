import { GetObjectTaggingCommand, ListObjectsV2Command, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import * as http from 'node:http';
import * as https from 'node:https';
import { presignUrl } from '../../objects/presign';
import { Probe, ProbeContext, bodyText, no, ok, putText, send } from './context';

export const rangedGet: Probe = async (ctx) => {
  await putText(ctx, 'probe/range', '0123456789');
  const { text } = await bodyText(ctx, 'probe/range', { Range: 'bytes=2-5' });
  return text === '2345'
    ? ok('GET Range: bytes=2-5 of "0123456789" returned "2345"')
    : no(`GET Range: bytes=2-5 returned ${JSON.stringify(text.slice(0, 20))}`);
};

export const suffixRangeGet: Probe = async (ctx) => {
  await putText(ctx, 'probe/range', '0123456789');
  const { text } = await bodyText(ctx, 'probe/range', { Range: 'bytes=-3' });
  return text === '789' ? ok('GET Range: bytes=-3 returned "789"') : no(`GET Range: bytes=-3 returned ${JSON.stringify(text.slice(0, 20))}`);
};

async function putListObjects(ctx: ProbeContext): Promise<string[]> {
  const keys = ['probe/list/a', 'probe/list/b', 'probe/list/c'];
  for (const k of keys) await putText(ctx, k, k);
  return keys;
}

export const listObjectsV2: Probe = async (ctx) => {
  const keys = await putListObjects(ctx);
  const out = await send(ctx, new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: 'probe/list/' }));
  const listed = (out.Contents ?? []).map((o) => o.Key);
  return JSON.stringify(listed) === JSON.stringify(keys)
    ? ok(`ListObjectsV2 listed the 3 keys written (KeyCount ${out.KeyCount})`)
    : no(`ListObjectsV2 listed ${JSON.stringify(listed)}`);
};

export const listContinuation: Probe = async (ctx) => {
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
  return JSON.stringify(seen) === JSON.stringify(keys)
    ? ok(`MaxKeys=1 gave ${pages} pages joined by continuation tokens, every key once`)
    : no(`continuation listed ${JSON.stringify(seen)}`);
};

export const tagging: Probe = async (ctx) => {
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

export const presignedUrls: Probe = async (ctx) => {
  await putText(ctx, 'probe/presigned file.txt', 'presigned!');
  const endpoint = ctx.config.endpoint ?? `https://s3.${ctx.storage.region}.amazonaws.com`;
  const url = await presignUrl({
    method: 'GET',
    endpoint,
    path: `/${ctx.bucket}/probe/presigned file.txt`,
    region: ctx.storage.region,
    credentials: await credentialsOf(ctx),
    expiresInSeconds: 60,
  });
  const res = await fetchUrl(url, undefined, ctx.signal);
  return res.status === 200 && res.body === 'presigned!'
    ? ok('a SigV4 query-string URL fetched the object with no other credentials')
    : no(`the presigned GET answered HTTP ${res.status}`);
};

export const virtualHostStyle: Probe = async (ctx) => {
  await putText(ctx, 'probe/vhost', 'virtual');
  const endpoint = ctx.config.endpoint ?? `https://s3.${ctx.storage.region}.amazonaws.com`;
  const host = `${ctx.bucket}.${new URL(endpoint).host}`;
  const url = await presignUrl({
    method: 'GET',
    endpoint,
    host,
    path: '/probe/vhost',
    region: ctx.storage.region,
    credentials: await credentialsOf(ctx),
    expiresInSeconds: 60,
  });
  const res = await fetchUrl(url, host, ctx.signal);
  return res.status === 200 && res.body === 'virtual'
    ? ok(`a GET with Host: <bucket>.${new URL(endpoint).host} and path /probe/vhost read the object`)
    : no(`a GET with the bucket in the Host header answered HTTP ${res.status}: the store wants path-style requests`);
};
