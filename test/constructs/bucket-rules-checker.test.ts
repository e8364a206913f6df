import { Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BucketRulesChecker, StorageBucket } from '../../lib';
import { TestApps } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

/** The same invalid configuration, once as s3.Bucket props and once as raw CfnBucket props. */
interface Case {
  readonly name: string;
  readonly ruleId: string;
  readonly l2: s3.BucketProps;
  readonly l1: s3.CfnBucketProps;
  readonly severity: 'error' | 'warning';
}

const CASES: Case[] = [
  {
    name: 'IA before 30 days',
    ruleId: 'S3-LIFECYCLE-IA-MIN-DAYS',
    severity: 'error',
    l2: { lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(7) }] }] },
    l1: { lifecycleConfiguration: { rules: [{ status: 'Enabled', transitions: [{ storageClass: 'STANDARD_IA', transitionInDays: 7 }] }] } },
  },
  {
    name: 'GLACIER within 30 days of STANDARD_IA',
    ruleId: 'S3-LIFECYCLE-IA-GAP',
    severity: 'error',
    l2: {
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(45) },
          ],
        },
      ],
    },
    l1: {
      lifecycleConfiguration: {
        rules: [
          {
            status: 'Enabled',
            transitions: [
              { storageClass: 'STANDARD_IA', transitionInDays: 30 },
              { storageClass: 'GLACIER', transitionInDays: 45 },
            ],
          },
        ],
      },
    },
  },
  {
    name: 'a forbidden transition',
    ruleId: 'S3-LIFECYCLE-TRANSITION-ORDER',
    severity: 'error',
    l2: {
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(0) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(100) },
          ],
        },
      ],
    },
    l1: {
      lifecycleConfiguration: {
        rules: [
          {
            status: 'Enabled',
            transitions: [
              { storageClass: 'GLACIER', transitionInDays: 0 },
              { storageClass: 'GLACIER_IR', transitionInDays: 100 },
            ],
          },
        ],
      },
    },
  },
  {
    name: 'expiration before the last transition',
    ruleId: 'S3-LIFECYCLE-EXPIRATION-ORDER',
    severity: 'error',
    l2: { lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }], expiration: Duration.days(60) }] },
    l1: { lifecycleConfiguration: { rules: [{ status: 'Enabled', transitions: [{ storageClass: 'GLACIER', transitionInDays: 90 }], expirationInDays: 60 }] } },
  },
  {
    name: 'noncurrent IA before 30 days',
    ruleId: 'S3-LIFECYCLE-NONCURRENT-IA-MIN-DAYS',
    severity: 'error',
    l2: { lifecycleRules: [{ noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(1) }] }] },
    l1: { lifecycleConfiguration: { rules: [{ status: 'Enabled', noncurrentVersionTransitions: [{ storageClass: 'STANDARD_IA', transitionInDays: 1 }] }] } },
  },
  {
    name: 'acceleration on a dotted name',
    ruleId: 'S3-ACCELERATE-BUCKET-NAME-DOTS',
    severity: 'error',
    l2: { bucketName: 'with.dots.bucket', transferAcceleration: true },
    l1: { bucketName: 'with.dots.bucket', accelerateConfiguration: { accelerationStatus: 'Enabled' } },
  },
  {
    name: 'Intelligent-Tiering archive below 90 days',
    ruleId: 'S3-INTELLIGENT-TIERING-ARCHIVE-ACCESS-DAYS',
    severity: 'error',
    l2: { intelligentTieringConfigurations: [{ name: 'it', archiveAccessTierTime: Duration.days(60) }] },
    l1: { intelligentTieringConfigurations: [{ id: 'it', status: 'Enabled', tierings: [{ accessTier: 'ARCHIVE_ACCESS', days: 60 }] }] },
  },
  {
    name: 'leaving DEEP_ARCHIVE early (warning)',
    ruleId: 'S3-LIFECYCLE-MIN-STORAGE-DURATION',
    severity: 'warning',
    l2: {
      lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(0) }], expiration: Duration.days(10) }],
    },
    l1: {
      lifecycleConfiguration: { rules: [{ status: 'Enabled', transitions: [{ storageClass: 'DEEP_ARCHIVE', transitionInDays: 0 }], expirationInDays: 10 }] },
    },
  },
];

function checkedStack() {
  const app = apps.app();
  const stack = new Stack(app, 'Stack');
  Aspects.of(app).add(new BucketRulesChecker());
  return { app, stack };
}

function findings(stack: Stack, severity: 'error' | 'warning', ruleId: string) {
  const annotations = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp(`\\[${ruleId}\\]`);
  return severity === 'error' ? annotations.findError('*', pattern) : annotations.findWarning('*', pattern);
}

