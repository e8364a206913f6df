import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { StorageBucket } from '../../lib';
import { Scenario, expectVersioningEnabled, scenarioApp } from './common';

/** The no-arguments baseline: a StorageBucket with nothing but its defaults (and DESTROY so the test cleans up). */
export function defaultsScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegDefaults');
  const bucket = new StorageBucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const integ = new IntegTest(app, 'BucketkitDefaults', { testCases: [stack] });

  expectVersioningEnabled(integ, bucket.bucketName);
  integ.assertions
    .awsApiCall('S3', 'GetBucketEncryption', { Bucket: bucket.bucketName })
    .expect(ExpectedResult.objectLike({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  integ.assertions.awsApiCall('S3', 'GetBucketLifecycleConfiguration', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      Rules: [{ ID: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
    }),
  );
  integ.assertions.awsApiCall('S3', 'GetPublicAccessBlock', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    }),
  );
  integ.assertions
    .awsApiCall('S3', 'GetBucketLogging', { Bucket: bucket.bucketName })
    .expect(ExpectedResult.objectLike({ LoggingEnabled: { TargetBucket: bucket.accessLogsBucket!.bucketName } }));
  return { app, stacks: [stack], integ };
}
