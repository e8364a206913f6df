import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import * as kms from 'aws-cdk-lib/aws-kms';
import { StorageBucket } from '../../lib';
import { Scenario, expectVersioningEnabled, scenarioApp } from './common';

/** SSE-KMS with a customer managed key and an S3 Bucket Key, plus Transfer Acceleration. */
export function kmsAccelerationScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegKmsAcceleration');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  const bucket = new StorageBucket(stack, 'Bucket', {
    encryptionKey: key,
    transferAcceleration: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  const integ = new IntegTest(app, 'BucketkitKmsAcceleration', { testCases: [stack] });

  expectVersioningEnabled(integ, bucket.bucketName);
  integ.assertions.awsApiCall('S3', 'GetBucketEncryption', { Bucket: bucket.bucketName }).expect(
    ExpectedResult.objectLike({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn }, BucketKeyEnabled: true }],
      },
    }),
  );
  integ.assertions.awsApiCall('S3', 'GetBucketAccelerateConfiguration', { Bucket: bucket.bucketName }).expect(ExpectedResult.objectLike({ Status: 'Enabled' }));
  return { app, stacks: [stack], integ };
}
