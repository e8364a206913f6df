import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { StorageBucket } from '../../lib';
import { Scenario, scenarioApp } from './common';

/**
 * The bundled restore handler on a StorageBucket, scoped to `archive/`: an object written to GLACIER is restored
 * (S3's HeadObject then reports `ongoing-request="true"`), and a bad event fails naming the field.
 */
export function restoreFunctionScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegRestoreFunction');
  const bucket = new StorageBucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const fn = bucket.addRestoreFunction('Restore', { prefixes: ['archive/'], logRemovalPolicy: RemovalPolicy.DESTROY });

  const integ = new IntegTest(app, 'BucketkitRestoreFunction', { testCases: [stack] });
  integ.assertions
    .awsApiCall('S3', 'PutObject', { Bucket: bucket.bucketName, Key: 'archive/report.csv', Body: 'id,total\n1,42\n', StorageClass: 'GLACIER' })
    .next(
      integ.assertions
        .invokeFunction({
          functionName: fn.functionName,
          payload: stack.toJsonString({ bucket: bucket.bucketName, key: 'archive/report.csv', days: 1, tier: 'Bulk' }),
        })
        .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ status: Match.stringLikeRegexp('^(Succeeded|InProgress)$') })) })),
    )
    .next(
      integ.assertions
        .awsApiCall('S3', 'HeadObject', { Bucket: bucket.bucketName, Key: 'archive/report.csv' })
        .expect(ExpectedResult.objectLike({ Restore: Match.stringLikeRegexp('ongoing-request="true"') })),
    );
  integ.assertions
    .invokeFunction({ functionName: fn.functionName, payload: '{}' })
    .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ status: 'Failed', errorType: 'ValidationError' })) }));
  return { app, stacks: [stack], integ };
}
