import { UnsupportedFeatureError } from '../../errors';
import type { CompatibilityProfile, Feature } from '../../types/compatibility';
import type { PutOptions } from '../../types/objects';

function refuse(profile: CompatibilityProfile, feature: string, what: string): never {
  throw new UnsupportedFeatureError(
    `${what} is not supported by this ${profile.provider} endpoint (${profile.source === 'probe' ? 'observed by a capability probe' : 'fixed profile'})`,
    {
      feature,
      provider: profile.provider,
    },
  );
}

function refuseUnverified(profile: CompatibilityProfile, feature: Feature, what: string, evidence: string): never {
  throw new UnsupportedFeatureError(
    `${what} could not be verified on this ${profile.provider} endpoint (capability probe: ${evidence}); it is refused because a store that ignored it would keep plaintext or overwrite. Probe again (a longer probeTimeoutMs), or name the provider in compatibility`,
    { feature, provider: profile.provider },
  );
}

/**
 * Throws UnsupportedFeatureError, before any request, for a write the target cannot honour, or a protection the
 * probe could not verify (`profile.unverified`).
 */
export function assertWriteSupported(profile: CompatibilityProfile | undefined, options: PutOptions): void {
  if (!profile) return;
  const missing = (f: Feature) => {
    const unverified = profile.unverified?.get(f);
    if (unverified !== undefined) refuseUnverified(profile, f, f, unverified);
    return profile.unsupported.has(f);
  };
  if (options.checksumAlgorithm && missing('flexibleChecksums')) refuse(profile, 'flexibleChecksums', `checksumAlgorithm ${options.checksumAlgorithm}`);
  if (options.encryption?.type === 'SSE-C' && missing('sseC')) refuse(profile, 'sseC', 'SSE-C');
  if ((options.encryption?.type === 'SSE-KMS' || options.encryption?.type === 'DSSE-KMS') && missing('sseKms'))
    refuse(profile, 'sseKms', options.encryption.type);
  if (options.encryption?.type === 'SSE-S3' && missing('sseS3')) refuse(profile, 'sseS3', 'SSE-S3');
  if (options.ifNoneMatch && missing('conditionalWrite')) refuse(profile, 'conditionalWrite', "ifNoneMatch: '*'");
  if ((options.objectLockMode || options.objectLockLegalHold !== undefined) && missing('objectLock')) refuse(profile, 'objectLock', 'Object Lock');
  if (options.tags && missing('tagging')) refuse(profile, 'tagging', 'object tags');
  if (options.storageClass && profile.storageClasses && !profile.storageClasses.has(options.storageClass))
    refuse(profile, 'storageClasses', `storage class ${options.storageClass}`);
}
