import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NotificationsHandler, StorageBucket } from '../../lib';
import { TestApps } from './support';

// Every s3.BucketProps prop and every s3.Bucket method behaves as in s3.Bucket. Each case builds the same thing
// twice, once with StorageBucket and once with s3.Bucket given StorageBucket's documented defaults explicitly, and
// the two templates must be identical. The intended differences are tested apart, at the end, and listed in
// docs/constructs.md ("Differences from s3.Bucket").

const apps = new TestApps();
afterAll(() => apps.cleanUp());

const FLAGS = [undefined, false, true].map((flag) => ({
  name: flag === undefined ? 'flag unset' : `flag ${flag}`,
  context: flag === undefined ? {} : { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': flag },
}));

const ABORT_RULE: s3.LifecycleRule = { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) };

/** StorageBucket's defaults, written out for s3.Bucket (the log bucket is left out: `serverAccessLogs: false`). */
function explicitDefaults(props: s3.BucketProps): s3.BucketProps {
  return {
    encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    bucketKeyEnabled: props.encryptionKey || props.encryption === s3.BucketEncryption.KMS ? true : undefined,
    enforceSSL: true,
    minimumTLSVersion: props.enforceSSL === false ? undefined : 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    ...props,
    lifecycleRules: [...(props.lifecycleRules ?? []), ABORT_RULE],
  };
}

/** What a case may build around the bucket: the same in both apps. */
interface Around {
  readonly stack: Stack;
  readonly role: iam.Role;
  readonly queue: sqs.Queue;
  readonly other: s3.Bucket;
  readonly key: kms.Key;
}

interface Case {
  readonly name: string;
  readonly props?: (around: Around) => s3.BucketProps;
  /** The s3.Bucket props that StorageBucket's must equal, when not `explicitDefaults(props)`. */
  readonly equivalent?: (around: Around) => s3.BucketProps;
  readonly then?: (bucket: s3.Bucket, around: Around) => unknown;
  /** Compared only with the flag on: without it s3.Bucket grants log delivery with an ACL (a documented difference). */
  readonly flagOnOnly?: boolean;
  /**
   * Notifications: StorageBucket is built with `notificationsHandler: NotificationsHandler.CDK`, the setting that
   * renders aws-cdk-lib's resource (bucketkit's own handler, the default, is an intended difference tested apart).
   */
  readonly cdkNotifications?: boolean;
}

function build(context: Record<string, unknown>, kind: 'ours' | 'theirs', c: Case): { app: App; stack: Stack; result: unknown } {
  const app = apps.app({ context });
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const around: Around = {
    stack,
    role: new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }),
    queue: new sqs.Queue(stack, 'Queue'),
    other: new s3.Bucket(stack, 'Other', { versioned: true }),
    key: new kms.Key(stack, 'Key'),
  };
  const props = c.props?.(around) ?? {};
  const bucket =
    kind === 'ours'
      ? new StorageBucket(stack, 'Bucket', {
          serverAccessLogs: false,
          ...props,
          ...(c.cdkNotifications ? { notificationsHandler: NotificationsHandler.CDK } : {}),
        })
      : new s3.Bucket(stack, 'Bucket', c.equivalent?.(around) ?? explicitDefaults(props));
  const result = c.then?.(bucket, around);
  return { app, stack, result: result === undefined ? undefined : stack.resolve(result) };
}

