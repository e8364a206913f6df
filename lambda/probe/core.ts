/**
 * `probe(event, deps)`: the probe handler's core. Runs bucketkit's capability probes (`probeCapabilities`) against
 * the function's S3 endpoint and returns the report. The probes work in a scratch bucket they create and delete.
 * The endpoint is the function's own (`AWS_ENDPOINT_URL_S3`, unset on AWS), never taken from an event.
 */
import { DEFAULT_PROBE_TIMEOUT_MS, FEATURES, probeCapabilities, type CapabilityReport, type Feature } from 'bucketkit/storage';
import { EventReader, runInvocation, ValidationError, type BatchResponse, type FailureResult, type HandlerDeps, type HandlerSpec } from '../shared';

/** A probe per feature may take at most this long (ms). */
export const MAX_PROBE_TIMEOUT_MS = 120_000;

/** The probe handler's event (every field optional: `{}` probes everything with the defaults). */
export interface ProbeEvent {
  /** A bucket whose region the probes use. @default - the function's region */
  readonly bucket?: string;
  /** @default - the function's region (AWS_REGION) */
  readonly region?: string;
  /** @default - all of FEATURES */
  readonly features?: readonly Feature[];
  /** @default DEFAULT_PROBE_TIMEOUT_MS */
  readonly probeTimeoutMs: number;
  /** A KMS key id to try SSE-KMS with. @default - the store's default key */
  readonly kmsKeyId?: string;
}

/** What the probe handler returns. */
export interface ProbeResult {
  readonly status: 'Succeeded';
  readonly report: CapabilityReport;
  /** Counts of the report's statuses, e.g. `{ supported: 20, unsupported: 3 }`. */
  readonly summary: Readonly<Record<string, number>>;
}

/** Reads a probe event. @throws ValidationError naming the field */
export function parseProbeEvent(event: unknown): ProbeEvent {
  const r = EventReader.of(event ?? {});
  r.only(['bucket', 'region', 'features', 'probeTimeoutMs', 'kmsKeyId']);
  // ProbeFunction (lib/constructs/handlers) sets BUCKETKIT_BUCKET and BUCKETKIT_KMS_KEY_ID.
  return {
    bucket:
      r.optionalString('bucket', { maxLength: 255, pattern: /^[A-Za-z0-9._-]+$/, hint: 'must be a bucket name' }) ??
      (process.env.BUCKETKIT_BUCKET || undefined),
    region: r.optionalString('region', { maxLength: 32, pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, hint: 'must be a region name such as eu-west-1' }),
    features: r.has('features')
      ? r.array('features', FEATURES.length, (v, field) => {
          if (typeof v !== 'string' || !(FEATURES as readonly string[]).includes(v)) throw new ValidationError(field, `must be one of ${FEATURES.join(', ')}`);
          return v as Feature;
        })
      : undefined,
    probeTimeoutMs: r.integer('probeTimeoutMs', 100, MAX_PROBE_TIMEOUT_MS, DEFAULT_PROBE_TIMEOUT_MS),
    kmsKeyId: r.optionalString('kmsKeyId', { maxLength: 2048 }) ?? (process.env.BUCKETKIT_KMS_KEY_ID || undefined),
  };
}

const SPEC: HandlerSpec<ProbeEvent, ProbeResult> = {
  name: 'probe',
  parse: parseProbeEvent,
  fromBatchTask: (task) => ({ bucket: task.bucket }),
  run: async (ev, d) => {
    const report = await probeCapabilities(
      { bucket: ev.bucket, region: ev.region, endpoint: process.env.AWS_ENDPOINT_URL_S3 || undefined },
      {
        probeTimeoutMs: ev.probeTimeoutMs,
        kmsKeyId: ev.kmsKeyId,
        features: ev.features,
        scratchBucketPrefix: process.env.BUCKETKIT_SCRATCH_BUCKET_PREFIX || undefined,
      },
    );
    const summary: Record<string, number> = {};
    for (const c of Object.values(report.features)) summary[c.status] = (summary[c.status] ?? 0) + 1;
    d.log.info('probed', { endpoint: report.endpoint, provider: report.provider, summary });
    return { status: 'Succeeded', report, summary };
  },
  batchOutcome: (r) => ({ resultCode: 'Succeeded', resultString: `${r.report.provider}: ${JSON.stringify(r.summary)}` }),
};

/** The probe core: a bad event returns a `ValidationError` result naming the field, before any S3 request. */
export function probe(event: unknown, deps: HandlerDeps): Promise<ProbeResult | FailureResult | BatchResponse> {
  return runInvocation(SPEC, event, deps);
}
