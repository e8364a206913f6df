/** Pieces both scale-out state machines share: logging, and the written reasons for cdk-nag findings that remain. */
import { Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeRule } from '../acknowledge';

/** Every event to CloudWatch Logs (cdk-nag AwsSolutions-SF1), without execution data (keys stay out of the logs). */
export function stateMachineLogs(destination: logs.ILogGroup): sfn.LogOptions {
  return { destination, level: sfn.LogLevel.ALL, includeExecutionData: false };
}

/**
 * Turns on, for `scope` and its children only, the aws-cdk-lib feature flag under which a Distributed Map renders
 * `resultWriterV2` (without it the map would need the deprecated `ResultWriter`, which prints warnings at every synth).
 */
export function useResultWriterV2(scope: Construct): void {
  scope.node.setContext(cxapi.STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2, true);
}

/**
 * Acknowledges, with reasons, the cdk-nag AwsSolutions-IAM5 findings the state machine's role keeps: object ARNs
 * under the given buckets (keys arrive at run time), the Distributed Map's child executions and Map Runs (their names
 * are made by Step Functions), and the log delivery and X-Ray actions that take no resource.
 */
export function acknowledgeScaleOutFindings(stateMachine: sfn.StateMachine, buckets: readonly s3.IBucket[], mapLabels: readonly string[] = []): void {
  const stack = Stack.of(stateMachine);
  const policy = stateMachine.role.node.tryFindChild('DefaultPolicy');
  if (policy) {
    const ids = new Set<string>();
    for (const bucket of buckets) {
      ids.add(nagResource(stack.resolve(bucket.arnForObjects('*'))));
      ids.add(nagResource(stack.resolve(`arn:${stack.partition}:s3:::${bucket.bucketName}/*`)));
    }
    for (const id of ids)
      acknowledgeRule(
        policy,
        `AwsSolutions-IAM5[Resource::${id}]`,
        'Objects under this one bucket: the keys are only known at run time (execution input, listing or manifest rows).',
      );
    acknowledgeRule(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords and the CloudWatch Logs delivery actions (logs:CreateLogDelivery and friends) take no resource ARN; CDK adds them for tracing and logging.',
    );
  }
  const mapPolicy = stateMachine.node.tryFindChild('DistributedMapPolicy');
  if (!mapPolicy) return;
  const name = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', stack.resolve((stateMachine.node.defaultChild as sfn.CfnStateMachine).ref)] }] });
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}`;
  for (const suffix of ['', ...mapLabels.map((l) => `/${l}`)])
    acknowledgeRule(
      mapPolicy,
      `AwsSolutions-IAM5[Resource::${executions}${suffix}:*]`,
      'The Distributed Map child executions and Map Runs of this one state machine: Step Functions names them at run time.',
    );
}

/**
 * Acknowledges, with a reason, the AwsSolutions-IAM5 finding on `<function ARN>:*` that a Lambda task adds (Step
 * Functions may invoke any version or alias of that one function).
 */
export function acknowledgeFunctionInvoke(stateMachine: sfn.StateMachine, functionArn: string): void {
  const policy = stateMachine.role.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  acknowledgeRule(
    policy,
    `AwsSolutions-IAM5[Resource::${nagResource(Stack.of(stateMachine).resolve(functionArn))}:*]`,
    'Versions and aliases of this one transfer function (aws-cdk-lib grants <function ARN>:* with the function for a Lambda task).',
  );
}

/** How cdk-nag writes a resolved policy resource in a finding id: `<Logical.Arn>` for Fn::GetAtt, `<Name>` for Ref. */
export function nagResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (o.Ref !== undefined) return `<${String(o.Ref)}>`;
  if (o['Fn::GetAtt'] !== undefined) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  if (o['Fn::Join'] !== undefined) {
    const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(nagResource).join(separator);
  }
  return JSON.stringify(value);
}
