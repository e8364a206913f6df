import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledgeNotificationsHandler, acknowledgeRule } from '../../lib';
import { Scenario, expectVersioningEnabled, scenarioApp } from './common';

/**
 * BucketRulesChecker on a plain s3.Bucket that never adopted StorageBucket: a valid waterfall and valid
 * notification filters pass the checker and deploy.
 */
export function checkerPlainBucketScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegCheckerPlainBucket');
  const bucket = new s3.Bucket(stack, 'PlainBucket', {
    versioned: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
    lifecycleRules: [
      {
        id: 'waterfall',
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(60) },
        ],
      },
    ],
  });
  acknowledgeRule(
    bucket,
    'AwsSolutions-S1',
    'This scenario is about BucketRulesChecker on a plain s3.Bucket; access logging is covered by the StorageBucket scenarios.',
  );
  const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
  acknowledgeRule(
    queue,
    'AwsSolutions-SQS3',
    'A scenario queue that only proves delivery configuration; nothing consumes it, so there is nothing to dead-letter.',
  );
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(queue), { prefix: 'a/' });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED_COPY, new s3n.SqsDestination(queue), { prefix: 'a/' });
  acknowledgeNotificationsHandler(stack);

  const integ = new IntegTest(app, 'BucketkitCheckerPlainBucket', { testCases: [stack] });
  expectVersioningEnabled(integ, bucket.bucketName);
  integ.assertions.awsApiCall('S3', 'GetBucketLifecycleConfiguration', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      Rules: [
        Match.objectLike({
          ID: 'waterfall',
          Transitions: [
            { Days: 30, StorageClass: 'STANDARD_IA' },
            { Days: 60, StorageClass: 'GLACIER' },
          ],
        }),
      ],
    }),
  );
  integ.assertions.awsApiCall('S3', 'GetBucketNotificationConfiguration', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      QueueConfigurations: [Match.objectLike({ Events: ['s3:ObjectCreated:Put'] }), Match.objectLike({ Events: ['s3:ObjectCreated:Copy'] })],
    }),
  );
  return { app, stacks: [stack], integ };
}
