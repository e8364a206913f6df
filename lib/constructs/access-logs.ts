import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID, DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER, DEFAULT_MINIMUM_TLS_VERSION } from './defaults';

/** Options for {@link createAccessLogsBucket}. */
export interface AccessLogsBucketOptions {
  /** The data bucket's removal policy, which the log bucket follows. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Empty the log bucket when it is deleted (needs `RemovalPolicy.DESTROY`).
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
}

/**
 * The bucket StorageBucket sends its server access logs to. Log delivery is granted through the bucket policy
 * (not the LogDeliveryWrite ACL), so ACLs stay disabled: the construct turns that aws-cdk-lib feature flag on
 * for its own subtree, whatever the app's cdk.json says. Server access logs only go to SSE-S3 buckets.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 */
export function createAccessLogsBucket(scope: Construct, id: string, options: AccessLogsBucketOptions): s3.Bucket {
  const holder = new Construct(scope, id);
  holder.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  const bucket = new s3.Bucket(holder, 'Bucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: DEFAULT_MINIMUM_TLS_VERSION,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: options.autoDeleteObjects,
    lifecycleRules: [{ id: ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID, abortIncompleteMultipartUploadAfter: DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER }],
  });
  // cdk-nag reads acknowledgements through CDK's own Validations API, so no dependency on cdk-nag is needed.
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'This bucket is the server access log target. Logging it to itself would write a log record for every log delivery, without end; logging it elsewhere would need yet another bucket.',
  });
  return bucket;
}
