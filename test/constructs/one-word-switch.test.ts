import { App, Duration, Errors, IPropertyInjector, PropertyInjectors, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StorageBucket, ValidationError } from '../../lib';
import { TestApps } from './support';

// Issue 16: switching `new s3.Bucket(` to `new StorageBucket(` is one word. Every case runs without the
// `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag (unset and false) and with it.

const apps = new TestApps();
afterAll(() => apps.cleanUp());

const FLAG = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';
const FLAGS = [
  { name: 'flag unset', context: {} },
  { name: 'flag false', context: { [FLAG]: false } },
  { name: 'flag true', context: { [FLAG]: true } },
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function stackIn(context: Record<string, unknown>, injectors: IPropertyInjector[] = []): { app: App; stack: Stack } {
  const app = apps.app({ context });
  if (injectors.length > 0) PropertyInjectors.of(app).add(...injectors);
  return { app, stack: new Stack(app, 'Stack') };
}

function bucketResource(stack: Stack, bucket: s3.IBucket): Json {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)];
}

/** The statements of `bucket`'s policy that let S3 deliver server access logs. */
function logDeliveryStatements(stack: Stack, bucket: s3.IBucket): Json[] {
  const ref = { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) };
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy')).filter(
    (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(ref),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: Json) => s.Principal?.Service === 'logging.s3.amazonaws.com');
}

