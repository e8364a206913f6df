/** The probe core: a bad event is a ValidationError naming the field, and nothing reaches S3. */
import { probe, parseProbeEvent } from '../../lambda/probe';
import { s3, sentCommands, testDeps } from './support';

beforeEach(() => s3.reset());

test.each([
  ['not an object', 42, 'event'],
  ['unknown feature', { features: ['teleport'] }, 'features[0]'],
  ['empty features', { features: [] }, 'features'],
  ['timeout too small', { probeTimeoutMs: 5 }, 'probeTimeoutMs'],
  ['bad region', { region: 'EU' }, 'region'],
  ['endpoint is not accepted from an event', { endpoint: 'http://127.0.0.1:9' }, 'endpoint'],
])('%s -> ValidationError naming %s, no S3 request', async (_what, event, field) => {
  expect(await probe(event, testDeps())).toMatchObject({ status: 'Failed', errorType: 'ValidationError', field });
  expect(sentCommands()).toEqual([]);
});

test('an empty event probes everything with the defaults', () => {
  expect(parseProbeEvent({})).toEqual({ probeTimeoutMs: 15_000, bucket: undefined, region: undefined, features: undefined, kmsKeyId: undefined });
  expect(parseProbeEvent(null)).toMatchObject({ probeTimeoutMs: 15_000 });
});

test('a Batch Operations task with a bad bucket ARN is a ValidationError naming the field', async () => {
  const result = await probe(
    { invocationSchemaVersion: '1.0', invocationId: 'i', tasks: [{ taskId: 't', s3Key: 'k', s3BucketArn: 'arn:aws:iam::1:role/x' }] },
    testDeps(),
  );
  expect(result).toMatchObject({ status: 'Failed', field: 'tasks[0].s3BucketArn' });
  expect(sentCommands()).toEqual([]);
});
