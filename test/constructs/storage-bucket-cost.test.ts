import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StorageBucket } from 'bucketkit';
import { BYTES_PER_GB, estimateStorageCost, InvalidArgumentError } from 'bucketkit/rules';

const objects = [{ sizeBytes: 512 * 1024, count: 200_000 }];

describe('StorageBucket.estimateCost', () => {
  test('GIVEN a waterfall in props and one added later WHEN estimating THEN it prices the rules the bucket synthesizes', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Cost');
    const bucket = new StorageBucket(stack, 'Archive', {
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
          ],
        },
      ],
    });
    bucket.addLifecycleRule({ expiration: Duration.days(365) });

    // WHEN
    const estimate = bucket.estimateCost({ objects, months: 14 });

    // THEN: the same as the pure estimator on the same rules in CDK's shape.
    const direct = estimateStorageCost({
      objects,
      months: 14,
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
          ],
        },
        { expiration: Duration.days(365) },
      ],
    });
    expect(estimate.totalUsd).toBeCloseTo(direct.totalUsd, 9);
    expect(estimate.lines).toEqual(direct.lines);
    const transitions = estimate.lines.filter((l) => l.category === 'lifecycle-transitions').map((l) => [l.month, l.storageClass]);
    expect(transitions).toEqual([
      [2, 'STANDARD_IA'],
      [4, 'GLACIER'],
    ]);
    // Expired on day 365 (month 13): nothing stored in month 14.
    expect(estimate.months[13].usd).toBe(0);
    expect(estimate.lines.some((l) => l.category === 'archive-overhead')).toBe(true);
  });

  test('GIVEN no lifecycle rules (only the abort-incomplete-uploads default) THEN everything stays in STANDARD', () => {
    const bucket = new StorageBucket(new Stack(new App(), 'Plain'), 'Plain');
    const estimate = bucket.estimateCost({ objects: [{ sizeBytes: BYTES_PER_GB, count: 100 }], months: 2 });
    expect(new Set(estimate.lines.map((l) => `${l.category}:${l.storageClass}`))).toEqual(new Set(['storage:STANDARD']));
    expect(estimate.totalUsd).toBeCloseTo(2 * 100 * 0.023, 9);
  });

  test('GIVEN a disabled rule and a size filter THEN the disabled rule is ignored and the filter applies per object group', () => {
    const bucket = new StorageBucket(new Stack(new App(), 'Filters'), 'Filters', {
      lifecycleRules: [
        { enabled: false, transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(1) }] },
        { objectSizeGreaterThan: 1024 * 1024, transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(0) }] },
      ],
    });
    const estimate = bucket.estimateCost({
      months: 1,
      objects: [
        { sizeBytes: 1024, count: 10 },
        { sizeBytes: 10 * 1024 * 1024, count: 10 },
      ],
    });
    expect(new Set(estimate.lines.filter((l) => l.category === 'storage').map((l) => l.storageClass))).toEqual(new Set(['STANDARD', 'GLACIER_IR']));
    expect(estimate.lines.some((l) => l.storageClass === 'DEEP_ARCHIVE')).toBe(false);
  });

  test('GIVEN a date-based transition THEN the estimate says it is not priced', () => {
    const bucket = new StorageBucket(new Stack(new App(), 'Dated'), 'Dated', {
      lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionDate: new Date('2030-01-01T00:00:00Z') }] }],
    });
    expect(bucket.estimateCost({ objects, months: 1 }).notes).toContain('date-based lifecycle actions (transition or expiration on a date) are not priced');
  });

  test('GIVEN a bad workload THEN InvalidArgumentError names the field', () => {
    const bucket = new StorageBucket(new Stack(new App(), 'Bad'), 'Bad');
    expect(() => bucket.estimateCost({ objects: [{ sizeBytes: -1, count: 1 }], months: 1 })).toThrow(InvalidArgumentError);
    expect(() => bucket.estimateCost({ objects, months: 0 })).toThrow(/months/);
  });
});
