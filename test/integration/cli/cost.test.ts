/**
 * `bucketkit cost --bucket s3://name` on the target: the bucket's lifecycle configuration is read from the server
 * (GetBucketLifecycleConfiguration) and priced; the figures equal `estimateStorageCost` on the same rules written in
 * the estimator's own shape. A bucket without a lifecycle configuration is priced as STANDARD forever, with a note.
 */
import { PutBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { estimateStorageCost } from '../../../lib/rules';
import { targetDiffers } from '../../helpers/known-differences';
import { createTestBucket, type TestBucket } from '../../helpers/target';
import { JSON_USD_DECIMALS } from '../../../bin/cli/cost';
import { bucketkit } from './helpers';

let bucket: TestBucket;
beforeAll(async () => {
  bucket = await createTestBucket('cli-cost');
});
afterAll(async () => bucket.cleanup());

const workload = ['--size', '1GiB', '--count', '1000', '--months', '6', '--json'];

test("a live bucket's lifecycle rules priced month by month, as estimateStorageCost prices the same rules", async () => {
  const none = await bucketkit(['cost', '--bucket', `s3://${bucket.name}`, ...workload]);
  expect(none.code).toBe(0);
  const flat = JSON.parse(none.stdout) as { rules: unknown[]; estimate: { totalUsd: number; notes: string[] } };
  expect(flat.rules).toEqual([]);
  expect(flat.estimate.notes).toContain('the bucket has no lifecycle configuration');
  const flatDirect = estimateStorageCost({ objects: [{ sizeBytes: 2 ** 30, count: 1000 }], months: 6 }).totalUsd;
  expect(flat.estimate.totalUsd).toBe(Number(flatDirect.toFixed(JSON_USD_DECIMALS)));

  // A store that takes only STANDARD and REDUCED_REDUNDANCY (MinIO: other classes need a remote tier) refuses
  // transitions to AWS's classes; there the rule is an expiration alone, priced the same way.
  const transitions = targetDiffers('standard-classes-only')
    ? []
    : [
        { storageClass: 'STANDARD_IA' as const, days: 30 },
        { storageClass: 'GLACIER' as const, days: 90 },
      ];
  await bucket.raw.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket.name,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'waterfall',
            Status: 'Enabled',
            Filter: { Prefix: '' },
            ...(transitions.length ? { Transitions: transitions.map((t) => ({ Days: t.days, StorageClass: t.storageClass })) } : {}),
            Expiration: { Days: 150 },
          },
        ],
      },
    }),
  );
  const r = await bucketkit(['cost', '--bucket', `s3://${bucket.name}`, ...workload]);
  expect(r.code).toBe(0);
  const viaCli = JSON.parse(r.stdout) as { estimate: { totalUsd: number; months: { month: number; usd: number }[] } };
  const direct = estimateStorageCost({
    objects: [{ sizeBytes: 2 ** 30, count: 1000 }],
    months: 6,
    lifecycleRules: [
      {
        transitions,
        expirationDays: 150,
      },
    ],
  });
  // --json rounds USD figures to JSON_USD_DECIMALS places (the library's sums carry float noise, e.g. 276.00000000000006).
  expect(viaCli.estimate.months).toEqual(direct.months.map((m) => ({ month: m.month, usd: Number(m.usd.toFixed(JSON_USD_DECIMALS)) })));
  expect(viaCli.estimate.totalUsd).toBeLessThan(flat.estimate.totalUsd);
  expect((await bucketkit(['cost', '--bucket', `s3://bk-no-such-bucket-${Date.now()}`, ...workload])).code).toBe(3);
});
