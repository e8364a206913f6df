import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { StorageError } from '../../../errors';
import type { Capability } from '../../../types/compatibility';
import type { S3Command } from '../../core/context';
import type { S3Session } from '../../core/session';
import type { S3StorageConfig } from '../../core/config';

/** Config for probing: an S3Storage config whose bucket is ignored (probes use a scratch bucket). */
export type ProbeConfig = Omit<S3StorageConfig, 'bucket' | 'client'> & { readonly bucket?: string };

/** What every probe gets: a storage on the scratch bucket and a signal that fires at the time limit. */
export interface ProbeContext {
  /** A session on the scratch bucket (no compatibility profile). */
  readonly storage: S3Session;
  readonly bucket: string;
  readonly config: ProbeConfig;
  readonly kmsKeyId?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly notes: { checksumAlgorithms: string[]; storageClasses: string[] };
}

export type Probe = (ctx: ProbeContext) => Promise<Capability>;

export const ok = (evidence: string): Capability => ({ status: 'supported', evidence });
export const no = (evidence: string): Capability => ({ status: 'unsupported', evidence });
export const partial = (evidence: string): Capability => ({ status: 'partial', evidence });
export const describe = (e: unknown) => {
  const s = e as StorageError;
  return `${s.s3Code ?? s.name}${s.httpStatus ? ` (HTTP ${s.httpStatus})` : ''}`;
};

export const send = <C extends S3Command>(ctx: ProbeContext, command: C) => ctx.storage.send(command, { abortSignal: ctx.signal });

export async function bodyText(ctx: ProbeContext, key: string, extra: object = {}): Promise<{ text: string; headers: Record<string, unknown> }> {
  const out = await send(ctx, new GetObjectCommand({ Bucket: ctx.bucket, Key: key, ...extra }));
  const text = out.Body ? await out.Body.transformToString() : '';
  return { text, headers: out as unknown as Record<string, unknown> };
}

export async function putText(ctx: ProbeContext, key: string, text: string, extra: object = {}) {
  return send(ctx, new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: Buffer.from(text), ...extra }));
}
