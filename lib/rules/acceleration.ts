import { checkBucketName } from './bucket-name';
import { RuleProblem, ruleProblem } from './problem';

/**
 * Partitions and regions where Transfer Acceleration is not offered: the China regions, AWS GovCloud (US)
 * and the isolated partitions. Region names are matched by prefix.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 * https://docs.amazonaws.cn/en_us/aws/latest/userguide/s3.html (China: "Transfer Acceleration is not supported")
 * https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-s3.html
 */
export const TRANSFER_ACCELERATION_UNSUPPORTED_REGION_PREFIXES: readonly string[] = ['cn-', 'us-gov-', 'us-iso', 'eu-isoe-'];

/** Options for {@link checkTransferAcceleration}. */
export interface TransferAccelerationCheckInput {
  /** The bucket name, when it is known. */
  readonly bucketName?: string;
  /** The bucket's region, when it is known. */
  readonly region?: string;
}

/**
 * Transfer Acceleration rules: a DNS-compliant bucket name without dots (requests go to
 * `<bucket>.s3-accelerate.amazonaws.com`), and a region that offers it (a warning, because the list changes).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 */
export function checkTransferAcceleration(input: TransferAccelerationCheckInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (typeof input !== 'object' || input === null) return problems;
  if (typeof input.bucketName === 'string') {
    problems.push(...checkBucketName(input.bucketName, { transferAcceleration: true }).filter((p) => p.ruleId === 'S3-ACCELERATE-BUCKET-NAME-DOTS'));
  }
  const region = input.region;
  if (typeof region === 'string' && TRANSFER_ACCELERATION_UNSUPPORTED_REGION_PREFIXES.some((prefix) => region.startsWith(prefix))) {
    problems.push(
      ruleProblem(
        'S3-ACCELERATE-REGION',
        `Transfer Acceleration is not available in ${region}`,
        region,
        'turn transferAcceleration off for this region, or deploy the bucket in a commercial AWS region',
      ),
    );
  }
  return problems;
}
