import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapabilityCache, CapabilityReport, FEATURES, providerHint } from '../../../../lib/storage';
import { FIXED_PROFILES, profileFromReport } from '../../../../lib/storage';
import { assertWriteSupported } from '../../../../lib/storage/s3/core/capabilities';
import { UnsupportedFeatureError } from '../../../../lib/storage';
import { formatTable, parseArgs } from '../../../../bin/cli';

function report(
  overrides: Partial<Record<(typeof FEATURES)[number], 'supported' | 'partial' | 'unsupported'>> = {},
  provider: CapabilityReport['provider'] = 'unknown',
): CapabilityReport {
  return {
    endpoint: 'http://127.0.0.1:1',
    provider,
    providerEvidence: 'test',
    probedAt: '2026-01-01T00:00:00Z',
    features: Object.fromEntries(FEATURES.map((f) => [f, { status: overrides[f] ?? 'supported', evidence: `${f} evidence` }])) as CapabilityReport['features'],
    checksumAlgorithms: ['CRC32'],
    storageClasses: ['STANDARD', 'STANDARD_IA'],
  };
}

describe('providerHint', () => {
  test.each([
    ['https://abc.r2.cloudflarestorage.com', [], 'r2'],
    ['https://s3.eu-west-1.amazonaws.com', [], 'aws'],
    ['https://storage.googleapis.com', [], 'gcs'],
    ['http://127.0.0.1:9000', [{ server: 'MinIO' }], 'minio'],
    ['http://127.0.0.1:7480', [{ 'x-amz-request-id': 'tx000001a2b3c4d5e6f7a8b9c-0065a1b2c3-1234-default' }], 'ceph-rgw'],
    ['http://127.0.0.1:5000', [{ server: 'Werkzeug/3.1.9 Python/3.11.7' }], 'moto'],
    ['http://127.0.0.1:1234', [{ server: 'nginx' }], 'unknown'],
  ])('%s %j -> %s', (endpoint, headers, provider) => {
    expect(providerHint(endpoint, headers as Record<string, string>[]).provider).toBe(provider);
  });
});

describe('profileFromReport', () => {
  test('observed behaviour decides, whatever the provider hint', () => {
    const p = profileFromReport(
      report({ streamedTrailingChecksum: 'unsupported', deleteMarkerHeader: 'partial', multipartCompleteEtag: 'partial', sseC: 'partial' }, 'aws'),
    );
    expect(p).toMatchObject({ checksumPolicy: 'WHEN_REQUIRED', deleteMarkerHeader: false, completeReturnsEtag: false, source: 'probe' });
    expect(p.unsupported.has('sseC')).toBe(true);
    expect(profileFromReport(report()).checksumPolicy).toBe('WHEN_SUPPORTED');
  });

  test('assertWriteSupported refuses what the profile lacks and lets the rest through', () => {
    const p = profileFromReport(report({ conditionalWrite: 'unsupported', objectLock: 'unsupported' }));
    expect(() => assertWriteSupported(p, { ifNoneMatch: '*' })).toThrow(UnsupportedFeatureError);
    expect(() => assertWriteSupported(p, { objectLockLegalHold: true })).toThrow(/Object Lock/);
    expect(() => assertWriteSupported(p, { storageClass: 'GLACIER' })).toThrow(/storage class GLACIER/);
    expect(() => assertWriteSupported(p, { storageClass: 'STANDARD_IA', contentType: 'text/plain' })).not.toThrow();
    expect(() => assertWriteSupported(undefined, { ifNoneMatch: '*' })).not.toThrow();
    expect(() => assertWriteSupported(FIXED_PROFILES.aws, { encryption: { type: 'SSE-C', customerKey: Buffer.alloc(32) } })).not.toThrow();
  });
});

describe('CapabilityCache', () => {
  test('serves a fresh report from memory and from a file, and expires it after the TTL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bk-cache-'));
    const file = join(dir, 'caps.json');
    const cache = new CapabilityCache(1000, file);
    await cache.set('http://127.0.0.1:1', report(), 10_000);
    const fromFile = new CapabilityCache(1000, file);
    const got = await fromFile.get({ endpoint: 'http://127.0.0.1:1' }, undefined, 10_500);
    expect(got.providerEvidence).toBe('test');
    // Expired: a new probe runs, and fails because nothing listens on port 1.
    await expect(
      fromFile.get({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }, undefined, 20_000),
    ).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('bucketkit CLI', () => {
  test('parses options and flags', () => {
    expect(parseArgs(['probe', '--endpoint', 'http://127.0.0.1:9000', '--json', '--region', 'eu-west-1'])).toEqual({
      command: 'probe',
      options: { endpoint: 'http://127.0.0.1:9000', json: true, region: 'eu-west-1' },
    });
    expect(() => parseArgs(['probe', 'stray'])).toThrow(/unexpected argument/);
  });

  test('formats one line per feature', () => {
    const lines = formatTable(report({ sseC: 'unsupported' })).split('\n');
    expect(lines).toHaveLength(FEATURES.length + 2);
    expect(lines.find((l) => l.startsWith('sseC'))).toMatch(/^sseC\s+unsupported\s+sseC evidence$/);
  });
});
