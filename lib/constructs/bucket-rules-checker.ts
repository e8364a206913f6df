import { CfnResource, IAspect } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { StorageBucket } from './storage-bucket';
import { BUCKET_NOTIFICATIONS_RESOURCE_TYPE, annotate, checkBucketResource, checkNotificationsResource } from './validation/checks';

/** Options for {@link BucketRulesChecker}. */
export interface BucketRulesCheckerProps {
  /**
   * Also check buckets inside a StorageBucket, which validates itself and fails synth on its own.
   * @default false
   */
  readonly includeStorageBuckets?: boolean;
}

/**
 * An Aspect that applies StorageBucket's S3 rules to every AWS::S3::Bucket in a scope: plain `s3.Bucket`,
 * raw `CfnBucket` and `StorageBucket`. For `s3.Bucket` notifications it reads the Custom::S3BucketNotifications
 * resource aws-cdk-lib renders. Errors and warnings are reported through Annotations, so `cdk synth` fails on
 * errors and prints warnings.
 *
 * @example
 * Aspects.of(app).add(new BucketRulesChecker());
 */
export class BucketRulesChecker implements IAspect {
  private readonly includeStorageBuckets: boolean;

  /** @param props - which buckets to check */
  public constructor(props: BucketRulesCheckerProps = {}) {
    this.includeStorageBuckets = props.includeStorageBuckets ?? false;
  }

  /** Checks `node` when it is an AWS::S3::Bucket or a Custom::S3BucketNotifications resource; other nodes are skipped. */
  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource)) return;
    if (!this.includeStorageBuckets && node.node.scopes.some((s) => s instanceof StorageBucket)) return;
    if (node.cfnResourceType === s3.CfnBucket.CFN_RESOURCE_TYPE_NAME) {
      annotate(node, checkBucketResource(node));
    } else if (node.cfnResourceType === BUCKET_NOTIFICATIONS_RESOURCE_TYPE) {
      annotate(node, checkNotificationsResource(node));
    }
  }
}
