import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from '../../errors';
import { S3Storage } from '../s3-storage';
import { S3StorageConfig } from '../core/config';
import { emptyScratchBucket, PROBES, ProbeContext } from './probes';

/** What a probe observed about one feature. */
export type CapabilityStatus = 'supported' | 'unsupported' | 'partial';

/** One feature's probe result: the verdict and what was sent and observed. */
export interface Capability {
  readonly status: CapabilityStatus;
  /** What was sent and what came back, in a sentence or two. */
  readonly evidence: string;
}

/** Providers a hint can name. The hint only picks defaults; observed behaviour decides. */
export type ProviderName = 'aws' | 'minio' | 'ceph-rgw' | 'moto' | 'r2' | 'b2' | 'gcs' | 'wasabi' | 'unknown';

/** The features {@link probeCapabilities} checks, in report order. */
export const FEATURES = [
  'rangedGet',
  'suffixRangeGet',
  'listObjectsV2',
  'listContinuation',
  'multipartListParts',
  'multipartAbort',
  'listMultipartUploads',
  'uploadPartCopy',
  'multipartCompleteEtag',
  'flexibleChecksums',
  'streamedTrailingChecksum',
  'conditionalWrite',
  'versioning',
  'deleteMarkerHeader',
  'mfaDelete',
  'objectLock',
  'sseS3',
  'sseKms',
  'sseC',
  'bucketDefaultEncryption',
  'storageClasses',
  'restoreObject',
  'lifecycle',
  'transferAcceleration',
  'notifications',
  'tagging',
  'presignedUrls',
  'virtualHostStyle',
] as const;

/** A feature name. */
export type Feature = (typeof FEATURES)[number];

/** The result of a probe run. */
export interface CapabilityReport {
  readonly endpoint: string;
  readonly provider: ProviderName;
  /** Where the provider hint came from (response headers, host). */
  readonly providerEvidence: string;
  readonly probedAt: string;
  readonly features: Readonly<Record<Feature, Capability>>;
  /** Algorithms the store echoed back on a write, e.g. ['CRC32', 'SHA256']. */
  readonly checksumAlgorithms: readonly string[];
  /** Storage classes accepted and reported back on HEAD and LIST. */
  readonly storageClasses: readonly string[];
}

/** Options of {@link probeCapabilities}. */
export interface ProbeOptions {
  /** Time allowed for each probe, in ms. @default 15000 */
  readonly probeTimeoutMs?: number;
  /** Prefix of the scratch bucket the probes create and delete. @default 'bucketkit-probe' */
  readonly scratchBucketPrefix?: string;
  /** A KMS key id to try SSE-KMS with. @default - the store's default key */
  readonly kmsKeyId?: string;
  /** Only these features. @default - all of {@link FEATURES} */
  readonly features?: readonly Feature[];
}

/** Config for probing: an S3Storage config whose bucket is ignored (probes use a scratch bucket). */
export type ProbeConfig = Omit<S3StorageConfig, 'bucket' | 'client'> & { readonly bucket?: string };

/** Default time limit of each probe. */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

/**
 * Probes what an S3 endpoint really does, feature by feature, in a scratch bucket it creates and deletes.
 * It never touches user data and never decides from the provider's name: each verdict comes from reading back
 * what was written (objects, headers, versions), with a time limit on each probe.
 */
