import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { acknowledgeRule } from '../acknowledge';

// Every action a handler function is granted, named once. No action wildcards (`s3:GetObject*`): each list is what
// the handler calls, so a new S3 action (and cdk-nag's AwsSolutions-IAM5 on actions) never widens a grant.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html

/** Source objects of a copy: read them (HEAD and CopyObject/UploadPartCopy read through s3:GetObject) and their tags. */
export const TRANSFER_SOURCE_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'];
/**
 * Destination objects of a copy: write them with their tags, finish or abort its own multipart copies, list their
 * parts to carry on from a continuation, and HEAD them (s3:GetObject) so that a repeated invocation finds its copy
 * done instead of copying again.
 */
export const TRANSFER_DESTINATION_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:PutObjectTagging',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
];
/** The destination bucket: find the multipart uploads a copy left open (ListMultipartUploads). */
export const TRANSFER_DESTINATION_BUCKET_ACTIONS = ['s3:ListBucketMultipartUploads'];
/**
 * ListObjectsV2 on a bucket; with it, HEAD of a missing key answers 404 instead of 403, so a missing key is told
 * apart from a denied one. https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 */
export const LIST_BUCKET_ACTIONS = ['s3:ListBucket'];
/** Archived objects: RestoreObject, and HEAD (s3:GetObject, s3:GetObjectVersion) for the restore status. No data is read. */
export const RESTORE_OBJECT_ACTIONS = ['s3:RestoreObject', 's3:GetObject', 's3:GetObjectVersion'];
/** The configured bucket of a probe, read-only: its region and the settings the report states. */
export const PROBE_BUCKET_ACTIONS = [
  's3:ListBucket',
  's3:GetBucketLocation',
  's3:GetBucketVersioning',
  's3:GetEncryptionConfiguration',
  's3:GetAccelerateConfiguration',
  's3:GetLifecycleConfiguration',
];
/** The probe's own scratch buckets, which it creates, configures, empties and deletes (never a user's bucket). */
export const PROBE_SCRATCH_BUCKET_ACTIONS = [
  's3:CreateBucket',
  's3:DeleteBucket',
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:ListBucketMultipartUploads',
  's3:GetBucketVersioning',
  's3:PutBucketVersioning',
  's3:GetEncryptionConfiguration',
  's3:PutEncryptionConfiguration',
  's3:GetAccelerateConfiguration',
  's3:PutAccelerateConfiguration',
  's3:GetLifecycleConfiguration',
  's3:PutLifecycleConfiguration',
  's3:GetBucketNotification',
  's3:PutBucketNotification',
  's3:GetBucketObjectLockConfiguration',
  's3:PutBucketObjectLockConfiguration',
];
/** Objects in the probe's scratch buckets. RestoreObject here never touches user data. */
export const PROBE_SCRATCH_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectTagging',
  's3:GetObjectTagging',
  's3:PutObjectLegalHold',
  's3:RestoreObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:BypassGovernanceRetention',
];
/**
 * The bucket of a StorageBucket's notifications handler: read the notification configuration, merge, write it back.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html (permissions)
 */
export const NOTIFICATIONS_BUCKET_ACTIONS = ['s3:GetBucketNotification', 's3:PutBucketNotification'];
/** Reading an SSE-KMS object (GetObject, CopyObject source). https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html */
export const KMS_READ_ACTIONS = ['kms:Decrypt'];
/**
 * Writing an SSE-KMS object; a multipart upload (and so a multipart copy) needs kms:Decrypt too.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 */
export const KMS_WRITE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** One resource ARN with a wildcard that a function's policy names, and why it cannot be narrower. */
interface WildcardResource {
  readonly arn: string;
  readonly reason: string;
}

/**
 * Grants a handler function's role, statement by statement, and records each resource with a wildcard together
 * with its reason. The reasons become cdk-nag acknowledgements (AwsSolutions-IAM5, one per resource) when the app
 * is validated, after cross-stack references are resolved, so the ids match what cdk-nag reports.
 */
