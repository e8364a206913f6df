import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID, DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER, DEFAULT_MINIMUM_TLS_VERSION } from './defaults';
import { resolveEncryption } from './encryption';
import type { StorageBucketProps } from './storage-bucket-props';

/**
 * Canned ACLs that aws-cdk-lib renders without object ownership controls; any other `accessControl` needs ACLs
 * enabled (`OBJECT_WRITER`), which aws-cdk-lib picks when `objectOwnership` is left unset.
 */
const ACLS_WITHOUT_OWNERSHIP: readonly s3.BucketAccessControl[] = [
  s3.BucketAccessControl.PRIVATE,
  s3.BucketAccessControl.BUCKET_OWNER_READ,
  s3.BucketAccessControl.BUCKET_OWNER_FULL_CONTROL,
];

/**
 * StorageBucket's props with its defaults filled in where the (already injected) props leave a value unset.
 * Explicit values always win. Two defaults step aside when the user asks for what they forbid, so the bucket
 * behaves as `s3.Bucket` does: `objectOwnership` stays unset with an ACL-granting `accessControl` (aws-cdk-lib
 * then enables ACLs), and `blockPublicAccess` stays unset with `publicReadAccess` (aws-cdk-lib then asks for an
 * explicit `blockPublicAccess`, as it does for `s3.Bucket`).
 *
 * `serverAccessLogsBucket` is left to the caller, which creates the log bucket.
 */
export function withStorageBucketDefaults(props: StorageBucketProps): StorageBucketProps {
  const enforceSSL = props.enforceSSL ?? true;
  const aclGranted = props.accessControl !== undefined && !ACLS_WITHOUT_OWNERSHIP.includes(props.accessControl);
  const abortRule: s3.LifecycleRule[] =
    (props.abortIncompleteMultipartUploads ?? true)
      ? [
          {
            id: ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID,
            abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter ?? DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER,
          },
        ]
      : [];
  return {
    ...props,
    ...resolveEncryption(props),
    enforceSSL,
    minimumTLSVersion: props.minimumTLSVersion ?? (enforceSSL ? DEFAULT_MINIMUM_TLS_VERSION : undefined),
    blockPublicAccess: props.blockPublicAccess ?? (props.publicReadAccess ? undefined : s3.BlockPublicAccess.BLOCK_ALL),
    versioned: props.versioned ?? true,
    objectOwnership: props.objectOwnership ?? (aclGranted ? undefined : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    // The user's rules first, so `lifecycle rule #n` in messages is their n-th rule.
    lifecycleRules: [...(props.lifecycleRules ?? []), ...abortRule],
  };
}
