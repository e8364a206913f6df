import type { CompatibilityProfile } from '../../types/compatibility';
import type { ResolvedS3StorageConfig } from '../core/config';
import type { ProfileSource } from '../core/session';
import type { CapabilityCache } from './cache';
import { FIXED_PROFILES, profileFromReport } from './profile';

/**
 * The profile source for a config's `compatibility` setting: a report as given, a fixed profile by name, AWS's
 * profile for `'auto'` without a custom endpoint, or a probe run (through `cache`, one per endpoint) for `'auto'`
 * on a custom endpoint. Undefined when the setting is unset.
 */
export function profileSourceFor(setting: ResolvedS3StorageConfig['compatibility'], cache: () => CapabilityCache): ProfileSource | undefined {
  if (setting === undefined) return undefined;
  return async ({ config, region }): Promise<CompatibilityProfile> => {
    if (typeof setting === 'object') return profileFromReport(setting);
    if (setting !== 'auto') return FIXED_PROFILES[setting];
    if (!config.endpoint) return FIXED_PROFILES.aws;
    const { bucket: _bucket, client: _client, compatibility: _c, ...probeConfig } = config;
    return profileFromReport(await cache().get({ ...probeConfig, region }));
  };
}
