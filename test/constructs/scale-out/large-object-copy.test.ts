import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  DEFAULT_COPY_MAX_CONCURRENCY,
  DEFAULT_COPY_PART_CONCURRENCY,
  DEFAULT_COPY_PARTS_PER_BATCH,
  LARGE_OBJECT_COPY_MAP_LABEL,
  LARGE_OBJECT_COPY_PLAN_RETRYABLE_ERRORS,
  LARGE_OBJECT_COPY_RETRYABLE_ERRORS,
  LargeObjectCopy,
  LargeObjectCopyProps,
} from '../../../lib/constructs/scale-out';
import { cfnLint, nagErrors, TestApps } from '../support';
import { allStates, aslErrors, definitionOf } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

function build(props: Partial<LargeObjectCopyProps> = {}) {
  const app = apps.app();
  const stack = new Stack(app, 'Copy');
  const sourceBucket = new s3.Bucket(stack, 'Source', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
  const destinationBucket = new s3.Bucket(stack, 'Destination', {
    enforceSSL: true,
    serverAccessLogsPrefix: 'logs/',
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    encryption: s3.BucketEncryption.KMS,
  });
  const copy = new LargeObjectCopy(stack, 'LargeObjectCopy', { sourceBucket, destinationBucket, ...props });
  return { app, stack, sourceBucket, destinationBucket, copy };
}

type Statement = { Action: unknown; Resource: unknown; Effect: string };
function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe('GIVEN a LargeObjectCopy between two buckets', () => {
  const { app, stack, sourceBucket, destinationBucket, copy } = build();
  const template = Template.fromStack(stack);
  const definition = definitionOf(copy.stateMachine);
  const states = allStates(definition);

  test('THEN the definition passes asl-validator', () => {
    expect(aslErrors(definition)).toEqual([]);
  });

  test('THEN it plans, fans the batches out in a Distributed Map of STANDARD children with no tolerated failure, then completes', () => {
    expect(states.get('Plan')).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'Payload.$': 'States.JsonMerge($.input, $.fixed, false)' },
      ResultPath: '$.plan',
    });
    expect(states.get('Prepare')).toMatchObject({
      Parameters: { fixed: { action: 'plan-copy', partsPerBatch: DEFAULT_COPY_PARTS_PER_BATCH }, 'input.$': '$' },
    });
    const map = states.get('Copy parts')!;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.plan.result.batches',
      MaxConcurrency: DEFAULT_COPY_MAX_CONCURRENCY,
      Label: LARGE_OBJECT_COPY_MAP_LABEL,
      ResultPath: null,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      Next: 'Complete',
    });
    // Written out, though 0 is Step Functions' default (aws-cdk-lib would leave it out).
    expect(map.ToleratedFailureCount).toBe(0);
    expect(map.ToleratedFailurePercentage).toBeUndefined();
    // No ItemBatcher (moto's parser rejects it): the plan returns the batches, at most 2,000 (about 90 KB inline).
    expect(map.ItemBatcher).toBeUndefined();
    expect(states.get('Copy batch')).toMatchObject({
      Parameters: { Payload: { action: 'copy-part-batch', 'copy.$': '$.copy', concurrency: DEFAULT_COPY_PART_CONCURRENCY } },
    });
    expect(states.get('Complete')).toMatchObject({ Parameters: { Payload: { action: 'complete-copy', 'copy.$': '$.plan.result.copy' } } });
  });

  test('THEN every task retries throttling, 5xx and Lambda service errors with backoff; the plan only what cannot follow a Create', () => {
    for (const name of ['Copy batch', 'Complete', 'Abort']) {
      const [retry] = states.get(name)!.Retry as Record<string, unknown>[];
      expect(retry).toMatchObject({ ErrorEquals: [...LARGE_OBJECT_COPY_RETRYABLE_ERRORS], BackoffRate: 2, IntervalSeconds: 2 });
      expect(retry.ErrorEquals).toEqual(
        expect.arrayContaining(['ThrottledError', 'ServiceError', 'Lambda.ServiceException', 'Lambda.TooManyRequestsException']),
      );
    }
    const [planRetry] = states.get('Plan')!.Retry as Record<string, unknown>[];
    expect(planRetry.ErrorEquals).toEqual([...LARGE_OBJECT_COPY_PLAN_RETRYABLE_ERRORS]);
    expect(planRetry.ErrorEquals).not.toContain('Lambda.ServiceException');
  });

  test('THEN every failure after the plan goes to Abort, and Abort ends in a Fail (no path leaves the upload open)', () => {
    for (const name of ['Copy parts', 'Complete']) {
      expect(states.get(name)!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Abort' }]);
    }
    expect(states.get('Complete failed')).toMatchObject({ Type: 'Pass', ResultPath: '$.error', Next: 'Abort' });
    expect(states.get('Abort')).toMatchObject({
      Parameters: { Payload: { action: 'abort-copy', 'uploadId.$': '$.plan.result.copy.uploadId' } },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Abort failed' }],
      Next: 'Aborted?',
    });
    expect(states.get('Copy failed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
    // A handler's Failed result (a permanent error) fails the child, the plan or the completion with its own error.
    expect(states.get('Batch failed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.result.errorType', CausePath: '$.result.errorMessage' });
    expect(states.get('Plan rejected')).toMatchObject({ Type: 'Fail', ErrorPath: '$.plan.result.errorType' });
  });

  test('THEN the created transfer function may read only the source and write only the destination: no S3 action on *', () => {
    const all = statements(template);
    for (const statement of all) {
      const actions = ([] as unknown[]).concat(statement.Action).map(String);
      if (actions.some((a) => a.startsWith('s3:'))) expect(JSON.stringify(statement.Resource)).not.toMatch(/^"\*"$|"\*"\]/);
    }
    const resources = (action: string) =>
      JSON.stringify(all.filter((s) => ([] as unknown[]).concat(s.Action).includes(action)).map((s) => stack.resolve(s.Resource)));
    expect(resources('s3:PutObject')).toContain(stack.getLogicalId(destinationBucket.node.defaultChild as s3.CfnBucket));
    expect(resources('s3:PutObject')).not.toContain(stack.getLogicalId(sourceBucket.node.defaultChild as s3.CfnBucket));
    expect(resources('s3:AbortMultipartUpload')).not.toContain(stack.getLogicalId(sourceBucket.node.defaultChild as s3.CfnBucket));
    // The state machine itself calls no S3 action: only the function and its own child executions.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction' })]) },
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('THEN cdk-nag AwsSolutions reports zero errors', () => {
    expect(nagErrors(stack)).toEqual([]);
  });

  test('THEN cfn-lint reports zero errors', () => {
    const result = cfnLint(app, stack);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
  }, 180_000);
});

describe('GIVEN an operator role', () => {
  test('THEN grantStartExecution lets a role start and follow executions', () => {
    const { stack, copy } = build();
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    copy.grantStartExecution(role);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] },
    });
    const actions = JSON.stringify(Object.values(policy));
    expect(actions).toContain('states:StartExecution');
    expect(actions).toContain('states:DescribeExecution');
  });
});

