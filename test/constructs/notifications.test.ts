import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { StorageBucket } from '../../lib';
import { TestApps } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

function setUp() {
  const app = apps.app();
  const stack = new Stack(app, 'Stack');
  const bucket = new StorageBucket(stack, 'Bucket', { serverAccessLogs: false });
  const queue = new sqs.Queue(stack, 'Queue');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  return { app, stack, bucket, queue, fn };
}

describe('StorageBucket.addEventNotification', () => {
  test("has the same signature as s3.Bucket and renders the entry on bucketkit's notifications resource", () => {
    const { stack, bucket, queue } = setUp();
    const add: s3.Bucket['addEventNotification'] = bucket.addEventNotification.bind(bucket);
    add(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'in/' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::BucketkitNotifications', {
      Notifications: [
        {
          Type: 'sqs',
          Arn: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue), 'Arn'] },
          Events: ['s3:ObjectCreated:*'],
          Prefix: 'in/',
        },
      ],
    });
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('overlap across calls fails synth and names both configurations', () => {
    const { app, bucket, queue, fn } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'images/' });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.LambdaDestination(fn), { prefix: 'images/thumbs/' });
    expect(() => app.synth()).toThrow(
      /\[S3-NOTIFICATION-OVERLAP\] addEventNotification #1 \(s3:ObjectCreated:\* to SQS queue Stack\/Queue\) \(prefix "images\/"\) and addEventNotification #2 \(s3:ObjectCreated:Put to Lambda function Stack\/Fn\) \(prefix "images\/thumbs\/"\) overlap.*Fix: give the two configurations/,
    );
  });

  test('overlapping prefixes with different suffixes are accepted', () => {
    const { app, bucket, queue, fn } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'in/', suffix: '.csv' });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: 'in/', suffix: '.json' });
    expect(() => app.synth()).not.toThrow();
  });

  test('an absent filter overlaps every filter of the same event type', () => {
    const { app, bucket, queue, fn } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SqsDestination(queue));
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED_DELETE, new s3n.LambdaDestination(fn), { suffix: '.log' });
    expect(() => app.synth()).toThrow(/S3-NOTIFICATION-OVERLAP.*\(no filter\)/);
  });

  test('a "*" in a filter fails synth', () => {
    const { app, bucket, queue } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'logs/*' });
    expect(() => app.synth()).toThrow(/\[S3-NOTIFICATION-FILTER-WILDCARD\].*"logs\/\*"/);
  });

  test('two prefix rules in one call throw at the call, with our rule id and fix', () => {
    const { bucket, queue } = setUp();
    expect(() => bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'a/' }, { prefix: 'b/' })).toThrow(
      /\[S3-NOTIFICATION-FILTER-DUPLICATE\].*Fix: split it into one configuration per prefix/,
    );
  });

  test('KMS-encrypted SQS and SNS destinations get a key-policy statement for s3.amazonaws.com', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    const bucket = new StorageBucket(stack, 'Bucket', { serverAccessLogs: false });
    const queueKey = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
    const topicKey = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(new sqs.Queue(stack, 'Queue', { encryptionMasterKey: queueKey })));
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(new sns.Topic(stack, 'Topic', { masterKey: topicKey })));
    const template = Template.fromStack(stack);
    for (const key of [queueKey, topicKey]) {
      const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
      const statements = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement;
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Sid: 'AllowS3BucketNotifications',
            Principal: { Service: 's3.amazonaws.com' },
            Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      );
    }
  });

  test('a plain s3.Bucket does not add the SNS key statement without the feature flag (the gap we close)', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    const topicKey = new kms.Key(stack, 'TopicKey');
    new s3.Bucket(stack, 'Plain').addEventNotification(
      s3.EventType.OBJECT_REMOVED,
      new s3n.SnsDestination(new sns.Topic(stack, 'Topic', { masterKey: topicKey })),
    );
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.not(Match.arrayWith([Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })])) },
    });
  });

  test('an SQS destination encrypted with the bucket key fails synth (circular dependency)', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new StorageBucket(stack, 'Bucket', { encryptionKey: key, serverAccessLogs: false });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key })));
    expect(() => app.synth()).toThrow(/\[BUCKETKIT-NOTIFICATION-QUEUE-KEY-CYCLE\].*SQS queue Stack\/Queue.*Fix: encrypt the queue with a different KMS key/);
  });
});