/** Delivery through the policy, scoped to the source bucket and account; no ACL on the target. */
function expectPolicyDelivery(stack: Stack, target: s3.IBucket, source: s3.IBucket, prefix = ''): void {
  const sourceArn = stack.resolve(source.bucketArn);
  expect(logDeliveryStatements(stack, target)).toEqual([
    {
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: stack.resolve(target.arnForObjects(`${prefix}*`)),
      Condition: { ArnLike: { 'aws:SourceArn': sourceArn }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    },
  ]);
  expect(bucketResource(stack, target).Properties?.AccessControl).toBeUndefined();
}

describe.each(FLAGS)('1. a StorageBucket as server access log target ($name)', ({ context }) => {
  test('StorageBucket -> StorageBucket: policy delivery, ACLs stay disabled', () => {
    // GIVEN the example
    const { app, stack } = stackIn(context);
    const logs = new StorageBucket(stack, 'Logs', { serverAccessLogs: false });
    const data = new StorageBucket(stack, 'Data', { serverAccessLogsBucket: logs });
    // WHEN synthesized; THEN no error, and the target keeps BucketOwnerEnforced
    expect(() => app.synth()).not.toThrow();
    expectPolicyDelivery(stack, logs, data);
    expect(bucketResource(stack, logs).Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('s3.Bucket -> StorageBucket: policy delivery (fixed on the target side)', () => {
    const { app, stack } = stackIn(context);
    const logs = new StorageBucket(stack, 'Logs', { serverAccessLogs: false });
    const data = new s3.Bucket(stack, 'Data', { serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'data/' });
    expect(() => app.synth()).not.toThrow();
    expectPolicyDelivery(stack, logs, data, 'data/');
  });

  test('StorageBucket -> s3.Bucket: policy delivery, no LogDeliveryWrite ACL on the plain target', () => {
    const { stack } = stackIn(context);
    const logs = new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED });
    const data = new StorageBucket(stack, 'Data', { serverAccessLogsBucket: logs });
    expectPolicyDelivery(stack, logs, data);
    // The routing is undone once the StorageBucket is built: the plain bucket is a plain bucket again.
    expect(Object.prototype.hasOwnProperty.call(logs, 'allowLogDelivery')).toBe(false);
  });

  test('the log bucket StorageBucket creates gets the same statement', () => {
    const { stack } = stackIn(context);
    const data = new StorageBucket(stack, 'Data');
    expectPolicyDelivery(stack, data.accessLogsBucket!, data);
  });

  test('serverAccessLogsPrefix alone (logs into itself, as s3.Bucket does) goes through the policy too', () => {
    const { app, stack } = stackIn(context);
    const data = new StorageBucket(stack, 'Data', { serverAccessLogs: false, serverAccessLogsPrefix: 'self/' });
    expect(() => app.synth()).not.toThrow();
    expectPolicyDelivery(stack, data, data, 'self/');
  });

  test('a target in another stack: scoped to the account, and no reference back to the source stack', () => {
    const { app } = stackIn(context);
    const logStack = new Stack(app, 'Logs');
    const dataStack = new Stack(app, 'Data');
    const logs = new StorageBucket(logStack, 'Logs', { serverAccessLogs: false });
    new StorageBucket(dataStack, 'Data', { serverAccessLogsBucket: logs });
    expect(() => app.synth()).not.toThrow();
    const [statement, ...rest] = logDeliveryStatements(logStack, logs);
    expect(rest).toEqual([]);
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    expect(dataStack.dependencies).toEqual([logStack]);
  });
});

describe('1. what stays aws-cdk-lib behaviour', () => {
  test('with the flag on, the statement is exactly the one aws-cdk-lib writes for s3.Bucket', () => {
    const ours = stackIn({ [FLAG]: true });
    const theirs = stackIn({ [FLAG]: true });
    for (const [{ stack }, Bucket] of [
      [ours, StorageBucket],
      [theirs, s3.Bucket],
    ] as const) {
      const logs = new Bucket(stack, 'Logs', { serverAccessLogs: false } as s3.BucketProps);
      new s3.Bucket(stack, 'Data', { serverAccessLogsBucket: logs });
    }
    const find = ({ stack }: { stack: Stack }) => logDeliveryStatements(stack, stack.node.findChild('Logs') as s3.Bucket);
    expect(find(ours)).toEqual(find(theirs));
  });

  test('s3.Bucket -> s3.Bucket without the flag keeps the LogDeliveryWrite ACL (neither bucket is ours)', () => {
    const { stack } = stackIn({ [FLAG]: false });
    const logs = new s3.Bucket(stack, 'Logs');
    new s3.Bucket(stack, 'Data', { serverAccessLogsBucket: logs });
    expect(bucketResource(stack, logs).Properties.AccessControl).toBe('LogDeliveryWrite');
  });

  test('an imported target: aws-cdk-lib warns it cannot grant, as for s3.Bucket', () => {
    const { app, stack } = stackIn({});
    new StorageBucket(stack, 'Data', { serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'existing-logs') });
    const messages = app
      .synth()
      .getStackByName('Stack')
      .messages.map((m) => String(m.entry.data));
    expect(messages.some((m) => m.includes('Unable to add necessary logging permissions to imported target bucket'))).toBe(true);
  });
});

/** The injector of the issue: KMS and DESTROY unless the props say otherwise. */
const KMS_AND_DESTROY: IPropertyInjector = {
  constructUniqueId: s3.Bucket.PROPERTY_INJECTION_ID,
  inject: (props: s3.BucketProps) => ({ encryption: s3.BucketEncryption.KMS, removalPolicy: RemovalPolicy.DESTROY, ...props }),
};

function encryptionOf(resource: Json): string {
  return resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm;
}

describe.each(FLAGS)('2. property injectors ($name)', ({ context }) => {
  test('an s3.Bucket injector on the App applies to StorageBucket as to s3.Bucket', () => {
    // GIVEN the injector registered on the App
    const { stack } = stackIn(context, [KMS_AND_DESTROY]);
    // WHEN one bucket of each kind is built without props
    const ours = new StorageBucket(stack, 'Ours', { serverAccessLogs: false });
    const plain = new s3.Bucket(stack, 'Plain');
    // THEN both are KMS and Delete; ours keeps its bucket key default
    for (const bucket of [ours, plain]) {
      const resource = bucketResource(stack, bucket);
      expect(encryptionOf(resource)).toBe('aws:kms');
      expect(resource.DeletionPolicy).toBe('Delete');
    }
    expect(bucketResource(stack, ours).Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled).toBe(true);
  });

  test("the user's explicit props still win over the injector", () => {
    const { stack } = stackIn(context, [KMS_AND_DESTROY]);
    const ours = new StorageBucket(stack, 'Ours', { encryption: s3.BucketEncryption.S3_MANAGED, removalPolicy: RemovalPolicy.RETAIN, serverAccessLogs: false });
    expect(encryptionOf(bucketResource(stack, ours))).toBe('AES256');
    expect(bucketResource(stack, ours).DeletionPolicy).toBe('Retain');
  });

  test('the log bucket follows the injected removal policy and keeps SSE-S3 (log delivery needs it)', () => {
    const { stack } = stackIn(context, [KMS_AND_DESTROY]);
    const ours = new StorageBucket(stack, 'Ours');
    const logs = bucketResource(stack, ours.accessLogsBucket!);
    expect(logs.DeletionPolicy).toBe('Delete');
    expect(encryptionOf(logs)).toBe('AES256');
  });

  test("the injector runs once per bucket and sees the user's own props, not the defaults", () => {
    const seen: { id: string; props: Json }[] = [];
    const recorder: IPropertyInjector = {
      constructUniqueId: s3.Bucket.PROPERTY_INJECTION_ID,
      inject: (props, { id }) => (seen.push({ id, props: { ...props } }), props),
    };
    const { stack } = stackIn(context, [recorder]);
    new StorageBucket(stack, 'Ours', { versioned: false });
    expect(seen.map((s) => s.id)).toEqual(['Ours', 'Bucket']); // the data bucket, then the log bucket it creates
    expect(seen[0].props).toEqual({ versioned: false });
  });

  test('an injector that appends a lifecycle rule appends it once', () => {
    const appender: IPropertyInjector = {
      constructUniqueId: s3.Bucket.PROPERTY_INJECTION_ID,
      inject: (props: s3.BucketProps) => ({
        ...props,
        lifecycleRules: [...(props.lifecycleRules ?? []), { id: 'expire-tmp', prefix: 'tmp/', expiration: Duration.days(1) }],
      }),
    };
    const { stack } = stackIn(context, [appender]);
    const ours = new StorageBucket(stack, 'Ours', { serverAccessLogs: false });
    const ids = bucketResource(stack, ours).Properties.LifecycleConfiguration.Rules.map((r: Json) => r.Id);
    expect(ids).toEqual(['expire-tmp', 'abort-incomplete-multipart-uploads']);
  });

  test('StorageBucket.PROPERTY_INJECTION_ID targets StorageBucket only, and wins over the s3.Bucket injector', () => {
    const own: IPropertyInjector = {
      constructUniqueId: StorageBucket.PROPERTY_INJECTION_ID,
      inject: (props) => ({ removalPolicy: RemovalPolicy.SNAPSHOT, versioned: false, ...props }),
    };
    const { stack } = stackIn(context, [own, KMS_AND_DESTROY]);
    const ours = new StorageBucket(stack, 'Ours');
    const plain = new s3.Bucket(stack, 'Plain');
    expect(StorageBucket.PROPERTY_INJECTION_ID).toBe('bucketkit.StorageBucket');
    expect(bucketResource(stack, ours).DeletionPolicy).toBe('Snapshot');
    expect(bucketResource(stack, ours).Properties.VersioningConfiguration).toBeUndefined();
    expect(encryptionOf(bucketResource(stack, ours))).toBe('aws:kms'); // the s3.Bucket injector still fills encryption
    expect(bucketResource(stack, plain).DeletionPolicy).toBe('Delete');
    expect(bucketResource(stack, ours.accessLogsBucket!).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' }); // the log bucket is not a StorageBucket
  });

  test('an injector registered on a nested scope is found as aws-cdk-lib finds it', () => {
    const { stack } = stackIn(context);
    PropertyInjectors.of(stack).add(KMS_AND_DESTROY);
    const ours = new StorageBucket(stack, 'Ours', { serverAccessLogs: false });
    expect(bucketResource(stack, ours).DeletionPolicy).toBe('Delete');
  });

  test('StorageBucket is still an s3.Bucket, with its static imports', () => {
    const { stack } = stackIn(context);
    expect(new StorageBucket(stack, 'Ours', { serverAccessLogs: false })).toBeInstanceOf(s3.Bucket);
    expect(stack.resolve(StorageBucket.fromBucketName(stack, 'Imported', 'some-bucket').bucketArn)).toEqual(
      stack.resolve(s3.Bucket.fromBucketName(stack, 'Imported2', 'some-bucket').bucketArn),
    );
  });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe.each(FLAGS)('3. errors are CDK validation errors ($name)', ({ context }) => {
  const noPrefixRules = (bucket: s3.Bucket) => () =>
    bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      { bind: () => ({ arn: 'arn:aws:sqs:us-east-1:123456789012:q', type: s3.BucketNotificationDestinationType.QUEUE }) },
      { prefix: 'a/' },
      { prefix: 'b/' },
    );

  test('a duplicate prefix: both classes throw a validation error; ours carries the rule ids and problems', () => {
    const { stack } = stackIn(context);
    expect(Errors.isValidationError(thrown(noPrefixRules(new s3.Bucket(stack, 'Plain'))))).toBe(true);
    const error = thrown(noPrefixRules(new StorageBucket(stack, 'Ours', { serverAccessLogs: false })));
    expect(Errors.isValidationError(error)).toBe(true);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(Error);
    const validation = error as ValidationError;
    expect(validation.name).toBe('ValidationError');
    expect(validation.ruleIds).toEqual(['S3-NOTIFICATION-FILTER-DUPLICATE']);
    expect(validation.problems).toHaveLength(1);
    expect(validation.problems[0]).toMatchObject({ ruleId: 'S3-NOTIFICATION-FILTER-DUPLICATE', severity: 'error' });
    expect(validation.constructPath).toBe('Stack/Ours');
    expect(validation.message).toMatch(/^Stack\/Ours: invalid notification filter\n\[S3-NOTIFICATION-FILTER-DUPLICATE\].*Fix: /);
  });

  test('problems found at synth fail with a CDK validation error that names every rule id', () => {
    const { app, stack } = stackIn(context);
    new StorageBucket(stack, 'Ours', { transferAcceleration: true, bucketName: 'a.b.c', serverAccessLogs: false });
    const error = thrown(() => app.synth());
    expect(Errors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/\[Stack\/Ours\] StorageBucket has 1 problem that would fail at deploy time:\n\[S3-ACCELERATE-BUCKET-NAME-DOTS\]/);
  });

  test("aws-cdk-lib's own checks, reached through StorageBucket, stay validation errors on the bucket", () => {
    const { stack } = stackIn(context);
    const error = thrown(() => new StorageBucket(stack, 'Ours', { autoDeleteObjects: true }));
    expect(Errors.isValidationError(error)).toBe(true);
    expect((error as ValidationError).constructPath).toBe('Stack/Ours');
  });
});
