/**
 * The IAM role an S3 Batch Operations job runs as, with least privilege: read the manifest, write the completion
 * report, and the one operation's actions on the buckets (or the function) given.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MAX_KEY_LENGTH_BYTES, RuleProblem, ruleProblem } from '../../rules';
import { acknowledgeRule } from '../acknowledge';
import { ValidationError } from '../errors';
import { nagResource } from './common';

/** The service principal that assumes a Batch Operations role (the trust policy of the AWS guide above). */
export const BATCH_OPERATIONS_PRINCIPAL = 'batchoperations.s3.amazonaws.com';

/** Reading a manifest (a CSV, or an S3 Inventory manifest.json and its data files), by version when the row has one. */
export const BATCH_MANIFEST_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'] as const;
/** Writing the completion report. */
export const BATCH_REPORT_WRITE_ACTIONS = ['s3:PutObject'] as const;
/** Batch Operations looks up the Region of the manifest and report buckets. */
export const BATCH_BUCKET_LOCATION_ACTIONS = ['s3:GetBucketLocation'] as const;
/** "Restore" (S3InitiateRestoreObject). */
export const BATCH_RESTORE_ACTIONS = ['s3:RestoreObject'] as const;
/** "Copy" (S3PutObjectCopy): what is read from each source object (its ACL and tags are copied with it). */
export const BATCH_COPY_SOURCE_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAcl',
  's3:GetObjectVersionAcl',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
] as const;
/** "Copy": what is written to each destination object. */
export const BATCH_COPY_DESTINATION_ACTIONS = ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging'] as const;
/** Reading objects (or a manifest) encrypted with a bucket's KMS key. */
export const BATCH_KMS_READ_ACTIONS = ['kms:Decrypt'] as const;
/** Writing objects (or a report) with a bucket's KMS key; Decrypt as well, for multipart writes. */
export const BATCH_KMS_WRITE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** "Invoke AWS Lambda function" (LambdaInvoke). */
export const BATCH_INVOKE_ACTIONS = ['lambda:InvokeFunction'] as const;

/** Properties of {@link BatchOperationsRole}. Give at least one operation: restore, copy or invoke. */
export interface BatchOperationsRoleProps {
  /** The bucket the job's manifests are read from. */
  readonly manifestBucket: s3.IBucket;
  /** Only manifests under this key prefix are readable. @default - every key of `manifestBucket` */
  readonly manifestPrefix?: string;
  /** The bucket completion reports are written to. @default - `manifestBucket` */
  readonly reportBucket?: s3.IBucket;
  /** Only keys under this prefix are writable for reports. @default - every key of `reportBucket` */
  readonly reportPrefix?: string;
  /** Restore jobs: `s3:RestoreObject` on this bucket's objects. @default - no restore */
  readonly restoreBucket?: s3.IBucket;
  /** Copy jobs: the objects are read from this bucket (give `copyDestinationBucket` too). @default - no copy */
  readonly copySourceBucket?: s3.IBucket;
  /** Copy jobs: the copies are written to this bucket (give `copySourceBucket` too). @default - no copy */
  readonly copyDestinationBucket?: s3.IBucket;
  /**
   * Lambda jobs: `lambda:InvokeFunction` on this function, e.g. bucketkit's transfer handler for copies over 5 GB,
   * which Batch Operations' own Copy cannot do. @default - no invoke
   */
  readonly invokeFunction?: lambda.IFunction;
  /** @default - a name CloudFormation generates */
  readonly roleName?: string;
}

/**
 * An IAM role assumable by S3 Batch Operations (`batchoperations.s3.amazonaws.com`), scoped to the manifest and
 * report locations and to the operations asked for. No S3 action is granted on `*`. KMS keys of the buckets given
 * are granted as each use needs (decrypt to read, encrypt to write).
 *
 * Pass {@link roleArn} to `bucketkit restore --batch` / `bucketkit cp --batch` (`--role-arn`), and let whoever creates
 * jobs pass the role with {@link grantPassRole} (plus `s3:CreateJob`, which takes no resource).
 *
 * @throws ValidationError when no operation is given, only one of the copy buckets is, or a prefix is not a key prefix
 */
