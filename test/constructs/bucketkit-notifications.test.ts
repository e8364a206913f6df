import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE,
  NOTIFICATIONS_BUCKET_ACTIONS,
  NotificationsHandler,
  StorageBucket,
  StorageBucketProps,
  notificationsOwner,
} from '../../lib';
import { BUCKET_NOTIFICATIONS_HANDLER_ID } from '../../lib/constructs/notifications';
import { TestApps } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

function setUp(props: StorageBucketProps = {}, stackName = 'App') {
  const app = apps.app();
  const stack = new Stack(app, stackName);
  const bucket = new StorageBucket(stack, 'Bucket', { serverAccessLogs: false, ...props });
  const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
  const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  return { app, stack, bucket, queue, topic, fn };
}

const id = (stack: Stack, c: { node: { defaultChild?: unknown } } | object) =>
  stack.getLogicalId(((c as { node: { defaultChild?: unknown } }).node.defaultChild ?? c) as Parameters<Stack['getLogicalId']>[0]);

function notificationsResource(template: Template): { id: string; props: Record<string, unknown>; dependsOn: string[] } {
  const found = template.findResources(BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE);
  const [logicalId] = Object.keys(found);
  return { id: logicalId, props: found[logicalId].Properties, dependsOn: found[logicalId].DependsOn ?? [] };
}

