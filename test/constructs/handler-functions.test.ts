import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HANDLER_BUNDLE_CONTEXT_KEY, ProbeFunction, RestoreFunction, StorageBucket, TransferFunction, ValidationError } from '../../lib';
import { packageRoot } from '../../lib/constructs/handlers/bundle';
import { TestApps } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

/** GIVEN a stack with a KMS-encrypted source bucket, a plain destination bucket and a KMS key. */
function setup(app: App = apps.app()) {
  const stack = new Stack(app, 'Stack');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const source = new s3.Bucket(stack, 'Source', { encryptionKey: key });
  const destination = new s3.Bucket(stack, 'Destination');
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as s3.CfnBucket);
  return {
    app,
    stack,
    key,
    source,
    destination,
    sourceId: id(source),
    destinationId: id(destination),
    keyId: stack.getLogicalId(key.node.defaultChild as kms.CfnKey),
  };
}

/** The statements of the function's role policy, resolved. */
function statements(template: Template, roleLogicalIdPrefix: string): Record<string, unknown>[] {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([logicalId]) => logicalId.startsWith(roleLogicalIdPrefix));
  expect(policies).toHaveLength(1);
  return (policies[0][1].Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((s) => ({ ...s }));
}
const arn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const objects = (logicalId: string, suffix: string) => ({ 'Fn::Join': ['', [arn(logicalId), suffix]] });

describe('TransferFunction', () => {
  // WHEN a transfer function copies from source (in/, out-of-scope elsewhere) to destination (out/)
  const { stack, source, destination, sourceId, destinationId, keyId } = setup();
  const fn = new TransferFunction(stack, 'Transfer', {
    sourceBucket: source,
    destinationBucket: destination,
    sourcePrefixes: ['in/'],
    destinationPrefixes: ['out/', 'reports/'],
  });
  const template = Template.fromStack(stack);
  const policy = statements(template, 'TransferServiceRole');

  test('is a lambda.Function on nodejs22.x, arm64, the pre-built bundle, 15 minutes and 512 MB by default', () => {
    expect(fn).toBeInstanceOf(lambda.Function);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 900,
      MemorySize: 512,
      Environment: {
        Variables: { NODE_OPTIONS: '--enable-source-maps', BUCKETKIT_SOURCE_BUCKET: { Ref: sourceId }, BUCKETKIT_DESTINATION_BUCKET: { Ref: destinationId } },
      },
    });
  });

  test('reads source objects only under the source prefix (exact actions)', () => {
    expect(policy).toContainEqual({
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
      Effect: 'Allow',
      Resource: objects(sourceId, '/in/*'),
    });
    expect(policy).toContainEqual({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['in/*'] } }, Effect: 'Allow', Resource: arn(sourceId) });
  });

  test('writes destination objects only under the destination prefixes (exact actions, one resource per prefix)', () => {
    expect(policy).toContainEqual({
      Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Effect: 'Allow',
      Resource: [objects(destinationId, '/out/*'), objects(destinationId, '/reports/*')],
    });
    expect(policy).toContainEqual({ Action: 's3:ListBucketMultipartUploads', Effect: 'Allow', Resource: arn(destinationId) });
    expect(policy).toContainEqual({
      Action: 's3:ListBucket',
      Condition: { StringLike: { 's3:prefix': ['out/*', 'reports/*'] } },
      Effect: 'Allow',
      Resource: arn(destinationId),
    });
  });

  test('no s3:RestoreObject, no delete, no action wildcard, no "*" resource', () => {
    const actions = policy.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions).not.toContain('s3:RestoreObject');
    expect(actions.filter((a) => /Delete/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(policy.flatMap((s) => [s.Resource].flat())).not.toContain('*');
  });

  test('KMS: kms:Decrypt on the source bucket key; nothing on a destination without a key', () => {
    expect(policy).toContainEqual({ Action: 'kms:Decrypt', Effect: 'Allow', Resource: arn(keyId) });
    expect(policy.filter((s) => String(s.Action).startsWith('kms:') || ([s.Action].flat() as string[]).some((a) => a.startsWith('kms:')))).toHaveLength(1);
  });

  test('logs: its own log group (one month), written by its own role; no managed policy', () => {
    const logGroupId = stack.getLogicalId(fn.functionLogGroup.node.defaultChild as logs.CfnLogGroup);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    expect(policy).toContainEqual({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arn(logGroupId) });
    const role = template.findResources('AWS::IAM::Role')[stack.getLogicalId(fn.serviceRole.node.defaultChild as iam.CfnRole)];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('a dead-letter queue for async invokes: SSE-SQS, TLS only, 14 days, with sqs:SendMessage', () => {
    const queueId = stack.getLogicalId((fn.deadLetterQueue as sqs.Queue).node.defaultChild as sqs.CfnQueue);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: arn(queueId) } });
    expect(policy).toContainEqual({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arn(queueId) });
  });

  test('cdk-nag AwsSolutions: no error on the function, its role and its queue; every IAM5 finding carries a reason', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const ours = report.violations.filter((v) => v.severity === 'error' && v.violatingResources.some((r) => r.constructPath?.startsWith('Stack/Transfer')));
    expect(ours.map((v) => v.ruleName)).toEqual([]);
    const entries = fn.serviceRole.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, string>);
    const acknowledged = Object.entries(Object.assign({}, ...entries) as Record<string, string>);
    expect(acknowledged.map(([id]) => id).sort()).toEqual(
      [
        `AwsSolutions-IAM5[Resource::<${sourceId}.Arn>/in/*]`,
        `AwsSolutions-IAM5[Resource::<${destinationId}.Arn>/out/*]`,
        `AwsSolutions-IAM5[Resource::<${destinationId}.Arn>/reports/*]`,
      ].sort(),
    );
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(60);
  });
});

