import { App, Aspects, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BucketRulesChecker, acknowledgeRule } from '../../lib';

/** What every scenario returns: the stacks under test (for cdk-nag and cfn-lint) and the IntegTest. */
export interface Scenario {
  readonly app: App;
  readonly stacks: Stack[];
  readonly integ: IntegTest;
}

/** A scenario app: the rules checker on everything, as a user would set it up. */
export function scenarioApp(app: App = new App()): App {
  Aspects.of(app).add(new BucketRulesChecker());
  return app;
}

/** Asserts that GetBucketVersioning reports versioning on. */
export function expectVersioningEnabled(integ: IntegTest, bucketName: string): void {
  integ.assertions.awsApiCall('S3', 'GetBucketVersioning', { Bucket: bucketName }).expect(ExpectedResult.objectLike({ Status: 'Enabled' }));
}

/** The example Lambda's pinned runtime and managed log policy, acknowledged with reasons. */
export function acknowledgeExampleFunction(fn: lambda.IFunction): void {
  acknowledgeRule(fn, 'AwsSolutions-L1', 'Pinned to nodejs22.x, the runtime the bucketkit/storage bundle targets; a newer runtime is a deliberate upgrade.');
  acknowledgeRule(
    fn,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The managed policy grants only CloudWatch Logs writes for this function; S3 invokes it through a resource policy.',
  );
}
