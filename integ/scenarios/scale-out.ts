import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { BatchOperationsRole, BulkRestore, StorageBucket } from '../../lib';
import { Scenario, scenarioApp } from './common';

/**
 * BulkRestore and BatchOperationsRole on a StorageBucket: an object written to GLACIER under `archive/` is restored
 * by a BulkRestore execution over the prefix (the execution succeeds and S3 then reports `ongoing-request="true"`),
 * and an input with two sources fails with InvalidArgument. The Batch Operations role is deployed with least
 * privilege for restore jobs on the same bucket (its policy is asserted in the construct tests).
 */
export function scaleOutScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegScaleOut');
  const bucket = new StorageBucket(stack, 'Archive', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const restore = new BulkRestore(stack, 'BulkRestore', { bucket, tier: 'Bulk', maxConcurrency: 10 });
  new BatchOperationsRole(stack, 'BatchOperationsRole', {
    manifestBucket: bucket,
    manifestPrefix: 'batch/manifests/',
    reportPrefix: 'batch/reports/',
    restoreBucket: bucket,
  });

  const integ = new IntegTest(app, 'BucketkitScaleOut', { testCases: [stack] });
  const arn = restore.stateMachine.stateMachineArn;
  const start = integ.assertions.awsApiCall('StepFunctions', 'startExecution', { stateMachineArn: arn, input: stack.toJsonString({ prefix: 'archive/' }) });
  integ.assertions
    .awsApiCall('S3', 'PutObject', { Bucket: bucket.bucketName, Key: 'archive/2020.csv', Body: 'id,total\n1,42\n', StorageClass: 'GLACIER' })
    .next(start)
    .next(
      integ.assertions
        .awsApiCall('StepFunctions', 'describeExecution', { executionArn: start.getAttString('executionArn') })
        .expect(ExpectedResult.objectLike({ status: 'SUCCEEDED' }))
        .waitForAssertions(),
    )
    .next(
      integ.assertions
        .awsApiCall('S3', 'HeadObject', { Bucket: bucket.bucketName, Key: 'archive/2020.csv' })
        .expect(ExpectedResult.objectLike({ Restore: Match.stringLikeRegexp('ongoing-request="true"') })),
    );
  const bad = integ.assertions.awsApiCall('StepFunctions', 'startExecution', {
    stateMachineArn: arn,
    input: stack.toJsonString({ prefix: 'archive/', csvManifestKey: 'm.csv' }),
  });
  bad.next(
    integ.assertions
      .awsApiCall('StepFunctions', 'describeExecution', { executionArn: bad.getAttString('executionArn') })
      .expect(ExpectedResult.objectLike({ status: 'FAILED', error: 'InvalidArgument' }))
      .waitForAssertions(),
  );
  return { app, stacks: [stack], integ };
}