describe('TransferFunction without prefixes, into a bucket with a key', () => {
  test('every key of both buckets, ListBucket without a condition, kms:GenerateDataKey + kms:Decrypt on the destination key', () => {
    const { stack, source, key, sourceId, keyId } = setup();
    const otherKey = new kms.Key(stack, 'OtherKey', { enableKeyRotation: true });
    const destination = new s3.Bucket(stack, 'Encrypted', { encryptionKey: otherKey });
    new TransferFunction(stack, 'Transfer', { sourceBucket: source, destinationBucket: destination });
    const policy = statements(Template.fromStack(stack), 'TransferServiceRole');
    const destinationId = stack.getLogicalId(destination.node.defaultChild as s3.CfnBucket);
    expect(policy).toContainEqual(expect.objectContaining({ Resource: objects(sourceId, '/*') }));
    expect(policy).toContainEqual(expect.objectContaining({ Resource: objects(destinationId, '/*') }));
    expect(policy).toContainEqual({ Action: 's3:ListBucket', Effect: 'Allow', Resource: arn(sourceId) });
    expect(policy).toContainEqual({ Action: 'kms:Decrypt', Effect: 'Allow', Resource: arn(keyId) });
    expect(policy).toContainEqual({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Effect: 'Allow',
      Resource: arn(stack.getLogicalId(otherKey.node.defaultChild as kms.CfnKey)),
    });
    expect(key).toBeDefined();
  });

  test('the destination defaults to the source bucket', () => {
    const { stack, source } = setup();
    const fn = new TransferFunction(stack, 'Transfer', { sourceBucket: source });
    expect(fn.destinationBucket).toBe(source);
  });
});

