import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StorageBucket, StorageBucketProps } from '../../lib';
import { TestApps } from './support';

const apps = new TestApps();
afterAll(() => apps.cleanUp());

function stackWith(props?: StorageBucketProps, env?: { region: string; account: string }) {
  const app = apps.app();
  const stack = new Stack(app, 'Stack', { env });
  const bucket = new StorageBucket(stack, 'Bucket', props);
  return { app, stack, bucket };
}

describe('StorageBucket secure defaults', () => {
  // GIVEN a StorageBucket with no props; WHEN synthesized
  const { stack, bucket } = stackWith();
  const template = Template.fromStack(stack);

  test('is an s3.Bucket', () => {
    expect(bucket).toBeInstanceOf(s3.Bucket);
  });

  test('S3-managed encryption, versioning, BLOCK_ALL, owner-enforced, access logs, abort after 7 days', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    const dataId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(buckets[dataId].Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [{ Id: 'abort-incomplete-multipart-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: stack.getLogicalId(bucket.accessLogsBucket!.node.defaultChild as s3.CfnBucket) } },
    });
    expect(buckets[dataId].DeletionPolicy).toBe('Retain');
  });

  test('the bucket policy denies non-TLS and TLS below 1.2', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('the log bucket it creates is SSE-S3, owner-enforced, retained, and gets log delivery through its policy', () => {
    const logId = stack.getLogicalId(bucket.accessLogsBucket!.node.defaultChild as s3.CfnBucket);
    const logBucket = template.findResources('AWS::S3::Bucket')[logId];
    expect(logBucket.DeletionPolicy).toBe('Retain');
    expect(logBucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(logBucket.Properties.AccessControl).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  test('the log bucket carries a reasoned cdk-nag acknowledgement for AwsSolutions-S1', () => {
    const entries = bucket.accessLogsBucket!.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
    const acknowledged: Record<string, string> = Object.assign({}, ...entries.map((m) => m.data as Record<string, string>));
    expect(Object.keys(acknowledged).some((id) => id.endsWith('AwsSolutions-S1'))).toBe(true);
    expect(Object.values(acknowledged).every((reason) => reason.length > 20)).toBe(true);
  });
});

describe('StorageBucket options', () => {
  test('a KMS key turns on SSE-KMS with a bucket key', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new StorageBucket(stack, 'Bucket', { encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
          },
        ],
      },
    });
  });

  test('serverAccessLogs: false creates no log bucket; a given bucket is used as is', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    const off = new StorageBucket(stack, 'Off', { serverAccessLogs: false });
    const target = new s3.Bucket(stack, 'Target');
    const given = new StorageBucket(stack, 'Given', { serverAccessLogsBucket: target });
    expect(off.accessLogsBucket).toBeUndefined();
    expect(given.accessLogsBucket).toBe(target);
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 3);
  });

  test('explicit props win over the defaults', () => {
    const { stack } = stackWith({
      versioned: false,
      removalPolicy: RemovalPolicy.DESTROY,
      abortIncompleteMultipartUploads: false,
      serverAccessLogs: false,
      enforceSSL: false,
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ VersioningConfiguration: Match.absent(), LifecycleConfiguration: Match.absent() }),
    });
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
  });

  test('transferAcceleration is rendered and transferAccelerationUrlForObject works as in CDK', () => {
    const { stack, bucket } = stackWith({ transferAcceleration: true, bucketName: 'fast-bucket' });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { AccelerateConfiguration: { AccelerationStatus: 'Enabled' } });
    const ref = { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) };
    expect(stack.resolve(bucket.transferAccelerationUrlForObject('a/b.txt'))).toEqual({
      'Fn::Join': ['', ['https://', ref, '.s3-accelerate.amazonaws.com/a/b.txt']],
    });
    expect(stack.resolve(bucket.transferAccelerationUrlForObject('k', { dualStack: true }))).toEqual({
      'Fn::Join': ['', ['https://', ref, '.s3-accelerate.dualstack.amazonaws.com/k']],
    });
  });
});

