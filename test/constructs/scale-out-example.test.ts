import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { buildScaleOutExampleApp } from '../../examples/scale-out-app';
import { TestApps } from './support';

// The scale-out example (examples/scale-out-app.ts; `npm start` synthesizes it beside bin/app.ts). cdk-nag and
// cfn-lint run on it in template-quality.test.ts.
const apps = new TestApps();
afterAll(() => apps.cleanUp());

describe('GIVEN the scale-out example app', () => {
  const { stack } = buildScaleOutExampleApp(apps.app());
  const template = Template.fromStack(stack);
  const id = (b: s3.IBucket) => stack.getLogicalId(b.node.defaultChild as s3.CfnBucket);
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
  );

  test('THEN BulkRestore reads manifests from and writes results to the operations bucket', () => {
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain('restores/results/');
    expect(definition).toContain(id(stack.operations));
  });

  test('THEN the Batch Operations role restores and copies archive objects to the replica, and invokes the transfer function only', () => {
    const sid = (s: string) => statements.find((x) => x.Sid === s);
    expect(sid('Restore')?.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.archive), 'Arn'] }, '/*']] });
    expect(sid('CopyToDestination')?.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.replica), 'Arn'] }, '/*']] });
    expect(sid('ReadManifest')?.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack.operations), 'Arn'] }, '/batch/manifests/*']] });
    const fnId = stack.getLogicalId(stack.transferFunction.node.defaultChild as lambda.CfnFunction);
    expect(sid('InvokeFunction')?.Resource).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
  });

  test('THEN LargeObjectCopy copies archive -> replica through the example transfer function', () => {
    const machineId = stack.getLogicalId(stack.largeObjectCopy.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const definition = JSON.stringify(template.toJSON().Resources[machineId].Properties.DefinitionString);
    const fnId = stack.getLogicalId(stack.transferFunction.node.defaultChild as lambda.CfnFunction);
    expect(definition).toContain(fnId);
    expect(definition).toContain(id(stack.archive));
    expect(definition).toContain(id(stack.replica));
  });

  test('THEN the ARNs the CLI needs are stack outputs', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'BatchOperationsRoleArn',
      'BulkRestoreStateMachineArn',
      'LargeObjectCopyStateMachineArn',
      'OperationsBucketName',
      'TransferFunctionArn',
    ]);
  });
});