describe('BucketRulesChecker flags the same problems on s3.Bucket and CfnBucket', () => {
  test.each(CASES)('$name', ({ ruleId, l2, l1, severity }) => {
    // GIVEN one plain bucket and one raw CfnBucket with the same mistake
    const { app, stack } = checkedStack();
    new s3.Bucket(stack, 'Plain', l2);
    new s3.CfnBucket(stack, 'Raw', l1);
    // WHEN synthesized
    app.synth();
    // THEN both carry the finding, with its fix
    const found = findings(stack, severity, ruleId);
    expect(found.map((f) => f.id).sort()).toEqual(['/Stack/Plain/Resource', '/Stack/Raw']);
    expect(found.every((f) => /Fix: /.test(String(f.entry.data)))).toBe(true);
  });

  test('compliant buckets get no findings', () => {
    const { app, stack } = checkedStack();
    new s3.Bucket(stack, 'Plain', {
      lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] }],
    });
    new s3.CfnBucket(stack, 'Raw', {
      lifecycleConfiguration: { rules: [{ status: 'Enabled', transitions: [{ storageClass: 'GLACIER', transitionInDays: 0 }] }] },
    });
    app.synth();
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('\\[S3-'))).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('\\[S3-'))).toEqual([]);
  });

  test('property overrides on a CfnBucket are checked as rendered', () => {
    const { app, stack } = checkedStack();
    const raw = new s3.CfnBucket(stack, 'Raw');
    raw.addPropertyOverride('LifecycleConfiguration', { Rules: [{ Status: 'Enabled', Transitions: [{ StorageClass: 'ONEZONE_IA', TransitionInDays: 2 }] }] });
    app.synth();
    expect(findings(stack, 'error', 'S3-LIFECYCLE-IA-MIN-DAYS')).toHaveLength(1);
  });
});

describe('BucketRulesChecker on notifications', () => {
  test('s3.Bucket: overlap in the Custom::S3BucketNotifications resource', () => {
    const { app, stack } = checkedStack();
    const queue = new sqs.Queue(stack, 'Queue');
    const bucket = new s3.Bucket(stack, 'Plain');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'in/' });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(queue));
    app.synth();
    const [finding, ...rest] = findings(stack, 'error', 'S3-NOTIFICATION-OVERLAP');
    expect(rest).toEqual([]);
    expect(finding.id).toBe('/Stack/Plain/Notifications/Resource');
    expect(String(finding.entry.data)).toMatch(
      /QueueConfigurations\[0\] \(SQS queue Queue[0-9A-F]+\) \(prefix "in\/"\) and QueueConfigurations\[1\] \(SQS queue Queue[0-9A-F]+\) \(no filter\)/,
    );
  });

  test('CfnBucket: overlap and wildcards in its own NotificationConfiguration', () => {
    const { app, stack } = checkedStack();
    const filter = (prefix: string) => ({ s3Key: { rules: [{ name: 'prefix', value: prefix }] } });
    new s3.CfnBucket(stack, 'Raw', {
      notificationConfiguration: {
        queueConfigurations: [
          { event: 's3:ObjectCreated:*', queue: 'arn:aws:sqs:us-east-1:123456789012:a', filter: filter('images/') },
          { event: 's3:ObjectCreated:Copy', queue: 'arn:aws:sqs:us-east-1:123456789012:b', filter: filter('images/raw/') },
          { event: 's3:ObjectRemoved:*', queue: 'arn:aws:sqs:us-east-1:123456789012:c', filter: filter('tmp/*') },
        ],
      },
    });
    app.synth();
    expect(findings(stack, 'error', 'S3-NOTIFICATION-OVERLAP')).toHaveLength(1);
    expect(findings(stack, 'error', 'S3-NOTIFICATION-FILTER-WILDCARD')).toHaveLength(1);
  });
});

describe('BucketRulesChecker and StorageBucket', () => {
  test('skips StorageBucket by default, which validates itself', () => {
    const { app, stack } = checkedStack();
    const bucket = new StorageBucket(stack, 'Ours', { serverAccessLogs: false });
    bucket.addLifecycleRule({
      transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(0) }],
      expiration: Duration.days(10),
    });
    app.synth();
    expect(Annotations.fromStack(stack).findWarning('/Stack/Ours/Resource', Match.anyValue())).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Stack/Ours', Match.stringLikeRegexp('S3-LIFECYCLE-MIN-STORAGE-DURATION'));
  });

  test('includeStorageBuckets checks them too', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    Aspects.of(app).add(new BucketRulesChecker({ includeStorageBuckets: true }));
    new StorageBucket(stack, 'Ours', {
      serverAccessLogs: false,
      lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(0) }], expiration: Duration.days(10) }],
    });
    app.synth();
    Annotations.fromStack(stack).hasWarning('/Stack/Ours/Resource', Match.stringLikeRegexp('S3-LIFECYCLE-MIN-STORAGE-DURATION'));
  });
});