describe('StorageBucket validation at synth', () => {
  const ia = s3.StorageClass.INFREQUENT_ACCESS;
  const glacier = s3.StorageClass.GLACIER;
  test.each<[string, s3.LifecycleRule, RegExp]>([
    [
      'IA before 30 days',
      { transitions: [{ storageClass: ia, transitionAfter: Duration.days(10) }] },
      /\[S3-LIFECYCLE-IA-MIN-DAYS\].*Fix: transition to STANDARD_IA after 30 days or more/,
    ],
    [
      'noncurrent IA before 30 days',
      { noncurrentVersionTransitions: [{ storageClass: ia, transitionAfter: Duration.days(5) }] },
      /\[S3-LIFECYCLE-NONCURRENT-IA-MIN-DAYS\].*Fix: set noncurrentDays to 30 or more/,
    ],
    [
      'GLACIER within 30 days of IA',
      {
        transitions: [
          { storageClass: ia, transitionAfter: Duration.days(30) },
          { storageClass: glacier, transitionAfter: Duration.days(40) },
        ],
      },
      /\[S3-LIFECYCLE-IA-GAP\].*Fix: move the GLACIER transition to 60 days or later/,
    ],
    [
      'ONEZONE_IA within 30 days of STANDARD_IA',
      {
        transitions: [
          { storageClass: ia, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS, transitionAfter: Duration.days(31) },
        ],
      },
      /\[S3-LIFECYCLE-IA-GAP\]/,
    ],
    [
      'waterfall backwards',
      {
        transitions: [
          { storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) },
          { storageClass: ia, transitionAfter: Duration.days(60) },
        ],
      },
      /\[S3-LIFECYCLE-TRANSITION-ORDER\].*INTELLIGENT_TIERING.*STANDARD_IA.*Fix: reorder/,
    ],
    [
      'out of DEEP_ARCHIVE',
      {
        transitions: [
          { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(0) },
          { storageClass: glacier, transitionAfter: Duration.days(200) },
        ],
      },
      /\[S3-LIFECYCLE-TRANSITION-ORDER\]/,
    ],
    [
      'ONEZONE_IA -> GLACIER_IR',
      {
        transitions: [
          { storageClass: s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
        ],
      },
      /\[S3-LIFECYCLE-TRANSITION-ORDER\]/,
    ],
    [
      'expiration before a transition',
      { transitions: [{ storageClass: glacier, transitionAfter: Duration.days(100) }], expiration: Duration.days(50) },
      /\[S3-LIFECYCLE-EXPIRATION-ORDER\].*Fix: expire after 100 days/,
    ],
    [
      'noncurrent expiration before a noncurrent transition',
      { noncurrentVersionTransitions: [{ storageClass: glacier, transitionAfter: Duration.days(100) }], noncurrentVersionExpiration: Duration.days(100) },
      /\[S3-LIFECYCLE-NONCURRENT-EXPIRATION-ORDER\]/,
    ],
    [
      'Date and Days mixed',
      { transitions: [{ storageClass: glacier, transitionDate: new Date('2030-01-01T00:00:00Z') }], expiration: Duration.days(4000) },
      /\[S3-LIFECYCLE-DATE-DAYS-MIX\].*Fix: use either Days everywhere or Date everywhere/,
    ],
    [
      'transition back to STANDARD',
      { transitions: [{ storageClass: new s3.StorageClass('STANDARD'), transitionAfter: Duration.days(60) }] },
      /\[S3-LIFECYCLE-TRANSITION-TARGET\].*Fix: remove the transition/,
    ],
    [
      'size range inverted',
      { transitions: [{ storageClass: glacier, transitionAfter: Duration.days(1) }], objectSizeGreaterThan: 5000, objectSizeLessThan: 100 },
      /\[S3-LIFECYCLE-OBJECT-SIZE-RANGE\].*Fix: make objectSizeLessThan larger/,
    ],
  ])('%s fails synth naming the rule and the fix', (_name, rule, expected) => {
    const { app } = stackWith({ lifecycleRules: [rule] });
    expect(() => app.synth()).toThrow(expected);
  });

  test('Intelligent-Tiering archive days out of range fail synth', () => {
    const { app } = stackWith({
      intelligentTieringConfigurations: [{ name: 'it', archiveAccessTierTime: Duration.days(30), deepArchiveAccessTierTime: Duration.days(800) }],
    });
    expect(() => app.synth()).toThrow(/S3-INTELLIGENT-TIERING-ARCHIVE-ACCESS-DAYS[\s\S]*S3-INTELLIGENT-TIERING-DEEP-ARCHIVE-ACCESS-DAYS/);
  });

  test('acceleration on a dotted name fails synth', () => {
    const { app } = stackWith({ transferAcceleration: true, bucketName: 'my.dotted.bucket' });
    expect(() => app.synth()).toThrow(/\[S3-ACCELERATE-BUCKET-NAME-DOTS\].*"my.dotted.bucket".*Fix: rename the bucket without periods/);
  });

  test('acceleration in a region without it is a warning, not an error', () => {
    const { app, stack } = stackWith({ transferAcceleration: true }, { region: 'cn-north-1', account: '123456789012' });
    app.synth();
    Annotations.fromStack(stack).hasWarning('/Stack/Bucket', Match.stringLikeRegexp('S3-ACCELERATE-REGION.*cn-north-1'));
  });

  test('every problem is reported in one error', () => {
    const { app } = stackWith({
      transferAcceleration: true,
      bucketName: 'a.b.c',
      lifecycleRules: [{ id: 'bad', transitions: [{ storageClass: ia, transitionAfter: Duration.days(1) }], expiration: Duration.days(1) }],
    });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/StorageBucket has 3 problems that would fail at deploy time/);
    expect(message.match(/\[S3-[A-Z-]+\]/g)).toEqual(['[S3-ACCELERATE-BUCKET-NAME-DOTS]', '[S3-LIFECYCLE-IA-MIN-DAYS]', '[S3-LIFECYCLE-EXPIRATION-ORDER]']);
  });

  test('rules added later with addLifecycleRule are checked too', () => {
    const { app, bucket } = stackWith();
    bucket.addLifecycleRule({ transitions: [{ storageClass: ia, transitionAfter: Duration.days(3) }] });
    expect(() => app.synth()).toThrow(/S3-LIFECYCLE-IA-MIN-DAYS/);
  });

  test('minimum storage duration is a warning through Annotations', () => {
    const { app, stack } = stackWith({
      lifecycleRules: [{ id: 'short', transitions: [{ storageClass: glacier, transitionAfter: Duration.days(0) }], expiration: Duration.days(30) }],
    });
    app.synth();
    Annotations.fromStack(stack).hasWarning('/Stack/Bucket', Match.stringLikeRegexp('S3-LIFECYCLE-MIN-STORAGE-DURATION.*GLACIER bills at least 90 days'));
  });

  test('a rule that only matches objects under 128 KiB warns that the default minimum size stops every transition', () => {
    const { app, stack } = stackWith({
      lifecycleRules: [{ id: 'tiny', objectSizeLessThan: 1024, transitions: [{ storageClass: glacier, transitionAfter: Duration.days(1) }] }],
    });
    app.synth();
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Bucket',
      Match.stringLikeRegexp('S3-LIFECYCLE-OBJECT-SIZE-DEFAULT-MINIMUM.*transitionDefaultMinimumObjectSize'),
    );
  });

  test('with VARIES_BY_STORAGE_CLASS the 128 KiB warning goes away', () => {
    const { app, stack } = stackWith({
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS,
      lifecycleRules: [{ id: 'tiny', objectSizeLessThan: 1024, transitions: [{ storageClass: glacier, transitionAfter: Duration.days(1) }] }],
    });
    app.synth();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('OBJECT-SIZE-DEFAULT-MINIMUM'))).toEqual([]);
  });

  test('unresolved tokens are skipped, not guessed', () => {
    const app = apps.app();
    const stack = new Stack(app, 'Stack');
    const days = Token.asNumber({ Ref: 'DaysParameter' });
    new StorageBucket(stack, 'Bucket', { lifecycleRules: [{ transitions: [{ storageClass: ia, transitionAfter: Duration.days(days) }] }] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a valid waterfall synthesizes without errors or warnings', () => {
    const { app, stack } = stackWith({
      lifecycleRules: [
        {
          transitions: [
            { storageClass: ia, transitionAfter: Duration.days(30) },
            { storageClass: glacier, transitionAfter: Duration.days(90) },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
          ],
          expiration: Duration.days(400),
        },
      ],
    });
    app.synth();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('S3-'))).toEqual([]);
  });
});