describe('GIVEN an existing transfer function and options', () => {
  test('THEN the tasks invoke it, no function is created, and the options reach the definition', () => {
    const { stack, copy } = build({
      transferFunction: lambda.Function.fromFunctionArn(new Stack(), 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:mine'),
      maxConcurrency: 7,
      partsPerBatch: 25,
      partConcurrency: 8,
    });
    const definition = definitionOf(copy.stateMachine);
    expect(aslErrors(definition)).toEqual([]);
    const states = allStates(definition);
    expect(states.get('Copy parts')).toMatchObject({ MaxConcurrency: 7 });
    expect(states.get('Prepare')).toMatchObject({ Parameters: { fixed: { partsPerBatch: 25 } } });
    expect(states.get('Copy batch')).toMatchObject({
      Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:mine', Payload: { concurrency: 8 } },
    });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
  });
});

describe('WHEN the properties are out of range', () => {
  test.each([
    [{ maxConcurrency: 0 }, /BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY/],
    [{ maxConcurrency: 10_001 }, /BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY/],
    [{ partsPerBatch: 0 }, /BUCKETKIT-SCALE-OUT-PARTS-PER-BATCH/],
    [{ partsPerBatch: 2.5 }, /BUCKETKIT-SCALE-OUT-PARTS-PER-BATCH/],
    [{ partConcurrency: 33 }, /BUCKETKIT-SCALE-OUT-PART-CONCURRENCY/],
  ])('%j THEN synth fails naming the rule', (props, rule) => {
    expect(() => build(props as Partial<LargeObjectCopyProps>)).toThrow(rule);
  });

  test('THEN every problem is reported at once', () => {
    expect(() => build({ maxConcurrency: 0, partsPerBatch: 0, partConcurrency: 0 })).toThrow(/MAX-CONCURRENCY[\s\S]*PARTS-PER-BATCH[\s\S]*PART-CONCURRENCY/);
  });
});
