import { Duration, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RuleProblem, checkBucketName } from '../../rules';
import { HandlerFunction, HandlerFunctionOptions } from './handler-function';
import { KMS_WRITE_ACTIONS, PROBE_BUCKET_ACTIONS, PROBE_SCRATCH_BUCKET_ACTIONS, PROBE_SCRATCH_OBJECT_ACTIONS } from './permissions';

/** Environment variables the probe handler reads. */
export const PROBE_ENVIRONMENT = {
  bucket: 'BUCKETKIT_BUCKET',
  scratchBucketPrefix: 'BUCKETKIT_SCRATCH_BUCKET_PREFIX',
  kmsKeyId: 'BUCKETKIT_KMS_KEY_ID',
} as const;

/** The name prefix of the probe's scratch buckets (`probeCapabilities`' `scratchBucketPrefix` default). */
export const DEFAULT_SCRATCH_BUCKET_PREFIX = 'bucketkit-probe';

/** Props of {@link ProbeFunction}. */
export interface ProbeFunctionProps extends HandlerFunctionOptions {
  /**
   * The bucket the report is about: the function reads its region and settings (versioning, encryption,
   * acceleration, lifecycle) and lists it. It never reads or writes its objects.
   * @default - no bucket: the report covers the endpoint only
   */
  readonly bucket?: s3.IBucket;
  /**
   * Name prefix of the scratch buckets the probes create and delete (`<prefix>-<time>-<random>`, plus `-v` and
   * `-lock` variants). The function may manage only buckets whose names start with `<prefix>-`.
   * @default 'bucketkit-probe'
   */
  readonly scratchBucketPrefix?: string;
  /**
   * A KMS key for the SSE-KMS probe, which writes and reads an object encrypted with it in a scratch bucket.
   * @default - the bucket's key when `bucket` has one; else none, and the SSE-KMS probe uses the AWS managed key
   */
  readonly kmsKey?: kms.IKey;
}

/** Longest base-36 time stamp plus random suffix the probe appends: `-` + 9 + `-` + 6 + `-lock`. */
const SCRATCH_SUFFIX_SAMPLE = `-${'z'.repeat(9)}-${'f'.repeat(6)}-lock`;

/**
 * The bundled probe handler (`dist/lambda/probe/`): the capability report (features, checksum algorithms, storage
 * classes) of the endpoint it runs against, probed in scratch buckets that it creates and deletes.
 *
 * Grants (nothing else): bucket and object actions on buckets named `<scratchBucketPrefix>-*` only (see
 * `PROBE_SCRATCH_BUCKET_ACTIONS` and `PROBE_SCRATCH_OBJECT_ACTIONS`); read-only settings and ListBucket on
 * `bucket`; kms:GenerateDataKey + kms:Decrypt on `kmsKey`. Its s3:RestoreObject applies to scratch objects only.
 */
export class ProbeFunction extends HandlerFunction {
  /** The name prefix of the scratch buckets. */
  public readonly scratchBucketPrefix: string;

  /**
   * @param scope - the parent; the role, log group and dead-letter queue are its children `<id>ServiceRole`,
   *   `<id>LogGroup` and `<id>DeadLetterQueue`
   * @param id - the construct id
   * @param props - the bucket, scratch bucket prefix, key and function options
   * @throws ValidationError (bucketkit's) listing every problem: function options, a scratch prefix that makes
   *   invalid bucket names (S3-BUCKET-NAME-* rules), a missing bundle
   */
  public constructor(scope: Construct, id: string, props: ProbeFunctionProps = {}) {
    const scratchBucketPrefix = props.scratchBucketPrefix ?? DEFAULT_SCRATCH_BUCKET_PREFIX;
    const kmsKey = props.kmsKey ?? props.bucket?.encryptionKey;
    super(scope, id, props, {
      name: 'probe',
      className: 'ProbeFunction',
      defaultTimeout: Duration.minutes(10),
      defaultMemoryMb: 512,
      description: 'bucketkit probe: the capability report of the S3 endpoint, probed in scratch buckets it creates and deletes',
      environment: {
        [PROBE_ENVIRONMENT.scratchBucketPrefix]: scratchBucketPrefix,
        ...(props.bucket ? { [PROBE_ENVIRONMENT.bucket]: props.bucket.bucketName } : {}),
        ...(kmsKey ? { [PROBE_ENVIRONMENT.kmsKeyId]: kmsKey.keyArn } : {}),
      },
      problems: checkScratchBucketPrefix(scratchBucketPrefix),
    });
    this.scratchBucketPrefix = scratchBucketPrefix;
    this.grants.namedBuckets(`${scratchBucketPrefix}-`, PROBE_SCRATCH_BUCKET_ACTIONS, PROBE_SCRATCH_OBJECT_ACTIONS);
    if (props.bucket) this.grants.bucket(props.bucket, undefined, PROBE_BUCKET_ACTIONS);
    this.grants.key(kmsKey, KMS_WRITE_ACTIONS);
  }
}

/** The S3 bucket-name problems of the longest scratch bucket name the prefix makes, said of the prefix. */
function checkScratchBucketPrefix(prefix: string): RuleProblem[] {
  if (Token.isUnresolved(prefix)) return [];
  const sample = `${prefix}${SCRATCH_SUFFIX_SAMPLE}`;
  return checkBucketName(sample).map((p) => ({
    ...p,
    message: `scratchBucketPrefix "${prefix}" makes scratch bucket names such as "${sample}": ${p.message}`,
    value: prefix,
  }));
}