const PROPS: Case[] = [
  { name: 'no props' },
  { name: 'bucketName', props: () => ({ bucketName: 'my-parity-bucket' }) },
  { name: 'encryption KMS (key created)', props: () => ({ encryption: s3.BucketEncryption.KMS }) },
  { name: 'encryptionKey', props: ({ key }) => ({ encryptionKey: key }) },
  { name: 'encryptionKey with bucketKeyEnabled: false', props: ({ key }) => ({ encryptionKey: key, bucketKeyEnabled: false }) },
  { name: 'encryption DSSE_MANAGED', props: () => ({ encryption: s3.BucketEncryption.DSSE_MANAGED }) },
  { name: 'enforceSSL: false', props: () => ({ enforceSSL: false }) },
  { name: 'minimumTLSVersion 1.3', props: () => ({ minimumTLSVersion: 1.3 }) },
  { name: 'blockPublicAccess BLOCK_ACLS_ONLY', props: () => ({ blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY }) },
  {
    name: 'publicReadAccess with blockPublicAccess opened',
    props: () => ({ publicReadAccess: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY }),
  },
  { name: 'versioned: false', props: () => ({ versioned: false }) },
  { name: 'objectOwnership OBJECT_WRITER', props: () => ({ objectOwnership: s3.ObjectOwnership.OBJECT_WRITER }) },
  { name: 'accessControl PRIVATE', props: () => ({ accessControl: s3.BucketAccessControl.PRIVATE }) },
  {
    name: 'accessControl LOG_DELIVERY_WRITE: ownership left to aws-cdk-lib (ObjectWriter), as s3.Bucket',
    props: () => ({ accessControl: s3.BucketAccessControl.LOG_DELIVERY_WRITE }),
    equivalent: () => ({ ...explicitDefaults({ accessControl: s3.BucketAccessControl.LOG_DELIVERY_WRITE }), objectOwnership: undefined }),
  },
  { name: 'removalPolicy DESTROY with autoDeleteObjects', props: () => ({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }) },
  {
    name: 'lifecycleRules',
    props: () => ({ lifecycleRules: [{ id: 'ia', transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] }] }),
  },
  {
    name: 'transitionDefaultMinimumObjectSize',
    props: () => ({ transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS }),
  },
  { name: 'intelligentTieringConfigurations', props: () => ({ intelligentTieringConfigurations: [{ name: 'it', archiveAccessTierTime: Duration.days(90) }] }) },
  { name: 'transferAcceleration', props: () => ({ transferAcceleration: true }) },
  { name: 'cors', props: () => ({ cors: [{ allowedMethods: [s3.HttpMethods.GET], allowedOrigins: ['https://example.com'] }] }) },
  { name: 'metrics', props: () => ({ metrics: [{ id: 'all' }, { id: 'logs', prefix: 'logs/' }] }) },
  { name: 'inventories', props: ({ other }) => ({ inventories: [{ destination: { bucket: other, prefix: 'inventory/' }, inventoryId: 'weekly' }] }) },
  { name: 'eventBridgeEnabled', props: () => ({ eventBridgeEnabled: true }), cdkNotifications: true },
  {
    name: 'objectLockEnabled with a default retention',
    props: () => ({ objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(1)) }),
  },
  {
    name: 'website (with public access opened)',
    props: () => ({ websiteIndexDocument: 'index.html', websiteErrorDocument: 'error.html', blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY }),
  },
  { name: 'replicationRules', props: ({ other }) => ({ replicationRules: [{ destination: other, priority: 1 }] }) },
  {
    name: 'notificationsHandlerRole',
    props: ({ role }) => ({ notificationsHandlerRole: role }),
    then: (b, { queue }) => b.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue)),
    cdkNotifications: true,
  },
  {
    name: 'serverAccessLogsBucket with a prefix and targetObjectKeyFormat (an s3.Bucket target with ACLs disabled)',
    props: ({ stack }) => ({
      serverAccessLogsBucket: new s3.Bucket(stack, 'Target', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED }),
      serverAccessLogsPrefix: 'logs/',
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.simplePrefix(),
    }),
    flagOnOnly: true,
  },
];

const METHODS: Case[] = [
  {
    name: 'grantRead / grantWrite / grantReadWrite / grantPut / grantPutAcl / grantDelete',
    then: (b, { role }) => {
      [b.grantRead(role), b.grantWrite(role, 'w/*'), b.grantReadWrite(role), b.grantPut(role), b.grantPutAcl(role), b.grantDelete(role)].forEach((g) =>
        expect(g.success).toBe(true),
      );
    },
  },
  {
    name: 'grants.* with a KMS key',
    props: ({ key }) => ({ encryptionKey: key }),
    then: (b, { role }) => {
      [b.grants.read(role), b.grants.write(role), b.grants.delete(role, 'tmp/*')].forEach((g) => expect(g.success).toBe(true));
    },
  },
  {
    name: 'addToResourcePolicy',
    then: (b, { role }) =>
      b.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [b.arnForObjects('*')], principals: [role] })).statementAdded,
  },
  {
    name: 'addEventNotification (unencrypted queue), addObjectCreatedNotification, addObjectRemovedNotification',
    then: (b, { queue }) => {
      b.addEventNotification(s3.EventType.OBJECT_RESTORE_COMPLETED, new s3n.SqsDestination(queue));
      b.addObjectCreatedNotification(new s3n.SqsDestination(queue), { prefix: 'in/' });
      b.addObjectRemovedNotification(new s3n.SqsDestination(queue), { prefix: 'out/' });
    },
    cdkNotifications: true,
  },
  { name: 'addLifecycleRule', then: (b) => b.addLifecycleRule({ id: 'later', expiration: Duration.days(400) }) },
  {
    name: 'addInventory',
    then: (b, { other }) => b.addInventory({ destination: { bucket: other }, inventoryId: 'daily', frequency: s3.InventoryFrequency.DAILY }),
  },
  { name: 'addMetric', then: (b) => b.addMetric({ id: 'by-tag', tagFilters: { team: 'data' } }) },
  { name: 'addCorsRule', then: (b) => b.addCorsRule({ allowedMethods: [s3.HttpMethods.PUT], allowedOrigins: ['*'] }) },
  { name: 'enableEventBridgeNotification', then: (b) => b.enableEventBridgeNotification(), cdkNotifications: true },
  { name: 'addReplicationPolicy', then: (b) => b.addReplicationPolicy('arn:aws:iam::210987654321:role/replication', true, '210987654321') },
  { name: 'onCloudTrailPutObject', then: (b) => b.onCloudTrailPutObject('OnPut', { paths: ['in/'] }) && undefined },
  {
    name: 'URLs and ARNs',
    props: () => ({ transferAcceleration: true }),
    then: (b) => [
      b.urlForObject('a/b.txt'),
      b.virtualHostedUrlForObject('a/b.txt', { regional: false }),
      b.s3UrlForObject('a/b.txt'),
      b.arnForObjects('a/*'),
      b.transferAccelerationUrlForObject('a/b.txt', { dualStack: true }),
      b.bucketWebsiteUrl,
      b.bucketRegionalDomainName,
      b.bucketDualStackDomainName,
    ],
  },
  {
    name: 'from* imports',
    then: (b, { stack }) => {
      const Bucket = b instanceof StorageBucket ? StorageBucket : s3.Bucket;
      return [
        Bucket.fromBucketName(stack, 'ByName', 'imported-bucket').bucketArn,
        Bucket.fromBucketArn(stack, 'ByArn', 'arn:aws:s3:::imported-bucket').bucketRegionalDomainName,
        Bucket.fromBucketAttributes(stack, 'ByAttributes', { bucketName: 'imported-bucket', region: 'us-west-2' }).urlForObject('k'),
        Bucket.fromCfnBucket(b.node.defaultChild as s3.CfnBucket).bucketArn,
      ];
    },
  },
];

