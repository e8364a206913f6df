import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AbortedError, AccessDeniedError, ServiceError, StorageError, ThrottledError, TimeoutError } from '../../../errors';
import { toStorageError } from '../../core/error-mapping';
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
export const unknown = (reason: NonNullable<Capability['reason']>, evidence: string): Capability => ({ status: 'unknown', reason, evidence });

/**
 * Why a failure says nothing about the feature being probed, or undefined when it is the store's answer to the feature
 * (a 4xx refusal, 501 NotImplemented). Timeouts, cancellations, 5xx, throttling, access denied and failures with no
 * HTTP answer at all (a reset, a refused connection) are about the connection, the server's health or the
 * credentials: a probe must not turn them into "unsupported".
 */
export function unrelatedFailure(error: unknown): string | undefined {
  const e = error instanceof StorageError ? error : toStorageError(error);
  if (e instanceof TimeoutError) return `timed out (${e.message.slice(0, 120)})`;
  if (e instanceof AbortedError) return 'cancelled at the time limit';
  if (e instanceof ThrottledError) return `throttled: ${e.s3Code ?? e.httpStatus}`;
  if (e instanceof ServiceError) return `server error: ${e.s3Code ?? 'HTTP ' + e.httpStatus}`;
  if (e instanceof AccessDeniedError) return `access denied (${e.s3Code ?? e.httpStatus}): the credentials may lack a permission`;
  if (e.httpStatus === undefined) return `no HTTP answer: ${e.message.slice(0, 120)}`;
  return undefined;
}

/** Rethrows a failure that says nothing about the feature (see {@link unrelatedFailure}), so the run reports `unknown`. */
export function rethrowUnrelated(error: unknown): void {
  if (unrelatedFailure(error) !== undefined) throw error;
}
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
