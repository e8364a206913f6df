import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, StorageError } from '../../errors';
import type { Capability, CapabilityReport, Feature, ProbeOptions } from '../../types/compatibility';
import { FEATURES } from '../../types/compatibility';
import { S3Session } from '../core/session';
import { emptyScratchBucket, PROBES, ProbeContext } from './probes';
import { unrelatedFailure, type ProbeConfig } from './probes/context';
import { providerHint } from './provider-hint';
import { DEFAULT_PROBE_TIMEOUT_MS } from './defaults';

export type { ProbeConfig } from './probes/context';

/**
 * Probes what an S3 endpoint really does, feature by feature, in a scratch bucket it creates and deletes.
 * It never touches user data and never decides from the provider's name: each verdict comes from reading back
 * what was written (objects, headers, versions), with a time limit on each probe.
 */
export async function probeCapabilities(config: ProbeConfig, options: ProbeOptions = {}): Promise<CapabilityReport> {
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    throw new InvalidArgumentError(`probeTimeoutMs: must be an integer from 1 to 600000 (got ${String(options.probeTimeoutMs)})`, { field: 'probeTimeoutMs' });
  }
  const bucket = `${options.scratchBucketPrefix ?? 'bucketkit-probe'}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  // Retries stay on: a keep-alive socket the server closed is not a missing feature.
  const storage = new S3Session({ ...config, bucket, region: config.region ?? 'us-east-1', maxAttempts: config.maxAttempts ?? 3 });
  const client: S3Client = storage.client;
  const features: Partial<Record<Feature, Capability>> = {};
  const headersSeen: Record<string, string>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const headers = (out.response as { headers?: Record<string, string> }).headers;
      if (headers && headersSeen.length < 5) headersSeen.push(headers);
      return out;
    },
    { step: 'deserialize', name: 'bucketkitProbeHeaders' },
  );
  // The scratch bucket is bounded by the same time limit as each probe (at least 5 s: it is needed for any verdict).
  const setupMs = Math.max(timeoutMs, 5000);
  await storage.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(setupMs) }).catch((error: unknown) => {
    storage.destroy();
    throw error;
  });
  try {
    const ctx: ProbeContext = { storage, bucket, kmsKeyId: options.kmsKeyId, config, timeoutMs, notes: { checksumAlgorithms: [], storageClasses: [] } };
    for (const feature of options.features ?? FEATURES) {
      features[feature] = await runProbe(feature, ctx, timeoutMs);
    }
    const hint = providerHint(config.endpoint, headersSeen);
    return {
      endpoint: config.endpoint ?? 'https://s3.amazonaws.com',
      provider: hint.provider,
      providerEvidence: hint.evidence,
      probedAt: new Date().toISOString(),
      features: Object.fromEntries(
        FEATURES.map((f) => [f, features[f] ?? { status: 'unknown', reason: 'not-probed', evidence: 'not probed in this run' }]),
      ) as Record<Feature, Capability>,
      checksumAlgorithms: ctx.notes.checksumAlgorithms,
      storageClasses: ctx.notes.storageClasses,
    };
  } finally {
    const cleanup = AbortSignal.timeout(4 * setupMs);
    await emptyScratchBucket(storage, bucket, cleanup).catch(() => undefined);
    await storage.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal: cleanup }).catch(() => undefined);
    storage.destroy();
  }
}

/**
 * Runs one probe under its time limit. A probe that runs out of time, or fails for a reason unrelated to the feature
 * (see `unrelatedFailure`), is `unknown`, with the reason: a timeout is not a verdict. A failure that is the store's
 * answer to the feature (a 4xx refusal, 501) is `unsupported`.
 */
export async function runProbe(feature: Feature, ctx: ProbeContext, timeoutMs: number): Promise<Capability> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await Promise.race([
      PROBES[feature]({ ...ctx, signal }),
      new Promise<Capability>((resolve) =>
        signal.addEventListener('abort', () => resolve({ status: 'unknown', reason: 'timeout', evidence: `no answer within ${timeoutMs} ms` })),
      ),
    ]);
  } catch (error) {
    if (signal.aborted) return { status: 'unknown', reason: 'timeout', evidence: `no answer within ${timeoutMs} ms` };
    const e = error as StorageError;
    const what = `${e.s3Code ?? e.name}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ''}: ${String(e.message).slice(0, 160)}`;
    const unrelated = unrelatedFailure(error);
    if (unrelated !== undefined) return { status: 'unknown', reason: 'error', evidence: `could not tell: ${unrelated}` };
    return { status: 'unsupported', evidence: `failed: ${what}` };
  }
}