describe.each(FLAGS)('StorageBucket and s3.Bucket with the same settings render the same template ($name)', ({ name, context }) => {
  test.each([...PROPS, ...METHODS].filter((c) => !c.flagOnOnly || name === 'flag true'))('$name', (c) => {
    const ours = build(context, 'ours', c);
    const theirs = build(context, 'theirs', c);
    expect(Template.fromStack(ours.stack).toJSON()).toEqual(Template.fromStack(theirs.stack).toJSON());
    expect(ours.result).toEqual(theirs.result);
  });
});

describe.each(FLAGS)('the intended differences ($name)', ({ context }) => {
  const stackFor = () => new Stack(apps.app({ context }), 'Stack');

  test('publicReadAccess without blockPublicAccess: the same aws-cdk-lib error as s3.Bucket (BLOCK_ALL steps aside)', () => {
    const message = /Cannot use 'publicReadAccess' property on a bucket without allowing bucket-level public access/;
    expect(() => new s3.Bucket(stackFor(), 'Bucket', { publicReadAccess: true })).toThrow(message);
    expect(() => new StorageBucket(stackFor(), 'Bucket', { publicReadAccess: true })).toThrow(message);
  });

  test("notifications: StorageBucket applies them with bucketkit's merging handler, s3.Bucket with aws-cdk-lib's (a full replace)", () => {
    const add = (bucket: s3.Bucket, stack: Stack) =>
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(new sqs.Queue(stack, 'Queue')));
    const theirs = stackFor();
    add(new s3.Bucket(theirs, 'Bucket'), theirs);
    const ours = stackFor();
    add(new StorageBucket(ours, 'Bucket', { serverAccessLogs: false }), ours);
    Template.fromStack(theirs).resourceCountIs('Custom::S3BucketNotifications', 1);
    Template.fromStack(ours).resourceCountIs('Custom::S3BucketNotifications', 0);
    Template.fromStack(ours).resourceCountIs('Custom::BucketkitNotifications', 1);
  });

  test('grantPublicAccess() under the BLOCK_ALL default fails at synth instead of at deploy', () => {
    expect(() => new s3.Bucket(stackFor(), 'Bucket').grantPublicAccess()).not.toThrow();
    expect(() => new StorageBucket(stackFor(), 'Bucket').grantPublicAccess()).toThrow(/Cannot grant public access when 'blockPublicPolicy' is enabled/);
  });

  test('serverAccessLogsPrefix alone: s3.Bucket logs into itself; StorageBucket into the log bucket it creates', () => {
    const stack = stackFor();
    const ours = new StorageBucket(stack, 'Bucket', { serverAccessLogsPrefix: 'access/' });
    const logging = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(ours.node.defaultChild as s3.CfnBucket)].Properties.LoggingConfiguration;
    expect(logging).toEqual({
      DestinationBucketName: { Ref: stack.getLogicalId(ours.accessLogsBucket!.node.defaultChild as s3.CfnBucket) },
      LogFilePrefix: 'access/',
    });
  });

  test('addEventNotification with overlapping filters: s3.Bucket synthesizes, StorageBucket fails synth', () => {
    for (const Bucket of [s3.Bucket, StorageBucket]) {
      const stack = stackFor();
      const queue = new sqs.Queue(stack, 'Queue');
      const bucket = new Bucket(stack, 'Bucket', { serverAccessLogs: false } as s3.BucketProps);
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'a/' });
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(queue), { prefix: 'a/b/' });
      const synth = () => (stack.node.root as App).synth();
      if (Bucket === s3.Bucket) expect(synth).not.toThrow();
      else expect(synth).toThrow(/S3-NOTIFICATION-OVERLAP/);
    }
  });
});
