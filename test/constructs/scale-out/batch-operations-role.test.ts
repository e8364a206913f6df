import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BatchOperationsRole, BatchOperationsRoleProps } from '../../../lib/constructs/scale-out';
import { cfnLint, nagErrors, TestApps } from '../support';

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html

const apps = new TestApps();
afterAll(() => apps.cleanUp());

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

function build(
  props: (b: Record<string, s3.IBucket>, stack: Stack) => Partial<BatchOperationsRoleProps>,
  after?: (role: BatchOperationsRole, stack: Stack) => void,
) {
  const app = apps.app();
  const stack = new Stack(app, 'Batch');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = (id: string, encrypted = false) =>
    new s3.Bucket(stack, id, {
      enforceSSL: true,
      serverAccessLogsPrefix: 'logs/',
      ...(encrypted ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key } : {}),
    });
  const buckets = { manifests: bucket('Manifests'), archive: bucket('Archive'), source: bucket('Source'), destination: bucket('Destination', true) };
  const role = new BatchOperationsRole(stack, 'BatchRole', { manifestBucket: buckets.manifests, ...props(buckets, stack) });
  after?.(role, stack);
  const template = Template.fromStack(stack);
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
  const arnOf = (b: s3.IBucket) => ({ 'Fn::GetAtt': [stack.getLogicalId(b.node.defaultChild as s3.CfnBucket), 'Arn'] });
  const objects = (b: s3.IBucket, pattern: string) => ({ 'Fn::Join': ['', [arnOf(b), `/${pattern}`]] });
  const sid = (s: string) => statements.find((x) => x.Sid === s);
  return { app, stack, role, template, statements, buckets, arnOf, objects, sid, key };
}

describe('GIVEN a restore role with manifest and report prefixes', () => {
  const { app, stack, template, statements, buckets, objects, arnOf, sid } = build((b) => ({
    manifestPrefix: 'batch/manifests/',
    reportPrefix: 'batch/reports/',
    restoreBucket: b.archive,
  }));

  test('THEN only S3 Batch Operations can assume it', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'batchoperations.s3.amazonaws.com' } }] },
    });
  });

  test('THEN it reads manifests and writes reports under their prefixes only, and restores the archive bucket objects', () => {
    expect(sid('ReadManifest')).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: objects(buckets.manifests, 'batch/manifests/*') });
    expect(sid('WriteReport')).toMatchObject({ Action: 's3:PutObject', Resource: objects(buckets.manifests, 'batch/reports/*') });
    expect(sid('BucketLocation')).toMatchObject({ Action: 's3:GetBucketLocation', Resource: arnOf(buckets.manifests) });
    expect(sid('Restore')).toMatchObject({ Action: 's3:RestoreObject', Resource: objects(buckets.archive, '*') });
  });

  test('THEN no copy or invoke action, and no S3 action on *', () => {
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions).not.toContain('s3:PutObjectAcl');
    expect(actions).not.toContain('lambda:InvokeFunction');
    for (const s of statements) {
      if (([] as string[]).concat(s.Action).some((a) => a.startsWith('s3:'))) expect(s.Resource).not.toEqual('*');
    }
    expect(statements.every((s) => !([] as string[]).concat(s.Action).some((a) => a.includes('*')))).toBe(true);
  });

  test('THEN cdk-nag AwsSolutions reports zero errors (the object-ARN wildcards carry reasons)', () => {
    expect(nagErrors(stack)).toEqual([]);
  });

  test('THEN cfn-lint reports zero errors', () => {
    const result = cfnLint(app, stack);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
  }, 180_000);
});

describe('GIVEN a copy role to a KMS-encrypted bucket, with the transfer function for objects over 5 GB', () => {
  let fn!: lambda.IFunction;
  const built = build((b, stack) => {
    fn = lambda.Function.fromFunctionArn(stack, 'Transfer', 'arn:aws:lambda:us-east-1:123456789012:function:bucketkit-transfer');
    return { reportBucket: b.destination, copySourceBucket: b.source, copyDestinationBucket: b.destination, invokeFunction: fn };
  });
  const { stack, statements, buckets, objects, arnOf, sid, key } = built;

  test('THEN it reads the source objects and writes the destination objects only', () => {
    expect(sid('CopyFromSource')).toMatchObject({ Resource: objects(buckets.source, '*') });
    expect(sid('CopyFromSource')!.Action).toEqual(expect.arrayContaining(['s3:GetObject', 's3:GetObjectAcl', 's3:GetObjectTagging']));
    expect(sid('CopyToDestination')).toMatchObject({
      Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging'],
      Resource: objects(buckets.destination, '*'),
    });
    expect(sid('WriteReport')).toMatchObject({ Resource: objects(buckets.destination, '*') });
    expect(sid('BucketLocation')!.Resource).toEqual([arnOf(buckets.manifests), arnOf(buckets.destination)]);
    expect(sid('Restore')).toBeUndefined();
  });

  test('THEN it invokes that one function', () => {
    expect(sid('InvokeFunction')).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:bucketkit-transfer',
    });
  });

  test("THEN the destination's key (and only it) is usable for writing: GenerateDataKey and Decrypt, no action wildcard", () => {
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    expect(sid('CopyDestinationKey')).toMatchObject({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn });
    expect(sid('ReportKey')).toMatchObject({ Resource: keyArn });
    expect(sid('CopySourceKey')).toBeUndefined();
    expect(statements.flatMap((s) => ([] as string[]).concat(s.Action)).filter((a) => a.includes('*'))).toEqual([]);
  });

  test('THEN cdk-nag AwsSolutions reports zero errors', () => {
    expect(nagErrors(stack)).toEqual([]);
  });

  test('THEN grantPassRole lets a CLI user pass the role', () => {
    const { template } = build(
      (b) => ({ restoreBucket: b.archive }),
      (role, s) => role.grantPassRole(new iam.User(s, 'Operator')),
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      Users: [{ Ref: Match.anyValue() }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('BatchRole'), 'Arn'] } })] },
    });
  });
});

describe('WHEN the properties are wrong', () => {
  test.each([
    [(): Partial<BatchOperationsRoleProps> => ({}), /BUCKETKIT-BATCH-ROLE-OPERATION/],
    [(b: Record<string, s3.IBucket>) => ({ copySourceBucket: b.source }), /BUCKETKIT-BATCH-ROLE-COPY/],
    [(b: Record<string, s3.IBucket>) => ({ copyDestinationBucket: b.destination }), /BUCKETKIT-BATCH-ROLE-COPY/],
    [(b: Record<string, s3.IBucket>) => ({ restoreBucket: b.archive, manifestPrefix: '/abs/' }), /BUCKETKIT-BATCH-ROLE-PREFIX/],
    [(b: Record<string, s3.IBucket>) => ({ restoreBucket: b.archive, reportPrefix: 'reports/*' }), /BUCKETKIT-BATCH-ROLE-PREFIX/],
  ])('case %# THEN synth fails naming the rule', (props, rule) => {
    expect(() => build(props)).toThrow(rule);
  });

  test('THEN every problem is reported at once', () => {
    expect(() => build((b) => ({ copySourceBucket: b.source, manifestPrefix: '/x' }))).toThrow(/BATCH-ROLE-COPY[\s\S]*BATCH-ROLE-PREFIX/);
  });
});