describe('allowSseC', () => {
  const encryptionRule = (props?: StorageBucketProps) => {
    const { stack, bucket } = stackWith(props);
    const dataId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    return Template.fromStack(stack).findResources('AWS::S3::Bucket')[dataId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
  };

  test('true sets BlockedEncryptionTypes to NONE, next to the default encryption', () => {
    expect(encryptionRule({ allowSseC: true })).toEqual({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
    });
    expect(encryptionRule({ allowSseC: true, encryptionKey: undefined, encryption: s3.BucketEncryption.KMS })).toMatchObject({
      BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
    });
  });

  test('unset or false leaves BlockedEncryptionTypes to Amazon S3 (SSE-C blocked on new buckets), or as given', () => {
    expect(encryptionRule().BlockedEncryptionTypes).toBeUndefined();
    expect(encryptionRule({ allowSseC: false }).BlockedEncryptionTypes).toBeUndefined();
    expect(encryptionRule({ blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] }).BlockedEncryptionTypes).toEqual({ EncryptionType: ['SSE-C'] });
  });

  test('true with a blockedEncryptionTypes that blocks SSE-C is a ValidationError naming both', () => {
    expect(() => stackWith({ allowSseC: true, blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] })).toThrow(
      /allowSseC conflicts with blockedEncryptionTypes[\s\S]*SSE-C/,
    );
    expect(encryptionRule({ allowSseC: true, blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE] }).BlockedEncryptionTypes).toEqual({
      EncryptionType: ['NONE'],
    });
  });
});
