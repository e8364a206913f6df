import { RuleProblem } from './problem';
import {
  DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES,
  INFREQUENT_ACCESS_CLASSES,
  ARCHIVE_CLASSES,
  MIN_DAYS_AFTER_INFREQUENT_ACCESS,
  MIN_DAYS_BEFORE_INFREQUENT_ACCESS,
  MIN_STORAGE_DURATION_DAYS,
  isStorageClass,
  isTransitionAllowed,
} from './storage-classes';

// Sources for every rule in this file:
// - Transition waterfall and constraints:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
// - Lifecycle elements (Days vs Date, Expiration, NoncurrentVersion*, ObjectSize filters):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
// - Transition.Days (STANDARD_IA/ONEZONE_IA need at least 30 days):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html
// - NoncurrentVersionTransition.NoncurrentDays:
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionTransition.html
// - Minimum storage duration charges:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare

/** A transition of current versions, by days after creation or on a date. */
export interface LifecycleTransitionInput {
  readonly storageClass: string;
  /** Days after creation. Undefined when unknown (for example an unresolved CDK token). */
  readonly days?: number;
  /** ISO 8601 date (midnight UTC). */
  readonly date?: string;
}

/** A transition of noncurrent versions. */
export interface NoncurrentTransitionInput {
  readonly storageClass: string;
  /** Days after the version became noncurrent. */
  readonly noncurrentDays?: number;
}

/** One lifecycle rule, independent of the CDK and the SDK. Every field may be absent. */
export interface LifecycleRuleInput {
  readonly id?: string;
  /** @default true */
  readonly enabled?: boolean;
  readonly prefix?: string;
  readonly transitions?: readonly LifecycleTransitionInput[];
  readonly expirationDays?: number;
  readonly expirationDate?: string;
  readonly noncurrentVersionTransitions?: readonly NoncurrentTransitionInput[];
  readonly noncurrentVersionExpirationDays?: number;
  /** Bytes. */
  readonly objectSizeGreaterThan?: number;
  /** Bytes. */
  readonly objectSizeLessThan?: number;
}

/** A bucket's lifecycle configuration. */
export interface LifecycleConfigurationInput {
  readonly rules: readonly LifecycleRuleInput[];
  /**
   * `all_storage_classes_128K` (the default since September 2024) or `varies_by_storage_class`.
   * @default 'all_storage_classes_128K'
   */
  readonly transitionDefaultMinimumObjectSize?: string;
}