describe('RestoreFunction', () => {
  const { stack, source, sourceId } = setup();
  const fn = new RestoreFunction(stack, 'Restore', { bucket: source, prefixes: ['archive/'] });
  const template = Template.fromStack(stack);
  const policy = statements(template, 'RestoreServiceRole');

  test('s3:RestoreObject plus HEAD on the prefix, ListBucket scoped by s3:prefix, nothing else', () => {
    const queueId = stack.getLogicalId((fn.deadLetterQueue as sqs.Queue).node.defaultChild as sqs.CfnQueue);
    const logGroupId = stack.getLogicalId(fn.functionLogGroup.node.defaultChild as logs.CfnLogGroup);
    expect(policy).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arn(logGroupId) },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arn(queueId) },
      { Action: ['s3:RestoreObject', 's3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: objects(sourceId, '/archive/*') },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['archive/*'] } }, Effect: 'Allow', Resource: arn(sourceId) },
    ]);
  });

  test('5 minutes and 256 MB by default; BUCKETKIT_BUCKET names the bucket', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      MemorySize: 256,
      Environment: { Variables: Match.objectLike({ BUCKETKIT_BUCKET: { Ref: sourceId } }) },
    });
  });
});

describe('ProbeFunction', () => {
  const { stack, source, sourceId, keyId } = setup();
  new ProbeFunction(stack, 'Probe', { bucket: source, scratchBucketPrefix: 'acme-probe' });
  const policy = statements(Template.fromStack(stack), 'ProbeServiceRole');
  const scratch = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::acme-probe-*${suffix}`]] });

  test('bucket and object actions only on its scratch buckets (named by prefix), RestoreObject only there', () => {
    const onScratchBuckets = policy.find((s) => JSON.stringify(s.Resource) === JSON.stringify(scratch('')));
    const onScratchObjects = policy.find((s) => JSON.stringify(s.Resource) === JSON.stringify(scratch('/*')));
    expect(onScratchBuckets?.Action).toEqual(expect.arrayContaining(['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketVersioning']));
    expect(onScratchObjects?.Action).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObjectVersion', 's3:RestoreObject']));
    const restoreResources = policy.filter((s) => ([s.Action].flat() as string[]).includes('s3:RestoreObject')).map((s) => s.Resource);
    expect(restoreResources).toEqual([scratch('/*')]);
  });

  test('the configured bucket: read-only settings and ListBucket, no object access', () => {
    const onBucket = policy.filter((s) => JSON.stringify(s.Resource).includes(sourceId));
    const actions = onBucket.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.sort()).toEqual(
      [
        's3:GetAccelerateConfiguration',
        's3:GetBucketLocation',
        's3:GetBucketVersioning',
        's3:GetEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:ListBucket',
      ].sort(),
    );
    expect(onBucket.every((s) => JSON.stringify(s.Resource) === JSON.stringify(arn(sourceId)))).toBe(true);
  });

  test("the bucket's key for the SSE-KMS probe", () => {
    expect(policy).toContainEqual({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: arn(keyId) });
  });
});

describe('options', () => {
  test('reserved concurrency, timeout, memory, log retention, async retries and event age reach the template', () => {
    const { stack, source } = setup();
    new RestoreFunction(stack, 'Restore', {
      bucket: source,
      reservedConcurrentExecutions: 5,
      timeout: Duration.minutes(2),
      memorySize: 1024,
      logRetention: logs.RetentionDays.ONE_YEAR,
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5, Timeout: 120, MemorySize: 1024 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600 });
  });

  test('a given dead-letter queue is used and no queue is created', () => {
    const { stack, source } = setup();
    const queue = new sqs.Queue(stack, 'Mine', { enforceSSL: true });
    const fn = new RestoreFunction(stack, 'Restore', { bucket: source, deadLetterQueue: queue });
    expect(fn.deadLetterQueue).toBe(queue);
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 1);
  });

  test('reserved concurrency 0 is a warning, not an error', () => {
    const { stack, source } = setup();
    new RestoreFunction(stack, 'Restore', { bucket: source, reservedConcurrentExecutions: 0 });
    Annotations.fromStack(stack).hasWarning('/Stack/Restore', Match.stringLikeRegexp('BUCKETKIT-HANDLER-RESERVED-CONCURRENCY-ZERO'));
  });
});

describe('StorageBucket.add*Function', () => {
  const app = apps.app();
  const stack = new Stack(app, 'Stack');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new StorageBucket(stack, 'Data', { encryptionKey: key });
  const other = new StorageBucket(stack, 'Other');
  const transfer = bucket.addTransferFunction('Transfer', { destinationBucket: other, destinationPrefixes: ['in/'] });
  const restore = bucket.addRestoreFunction('Restore', { prefixes: ['archive/'] });
  const probe = bucket.addProbeFunction('Probe');

  test('wire this bucket as the source, the restore bucket and the probed bucket (with its key)', () => {
    expect(transfer.sourceBucket).toBe(bucket);
    expect(transfer.destinationBucket).toBe(other);
    expect(restore.bucket).toBe(bucket);
    expect(probe.node.scope).toBe(stack);
    const template = Template.fromStack(stack);
    const dataId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ BUCKETKIT_BUCKET: { Ref: dataId }, BUCKETKIT_KMS_KEY_ID: arn(stack.getLogicalId(key.node.defaultChild as kms.CfnKey)) }),
      },
    });
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });
});

describe('validation: every problem at once, before anything is created', () => {
  const expectProblems = (build: (stack: Stack, bucket: s3.IBucket) => void, ruleIds: string[]) => {
    const { stack, source } = setup();
    let error: unknown;
    try {
      build(stack, source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).ruleIds).toEqual(ruleIds);
    return error as ValidationError;
  };

  test('timeout, memory, reserved concurrency, retries and event age, all reported together', () => {
    const error = expectProblems(
      (stack, bucket) =>
        new RestoreFunction(stack, 'Restore', {
          bucket,
          timeout: Duration.minutes(16),
          memorySize: 64,
          reservedConcurrentExecutions: -1,
          retryAttempts: 3,
          maxEventAge: Duration.seconds(30),
        }),
      [
        'BUCKETKIT-HANDLER-TIMEOUT',
        'BUCKETKIT-HANDLER-MEMORY',
        'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY',
        'BUCKETKIT-HANDLER-RETRY-ATTEMPTS',
        'BUCKETKIT-HANDLER-MAX-EVENT-AGE',
      ],
    );
    expect(error.message).toMatch(/timeout must be a whole number of seconds from 1 to 900 \(got "16 minutes"\)/);
    expect(error.message).toMatch(/memorySize must be a whole number of MB from 128 to 10240 \(got 64\)/);
  });

  test.each([
    ['a timeout under a second', { timeout: Duration.millis(500) }, 'BUCKETKIT-HANDLER-TIMEOUT'],
    ['memory above 10,240 MB', { memorySize: 10_241 }, 'BUCKETKIT-HANDLER-MEMORY'],
    ['fractional memory', { memorySize: 256.5 }, 'BUCKETKIT-HANDLER-MEMORY'],
    ['fractional reserved concurrency', { reservedConcurrentExecutions: 1.5 }, 'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY'],
    ['an event age over 6 hours', { maxEventAge: Duration.hours(7) }, 'BUCKETKIT-HANDLER-MAX-EVENT-AGE'],
  ])('%s', (_name, options, ruleId) => {
    expectProblems((stack, bucket) => new RestoreFunction(stack, 'Restore', { bucket, ...options }), [ruleId]);
  });

  test('prefixes: wildcard, policy variable, empty string, empty list, too long; one problem each', () => {
    const error = expectProblems(
      (stack, bucket) =>
        new TransferFunction(stack, 'Transfer', {
          sourceBucket: bucket,
          sourcePrefixes: ['logs/*', 'home/${aws:username}/', ''],
          destinationPrefixes: [],
        }),
      ['BUCKETKIT-HANDLER-PREFIX'],
    );
    expect(error.problems).toHaveLength(4);
    expect(error.message).toMatch(/sourcePrefixes\[0\] contains "\*"/);
    expect(error.message).toMatch(/sourcePrefixes\[1\] contains "\$\{"/);
    expect(error.message).toMatch(/sourcePrefixes\[2\] is empty/);
    expect(error.message).toMatch(/destinationPrefixes: the list is empty/);
    expectProblems((stack, bucket) => new RestoreFunction(stack, 'Restore', { bucket, prefixes: ['k'.repeat(1025)] }), ['BUCKETKIT-HANDLER-PREFIX']);
  });

  test('a scratch bucket prefix that makes invalid bucket names is reported with the S3 bucket-name rules', () => {
    const error = expectProblems((stack) => new ProbeFunction(stack, 'Probe', { scratchBucketPrefix: 'acme_probe' }), ['S3-BUCKET-NAME-CHARS']);
    expect(error.message).toMatch(/scratchBucketPrefix "acme_probe" makes scratch bucket names such as "acme_probe-/);
    expectProblems((stack) => new ProbeFunction(stack, 'Probe', { scratchBucketPrefix: 'p'.repeat(42) }), ['S3-BUCKET-NAME-LENGTH']);
  });

  test('nothing is created when props are invalid', () => {
    const { stack, source } = setup();
    expect(() => new RestoreFunction(stack, 'Restore', { bucket: source, memorySize: 1 })).toThrow(ValidationError);
    expect(stack.node.tryFindChild('RestoreServiceRole')).toBeUndefined();
    expect(stack.node.tryFindChild('Restore')).toBeUndefined();
  });
});

describe('the pre-built bundle', () => {
  test('the context key points at a folder of bundles: the asset is that folder', () => {
    const { stack, source } = setup();
    new RestoreFunction(stack, 'Restore', { bucket: source });
    const fn = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const code = Object.values(fn)[0].Properties.Code;
    expect(code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  test('a missing bundle fails with where it looked and the fix', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bucketkit-no-bundles-'));
    try {
      const { stack, source } = setup(apps.app({ context: { [HANDLER_BUNDLE_CONTEXT_KEY]: empty } }));
      expect(() => new TransferFunction(stack, 'Transfer', { sourceBucket: source, sourcePrefixes: ['*'] })).toThrow(
        /\[BUCKETKIT-HANDLER-PREFIX\][\s\S]*\[BUCKETKIT-HANDLER-BUNDLE-MISSING\] The transfer handler bundle is not in the folder of the context key/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('without the context key, bundles are looked for in <package root>/dist/lambda/<name>', () => {
    expect(fs.existsSync(path.join(packageRoot(), 'package.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).name).toBe('bucketkit');
    const app = new App({ outdir: path.join(apps.directory, 'no-context') });
    const stack = new Stack(app, 'Stack');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const built = fs.existsSync(path.join(packageRoot(), 'dist', 'lambda', 'probe', 'index.js'));
    if (built) expect(() => new ProbeFunction(stack, 'Probe', { scratchBucketPrefix: 'x-probe', bucket })).not.toThrow();
    else expect(() => new ProbeFunction(stack, 'Probe', { bucket })).toThrow(/no index\.js or index\.mjs in .*dist\/lambda\/probe[\s\S]*run `npm run build`/);
  });
});
