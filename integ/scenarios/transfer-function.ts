import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import * as kms from 'aws-cdk-lib/aws-kms';
import { StorageBucket } from '../../lib';
import { Scenario, scenarioApp } from './common';

/**
 * The bundled transfer handler between two StorageBuckets (the source SSE-KMS), scoped to `in/` on the source and
 * `out/` on the destination: a copy within the scope succeeds and arrives byte for byte, a copy outside it is
 * refused by IAM (a permanent failure, returned, not thrown), and a bad event fails naming the field.
 */
export function transferFunctionScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegTransferFunction');
  const key = new kms.Key(stack, 'SourceKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  const source = new StorageBucket(stack, 'Source', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const destination = new StorageBucket(stack, 'Destination', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const fn = source.addTransferFunction('Transfer', {
    destinationBucket: destination,
    sourcePrefixes: ['in/'],
    destinationPrefixes: ['out/'],
    reservedConcurrentExecutions: 2,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  });

  const integ = new IntegTest(app, 'BucketkitTransferFunction', { testCases: [stack] });
  const copy = (destinationKey: string) =>
    stack.toJsonString({ sourceBucket: source.bucketName, sourceKey: 'in/hello.txt', destinationBucket: destination.bucketName, destinationKey });
  integ.assertions
    .awsApiCall('S3', 'PutObject', { Bucket: source.bucketName, Key: 'in/hello.txt', Body: 'hello from bucketkit' })
    .next(
      integ.assertions
        .invokeFunction({ functionName: fn.functionName, payload: copy('out/hello.txt') })
        .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ status: 'Succeeded' })) })),
    )
    .next(
      integ.assertions
        .awsApiCall('S3', 'GetObject', { Bucket: destination.bucketName, Key: 'out/hello.txt' })
        .expect(ExpectedResult.objectLike({ Body: 'hello from bucketkit' })),
    )
    .next(
      integ.assertions
        .invokeFunction({ functionName: fn.functionName, payload: copy('elsewhere/hello.txt') })
        .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ status: 'Failed', s3Code: 'AccessDenied' })) })),
    );
  integ.assertions
    .invokeFunction({ functionName: fn.functionName, payload: stack.toJsonString({ sourceBucket: source.bucketName }) })
    .expect(
      ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ status: 'Failed', errorType: 'ValidationError', field: 'sourceKey' })) }),
    );
  return { app, stacks: [stack], integ };
}