export async function probeCapabilities(config: ProbeConfig, options: ProbeOptions = {}): Promise<CapabilityReport> {
  const bucket = `${options.scratchBucketPrefix ?? 'bucketkit-probe'}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  // Retries stay on: a keep-alive socket the server closed is not a missing feature.
  const storage = new S3Storage({ ...config, bucket, region: config.region ?? 'us-east-1', maxAttempts: config.maxAttempts ?? 3 });
  const client: S3Client = storage.client;
  const features: Partial<Record<Feature, Capability>> = {};
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
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
  await storage.send(new CreateBucketCommand({ Bucket: bucket }));
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
      features: Object.fromEntries(FEATURES.map((f) => [f, features[f] ?? { status: 'unsupported', evidence: 'not probed in this run' }])) as Record<Feature, Capability>,
      checksumAlgorithms: ctx.notes.checksumAlgorithms,
      storageClasses: ctx.notes.storageClasses,
    };
  } finally {
    await emptyScratchBucket(storage).catch(() => undefined);
    await storage.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    storage.destroy();
  }
}

async function runProbe(feature: Feature, ctx: ProbeContext, timeoutMs: number): Promise<Capability> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await Promise.race([
      PROBES[feature]({ ...ctx, signal }),
      new Promise<Capability>((resolve) => signal.addEventListener('abort', () => resolve({ status: 'unsupported', evidence: `no answer within ${timeoutMs} ms` }))),
    ]);
  } catch (error) {
    const e = error as StorageError;
    return { status: 'unsupported', evidence: `failed: ${e.s3Code ?? e.name}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ''}: ${String(e.message).slice(0, 160)}` };
  }
}

/**
 * Guesses the provider from response headers and the host. Only a hint: it picks defaults, never verdicts.
 */
export function providerHint(endpoint: string | undefined, headers: readonly Record<string, string>[]): { provider: ProviderName; evidence: string } {
  const host = endpoint ? new URL(endpoint).hostname : 's3.amazonaws.com';
  const byHost: [RegExp, ProviderName][] = [
    [/\.r2\.cloudflarestorage\.com$/, 'r2'],
    [/backblazeb2\.com$/, 'b2'],
    [/(^|\.)storage\.googleapis\.com$/, 'gcs'],
    [/wasabisys\.com$/, 'wasabi'],
    [/(^|\.)amazonaws\.com(\.cn)?$/, 'aws'],
  ];
  for (const [pattern, provider] of byHost) if (pattern.test(host)) return { provider, evidence: `host ${host}` };
  for (const h of headers) {
    const server = h.server ?? h.Server ?? '';
    const requestId = h['x-amz-request-id'] ?? '';
    if (/minio/i.test(server) || h['x-minio-deployment-id']) return { provider: 'minio', evidence: `Server: ${server}` };
    if (/^tx[0-9a-f]{15,30}-[0-9a-f]{8,12}-[0-9a-f]+-/.test(requestId)) return { provider: 'ceph-rgw', evidence: `x-amz-request-id ${requestId} has RGW's tx<...>-<...>-<zone> form` };
    if (/werkzeug/i.test(server) || /moto/i.test(server)) return { provider: 'moto', evidence: `Server: ${server}` };
    if (/AmazonS3/i.test(server)) return { provider: 'aws', evidence: `Server: ${server}` };
    if (/cloudflare/i.test(server)) return { provider: 'r2', evidence: `Server: ${server}` };
  }
  return { provider: 'unknown', evidence: `no recognisable Server header or host (${host})` };
}

/** Caches reports by endpoint with a time-to-live, in memory (a Lambda's warm container) or in a JSON file. */
export class CapabilityCache {
  private readonly memory = new Map<string, { report: CapabilityReport; expires: number }>();

  /**
   * @param ttlMs how long a report stays fresh
   * @param filePath where to persist reports; in memory only when omitted
   */
  public constructor(
    private readonly ttlMs: number,
    private readonly filePath?: string,
  ) {}

  /** A fresh cached report, or a new probe run (then cached). */
  public async get(config: ProbeConfig, options?: ProbeOptions, now = Date.now()): Promise<CapabilityReport> {
    const key = config.endpoint ?? 'aws';
    const cached = this.memory.get(key) ?? (await this.readFile(key));
    // A report is reused only for the endpoint it was made for, while fresh.
    if (cached && cached.expires > now) return cached.report;
    const report = await probeCapabilities(config, options);
    await this.set(key, report, now);
    return report;
  }

  /** Forgets every report, in memory (the file, if any, is left for other processes). */
  public clear(): void {
    this.memory.clear();
  }

  /** Stores a report. */
  public async set(key: string, report: CapabilityReport, now = Date.now()): Promise<void> {
    const entry = { report, expires: now + this.ttlMs };
    this.memory.set(key, entry);
    if (!this.filePath) return;
    const all = await this.readAll();
    all[key] = entry;
    await mkdir(dirname(this.filePath), { recursive: true });
    await writeFile(this.filePath, JSON.stringify(all, null, 2));
  }

  private async readFile(key: string) {
    return (await this.readAll())[key];
  }

  private async readAll(): Promise<Record<string, { report: CapabilityReport; expires: number }>> {
    if (!this.filePath) return {};
    try {
      return JSON.parse(await readFile(this.filePath, 'utf8'));
    } catch {
      return {};
    }
  }
}