export class HandlerGrants {
  private readonly wildcards: WildcardResource[] = [];

  public constructor(private readonly role: iam.IRole) {}

  /** `actions` on the objects of `bucket` under each prefix (every key when `prefixes` is unset). */
  public objects(bucket: s3.IBucket, prefixes: readonly string[] | undefined, actions: readonly string[], purpose: string): void {
    const arns = (prefixes ?? ['']).map((prefix) => bucket.arnForObjects(`${prefix}*`));
    this.add(bucket, actions, arns);
    const scope = prefixes ? `the keys under ${prefixes.map((p) => `"${p}"`).join(', ')}` : 'every key of the bucket';
    for (const arn of arns)
      this.wildcards.push({
        arn,
        reason: `${purpose}: object-level S3 actions name keys, and the function works on ${scope}, which only a trailing * can name; the bucket itself is named exactly.`,
      });
  }

  /** `actions` on `bucket` itself, and for s3:ListBucket only the prefixes given (condition `s3:prefix`). */
  public bucket(bucket: s3.IBucket, prefixes: readonly string[] | undefined, actions: readonly string[]): void {
    const listing = actions.filter((a) => a === 's3:ListBucket');
    const others = actions.filter((a) => a !== 's3:ListBucket');
    if (others.length > 0) this.add(bucket, others, [bucket.bucketArn]);
    if (listing.length > 0) this.add(bucket, listing, [bucket.bucketArn], prefixes ? { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } : undefined);
  }

  /** `actions` on buckets named `<namePrefix>*` and on their objects: the probe's scratch buckets. */
  public namedBuckets(namePrefix: string, bucketActions: readonly string[], objectActions: readonly string[]): void {
    const bucketArn = Stack.of(this.role).formatArn({ service: 's3', region: '', account: '', resource: `${namePrefix}*` });
    const objectArn = `${bucketArn}/*`;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...bucketActions], resources: [bucketArn] }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...objectActions], resources: [objectArn] }));
    const reason = `the probe creates scratch buckets with random names under "${namePrefix}" and deletes them when done, so their ARNs are only known as a name prefix; no other bucket matches it`;
    this.wildcards.push({ arn: bucketArn, reason: `Scratch buckets: ${reason}.` }, { arn: objectArn, reason: `Objects in scratch buckets: ${reason}.` });
  }

  /** `actions` on a KMS key (principal policy, and the key policy when the key is in another account). */
  public key(key: kms.IKey | undefined, actions: readonly string[]): void {
    if (key) key.grant(this.role, ...actions);
  }

  /**
   * Acknowledges AwsSolutions-IAM5 for each recorded wildcard resource on `scope` (the role), with its reason.
   * Call at validation: the ids name the resource as cdk-nag prints it, `<LogicalId.Arn>/prefix/*`.
   */
  public acknowledgeWildcards(scope: IConstruct): void {
    const stack = Stack.of(scope);
    for (const { arn, reason } of this.wildcards) acknowledgeRule(scope, `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`, reason);
  }

  private add(bucket: s3.IBucket, actions: readonly string[], resourceArns: string[], conditions?: Record<string, Record<string, unknown>>): void {
    // The role's policy; for a bucket of this app in another account, its bucket policy too.
    iam.Grant.addToPrincipalOrResource({ grantee: this.role, actions: [...actions], resourceArns, conditions, resource: bucket });
  }
}

/**
 * A resolved CloudFormation value as one string, the way cdk-nag names resources in its findings
 * (`cdk-nag/src/utils/flatten-cfn-reference.ts`): `Fn::GetAtt` as `<Id.Attr>`, `Ref` as `<Id>`, `Fn::Join` joined,
 * `Fn::Sub` and `Fn::ImportValue` by their argument. Kept equal to cdk-nag's, so that acknowledgements match.
 */
export function flattenCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenCfnReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenCfnReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenCfnReference(node.Ref)}>`;
  return JSON.stringify(value);
}
