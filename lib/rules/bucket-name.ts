import { RuleId } from './catalog';
import { RuleProblem, ruleProblem } from './problem';

/** Options for {@link checkBucketName}. */
export interface BucketNameCheckOptions {
  /** Also apply Transfer Acceleration's rule: no dots. @default false */
  readonly transferAcceleration?: boolean;
}

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * General purpose bucket naming rules (ids `S3-BUCKET-NAME-*`, and `S3-ACCELERATE-BUCKET-NAME-DOTS` with `transferAcceleration`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * Acceleration's no-dots rule: https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 *
 * @returns every problem found, empty when the name is valid.
 */
export function checkBucketName(name: string, options: BucketNameCheckOptions = {}): RuleProblem[] {
  options = options ?? {};
  const problems: RuleProblem[] = [];
  const add = (ruleId: RuleId, message: string, fix: string) => problems.push(ruleProblem(ruleId, message, name, fix));
  if (typeof name !== 'string') {
    add('S3-BUCKET-NAME-TYPE', 'Bucket name must be a string', 'pass the bucket name as a string');
    return problems;
  }
  if (name.length < 3 || name.length > 63) {
    add('S3-BUCKET-NAME-LENGTH', `Bucket name must be 3 to 63 characters long, not ${name.length}`, 'use a name of 3 to 63 characters');
  }
  if (/[^a-z0-9.-]/.test(name)) {
    add(
      'S3-BUCKET-NAME-CHARS',
      'Bucket name may contain only lowercase letters, numbers, dots (.) and hyphens (-)',
      'use lowercase letters, numbers, dots and hyphens only',
    );
  }
  if (name.length > 0 && (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))) {
    add('S3-BUCKET-NAME-EDGES', 'Bucket name must begin and end with a letter or number', 'start and end the name with a lowercase letter or a number');
  }
  if (name.includes('..')) {
    add('S3-BUCKET-NAME-ADJACENT-DOTS', 'Bucket name must not contain two adjacent periods', 'remove the repeated period');
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    add('S3-BUCKET-NAME-IP', 'Bucket name must not be formatted as an IP address', 'use a name that is not an IPv4 address');
  }
  for (const prefix of RESERVED_PREFIXES) {
    if (name.startsWith(prefix))
      add('S3-BUCKET-NAME-RESERVED-PREFIX', `Bucket name must not start with the reserved prefix "${prefix}"`, `remove the "${prefix}" prefix`);
  }
  for (const suffix of RESERVED_SUFFIXES) {
    if (name.endsWith(suffix))
      add('S3-BUCKET-NAME-RESERVED-SUFFIX', `Bucket name must not end with the reserved suffix "${suffix}"`, `remove the "${suffix}" suffix`);
  }
  if (options.transferAcceleration && name.includes('.')) {
    add(
      'S3-ACCELERATE-BUCKET-NAME-DOTS',
      'Transfer Acceleration requires a DNS-compliant bucket name without dots',
      'rename the bucket without periods, or turn Transfer Acceleration off',
    );
  }
  return problems;
}
