import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { StorageBucket } from '../../lib';
import { Scenario, scenarioApp } from './common';

/**
 * The bundled probe handler, reporting on a StorageBucket: the report comes back with a summary, probed in scratch
 * buckets the function creates and deletes (`bucketkit-probe-*`), and a bad event fails naming the field.
 */
export function probeFunctionScenario(app: App = scenarioApp()): Scenario {
  const stack = new Stack(app, 'BucketkitIntegProbeFunction');
  const bucket = new StorageBucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
  const fn = bucket.addProbeFunction('Probe', { logRemovalPolicy: RemovalPolicy.DESTROY });

  const integ = new IntegTest(app, 'BucketkitProbeFunction', { testCases: [stack] });
  integ.assertions.invokeFunction({ functionName: fn.functionName, payload: stack.toJsonString({ bucket: bucket.bucketName }) }).expect(
    ExpectedResult.objectLike({
      Payload: Match.serializedJson(Match.objectLike({ status: 'Succeeded', report: Match.objectLike({ features: Match.objectLike({}) }) })),
    }),
  );
  integ.assertions.invokeFunction({ functionName: fn.functionName, payload: '{"probeTimeoutMs":"soon"}' }).expect(
    ExpectedResult.objectLike({
      Payload: Match.serializedJson(Match.objectLike({ status: 'Failed', errorType: 'ValidationError', field: 'probeTimeoutMs' })),
    }),
  );
  return { app, stacks: [stack], integ };
}
