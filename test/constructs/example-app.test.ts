import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildExampleApp } from '../../bin/app';
import { TestApps } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

describe('the example app (bin/app.ts)', () => {
  // GIVEN the example app; WHEN synthesized
  const { stack } = buildExampleApp(apps.app());
  const template = Template.fromStack(stack);
  const dataId = stack.getLogicalId(stack.bucket.node.defaultChild as s3.CfnBucket);
  const data = template.findResources('AWS::S3::Bucket')[dataId].Properties;

  test('is a stack named BucketkitExample', () => {
    expect(stack.stackName).toBe('BucketkitExample');
  });

  test('the data bucket: KMS with a bucket key, versioning, acceleration', () => {
    expect(data.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
    });
    expect(data.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(data.AccelerateConfiguration).toEqual({ AccelerationStatus: 'Enabled' });
  });

  test('a STANDARD -> STANDARD_IA -> GLACIER -> DEEP_ARCHIVE waterfall with noncurrent-version rules', () => {
    const rule = data.LifecycleConfiguration.Rules.find((r: { Id?: string }) => r.Id === 'archive-waterfall');
    expect(rule.Transitions.map((t: { StorageClass: string; TransitionInDays: number }) => `${t.StorageClass}@${t.TransitionInDays}`)).toEqual([
      'STANDARD_IA@30',
      'GLACIER@90',
      'DEEP_ARCHIVE@180',
    ]);
    expect(rule.NoncurrentVersionTransitions.map((t: { StorageClass: string; TransitionInDays: number }) => `${t.StorageClass}@${t.TransitionInDays}`)).toEqual(
      ['STANDARD_IA@30', 'GLACIER@60'],
    );
    expect(rule.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 365, NewerNoncurrentVersions: 3 });
  });

  test('notifications to SQS (with a dead-letter queue), SNS and Lambda', () => {
    // Applied by bucketkit's merging handler, not aws-cdk-lib's (which replaces the whole configuration).
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    template.hasResourceProperties('Custom::BucketkitNotifications', {
      Notifications: Match.arrayWith([
        Match.objectLike({ Type: 'sqs', Events: ['s3:ObjectCreated:*'] }),
        Match.objectLike({ Type: 'sns', Events: ['s3:ObjectRemoved:*'] }),
        Match.objectLike({ Type: 'lambda', Events: ['s3:ObjectCreated:*'] }),
      ]),
    });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() } });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
  });

  test("deploys bucketkit's three handlers on nodejs22.x arm64, with grants on the data bucket only", () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
      /^bucketkit (transfer|restore|probe):/.test(f.Properties.Description),
    );
    expect(functions.map((f) => f.Properties.Description.split(':')[0]).sort()).toEqual(['bucketkit probe', 'bucketkit restore', 'bucketkit transfer']);
    for (const f of functions) expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect(stack.transferFunction.sourceBucket).toBe(stack.bucket);
    expect(stack.restoreFunction.bucket).toBe(stack.bucket);
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^bucketkit transfer'), ReservedConcurrentExecutions: 10 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:RestoreObject', 's3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataId, 'Arn'] }, '/archive/*']] },
          }),
        ]),
      },
    });
  });

  test('the messaging key lets S3 use it for the encrypted queue and topic', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'bucketkit example: notification queue and topic',
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowS3BucketNotifications', Principal: { Service: 's3.amazonaws.com' } })]) },
    });
  });
});
