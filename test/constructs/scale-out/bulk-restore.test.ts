import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BulkRestore, BulkRestoreProps, DEFAULT_RESTORE_MAX_CONCURRENCY, DEFAULT_RESTORE_RESULTS_PREFIX } from '../../../lib/constructs/scale-out';
import { cfnLint, nagErrors, TestApps } from '../support';
import { allStates, aslErrors, definitionOf } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

function build(props: Partial<BulkRestoreProps> = {}) {
  const app = apps.app();
  const stack = new Stack(app, 'Restore');
  const bucket = new s3.Bucket(stack, 'Archive', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
  const restore = new BulkRestore(stack, 'BulkRestore', { bucket, ...props });
  return { app, stack, bucket, restore };
}

describe('GIVEN a BulkRestore on one bucket', () => {
  const { app, stack, restore } = build({ completionCount: true });
  const template = Template.fromStack(stack);
  const definition = definitionOf(restore.stateMachine);
  const states = allStates(definition);

  test('THEN the definition passes asl-validator', () => {
    expect(aslErrors(definition)).toEqual([]);
  });

  test('THEN three Distributed Maps read a listing, a CSV manifest (bucket,key,versionId) and an S3 Inventory manifest', () => {
    const maps = [...states.values()].filter((s) => s.Type === 'Map');
    expect(maps.map((m) => m.ItemReader)).toEqual([
      expect.objectContaining({ Resource: 'arn:aws:states:::s3:listObjectsV2' }),
      expect.objectContaining({ ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['Bucket', 'Key', 'VersionId'] } }),
      expect.objectContaining({ ReaderConfig: { InputType: 'MANIFEST' } }),
    ]);
    for (const map of maps) {
      expect(map).toMatchObject({
        MaxConcurrency: DEFAULT_RESTORE_MAX_CONCURRENCY,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Prefix: DEFAULT_RESTORE_RESULTS_PREFIX } },
      });
      expect(map.ToleratedFailurePercentage).toBeUndefined();
      expect(map.ItemBatcher).toBeUndefined();
    }
  });

  test('THEN each child calls s3:restoreObject through the SDK integration (no Lambda), with and without VersionId', () => {
    const tasks = [...states.values()].filter((s) => s.Type === 'Task');
    expect(tasks.length).toBe(6);
    for (const task of tasks) {
      expect(task.Resource).toBe('arn:aws:states:::aws-sdk:s3:restoreObject');
      expect(task.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: expect.stringMatching(/^Classify error/) }]);
    }
    expect(tasks.filter((t) => (t.Parameters as Record<string, unknown>)['VersionId.$'] === '$.versionId')).toHaveLength(3);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', {}, 0);
  });

  test('THEN in-progress and not-archived answers are successes, throttling goes to a backoff wait', () => {
    const classify = states.get('Classify error (listing)')!;
    const choices = classify.Choices as { Next: string }[];
    expect(choices.map((c) => c.Next)).toEqual(['Not archived (listing)', 'Already in progress (listing)', 'Back off (listing)']);
    expect(JSON.stringify(choices[0])).toContain('*InvalidObjectState*');
    expect(JSON.stringify(choices[1])).toContain('*Status Code: 409*');
    expect(JSON.stringify(choices[2])).toContain('*Status Code: 503*');
    expect(states.get('Not archived (listing)')).toMatchObject({ Type: 'Pass', End: true, Parameters: { status: 'not-archived' } });
    expect(states.get('Wait before retry (listing)')).toMatchObject({ Type: 'Wait', SecondsPath: '$.waitSeconds' });
  });

  test('THEN the role restores and lists only this bucket: no S3 action on *', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
    );
    for (const statement of statements) {
      const actions = ([] as unknown[]).concat(statement.Action).map(String);
      if (actions.some((a) => a.startsWith('s3:'))) expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    }
    expect(statements.find((s) => s.Action === 's3:RestoreObject')?.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [stack.getLogicalId(restoreBucket(stack)), 'Arn'] }, '/*']],
    });
  });

  test('THEN the state machine logs ALL events with tracing on, and the completion count is a rule, a log group and a metric filter', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Restore Completed'] } });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricName: 'RestoresCompleted', MetricNamespace: 'bucketkit' })],
    });
    expect(stack.resolve(restore.metricRestoresCompleted().metricName)).toBe('RestoresCompleted');
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

describe('GIVEN a manifest bucket with a KMS key and options', () => {
  test('THEN manifests are read from it, results written to it, and its key granted', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'Archive');
    const manifestBucket = new s3.Bucket(stack, 'Manifests', { encryptionKey: new kms.Key(stack, 'Key'), encryption: s3.BucketEncryption.KMS });
    const restore = new BulkRestore(stack, 'R', {
      bucket,
      manifestBucket,
      maxConcurrency: 20,
      toleratedFailurePercentage: 5,
      tier: 'Bulk',
      days: 3,
      childExecutionType: sfn.StateMachineType.STANDARD,
    });
    const definition = definitionOf(restore.stateMachine, { [stack.getLogicalId(manifestBucket.node.defaultChild as s3.CfnBucket)]: 'manifests' });
    expect(aslErrors(definition)).toEqual([]);
    expect(definition.States).toMatchObject({ Defaults: { Parameters: { defaults: { days: 3, tier: 'Bulk' } } } });
    const csv = allStates(definition).get('Restore (CSV manifest)')!;
    expect(csv).toMatchObject({
      MaxConcurrency: 20,
      ToleratedFailurePercentage: 5,
      ItemReader: { Parameters: { Bucket: 'manifests' } },
      ResultWriter: { Parameters: { Bucket: 'manifests' } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt']) })]) },
    });
  });
});

describe('WHEN the properties are out of range', () => {
  test.each([
    [{ maxConcurrency: 0 }, /BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY/],
    [{ maxConcurrency: 10_001 }, /BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY/],
    [{ toleratedFailurePercentage: 101 }, /BUCKETKIT-SCALE-OUT-TOLERATED-FAILURES/],
    [{ days: 0 }, /BUCKETKIT-SCALE-OUT-RESTORE-DAYS/],
    [{ days: 1.5 }, /BUCKETKIT-SCALE-OUT-RESTORE-DAYS/],
    [{ resultsPrefix: '/abs' }, /BUCKETKIT-SCALE-OUT-RESULTS-PREFIX/],
  ])('%j THEN synth fails naming the rule', (props, rule) => {
    expect(() => build(props as Partial<BulkRestoreProps>)).toThrow(rule);
  });

  test('THEN every problem is reported at once', () => {
    expect(() => build({ maxConcurrency: 0, days: 0 })).toThrow(/MAX-CONCURRENCY[\s\S]*RESTORE-DAYS/);
  });

  test('THEN metricRestoresCompleted without completionCount says so', () => {
    expect(() => build().restore.metricRestoresCompleted()).toThrow(/completionCount/);
  });
});

function restoreBucket(stack: Stack): s3.CfnBucket {
  return stack.node.findChild('Archive').node.defaultChild as s3.CfnBucket;
}