/** Options for {@link checkLifecycleRule}. */
export interface LifecycleRuleCheckOptions {
  /** The bucket's TransitionDefaultMinimumObjectSize. @default 'all_storage_classes_128K' */
  readonly transitionDefaultMinimumObjectSize?: string;
  /** How the rule is named in messages. @default the rule id, or 'lifecycle rule' */
  readonly label?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** A point in time on one axis: days after creation (or noncurrent), or a date as days since the epoch. */
interface Step {
  readonly storageClass: string;
  readonly at: number;
  readonly shown: string;
}

/**
 * Checks one lifecycle rule against S3's rules and returns every problem found (errors and warnings).
 */
export function checkLifecycleRule(rule: LifecycleRuleInput, options: LifecycleRuleCheckOptions = {}): RuleProblem[] {
  const label = options.label ?? (rule.id ? `lifecycle rule "${rule.id}"` : 'lifecycle rule');
  const problems: RuleProblem[] = [];
  const error = (ruleId: string, message: string, value: unknown, fix: string) =>
    problems.push({ ruleId, message: `${label}: ${message}`, value, fix, severity: 'error' });
  const warning = (ruleId: string, message: string, value: unknown, fix: string) =>
    problems.push({ ruleId, message: `${label}: ${message}`, value, fix, severity: 'warning' });

  const transitions = rule.transitions ?? [];
  const noncurrent = rule.noncurrentVersionTransitions ?? [];

  // Storage classes: known names, never back to STANDARD or REDUCED_REDUNDANCY.
  for (const t of [...transitions, ...noncurrent]) {
    if (!isStr(t.storageClass)) continue;
    if (!isStorageClass(t.storageClass)) {
      error('S3-LIFECYCLE-STORAGE-CLASS', `"${t.storageClass}" is not an S3 storage class`, t.storageClass, 'use STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE');
    } else if (t.storageClass === 'STANDARD' || t.storageClass === 'REDUCED_REDUNDANCY') {
      error('S3-LIFECYCLE-TRANSITION-TARGET', `objects cannot transition to ${t.storageClass}`, t.storageClass, 'remove the transition; lifecycle rules only move objects to colder classes');
    }
  }

  // Date and Days must not be mixed within a rule.
  const usesDays = transitions.some((t) => t.days !== undefined) || rule.expirationDays !== undefined;
  const usesDate = transitions.some((t) => t.date !== undefined) || rule.expirationDate !== undefined;
  if (usesDays && usesDate) {
    error('S3-LIFECYCLE-DATE-DAYS-MIX', 'mixes Date and Days in its transitions and expiration', { days: true, date: true }, 'use either Days everywhere or Date everywhere in one rule');
  }

  // Minimum days before IA, current and noncurrent.
  for (const t of transitions) {
    if (INFREQUENT_ACCESS_CLASSES.includes(t.storageClass) && isNum(t.days) && t.days < MIN_DAYS_BEFORE_INFREQUENT_ACCESS) {
      error('S3-LIFECYCLE-IA-MIN-DAYS', `transition to ${t.storageClass} after ${t.days} days; S3 requires at least ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS}`, t.days, `transition to ${t.storageClass} after ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS} days or more`);
    }
  }
  for (const t of noncurrent) {
    if (INFREQUENT_ACCESS_CLASSES.includes(t.storageClass) && isNum(t.noncurrentDays) && t.noncurrentDays < MIN_DAYS_BEFORE_INFREQUENT_ACCESS) {
      error('S3-LIFECYCLE-NONCURRENT-IA-MIN-DAYS', `noncurrent versions transition to ${t.storageClass} after ${t.noncurrentDays} days; S3 requires at least ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS}`, t.noncurrentDays, `set noncurrentDays to ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS} or more`);
    }
  }

  // The waterfall, gaps and storage durations, on each axis.
  const current: Step[] = transitions.flatMap((t) => {
    if (isNum(t.days)) return [{ storageClass: t.storageClass, at: t.days, shown: `${t.days} days` }];
    if (isStr(t.date) && !Number.isNaN(Date.parse(t.date))) return [{ storageClass: t.storageClass, at: Date.parse(t.date) / DAY_MS, shown: t.date }];
    return [];
  });
  const currentEnd = isNum(rule.expirationDays)
    ? { at: rule.expirationDays, shown: `${rule.expirationDays} days` }
    : isStr(rule.expirationDate) && !Number.isNaN(Date.parse(rule.expirationDate))
      ? { at: Date.parse(rule.expirationDate) / DAY_MS, shown: rule.expirationDate }
      : undefined;
  // With Date and Days mixed there is no common axis to compare on: the mix is the one problem to report.
  if (!(usesDays && usesDate)) checkAxis(current, currentEnd, '', problems, label);
  const previous: Step[] = noncurrent.flatMap((t) =>
    isNum(t.noncurrentDays) ? [{ storageClass: t.storageClass, at: t.noncurrentDays, shown: `${t.noncurrentDays} noncurrent days` }] : [],
  );
  const noncurrentEnd = isNum(rule.noncurrentVersionExpirationDays)
    ? { at: rule.noncurrentVersionExpirationDays, shown: `${rule.noncurrentVersionExpirationDays} noncurrent days` }
    : undefined;
  checkAxis(previous, noncurrentEnd, 'NONCURRENT-', problems, label);

  // Object size filters.
  const gt = rule.objectSizeGreaterThan;
  const lt = rule.objectSizeLessThan;
  if (isNum(gt) && isNum(lt) && lt <= gt) {
    error('S3-LIFECYCLE-OBJECT-SIZE-RANGE', `ObjectSizeLessThan (${lt}) must be greater than ObjectSizeGreaterThan (${gt})`, { objectSizeGreaterThan: gt, objectSizeLessThan: lt }, 'make objectSizeLessThan larger than objectSizeGreaterThan, or drop one of them');
  }
  const defaultMinimum = (options.transitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K') !== 'varies_by_storage_class';
  if (defaultMinimum && (current.length > 0 || previous.length > 0) && gt === undefined && isNum(lt) && lt <= DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES) {
    warning('S3-LIFECYCLE-OBJECT-SIZE-DEFAULT-MINIMUM', `only matches objects under ${lt} bytes, and by default (all_storage_classes_128K) S3 does not transition objects smaller than 128 KiB, so this rule transitions nothing`, lt, 'set objectSizeGreaterThan explicitly, or transitionDefaultMinimumObjectSize VARIES_BY_STORAGE_CLASS');
  }
  return problems;
}

/** Waterfall order, the 30-day gaps after IA, expiration after transitions, and minimum-storage-duration warnings. */
function checkAxis(steps: readonly Step[], end: { at: number; shown: string } | undefined, kind: '' | 'NONCURRENT-', problems: RuleProblem[], label: string): void {
  const noun = kind ? 'noncurrent versions' : 'objects';
  const add = (severity: 'error' | 'warning', ruleId: string, message: string, value: unknown, fix: string) =>
    problems.push({ ruleId: `S3-LIFECYCLE-${kind}${ruleId}`, message: `${label}: ${message}`, value, fix, severity });
  const sorted = [...steps].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    const from = sorted[i - 1];
    const to = sorted[i];
    if (!isStorageClass(from.storageClass) || !isStorageClass(to.storageClass)) continue;
    const tie = from.at === to.at && isTransitionAllowed(to.storageClass, from.storageClass);
    if (!isTransitionAllowed(from.storageClass, to.storageClass) && !tie) {
      add('error', 'TRANSITION-ORDER', `${noun} cannot transition from ${from.storageClass} (at ${from.shown}) to ${to.storageClass} (at ${to.shown})`, `${from.storageClass} -> ${to.storageClass}`, `reorder the transitions to follow the waterfall (STANDARD -> STANDARD_IA -> INTELLIGENT_TIERING -> ONEZONE_IA -> GLACIER_IR -> GLACIER -> DEEP_ARCHIVE), or remove the ${to.storageClass} transition`);
      continue;
    }
    const gap = to.at - from.at;
    const needsGap = INFREQUENT_ACCESS_CLASSES.includes(from.storageClass) && (ARCHIVE_CLASSES.includes(to.storageClass) || (from.storageClass === 'STANDARD_IA' && to.storageClass === 'ONEZONE_IA'));
    if (needsGap && gap < MIN_DAYS_AFTER_INFREQUENT_ACCESS) {
      add('error', 'IA-GAP', `${noun} move to ${to.storageClass} ${gap} days after ${from.storageClass}; S3 requires at least ${MIN_DAYS_AFTER_INFREQUENT_ACCESS} days in between`, { from: `${from.storageClass}@${from.shown}`, to: `${to.storageClass}@${to.shown}` }, `move the ${to.storageClass} transition to ${from.at + MIN_DAYS_AFTER_INFREQUENT_ACCESS} days or later`);
      continue;
    }
    const minimum = MIN_STORAGE_DURATION_DAYS[from.storageClass];
    if (minimum !== undefined && gap < minimum) {
      add('warning', 'MIN-STORAGE-DURATION', `${noun} leave ${from.storageClass} after ${gap} days, but ${from.storageClass} bills at least ${minimum} days`, { storageClass: from.storageClass, days: gap }, `keep ${noun} in ${from.storageClass} for ${minimum} days or more, or accept the early-transition charge`);
    }
  }
  if (end === undefined) return;
  const last = sorted.at(-1);
  if (last === undefined) return;
  if (end.at <= last.at) {
    add('error', 'EXPIRATION-ORDER', `${kind ? 'NoncurrentVersionExpiration' : 'expiration'} at ${end.shown} is not later than the ${last.storageClass} transition at ${last.shown}`, { expiration: end.shown, transition: last.shown }, `expire after ${last.shown}, or remove the transitions that come after the expiration`);
    return;
  }
  const minimum = MIN_STORAGE_DURATION_DAYS[last.storageClass];
  if (minimum !== undefined && end.at - last.at < minimum) {
    add('warning', 'MIN-STORAGE-DURATION', `${noun} expire ${end.at - last.at} days after moving to ${last.storageClass}, but ${last.storageClass} bills at least ${minimum} days`, { storageClass: last.storageClass, days: end.at - last.at }, `expire ${minimum} days or more after the ${last.storageClass} transition, or accept the early-deletion charge`);
  }
}

/**
 * Checks every enabled and disabled rule of a lifecycle configuration. S3 validates disabled rules too.
 */
export function checkLifecycleConfiguration(config: LifecycleConfigurationInput): RuleProblem[] {
  return config.rules.flatMap((rule, index) =>
    checkLifecycleRule(rule, {
      transitionDefaultMinimumObjectSize: config.transitionDefaultMinimumObjectSize,
      label: rule.id ? `lifecycle rule "${rule.id}"` : `lifecycle rule #${index + 1}`,
    }),
  );
}
