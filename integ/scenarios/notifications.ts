import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { StorageBucket, notificationsOwner } from '../../lib';
import { Scenario, acknowledgeExampleFunction, expectVersioningEnabled, scenarioApp } from './common';

/**
 * Notifications to a KMS-encrypted SQS queue (with a dead-letter queue), a KMS-encrypted SNS topic and a Lambda
 * function, with filters that S3 accepts: overlapping prefixes are told apart by suffix.
 */
export function notificationsScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegNotifications');
  const messagingKey = new kms.Key(stack, 'MessagingKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  const bucket = new StorageBucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });

  const deadLetterQueue = new sqs.Queue(stack, 'DeadLetterQueue', { encryptionMasterKey: messagingKey, enforceSSL: true, retentionPeriod: Duration.days(14) });
  const queue = new sqs.Queue(stack, 'Queue', {
    encryptionMasterKey: messagingKey,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 3 },
  });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: messagingKey, enforceSSL: true });
  const fn = new lambda.Function(stack, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ records: event.Records.length });'),
  });
  acknowledgeExampleFunction(fn);

  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'uploads/', suffix: '.csv' });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: 'uploads/', suffix: '.json' });
  bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(topic));

  const integ = new IntegTest(app, 'BucketkitNotifications', { testCases: [stack] });
  expectVersioningEnabled(integ, bucket.bucketName);
  // bucketkit's handler stores each entry under this stack's owner prefix (`<owner>.<hash>`).
  const ownId = Match.stringLikeRegexp(`^${notificationsOwner(bucket)}\\.[0-9a-f]{16}$`);
  integ.assertions.awsApiCall('S3', 'GetBucketNotificationConfiguration', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      QueueConfigurations: [Match.objectLike({ Id: ownId, QueueArn: queue.queueArn, Events: ['s3:ObjectCreated:*'] })],
      TopicConfigurations: [Match.objectLike({ Id: ownId, TopicArn: topic.topicArn, Events: ['s3:ObjectRemoved:*'] })],
      LambdaFunctionConfigurations: [Match.objectLike({ Id: ownId, LambdaFunctionArn: fn.functionArn, Events: ['s3:ObjectCreated:*'] })],
    }),
  );
  return { app, stacks: [stack], integ };
}
