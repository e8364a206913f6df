// The scale-out example (docs/scale-out.md): mass restores on Step Functions (BulkRestore) and on S3 Batch Operations
// (BatchOperationsRole), and copies of objects up to 5 TiB (LargeObjectCopy), over a StorageBucket archive. `npm start` synthesizes it with the main example (bin/app.ts);
// alone: `npx cdk synth --app "node --import tsx examples/scale-out-app.ts"`.
import { App, Aspects, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  BatchOperationsRole,
  BucketRulesChecker,
  BulkRestore,
  LargeObjectCopy,
  StorageBucket,
  TransferFunction,
  acknowledgeNotificationsHandler,
} from 'bucketkit';
import { handlerBundleContext } from '../integ/scenarios/common';

/**
 * An archive bucket (objects go to GLACIER after 30 days, DEEP_ARCHIVE after 180), a replica bucket, and an
 * operations bucket for manifests, completion reports and per-key results. On top:
 * - `BulkRestore`: `bucketkit restore --engine step-functions s3://<archive>/<prefix> --state-machine-arn <output>`;
 * - `BatchOperationsRole`: `bucketkit restore --batch` and `bucketkit cp --batch s3://<archive>/... s3://<replica>/...`
 *   with `--role-arn <output> --manifest s3://<operations>/batch/manifests/ --report s3://<operations>/batch/reports/`,
 *   and `--function-arn <output>` (bucketkit's transfer handler) for the objects over 5 GiB;
 * - `LargeObjectCopy`: `bucketkit cp --engine step-functions s3://<archive>/<key> s3://<replica>/<key>
 *   --state-machine-arn <output>`, one object of up to 5 TiB copied in parallel part batches.
 */
export class ScaleOutExampleStack extends Stack {
  public readonly archive: StorageBucket;
  public readonly replica: StorageBucket;
  public readonly operations: StorageBucket;
  public readonly bulkRestore: BulkRestore;
  public readonly batchRole: BatchOperationsRole;
  public readonly transferFunction: TransferFunction;
  public readonly largeObjectCopy: LargeObjectCopy;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.archive = new StorageBucket(this, 'Archive', {
      eventBridgeEnabled: true, // BulkRestore's completion count reads "Object Restore Completed" from EventBridge
      lifecycleRules: [
        {
          id: 'to-archive',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(180) },
          ],
        },
      ],
    });
    // eventBridgeEnabled deploys aws-cdk-lib's notifications handler; StorageBucket records the reason for its managed
    // log policy only in addEventNotification, so it is recorded here.
    acknowledgeNotificationsHandler(this);
    this.replica = new StorageBucket(this, 'Replica');
    this.operations = new StorageBucket(this, 'Operations', {
      lifecycleRules: [{ id: 'expire-batch-files', prefix: 'batch/', expiration: Duration.days(90) }],
    });

    this.bulkRestore = new BulkRestore(this, 'BulkRestore', {
      bucket: this.archive,
      manifestBucket: this.operations,
      resultsPrefix: 'restores/results/',
      tier: 'Bulk',
      days: 7,
      completionCount: true,
    });

    // Batch Operations' Copy stops at 5 GB; a LambdaInvoke job drives the transfer handler for larger objects.
    this.transferFunction = this.archive.addTransferFunction('TransferFunction', { destinationBucket: this.replica, reservedConcurrentExecutions: 50 });
    this.batchRole = new BatchOperationsRole(this, 'BatchOperationsRole', {
      manifestBucket: this.operations,
      manifestPrefix: 'batch/manifests/',
      reportPrefix: 'batch/reports/',
      restoreBucket: this.archive,
      copySourceBucket: this.archive,
      copyDestinationBucket: this.replica,
      invokeFunction: this.transferFunction,
    });

    // One object of up to 5 TiB, archive -> replica, on the same transfer function (scoped to those two buckets).
    this.largeObjectCopy = new LargeObjectCopy(this, 'LargeObjectCopy', {
      sourceBucket: this.archive,
      destinationBucket: this.replica,
      transferFunction: this.transferFunction,
    });

    new CfnOutput(this, 'BulkRestoreStateMachineArn', { value: this.bulkRestore.stateMachine.stateMachineArn });
    new CfnOutput(this, 'LargeObjectCopyStateMachineArn', { value: this.largeObjectCopy.stateMachine.stateMachineArn });
    new CfnOutput(this, 'BatchOperationsRoleArn', { value: this.batchRole.roleArn });
    new CfnOutput(this, 'TransferFunctionArn', { value: this.transferFunction.functionArn });
    new CfnOutput(this, 'OperationsBucketName', { value: this.operations.bucketName });
  }
}

/** Builds the scale-out example on `app` (the rules checker on every bucket). */
export function buildScaleOutExampleApp(app: App = new App()): { app: App; stack: ScaleOutExampleStack } {
  const stack = new ScaleOutExampleStack(app, 'BucketkitScaleOutExample');
  Aspects.of(app).add(new BucketRulesChecker());
  return { app, stack };
}

if (require.main === module) {
  buildScaleOutExampleApp(new App({ context: handlerBundleContext() })).app.synth();
}
