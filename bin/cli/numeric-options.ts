/**
 * Every numeric option of the CLI, with its allowed range in one table, and the one parser they all go through: a
 * value out of range (or not a whole number) is a {@link UsageError} that names the option and states the range,
 * e.g. `--part-size-mib: must be a whole number of MiB from 5 to 5120 (S3's part size limits, 5 MiB to 5 GiB)`.
 */
import { MAX_PART_SIZE_BYTES, MAX_SINGLE_PUT_SIZE_BYTES, MIB, MIN_PART_SIZE_BYTES } from '../../lib/rules';
import { UsageError } from './exit-codes';

/** The allowed range of a numeric option (both ends included), its unit and where the limits come from. */
export interface NumericRange {
  /** The smallest value allowed. */
  readonly min: number;
  /** The largest value allowed. */
  readonly max: number;
  /** The unit, as in "a whole number of MiB". @default - none */
  readonly unit?: string;
  /** Why the range is what it is, printed after it. @default - none */
  readonly why?: string;
}

/** The largest whole number a double holds exactly: the bound of options that have no other. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** The ranges of the numeric options, each used by every command that has the option. */
export const RANGES = {
  /** cp `--part-size-mib`: S3's part size limits (lib/rules). https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
  partSizeMib: {
    min: MIN_PART_SIZE_BYTES / MIB,
    max: MAX_PART_SIZE_BYTES / MIB,
    unit: 'MiB',
    why: "S3's part size limits, 5 MiB to 5 GiB",
  },
  /** cp `--concurrency`: parts (or ranges) in flight; S3Storage's own bound on `concurrency`. */
  cpConcurrency: { min: 1, max: 1024, why: "S3Storage's concurrency limit" },
  /** cp `--multipart-threshold-mib`: 0 sends every non-empty file in parts; above 5 GiB, S3's single-PUT limit, a file always goes in parts. */
  multipartThresholdMib: { min: 0, max: MAX_SINGLE_PUT_SIZE_BYTES / MIB, unit: 'MiB', why: "S3's single PutObject limit, 5 GiB" },
  /** `--wait-timeout-minutes` of cp and restore with `--batch --wait` or `--engine step-functions`: at most a year. */
  waitTimeoutMinutes: { min: 1, max: 525_600, unit: 'minutes', why: 'a year at most' },
  /** `--poll-interval-ms`, the hidden polling interval of `--wait` and `--engine step-functions`: at most an hour. */
  pollIntervalMs: { min: 1, max: 3_600_000, unit: 'ms', why: 'an hour at most' },
  /** `--priority` of `--batch`: CreateJob's Priority (a non-negative 32-bit integer). */
  batchPriority: { min: 0, max: 2_147_483_647, why: "S3 Batch Operations' job priority" },
  /** restore `--days`: RestoreObject's `Days` (a positive 32-bit integer). */
  restoreDays: { min: 1, max: 2_147_483_647, unit: 'days', why: "RestoreObject's Days" },
  /** restore `--concurrency`: RestoreObject requests in flight; `restoreMany`'s bound. */
  restoreConcurrency: { min: 1, max: 1000, why: "restoreMany's concurrency limit" },
  /** cost `--count`: objects written on day 0. */
  costCount: { min: 1, max: UNBOUNDED },
  /** cost `--months`: the estimate has a row per month and walks every day; a century is the CLI's bound. */
  costMonths: { min: 1, max: 1200, unit: 'months', why: '100 years at most' },
  /** invoke `--max-invocations`: invocations followed before stopping. */
  maxInvocations: { min: 1, max: UNBOUNDED },
  /** probe `--timeout-ms`: time for each probe; the library's `probeTimeoutMs` bound (10 minutes). */
  probeTimeoutMs: { min: 1, max: 600_000, unit: 'ms', why: '10 minutes at most' },
} as const satisfies Record<string, NumericRange>;

/** The text of a range, e.g. `a whole number of MiB from 5 to 5120 (S3's part size limits, 5 MiB to 5 GiB)`. */
export function describeRange(range: NumericRange): string {
  return `a whole number${range.unit ? ` of ${range.unit}` : ''} from ${range.min} to ${range.max}${range.why ? ` (${range.why})` : ''}`;
}

/**
 * Parses a whole-number option within `range`; undefined stays undefined (the option was not given).
 * @param option - the option as the user typed it, e.g. `--concurrency`
 * @throws UsageError naming the option and its range for anything else: not digits, below `min` or above `max`
 */
export function wholeNumberOption(value: string | undefined, option: string, range: NumericRange): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < range.min || n > range.max)
    throw new UsageError(`${option}: must be ${describeRange(range)} (got ${JSON.stringify(value)})`);
  return n;
}