describe("StorageBucket notifications through bucketkit's handler (the default)", () => {
  test('one Custom::BucketkitNotifications per bucket with its owner and every declared entry; no aws-cdk-lib handler', () => {
    // GIVEN
    const { stack, bucket, queue, topic, fn } = setUp();
    // WHEN
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'in/' }, { suffix: '.csv' });
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED_DELETE, new s3n.SnsDestination(topic));
    bucket.addObjectCreatedNotification(new s3n.LambdaDestination(fn), { prefix: 'img/' });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs(BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE, 1);
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    expect(stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID)).toBeUndefined();
    const { props } = notificationsResource(template);
    expect(props).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^BucketBucketkitNotificationsHandler/), 'Arn'] },
      BucketName: { Ref: id(stack, bucket) },
      Owner: notificationsOwner(bucket),
      Notifications: [
        { Type: 'sqs', Arn: { 'Fn::GetAtt': [id(stack, queue), 'Arn'] }, Events: ['s3:ObjectCreated:*'], Prefix: 'in/', Suffix: '.csv' },
        { Type: 'sns', Arn: { Ref: id(stack, topic) }, Events: ['s3:ObjectRemoved:Delete'] },
        { Type: 'lambda', Arn: { 'Fn::GetAtt': [id(stack, fn), 'Arn'] }, Events: ['s3:ObjectCreated:*'], Prefix: 'img/' },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler', Architectures: ['arm64'] });
  });

  test('the owner is this stack and construct path: stable across synths, different per bucket and per stack, a valid owner', () => {
    const one = setUp({}, 'Shop');
    const again = setUp({}, 'Shop');
    const other = new StorageBucket(one.stack, 'Other', { serverAccessLogs: false });
    const elsewhere = setUp({}, 'Billing');
    expect(notificationsOwner(one.bucket)).toMatch(/^Shop-[0-9a-f]{10}$/);
    expect(notificationsOwner(again.bucket)).toBe(notificationsOwner(one.bucket));
    expect(notificationsOwner(other)).not.toBe(notificationsOwner(one.bucket));
    expect(notificationsOwner(elsewhere.bucket)).not.toBe(notificationsOwner(one.bucket).replace('Shop', 'Billing'));
    const long = setUp({}, `S${'x'.repeat(120)}`);
    expect(notificationsOwner(long.bucket)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  test("the handler's role: s3:GetBucketNotification and s3:PutBucketNotification on this bucket only, besides its log group", () => {
    const { stack, bucket, queue } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue));
    const template = Template.fromStack(stack);
    const handler = bucket.node.findAll().find((c) => c instanceof lambda.Function) as lambda.Function;
    const roleId = id(stack, handler.role as iam.Role);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const s3Statements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3Statements).toEqual([
      expect.objectContaining({ Action: NOTIFICATIONS_BUCKET_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [id(stack, bucket), 'Arn'] } }),
    ]);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => !a.startsWith('s3:') && !a.startsWith('logs:') && !a.startsWith('sqs:'))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), AssumeRolePolicyDocument: Match.anyValue() });
  });

  test('the resource depends on the bucket policy (also one created after the notification), the Lambda permission and the queue policy', () => {
    const { stack, bucket, queue, fn } = setUp({ enforceSSL: false });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'q/' });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: 'f/' });
    expect(bucket.policy).toBeUndefined();
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], principals: [new iam.AccountRootPrincipal()], resources: [bucket.arnForObjects('*')] }),
    );
    const template = Template.fromStack(stack);
    const { dependsOn } = notificationsResource(template);
    const permission = Object.keys(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 's3.amazonaws.com' } }));
    expect(dependsOn).toEqual(
      expect.arrayContaining([id(stack, bucket.policy!), ...permission, id(stack, queue.node.findChild('Policy') as sqs.QueuePolicy), id(stack, queue)]),
    );
  });

  test('destination grants stay: queue policy, topic policy and Lambda permission for s3.amazonaws.com, scoped to the bucket', () => {
    const { stack, bucket, queue, topic, fn } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'q/' });
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(topic));
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: 'f/' });
    const template = Template.fromStack(stack);
    const bucketArn = { 'Fn::GetAtt': [id(stack, bucket), 'Arn'] };
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': bucketArn } },
            Action: Match.arrayWith(['sqs:SendMessage']),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 's3.amazonaws.com' }, Condition: { ArnLike: { 'aws:SourceArn': bucketArn } }, Action: 'sns:Publish' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: bucketArn,
    });
  });

  test('eventBridgeEnabled goes to the resource as EventBridge "true"; absent otherwise (left as found)', () => {
    const on = setUp({ eventBridgeEnabled: true });
    const onTemplate = Template.fromStack(on.stack);
    expect(notificationsResource(onTemplate).props).toMatchObject({ EventBridge: 'true', Notifications: [] });
    onTemplate.resourceCountIs('Custom::S3BucketNotifications', 0);
    const off = setUp();
    off.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(off.queue));
    expect(notificationsResource(Template.fromStack(off.stack)).props.EventBridge).toBeUndefined();
  });

  test("its logical id is not aws-cdk-lib's: CloudFormation refuses a new ServiceToken or type on an existing custom resource", () => {
    const ours = setUp();
    ours.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(ours.queue));
    const theirs = setUp({ notificationsHandler: NotificationsHandler.CDK });
    theirs.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(theirs.queue));
    const cdkId = Object.keys(Template.fromStack(theirs.stack).findResources('Custom::S3BucketNotifications'));
    expect(cdkId).toHaveLength(1);
    expect(Object.keys(Template.fromStack(ours.stack).toJSON().Resources)).not.toContain(cdkId[0]);
  });

  test('notificationsSkipDestinationValidation goes to the resource', () => {
    const { stack, bucket, queue } = setUp({ notificationsSkipDestinationValidation: true });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue));
    expect(notificationsResource(Template.fromStack(stack)).props.SkipDestinationValidation).toBe('true');
  });

  test('a bucket without notifications gets no handler and no resource', () => {
    const { stack } = setUp();
    const template = Template.fromStack(stack);
    template.resourceCountIs(BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE, 0);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(1);
  });

  test('notificationsHandlerRole with the bucketkit handler is a ValidationError with the fix', () => {
    const app = apps.app();
    const stack = new Stack(app, 'App');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => new StorageBucket(stack, 'Bucket', { notificationsHandlerRole: role })).toThrow(
      /notificationsHandlerRole needs notificationsHandler: NotificationsHandler\.CDK[\s\S]*drop notificationsHandlerRole, or set notificationsHandler: NotificationsHandler\.CDK/,
    );
  });

  test('a notificationsHandler outside the enum (from JavaScript) is a ValidationError', () => {
    const stack = new Stack(apps.app(), 'App');
    expect(() => new StorageBucket(stack, 'Bucket', { notificationsHandler: 'python' as NotificationsHandler })).toThrow(
      /invalid notificationsHandler[\s\S]*NotificationsHandler\.BUCKETKIT or NotificationsHandler\.CDK/,
    );
  });

  test('cdk-nag AwsSolutions: zero errors for a bucket with queue, topic and function destinations', () => {
    const { stack, bucket, queue, topic, fn } = setUp();
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'q/' });
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(topic));
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: 'f/' });
    const report = new AwsSolutionsChecks().validateScope(stack);
    const handlerPath = `${bucket.node.path}/BucketkitNotifications/`;
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))
      .filter((e) => e.includes(handlerPath));
    expect(errors).toEqual([]);
  });
});

describe("notificationsHandler: NotificationsHandler.CDK keeps aws-cdk-lib's resource", () => {
  test('Custom::S3BucketNotifications with the configuration, and EventBridge there', () => {
    const { stack, bucket, queue } = setUp({ notificationsHandler: NotificationsHandler.CDK, eventBridgeEnabled: true });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'in/' });
    const template = Template.fromStack(stack);
    template.resourceCountIs(BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE, 0);
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        EventBridgeConfiguration: {},
        QueueConfigurations: [{ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } }],
      },
    });
  });
});
