import { Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BucketRulesChecker, StorageBucket } from '../../lib';
import { TestApps } from '../constructs/support';

// Issue 9 item 9: configurations S3 rejects at deploy time must fail synth, with a fix that can be done.
const apps = new TestApps();
afterAll(() => apps.cleanUp());

function setUp() {
  const app = apps.app();
  const stack = new Stack(app, 'Stack', { env: { region: 'eu-west-1', account: '111122223333' } });
  return { app, stack };
}

describe('GIVEN a StorageBucket notifying an SQS queue on the AWS managed key (QueueEncryption.KMS_MANAGED)', () => {
  test('THEN synth fails with S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY and a customer-managed-key fix', () => {
    const { app, stack } = setUp();
    const bucket = new StorageBucket(stack, 'Bucket', { serverAccessLogs: false });
    bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS_MANAGED })),
    );
    expect(() => app.synth()).toThrow(
      /\[S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY\] SQS queue Stack\/Queue: .*alias\/aws\/sqs.*Fix: encrypt the queue with a customer managed KMS key/,
    );
  });
});

describe('GIVEN a StorageBucket notifying an SNS topic on alias/aws/sns', () => {
  test('THEN synth fails and says to use a customer managed key, not to add a statement', () => {
    const { app, stack } = setUp();
    const bucket = new StorageBucket(stack, 'Bucket', { serverAccessLogs: false });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') });
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(topic));
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/\[S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY\] SNS topic Stack\/Topic/);
    expect(message).toMatch(/Fix: encrypt the topic with a customer managed KMS key/);
    expect(message).not.toMatch(/Add a statement/i);
    expect(message).not.toMatch(/S3-NOTIFICATION-KMS-KEY-POLICY/);
  });
});

describe('GIVEN a FIFO queue as destination', () => {
  test('THEN synth fails with S3-NOTIFICATION-FIFO-DESTINATION', () => {
    const { app, stack } = setUp();
    const bucket = new StorageBucket(stack, 'Bucket', { serverAccessLogs: false });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(new sqs.Queue(stack, 'Queue', { fifo: true })));
    expect(() => app.synth()).toThrow(/\[S3-NOTIFICATION-FIFO-DESTINATION\]/);
  });
});

describe('GIVEN a plain s3.Bucket checked by BucketRulesChecker', () => {
  test('THEN a KMS_MANAGED queue is an error annotation on the notifications resource', () => {
    const { app, stack } = setUp();
    Aspects.of(app).add(new BucketRulesChecker());
    new s3.Bucket(stack, 'Plain').addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS_MANAGED })),
    );
    app.synth();
    Annotations.fromStack(stack).hasError('*', Match.stringLikeRegexp('S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY.*alias/aws/sqs'));
  });

  test('THEN a customer managed key passes', () => {
    const { app, stack } = setUp();
    Aspects.of(app).add(new BucketRulesChecker());
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new s3.Bucket(stack, 'Plain').addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key })),
    );
    app.synth();
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('S3-NOTIFICATION'))).toEqual([]);
  });
});

describe('GIVEN lifecycle rules S3 rejects', () => {
  test.each<[string, s3.LifecycleRule, RegExp]>([
    [
      'abortIncompleteMultipartUploadAfter with a tag filter',
      { abortIncompleteMultipartUploadAfter: Duration.days(3), tagFilters: { team: 'a' } },
      /\[S3-LIFECYCLE-ABORT-MPU-FILTER\].*filters by tags.*Fix: move abortIncompleteMultipartUploadAfter to a rule of its own/,
    ],
    [
      'abortIncompleteMultipartUploadAfter with an object-size filter',
      { abortIncompleteMultipartUploadAfter: Duration.days(3), objectSizeGreaterThan: 1024 },
      /\[S3-LIFECYCLE-ABORT-MPU-FILTER\].*filters by object size/,
    ],
    [
      'NewerNoncurrentVersions above 100',
      { noncurrentVersionExpiration: Duration.days(30), noncurrentVersionsToRetain: 101 },
      /\[S3-LIFECYCLE-NONCURRENT-VERSIONS-TO-RETAIN\]/,
    ],
    ['an expiration date that is not midnight UTC', { expirationDate: new Date('2030-01-01T12:00:00Z') }, /\[S3-LIFECYCLE-DATE-MIDNIGHT\]/],
  ])('WHEN %s THEN StorageBucket fails synth', (_name, rule, expected) => {
    const { app, stack } = setUp();
    new StorageBucket(stack, 'Bucket', { serverAccessLogs: false, lifecycleRules: [rule] });
    expect(() => app.synth()).toThrow(expected);
  });

  test('WHEN the same rules are on a plain s3.Bucket THEN BucketRulesChecker reports them as errors', () => {
    const { app, stack } = setUp();
    Aspects.of(app).add(new BucketRulesChecker());
    new s3.Bucket(stack, 'Plain', { lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(3), tagFilters: { team: 'a' } }] });
    app.synth();
    Annotations.fromStack(stack).hasError('*', Match.stringLikeRegexp('S3-LIFECYCLE-ABORT-MPU-FILTER'));
  });

  test('WHEN abort is in its own unfiltered rule (StorageBucket default) THEN synth passes', () => {
    const { app, stack } = setUp();
    new StorageBucket(stack, 'Bucket', { serverAccessLogs: false, lifecycleRules: [{ expiration: Duration.days(30), tagFilters: { team: 'a' } }] });
    expect(() => app.synth()).not.toThrow();
  });
});
