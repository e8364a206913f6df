/** `unknown` is not a verdict (issue 9 item 8): how the profile, the cache and the failure classifier treat it. */
import { CapabilityCache, CapabilityReport, FEATURES, profileFromReport, UnsupportedFeatureError } from '../../../../lib/storage';
import { AccessDeniedError, InvalidArgumentError, ServiceError, TimeoutError } from '../../../../lib/storage';
import { assertWriteSupported } from '../../../../lib/storage/s3/core/capabilities';
import { UNKNOWN_REPORT_TTL_MS } from '../../../../lib/storage/s3/compatibility/cache';
import { unrelatedFailure } from '../../../../lib/storage/s3/compatibility/probes/context';
import { isKmsKeyRequired } from '../../../../lib/storage/s3/compatibility/probes/encryption';
import type { Capability, Feature } from '../../../../lib/storage';

function report(overrides: Partial<Record<Feature, Capability>> = {}): CapabilityReport {
  return {
    endpoint: 'http://127.0.0.1:1',
    provider: 'ceph-rgw',
    providerEvidence: 'test',
    probedAt: '2026-01-01T00:00:00Z',
    features: Object.fromEntries(FEATURES.map((f) => [f, overrides[f] ?? { status: 'supported', evidence: 'seen' }])) as CapabilityReport['features'],
    checksumAlgorithms: [],
    storageClasses: ['STANDARD'],
  };
}

describe('profileFromReport with unknown verdicts', () => {
  test('SSE-KMS that needs a key id is not refused; SSE-C that timed out is refused as unverified, naming the evidence', () => {
    const p = profileFromReport(
      report({
        sseKms: { status: 'unknown', reason: 'needs-input', evidence: 'the store wants a KMS key id' },
        sseC: { status: 'unknown', reason: 'timeout', evidence: 'no answer within 1 ms' },
      }),
    );
    expect(p.unsupported.has('sseKms')).toBe(false);
    expect(() => assertWriteSupported(p, { encryption: { type: 'SSE-KMS', kmsKeyId: 'k' } })).not.toThrow();
    let error: unknown;
    try {
      assertWriteSupported(p, { encryption: { type: 'SSE-C', customerKey: Buffer.alloc(32) } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as Error).message).toMatch(/could not be verified on this ceph-rgw endpoint \(capability probe: timeout: no answer within 1 ms\)/);
  });

  test('unknown never refuses a non-protection feature and takes the safe setting', () => {
    const p = profileFromReport(
      report({
        tagging: { status: 'unknown', reason: 'error', evidence: 'reset' },
        storageClasses: { status: 'unknown', reason: 'timeout', evidence: 'x' },
        multipartCompleteEtag: { status: 'unknown', reason: 'timeout', evidence: 'x' },
        deleteMarkerHeader: { status: 'unknown', reason: 'timeout', evidence: 'x' },
      }),
    );
    expect(p.unsupported.size).toBe(0);
    expect(() => assertWriteSupported(p, { tags: { a: 'b' }, storageClass: 'GLACIER' })).not.toThrow();
    expect(p).toMatchObject({ completeReturnsEtag: false, deleteMarkerHeader: false, storageClasses: undefined });
  });

  test('partial protection is still refused as unsupported', () => {
    const p = profileFromReport(report({ sseS3: { status: 'partial', evidence: 'not applied' } }));
    expect(() => assertWriteSupported(p, { encryption: { type: 'SSE-S3' } })).toThrow(/is not supported/);
  });
});

describe('CapabilityCache and unknown verdicts', () => {
  test('a report with a timeout is kept one minute, a complete one for the whole TTL', async () => {
    const cache = new CapabilityCache(3_600_000);
    await cache.set('a', report({ tagging: { status: 'unknown', reason: 'timeout', evidence: 'x' } }), 0);
    await cache.set('b', report({ sseKms: { status: 'unknown', reason: 'needs-input', evidence: 'x' } }), 0);
    const memory = (cache as unknown as { memory: Map<string, { expires: number }> }).memory;
    expect(memory.get('a')?.expires).toBe(UNKNOWN_REPORT_TTL_MS);
    expect(memory.get('b')?.expires).toBe(3_600_000);
  });
});

describe('which failures say nothing about a feature', () => {
  test.each([
    ['TimeoutError', new TimeoutError('t'), true],
    ['ServiceError 500', new ServiceError('s', { httpStatus: 500 }), true],
    ['AccessDenied 403', new AccessDeniedError('a', { httpStatus: 403 }), true],
    ['a reset with no HTTP answer', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['400 InvalidRequest', new InvalidArgumentError('bad', { httpStatus: 400, s3Code: 'InvalidRequest' }), false],
    ['501 NotImplemented', new UnsupportedFeatureError('n', { feature: 'x', httpStatus: 501 }), false],
  ])('%s -> unrelated: %s', (_name, error, unrelated) => {
    expect(unrelatedFailure(error) !== undefined).toBe(unrelated);
  });

  test.each([
    [
      'Ceph RGW 16 (400 InvalidArgument)',
      'InvalidArgument',
      'Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption-aws-kms-key-id',
      true,
    ],
    ['AWS KMS.NotFoundException', 'KMS.NotFoundException', 'Invalid keyId', true],
    ['MinIO without KMS (501)', 'NotImplemented', 'Server side encryption specified but KMS is not configured', false],
    ['an unrelated 400', 'InvalidArgument', 'Invalid argument', false],
  ])('%s -> KMS key required: %s', (_name, s3Code, message, expected) => {
    expect(isKmsKeyRequired({ s3Code, message })).toBe(expected);
  });
});
