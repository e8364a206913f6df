/**
 * A probe that could not tell says `unknown`, with the reason (issue 9, item 8): a timeout, a failure unrelated to
 * the feature (503, a reset) or a store that wants a KMS key id is never reported as "unsupported", and
 * `compatibility: 'auto'` then does not refuse writes on the strength of it.
 */
import { FEATURES, probeCapabilities, profileFromReport, UnsupportedFeatureError } from '../../../lib/storage';
import { FaultProxy } from '../../helpers/fault-proxy';
import { currentTarget } from '../../helpers/target';
import { assertWriteSupported } from '../../../lib/storage/s3/core/capabilities';
import { runProbe } from '../../../bin/cli/probe';
import { EXIT_INCOMPLETE } from '../../../bin/cli/exit-codes';

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await FaultProxy.start(currentTarget().endpoint);
});
afterEach(() => proxy.reset());
afterAll(() => proxy.stop());

function probeConfig(endpoint = currentTarget().endpoint) {
  const t = currentTarget();
  return { endpoint, region: t.region, credentials: t.credentials, maxAttempts: 1 };
}

test('probeTimeoutMs: 1 reports every feature unknown (reason timeout), none unsupported', async () => {
  const report = await probeCapabilities(probeConfig(), { probeTimeoutMs: 1 });
  for (const f of FEATURES) {
    expect(report.features[f]).toMatchObject({ status: 'unknown', reason: 'timeout' });
    expect(report.features[f].evidence).toMatch(/no answer within 1 ms/);
  }
  // The profile refuses nothing for lack of evidence, except protection it could not verify, and says so.
  const profile = profileFromReport(report);
  expect(profile.unsupported.size).toBe(0);
  expect([...(profile.unverified?.keys() ?? [])].sort()).toEqual(['conditionalWrite', 'sseC', 'sseKms', 'sseS3']);
  expect(profile.checksumPolicy).toBe('WHEN_REQUIRED');
  expect(profile.completeReturnsEtag).toBe(false);
  expect(() => assertWriteSupported(profile, { tags: { a: 'b' }, storageClass: 'STANDARD_IA' })).not.toThrow();
  expect(() => assertWriteSupported(profile, { encryption: { type: 'SSE-C', customerKey: Buffer.alloc(32) } })).toThrow(
    /could not be verified.*no answer within 1 ms/,
  );
}, 60_000);

test('a 503 on the feature request is not a verdict: unknown (reason error), not unsupported', async () => {
  proxy.inject((req) => (req.method === 'PUT' && req.url?.includes('tagging') ? { status: 503, code: 'SlowDown' } : undefined));
  const report = await probeCapabilities(probeConfig(proxy.endpoint), { features: ['tagging'] });
  expect(report.features.tagging).toMatchObject({ status: 'unknown', reason: 'error' });
  expect(report.features.tagging.evidence).toMatch(/throttled|SlowDown/);
  expect(report.features.rangedGet).toMatchObject({ status: 'unknown', reason: 'not-probed' });
}, 60_000);

test('a reset during the SSE-C no-key read is not evidence that SSE-C works', async () => {
  // Only the GET without the customer key is dropped: before, that failure counted as "not readable without the key".
  proxy.inject((req) =>
    req.method === 'GET' && req.url?.includes('sse-c') && !req.headers['x-amz-server-side-encryption-customer-key']
      ? { status: 0, destroySocket: true }
      : undefined,
  );
  const report = await probeCapabilities(probeConfig(proxy.endpoint), { features: ['sseC'] });
  expect(report.features.sseC).toMatchObject({ status: 'unknown', reason: 'error' });
}, 60_000);

test("a store that wants a KMS key id (Ceph RGW's answer) is unknown (needs-input), and 'auto' lets SSE-KMS writes through", async () => {
  const ceph = 'Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption-aws-kms-key-id';
  proxy.inject((req) =>
    req.method === 'PUT' && req.headers['x-amz-server-side-encryption'] === 'aws:kms' && !req.headers['x-amz-server-side-encryption-aws-kms-key-id']
      ? { status: 400, code: 'InvalidArgument', message: ceph }
      : undefined,
  );
  const report = await probeCapabilities(probeConfig(proxy.endpoint), { features: ['sseKms'] });
  expect(report.features.sseKms).toMatchObject({ status: 'unknown', reason: 'needs-input' });
  expect(report.features.sseKms.evidence).toMatch(/KMS key id.*--kms-key-id/);
  const profile = profileFromReport(report);
  expect(profile.unsupported.has('sseKms')).toBe(false);
  expect(() => assertWriteSupported(profile, { encryption: { type: 'SSE-KMS', kmsKeyId: 'my-key' } })).not.toThrow();
}, 60_000);

test('a store without KMS at all (501 NotImplemented) is still unsupported, and the write is refused', async () => {
  proxy.inject((req) =>
    req.method === 'PUT' && req.headers['x-amz-server-side-encryption'] === 'aws:kms'
      ? { status: 501, code: 'NotImplemented', message: 'Server side encryption specified but KMS is not configured' }
      : undefined,
  );
  const report = await probeCapabilities(probeConfig(proxy.endpoint), { features: ['sseKms'] });
  expect(report.features.sseKms.status).toBe('unsupported');
  expect(() => assertWriteSupported(profileFromReport(report), { encryption: { type: 'SSE-KMS' } })).toThrow(UnsupportedFeatureError);
}, 60_000);

test('probeTimeoutMs must be a positive integer', async () => {
  for (const bad of [0, -5, 1.5, Number.NaN]) {
    await expect(probeCapabilities(probeConfig(), { probeTimeoutMs: bad })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'probeTimeoutMs' });
  }
});

test('bucketkit probe --timeout-ms 1 prints the report, names the undetermined features and exits 5, not 0', async () => {
  const t = currentTarget();
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = t.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = t.credentials.secretAccessKey;
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runProbe(
      { endpoint: t.endpoint, region: t.region, json: true, 'timeout-ms': '1' },
      (s) => out.push(s),
      (s) => err.push(s),
    );
    expect(code).toBe(EXIT_INCOMPLETE);
  } finally {
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  }
  const report = JSON.parse(out.join('\n'));
  expect(report.features.sseKms).toMatchObject({ status: 'unknown', reason: 'timeout' });
  expect(err.join('\n')).toMatch(/28 of 28 features could not be determined: rangedGet \(timeout\).*larger --timeout-ms/);
}, 60_000);
