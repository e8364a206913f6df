/**
 * `bucketkit cost --template`: a StorageBucket synthesized to a template file, priced by the CLI, gives the same
 * month-by-month figures as `StorageBucket.estimateCost` on the construct (which reads the rules another way: the
 * CfnBucket resolved in memory). Also the mapping of S3's rule shape, --size parsing and the usage errors.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageBucket } from 'bucketkit';
import { cli } from './run-cli';
import { JSON_USD_DECIMALS, parseSize, roundedForJson, type CostOutcome } from '../../bin/cli/cost';
import { rulesFromS3, rulesFromTemplate } from '../../bin/cli/cost-rules';

let dir: string;
let templateFile: string;
let bucket: StorageBucket;
let logicalId: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bucketkit-cli-cost-'));
  const stack = new Stack(new App(), 'Cost');
  bucket = new StorageBucket(stack, 'Archive', {
    lifecycleRules: [
      {
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
        ],
        expiration: Duration.days(365),
      },
    ],
  });
  new s3.Bucket(stack, 'Other');
  const template = Template.fromStack(stack).toJSON();
  logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  templateFile = join(dir, 'Cost.template.json');
  writeFileSync(templateFile, JSON.stringify(template));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the template estimate equals StorageBucket.estimateCost, month by month', async () => {
  const r = await cli(['cost', '--template', templateFile, '--bucket-id', logicalId, '--size', '512KiB', '--count', '200000', '--months', '14', '--json']);
  expect(r.code).toBe(0);
  const viaCli = JSON.parse(r.out) as { estimate: { totalUsd: number; months: { month: number; usd: number }[] } };
  const direct = bucket.estimateCost({ objects: [{ sizeBytes: 512 * 1024, count: 200_000 }], months: 14 });
  // USD figures rounded to JSON_USD_DECIMALS (6) places; the library's numbers are not.
  expect(viaCli.estimate.months).toEqual(direct.months.map((m) => ({ month: m.month, usd: Math.round(m.usd * 1e6) / 1e6 })));
  expect(viaCli.estimate.totalUsd).toBe(Math.round(direct.totalUsd * 1e6) / 1e6);
  const figures = [
    viaCli.estimate.totalUsd,
    ...viaCli.estimate.months.map((m) => m.usd),
    ...(JSON.parse(r.out) as { estimate: { lines: { usd: number }[] } }).estimate.lines.map((l) => l.usd),
  ];
  for (const usd of figures) expect(String(usd)).toMatch(/^\d+(\.\d{1,6})?$/);
  expect(viaCli.estimate.totalUsd).toBeGreaterThan(0);

  const table = await cli(['cost', '--template', templateFile, '--bucket-id', logicalId, '--size', '512KiB', '--count', '200000', '--months', '14']);
  expect(table.code).toBe(0);
  expect(table.out).toMatch(/STANDARD_IA after 30 days, GLACIER after 90 days/);
  expect(table.out).toMatch(new RegExp(`total: \\$${direct.totalUsd.toFixed(2).replace('.', '\\.')} over 14 month\\(s\\)`));
  expect(table.out.split('\n').filter((l) => /^│\s+\d+ │\s+\$/.test(l))).toHaveLength(14);
});

test('S3 rule shapes (Filter, And, legacy Prefix) map to the estimator rules; dates are noted, not priced', () => {
  const { rules, notes } = rulesFromS3([
    { Status: 'Enabled', Filter: { Prefix: 'logs/' }, Transitions: [{ Days: 30, StorageClass: 'GLACIER' }], Expiration: { Days: 400 } },
    { Status: 'Disabled', Filter: { And: { Prefix: 'x/', ObjectSizeGreaterThan: 1024 } }, Transitions: [{ Date: new Date(), StorageClass: 'DEEP_ARCHIVE' }] },
  ]);
  expect(rules).toEqual([
    {
      enabled: true,
      transitions: [{ storageClass: 'GLACIER', days: 30 }],
      expirationDays: 400,
      prefix: 'logs/',
      tagFilters: undefined,
      objectSizeGreaterThan: undefined,
      objectSizeLessThan: undefined,
    },
    {
      enabled: false,
      transitions: [],
      expirationDays: undefined,
      prefix: 'x/',
      tagFilters: undefined,
      objectSizeGreaterThan: 1024,
      objectSizeLessThan: undefined,
    },
  ]);
  expect(notes).toEqual(['date-based lifecycle actions are not priced']);
  const t = rulesFromTemplate({
    Resources: {
      B: {
        Type: 'AWS::S3::Bucket',
        Properties: { LifecycleConfiguration: { Rules: [{ Status: 'Enabled', Transitions: [{ StorageClass: { Ref: 'P' }, TransitionInDays: 5 }] }] } },
      },
    },
  });
  expect(t.rules[0].transitions).toEqual([]);
  expect(t.notes).toEqual(['transitions with unresolved values (Ref, Fn::*) are not priced']);
});

test('--size units', () => {
  expect(parseSize('1024')).toBe(1024);
  expect(parseSize('4MiB')).toBe(4 * 2 ** 20);
  expect(parseSize('1.5 GiB')).toBe(1.5 * 2 ** 30);
  expect(() => parseSize('4MB')).toThrow(/--size/);
});

test.each([
  [['cost', '--size', '1MiB', '--count', '1', '--months', '1']],
  [['cost', '--template', 'x.json', '--bucket', 's3://b', '--size', '1MiB', '--count', '1', '--months', '1']],
  [['cost', '--bucket', 's3://b/key', '--size', '1MiB', '--count', '1', '--months', '1']],
  [['cost', '--bucket', 's3://b', '--size', 'huge', '--count', '1', '--months', '1']],
  [['cost', '--bucket', 's3://b', '--size', '1MiB', '--count', '0', '--months', '1']],
  [['cost', '--bucket', 's3://b', '--size', '1MiB', '--count', '1']],
])('%j exits 2 with the usage of cost', async (args) => {
  const r = await cli(args);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/Usage: bucketkit cost \[options\]/);
});

test('--bucket that is not an s3:// URL: the message asks for s3://bucket (what the option takes), not a key URL', async () => {
  const r = await cli(['cost', '--bucket', 'my-bucket', '--size', '1MiB', '--count', '1', '--months', '1']);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--bucket: expected an s3:\/\/bucket URL \(got "my-bucket"\)/);
});

test('probe --endpoint that is not a URL: exit 2, the option named with the usage, as for the other S3 commands', async () => {
  const r = await cli(['probe', '--endpoint', 'notaurl']);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--endpoint: must be an absolute http\(s\) URL/);
  expect(r.err).not.toMatch(/config\.endpoint/);
});

test('a template with two buckets needs --bucket-id; a missing file exits 3; an unpriced region exits 2 naming the field', async () => {
  const two = await cli(['cost', '--template', templateFile, '--size', '1MiB', '--count', '1', '--months', '1']);
  expect(two.code).toBe(2);
  expect(two.err).toMatch(/--bucket-id: the template has 3 buckets; name one of ArchiveAccessLogsBucket/);
  expect((await cli(['cost', '--template', join(dir, 'missing.json'), '--size', '1MiB', '--count', '1', '--months', '1'])).code).toBe(3);
  const region = await cli([
    'cost',
    '--template',
    templateFile,
    '--bucket-id',
    logicalId,
    '--size',
    '1MiB',
    '--count',
    '1',
    '--months',
    '1',
    '--price-region',
    'mars-1',
  ]);
  expect(region.code).toBe(2);
  expect(region.err).toMatch(/region/);
});

test('roundedForJson rounds the USD figures to 6 places and leaves the estimate it was given alone', () => {
  const line = { month: 1, category: 'storage', storageClass: 'STANDARD', unit: 'GB-month', quantity: 12000, unitPriceUsd: 0.023, usd: 276.00000000000006 };
  const outcome = {
    source: 't',
    rules: [],
    estimate: {
      totalUsd: 276.00000000000006 + 0.1 + 0.2,
      months: [{ month: 1, usd: 276.00000000000006 }],
      lines: [line, { ...line, unit: 'requests', quantity: 1, unitPriceUsd: 0.000005, usd: 0.000005 }],
      prices: { region: 'us-east-1', source: 's', retrievedOn: '2025-01-01' },
      notes: [],
    },
  } as unknown as CostOutcome;
  const json = roundedForJson(outcome).estimate;
  expect(JSON_USD_DECIMALS).toBe(6);
  expect(json.totalUsd).toBe(276.3);
  expect(json.months).toEqual([{ month: 1, usd: 276 }]);
  expect(json.lines.map((l) => l.usd)).toEqual([276, 0.000005]);
  expect(json.lines[1].unitPriceUsd).toBe(0.000005);
  expect(outcome.estimate.months[0].usd).toBe(276.00000000000006);
});
