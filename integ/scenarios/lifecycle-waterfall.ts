import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StorageBucket } from '../../lib';
import { Scenario, expectVersioningEnabled, scenarioApp } from './common';

/** STANDARD -> STANDARD_IA -> GLACIER -> DEEP_ARCHIVE, noncurrent versions, and Intelligent-Tiering archive tiers. */
export function lifecycleWaterfallScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegLifecycleWaterfall');
  const bucket = new StorageBucket(stack, 'Bucket', {
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
    lifecycleRules: [
      {
        id: 'waterfall',
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
          { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
        ],
        expiration: Duration.days(730),
        noncurrentVersionTransitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(60) },
        ],
        noncurrentVersionExpiration: Duration.days(365),
      },
      {
        id: 'small-objects-to-glacier-ir',
        prefix: 'thumbnails/',
        objectSizeGreaterThan: 1024,
        transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(0) }],
      },
    ],
    intelligentTieringConfigurations: [{ name: 'archive', archiveAccessTierTime: Duration.days(90), deepArchiveAccessTierTime: Duration.days(180) }],
  });
  const integ = new IntegTest(app, 'BucketkitLifecycleWaterfall', { testCases: [stack] });

  expectVersioningEnabled(integ, bucket.bucketName);
  integ.assertions.awsApiCall('S3', 'GetBucketLifecycleConfiguration', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      Rules: Match.arrayWith([
        Match.objectLike({
          ID: 'waterfall',
          Transitions: [
            { Days: 30, StorageClass: 'STANDARD_IA' },
            { Days: 90, StorageClass: 'GLACIER' },
            { Days: 180, StorageClass: 'DEEP_ARCHIVE' },
          ],
          Expiration: { Days: 730 },
          NoncurrentVersionTransitions: [
            { NoncurrentDays: 30, StorageClass: 'STANDARD_IA' },
            { NoncurrentDays: 60, StorageClass: 'GLACIER' },
          ],
          NoncurrentVersionExpiration: { NoncurrentDays: 365 },
        }),
      ]),
    }),
  );
  integ.assertions.awsApiCall('S3', 'GetBucketIntelligentTieringConfiguration', { Bucket: bucket.bucketName, Id: 'archive' }).expect(
    ExpectedResult.objectLike({
      IntelligentTieringConfiguration: {
        Tierings: Match.arrayWith([
          { AccessTier: 'ARCHIVE_ACCESS', Days: 90 },
          { AccessTier: 'DEEP_ARCHIVE_ACCESS', Days: 180 },
        ]),
      },
    }),
  );
  return { app, stacks: [stack], integ };
}
