// The example app: `npm start` (or `npx cdk synth`) synthesizes it offline.
import { App, Aspects, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BucketRulesChecker, LargeObjectCopy, ProbeFunction, RestoreFunction, StorageBucket, TransferFunction, acknowledgeRule } from '../lib';
import { handlerBundleContext } from '../integ/scenarios/common';
import { ScaleOutExampleStack } from '../examples/scale-out-app';

/**
 * A data bucket with KMS, versioning, Transfer Acceleration, a STANDARD -> STANDARD_IA -> GLACIER -> DEEP_ARCHIVE
 * waterfall with noncurrent-version rules, notifications to SQS (with a dead-letter queue), SNS and Lambda, and
 * bucketkit's three bundled handlers: transfer (uploads/ to archive/), restore (archive/) and probe.
 */
export class BucketkitExampleStack extends Stack {
  public readonly bucket: StorageBucket;
  public readonly transferFunction: TransferFunction;
  public readonly restoreFunction: RestoreFunction;
  public readonly probeFunction: ProbeFunction;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true, description: 'bucketkit example: data bucket' });
    // A queue encrypted with the bucket's own key would be a circular dependency (StorageBucket reports it at synth).
    const messagingKey = new kms.Key(this, 'MessagingKey', { enableKeyRotation: true, description: 'bucketkit example: notification queue and topic' });

    this.bucket = new StorageBucket(this, 'Data', {
      encryptionKey: key,
      transferAcceleration: true,
      lifecycleRules: [
        {
          id: 'archive-waterfall',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
          ],
          expiration: Duration.days(3650),
          noncurrentVersionTransitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(60) },
          ],
          noncurrentVersionExpiration: Duration.days(365),
          noncurrentVersionsToRetain: 3,
        },
      ],
    });

    const deadLetterQueue = new sqs.Queue(this, 'UploadsDeadLetterQueue', {
      encryptionMasterKey: messagingKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const uploads = new sqs.Queue(this, 'UploadsQueue', {
      encryptionMasterKey: messagingKey,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
    });
    const deletions = new sns.Topic(this, 'DeletionsTopic', { masterKey: messagingKey, enforceSSL: true });
    const thumbnails = new lambda.Function(this, 'ThumbnailFunction', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async (event) => { console.log(JSON.stringify(event.Records.map((r) => r.s3.object.key))); };'),
      timeout: Duration.seconds(10),
    });
    acknowledgeRule(
      thumbnails,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x, the runtime the bucketkit/storage bundle targets; a newer runtime is a deliberate upgrade, not drift.',
    );
    acknowledgeRule(
      thumbnails,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The managed policy grants only CloudWatch Logs writes for this function; S3 invokes it through a resource policy, not this role.',
    );

    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(uploads), { prefix: 'uploads/' });
    this.bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(deletions));
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(thumbnails), { prefix: 'images/', suffix: '.jpg' });

    // bucketkit's bundled handlers, each with grants on this bucket only (and its KMS key).
    this.transferFunction = this.bucket.addTransferFunction('TransferFunction', {
      sourcePrefixes: ['uploads/'],
      destinationPrefixes: ['archive/'],
      reservedConcurrentExecutions: 10,
    });
    this.restoreFunction = this.bucket.addRestoreFunction('RestoreFunction', { prefixes: ['archive/'] });
    this.probeFunction = this.bucket.addProbeFunction('ProbeFunction');
    // Copies of objects of any size up to 5 TiB (uploads/ to archive/, within the transfer function's grants) on Step Functions.
    new LargeObjectCopy(this, 'LargeObjectCopy', { sourceBucket: this.bucket, destinationBucket: this.bucket, transferFunction: this.transferFunction });
  }
}

/** Builds the example app; `Aspects` make every bucket in it, ours or not, go through the same rules. */
export function buildExampleApp(app: App = new App()): { app: App; stack: BucketkitExampleStack; scaleOut: ScaleOutExampleStack } {
  const stack = new BucketkitExampleStack(app, 'BucketkitExample');
  // The scale-out example (BulkRestore, BatchOperationsRole): examples/scale-out-app.ts, docs/scale-out.md.
  const scaleOut = new ScaleOutExampleStack(app, 'BucketkitScaleOutExample');
  Aspects.of(app).add(new BucketRulesChecker());
  return { app, stack, scaleOut };
}

if (require.main === module) {
  // In a checkout before `npm run build`, the handlers synthesize from placeholder bundles (integ/scenarios/common.ts).
  buildExampleApp(new App({ context: handlerBundleContext() })).app.synth();
}
