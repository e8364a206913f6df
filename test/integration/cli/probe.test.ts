/**
 * `bucketkit probe` takes its endpoint as the other S3 commands do: `--endpoint`, else `AWS_ENDPOINT_URL_S3` (the
 * child's environment has the target's, helpers.ts), run as a user runs it.
 */
import { currentTarget } from '../../helpers/target';
import { bucketkit } from './helpers';

test('with AWS_ENDPOINT_URL_S3 and no --endpoint, probe measures that endpoint', async () => {
  const r = await bucketkit(['probe', '--json', '--timeout-ms', '10000']);
  expect(r.stderr).not.toMatch(/--endpoint/);
  // 0, or 5 when a probe could not tell: either way the report of the environment's endpoint is printed.
  expect([0, 5]).toContain(r.code);
  const report = JSON.parse(r.stdout) as { endpoint: string; features: Record<string, { status: string }> };
  expect(report.endpoint).toBe(currentTarget().endpoint);
  expect(report.features.versioning.status).toMatch(/supported|unsupported|partial|unknown/);
}, 180_000);

test('with neither, probe is a usage error that names both', async () => {
  const r = await bucketkit(['probe', '--json'], { AWS_ENDPOINT_URL_S3: '' });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/probe needs --endpoint <url> or AWS_ENDPOINT_URL_S3/);
  expect(r.stderr).toMatch(/Usage: bucketkit probe \[options\]/);
  expect(r.stdout).toBe('');
});
