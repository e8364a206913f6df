import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BucketRulesChecker, HANDLER_BUNDLE_CONTEXT_KEY, HandlerName, acknowledgeRule } from '../../lib';
import { defaultHandlerBundleDirectory } from '../../lib/constructs/handlers/bundle';

/** What every scenario returns: the stacks under test (for cdk-nag and cfn-lint) and the IntegTest. */
export interface Scenario {
  readonly app: App;
  readonly stacks: Stack[];
  readonly integ: IntegTest;
}

/**
 * Placeholder handler bundles (`integ/fixtures/handler-bundles/<name>/index.js`): they synthesize like the real
 * ones and fail every invocation. Used by the construct tests always, and by the scenarios and the example app in
 * a checkout where `npm run build` has not written dist/lambda/ yet.
 */
export const PLACEHOLDER_HANDLER_BUNDLES = path.join(__dirname, '..', 'fixtures', 'handler-bundles');

const HANDLERS: readonly HandlerName[] = ['transfer', 'restore', 'probe', 'notifications'];

/**
 * App context for synthesizing in this checkout: nothing when `npm run build` wrote the three bundles to
 * dist/lambda/ (the real handlers are deployed), else {@link HANDLER_BUNDLE_CONTEXT_KEY} pointing at the
 * placeholders, so that `npm start`, the snapshots and the tests synthesize without a build.
 */
export function handlerBundleContext(): Record<string, string> {
  const built = HANDLERS.every((name) => ['index.js', 'index.mjs'].some((file) => fs.existsSync(path.join(defaultHandlerBundleDirectory(), name, file))));
  return built ? {} : { [HANDLER_BUNDLE_CONTEXT_KEY]: PLACEHOLDER_HANDLER_BUNDLES };
}

/** A scenario app: the rules checker on everything, as a user would set it up, and the handler bundles found. */
export function scenarioApp(app: App = new App()): App {
  Aspects.of(app).add(new BucketRulesChecker());
  if (app.node.tryGetContext(HANDLER_BUNDLE_CONTEXT_KEY) === undefined)
    for (const [key, value] of Object.entries(handlerBundleContext())) app.node.setContext(key, value);
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
