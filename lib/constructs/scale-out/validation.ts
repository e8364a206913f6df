/** Synth-time checks of the scale-out constructs' properties: every problem collected, Tokens skipped. */
import { Token } from 'aws-cdk-lib';
import { MAX_KEY_LENGTH_BYTES, RuleProblem, ruleProblem } from '../../rules';

/** Distributed Map runs at most this many child workflows at once. https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
export const MAX_DISTRIBUTED_MAP_CONCURRENCY = 10_000;

const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);

/** The properties {@link checkScaleOutProps} reads. */
export interface ScaleOutPropsInput {
  readonly maxConcurrency?: number;
  readonly toleratedFailurePercentage?: number;
  readonly days?: number;
  readonly resultsPrefix?: string;
}

/** Every problem with the concurrency, tolerated failures, restore days and results prefix. */
export function checkBulkRestoreProps(props: ScaleOutPropsInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const c = props.maxConcurrency;
  if (known(c) && (!Number.isInteger(c) || c < 1 || c > MAX_DISTRIBUTED_MAP_CONCURRENCY))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY',
        `maxConcurrency must be a whole number from 1 to ${MAX_DISTRIBUTED_MAP_CONCURRENCY}`,
        c,
        'pick 1 to 10,000 child workflows; keep restores under 1,000 requests per second per account',
      ),
    );
  const t = props.toleratedFailurePercentage;
  if (known(t) && (!Number.isFinite(t) || t < 0 || t > 100))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-TOLERATED-FAILURES',
        'toleratedFailurePercentage must be from 0 to 100',
        t,
        'give a percentage from 0 to 100 (0: any failed key fails the run)',
      ),
    );
  const d = props.days;
  if (known(d) && (!Number.isInteger(d) || d < 1))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-RESTORE-DAYS',
        'days must be a whole number of days, 1 or more',
        d,
        'give the days the restored copy stays, e.g. 1 or 7',
      ),
    );
  const p = props.resultsPrefix;
  if (p !== undefined && !Token.isUnresolved(p) && (Buffer.byteLength(p, 'utf8') > MAX_KEY_LENGTH_BYTES - 100 || p.startsWith('/')))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-RESULTS-PREFIX',
        'resultsPrefix must be a key prefix of at most 924 bytes, not starting with "/"',
        p,
        'use a prefix such as "restores/results/"',
      ),
    );
  return problems;
}

/** Parts one transfer handler invocation copies at once at most (the handler's own bound). */
export const MAX_PART_COPY_CONCURRENCY = 32;

/** The properties {@link checkLargeObjectCopyProps} reads. */
export interface LargeObjectCopyPropsInput {
  readonly maxConcurrency?: number;
  readonly partsPerBatch?: number;
  readonly partConcurrency?: number;
}

/** Every problem with the concurrency, parts per batch and part concurrency of a LargeObjectCopy. */
export function checkLargeObjectCopyProps(props: LargeObjectCopyPropsInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const bad = (n: number | undefined, max: number): boolean => known(n) && (!Number.isInteger(n) || n < 1 || n > max);
  if (bad(props.maxConcurrency, MAX_DISTRIBUTED_MAP_CONCURRENCY))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY',
        `maxConcurrency must be a whole number from 1 to ${MAX_DISTRIBUTED_MAP_CONCURRENCY}`,
        props.maxConcurrency,
        'pick 1 to 10,000 child workflows (each runs one transfer handler invocation at a time)',
      ),
    );
  if (bad(props.partsPerBatch, 10_000))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-PARTS-PER-BATCH',
        'partsPerBatch must be a whole number from 1 to 10,000 (S3 allows 10,000 parts)',
        props.partsPerBatch,
        'give the parts one invocation copies, e.g. 10; keep a batch well inside the function timeout',
      ),
    );
  if (bad(props.partConcurrency, MAX_PART_COPY_CONCURRENCY))
    problems.push(
      ruleProblem(
        'BUCKETKIT-SCALE-OUT-PART-CONCURRENCY',
        `partConcurrency must be a whole number from 1 to ${MAX_PART_COPY_CONCURRENCY}`,
        props.partConcurrency,
        'give the UploadPartCopy requests one invocation runs at once, e.g. 4',
      ),
    );
  return problems;
}
