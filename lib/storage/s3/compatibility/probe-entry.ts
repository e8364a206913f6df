import type { CapabilityReport, ProbeOptions } from '../../types/compatibility';
import type { ProbeConfig } from './probes/context';

import { DEFAULT_PROBE_TIMEOUT_MS } from './defaults';

export { DEFAULT_PROBE_TIMEOUT_MS };

/**
 * Probes what an S3 endpoint really does, feature by feature, in a scratch bucket it creates and deletes (see
 * `./probe.ts`). The 28 probes load on the first call, so code that never probes never loads them.
 *
 * @param config an S3Storage config without a bucket (the probes use a scratch bucket of their own)
 * @param options time limit per probe (ms, default {@link DEFAULT_PROBE_TIMEOUT_MS}), KMS key, features to probe
 * @returns the report: a verdict and evidence per feature, the provider hint, the checksum algorithms and storage
 *   classes the store reported back
 * @throws StorageError when the scratch bucket cannot be created (credentials, endpoint); a failing probe never
 *   throws, it is reported
 */
export async function probeCapabilities(config: ProbeConfig, options: ProbeOptions = {}): Promise<CapabilityReport> {
  const probe = await import('./probe');
  return probe.probeCapabilities(config, options);
}