export class BatchOperationsRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;
  /** Its ARN, for CreateJob's `RoleArn`. */
  public readonly roleArn: string;

  public constructor(scope: Construct, id: string, props: BatchOperationsRoleProps) {
    super(scope, id);
    const problems = checkBatchOperationsRoleProps(props);
    if (problems.length > 0) throw new ValidationError(this, 'invalid BatchOperationsRole properties', problems);
    this.role = new iam.Role(this, 'Resource', {
      assumedBy: new iam.ServicePrincipal(BATCH_OPERATIONS_PRINCIPAL),
      roleName: props.roleName,
      description: 'bucketkit: S3 Batch Operations jobs (manifest, report and one operation, least privilege)',
    });
    this.roleArn = this.role.roleArn;
    const reportBucket = props.reportBucket ?? props.manifestBucket;
    const objectArns: string[] = [];
    const allow = (sid: string, actions: readonly string[], bucket: s3.IBucket, pattern: string) => {
      const arn = bucket.arnForObjects(pattern);
      objectArns.push(arn);
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources: [arn] }));
    };

    allow('ReadManifest', BATCH_MANIFEST_READ_ACTIONS, props.manifestBucket, `${props.manifestPrefix ?? ''}*`);
    allow('WriteReport', BATCH_REPORT_WRITE_ACTIONS, reportBucket, `${props.reportPrefix ?? ''}*`);
    const locationBuckets = uniqueBuckets([props.manifestBucket, reportBucket]);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'BucketLocation', actions: [...BATCH_BUCKET_LOCATION_ACTIONS], resources: locationBuckets.map((b) => b.bucketArn) }),
    );
    this.allowKey('ManifestKey', BATCH_KMS_READ_ACTIONS, props.manifestBucket);
    this.allowKey('ReportKey', BATCH_KMS_WRITE_ACTIONS, reportBucket);

    if (props.restoreBucket) allow('Restore', BATCH_RESTORE_ACTIONS, props.restoreBucket, '*');
    if (props.copySourceBucket && props.copyDestinationBucket) {
      allow('CopyFromSource', BATCH_COPY_SOURCE_ACTIONS, props.copySourceBucket, '*');
      allow('CopyToDestination', BATCH_COPY_DESTINATION_ACTIONS, props.copyDestinationBucket, '*');
      this.allowKey('CopySourceKey', BATCH_KMS_READ_ACTIONS, props.copySourceBucket);
      this.allowKey('CopyDestinationKey', BATCH_KMS_WRITE_ACTIONS, props.copyDestinationBucket);
    }
    if (props.invokeFunction) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'InvokeFunction', actions: [...BATCH_INVOKE_ACTIONS], resources: [props.invokeFunction.functionArn] }),
      );
    }
    this.acknowledgeObjectArns(objectArns);
  }

  /** Lets `grantee` pass this role to S3 Batch Operations (`iam:PassRole`), which CreateJob requires. */
  public grantPassRole(grantee: iam.IPrincipal): iam.Grant {
    return this.role.grantPassRole(grantee);
  }

  /** The bucket's KMS key, if it has one: `actions` on that key only (no action wildcard, unlike CDK's key grants). */
  private allowKey(sid: string, actions: readonly string[], bucket: s3.IBucket): void {
    const key = bucket.encryptionKey;
    if (key) this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources: [key.keyArn] }));
  }

  /** cdk-nag AwsSolutions-IAM5 on `bucket/prefix*`: the AWS guide's own policies name objects with a wildcard. */
  private acknowledgeObjectArns(arns: readonly string[]): void {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    const stack = Stack.of(this);
    for (const id of new Set(arns.map((arn) => nagResource(stack.resolve(arn)))))
      acknowledgeRule(
        policy,
        `AwsSolutions-IAM5[Resource::${id}]`,
        'Objects of one bucket (under one prefix where given): a job acts on the keys its manifest names, known only at run time; the AWS guide (batch-ops-iam-role-policies) scopes them the same way.',
      );
  }
}

function uniqueBuckets(buckets: readonly s3.IBucket[]): s3.IBucket[] {
  return [...new Set(buckets)];
}

/** Every problem with the props of {@link BatchOperationsRole}. */
export function checkBatchOperationsRoleProps(props: BatchOperationsRoleProps): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!props.restoreBucket && !props.copySourceBucket && !props.copyDestinationBucket && !props.invokeFunction)
    problems.push(
      ruleProblem(
        'BUCKETKIT-BATCH-ROLE-OPERATION',
        'a Batch Operations role needs an operation',
        'none',
        'give restoreBucket, copySourceBucket with copyDestinationBucket, or invokeFunction',
      ),
    );
  if (Boolean(props.copySourceBucket) !== Boolean(props.copyDestinationBucket))
    problems.push(
      ruleProblem(
        'BUCKETKIT-BATCH-ROLE-COPY',
        'a copy needs both copySourceBucket and copyDestinationBucket',
        props.copySourceBucket ? 'copySourceBucket only' : 'copyDestinationBucket only',
        'give both buckets (the same bucket twice for a copy in place)',
      ),
    );
  for (const [name, prefix] of [
    ['manifestPrefix', props.manifestPrefix],
    ['reportPrefix', props.reportPrefix],
  ] as const) {
    if (prefix === undefined || Token.isUnresolved(prefix)) continue;
    if (prefix.startsWith('/') || prefix.includes('*') || Buffer.byteLength(prefix, 'utf8') > MAX_KEY_LENGTH_BYTES)
      problems.push(
        ruleProblem(
          'BUCKETKIT-BATCH-ROLE-PREFIX',
          `${name} must be a key prefix: no leading "/", no "*", at most ${MAX_KEY_LENGTH_BYTES} bytes`,
          prefix,
          'use a prefix such as "batch/manifests/"',
        ),
      );
  }
  return problems;
}
