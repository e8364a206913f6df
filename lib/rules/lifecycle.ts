import { RuleProblem, ruleProblem } from './problem';
import { checkLifecycleRuleShape } from './lifecycle-shape';
import type { LifecycleConfigurationInput, LifecycleRuleCheckOptions, LifecycleRuleInput } from './lifecycle-types';

export type {
  LifecycleTransitionInput,
  NoncurrentTransitionInput,
  LifecycleTagFilterInput,
  LifecycleRuleFilterInput,
  LifecycleRuleInput,
  LifecycleConfigurationInput,
  LifecycleRuleCheckOptions,
} from './lifecycle-types';
import { CURRENT_AXIS, NONCURRENT_AXIS, Step, checkAxis } from './lifecycle-waterfall';
import {
  DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES,
  INFREQUENT_ACCESS_CLASSES,
  MIN_DAYS_BEFORE_INFREQUENT_ACCESS,
  isKnownStorageClass,
  isStorageClass,
  storageClassInfo,
} from './storage-classes';

// Sources for every rule in this file and in lifecycle-shape.ts / lifecycle-waterfall.ts:
// - Lifecycle elements (ID, Filter, Days vs Date, Expiration, NoncurrentVersion*, AbortIncompleteMultipartUpload):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
// - Filters (tags, object size, And; actions a filtered rule cannot take):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html
// - API shapes: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html and the
//   LifecycleConfiguration, LifecycleRule, LifecycleRuleFilter, LifecycleExpiration, Transition,
//   NoncurrentVersionTransition, NoncurrentVersionExpiration and AbortIncompleteMultipartUpload data types.
// - Transition waterfall and constraints:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html

/**
 * At most this many rules in one lifecycle configuration (rules, 1,000; not adjustable).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleConfiguration.html
 */
export const MAX_LIFECYCLE_RULES = 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const list = <T>(v: readonly T[] | undefined): readonly T[] => (Array.isArray(v) ? v : []);
const validDate = (v: unknown): v is string => isStr(v) && !Number.isNaN(Date.parse(v));

/**
 * Checks one lifecycle rule against S3's rules (ids `S3-LIFECYCLE-*`) and returns every problem found, errors and
 * warnings. Fields that are undefined (unknown at synth) are skipped.
 */
export function checkLifecycleRule(rule: LifecycleRuleInput, options: LifecycleRuleCheckOptions = {}): RuleProblem[] {
  rule = typeof rule === 'object' && rule !== null ? rule : {};
  options = options ?? {};
  const label = options.label ?? (rule.id ? `lifecycle rule "${rule.id}"` : 'lifecycle rule');
  const problems: RuleProblem[] = checkLifecycleRuleShape(rule, label);
  const add = (problem: RuleProblem) => problems.push({ ...problem, message: `${label}: ${problem.message}` });

  const transitions = list(rule.transitions).filter((t) => typeof t === 'object' && t !== null);
  const noncurrent = list(rule.noncurrentVersionTransitions).filter((t) => typeof t === 'object' && t !== null);

  // Storage classes: known names, and only the lifecycle targets.
  for (const t of [...transitions, ...noncurrent]) {
    if (!isStr(t.storageClass)) continue;
    if (!isKnownStorageClass(t.storageClass)) {
      add(
        ruleProblem(
          'S3-LIFECYCLE-STORAGE-CLASS',
          `"${t.storageClass}" is not an S3 storage class`,
          t.storageClass,
          'use STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE',
        ),
      );
    } else if (!storageClassInfo(t.storageClass)?.lifecycleTarget) {
      add(
        ruleProblem(
          'S3-LIFECYCLE-TRANSITION-TARGET',
          `objects cannot transition to ${t.storageClass}`,
          t.storageClass,
          'remove the transition; lifecycle rules only move objects to STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE',
        ),
      );
    }
  }

  // Date and Days must not be mixed within a rule.
  const usesDays = transitions.some((t) => t.days !== undefined) || rule.expirationDays !== undefined;
  const usesDate = transitions.some((t) => t.date !== undefined) || rule.expirationDate !== undefined;
  if (usesDays && usesDate) {
    add(
      ruleProblem(
        'S3-LIFECYCLE-DATE-DAYS-MIX',
        'mixes Date and Days in its transitions and expiration',
        { days: true, date: true },
        'use either Days everywhere or Date everywhere in one rule',
      ),
    );
  }

  // Minimum days before IA, current and noncurrent.
  for (const t of transitions) {
    if (INFREQUENT_ACCESS_CLASSES.includes(t.storageClass) && isNum(t.days) && t.days < MIN_DAYS_BEFORE_INFREQUENT_ACCESS) {
      add(
        ruleProblem(
          'S3-LIFECYCLE-IA-MIN-DAYS',
          `transition to ${t.storageClass} after ${t.days} days; S3 requires at least ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS}`,
          t.days,
          `transition to ${t.storageClass} after ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS} days or more`,
        ),
      );
    }
  }
  for (const t of noncurrent) {
    if (INFREQUENT_ACCESS_CLASSES.includes(t.storageClass) && isNum(t.noncurrentDays) && t.noncurrentDays < MIN_DAYS_BEFORE_INFREQUENT_ACCESS) {
      add(
        ruleProblem(
          'S3-LIFECYCLE-NONCURRENT-IA-MIN-DAYS',
          `noncurrent versions transition to ${t.storageClass} after ${t.noncurrentDays} days; S3 requires at least ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS}`,
          t.noncurrentDays,
          `set noncurrentDays to ${MIN_DAYS_BEFORE_INFREQUENT_ACCESS} or more`,
        ),
      );
    }
  }

  // The waterfall, gaps and storage durations, on each axis.
  const current: Step[] = transitions.flatMap((t) => {
    if (isNum(t.days)) return [{ storageClass: t.storageClass, at: t.days, shown: `${t.days} days` }];
    if (validDate(t.date)) return [{ storageClass: t.storageClass, at: Date.parse(t.date) / DAY_MS, shown: t.date }];
    return [];
  });
  const currentEnd = isNum(rule.expirationDays)
    ? { at: rule.expirationDays, shown: `${rule.expirationDays} days` }
    : validDate(rule.expirationDate)
      ? { at: Date.parse(rule.expirationDate) / DAY_MS, shown: rule.expirationDate }
      : undefined;
  // With Date and Days mixed there is no common axis to compare on: the mix is the one problem to report.
  if (!(usesDays && usesDate)) problems.push(...checkAxis(current, currentEnd, CURRENT_AXIS, label));
  const previous: Step[] = noncurrent.flatMap((t) =>
    isNum(t.noncurrentDays) ? [{ storageClass: t.storageClass, at: t.noncurrentDays, shown: `${t.noncurrentDays} noncurrent days` }] : [],
  );
  const noncurrentEnd = isNum(rule.noncurrentVersionExpirationDays)
    ? { at: rule.noncurrentVersionExpirationDays, shown: `${rule.noncurrentVersionExpirationDays} noncurrent days` }
    : undefined;
  problems.push(...checkAxis(previous, noncurrentEnd, NONCURRENT_AXIS, label));

  // Object size filters.
  const gt = rule.objectSizeGreaterThan ?? rule.filter?.objectSizeGreaterThan ?? rule.filter?.and?.objectSizeGreaterThan;
  const lt = rule.objectSizeLessThan ?? rule.filter?.objectSizeLessThan ?? rule.filter?.and?.objectSizeLessThan;
  if (isNum(gt) && isNum(lt) && lt <= gt) {
    add(
      ruleProblem(
        'S3-LIFECYCLE-OBJECT-SIZE-RANGE',
        `ObjectSizeLessThan (${lt}) must be greater than ObjectSizeGreaterThan (${gt})`,
        { objectSizeGreaterThan: gt, objectSizeLessThan: lt },
        'make objectSizeLessThan larger than objectSizeGreaterThan, or drop one of them',
      ),
    );
  }
  const defaultMinimum = (options.transitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K') !== 'varies_by_storage_class';
  const transitionsSomething = current.some((s) => isStorageClass(s.storageClass)) || previous.some((s) => isStorageClass(s.storageClass));
  if (defaultMinimum && transitionsSomething && gt === undefined && isNum(lt) && lt <= DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES) {
    add(
      ruleProblem(
        'S3-LIFECYCLE-OBJECT-SIZE-DEFAULT-MINIMUM',
        `only matches objects under ${lt} bytes, and by default (all_storage_classes_128K) S3 does not transition objects smaller than 128 KiB, so this rule transitions nothing`,
        lt,
        'set objectSizeGreaterThan explicitly, or transitionDefaultMinimumObjectSize VARIES_BY_STORAGE_CLASS',
      ),
    );
  }
  return problems;
}

/**
 * Checks a lifecycle configuration: at most 1,000 rules, unique rule ids, then every rule, enabled or disabled
 * (S3 validates disabled rules too). Rules without id are named by position (`lifecycle rule #2`).
 */
export function checkLifecycleConfiguration(config: LifecycleConfigurationInput): RuleProblem[] {
  const rules = list(config?.rules);
  const problems: RuleProblem[] = [];
  if (rules.length > MAX_LIFECYCLE_RULES) {
    problems.push(
      ruleProblem(
        'S3-LIFECYCLE-RULE-COUNT',
        `lifecycle configuration has ${rules.length} rules; S3 allows at most ${MAX_LIFECYCLE_RULES}`,
        rules.length,
        'merge rules that share a filter, or move rules to another bucket',
      ),
    );
  }
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const rule of rules) {
    const id = rule?.id;
    if (!isStr(id)) continue;
    if (seen.has(id) && !reported.has(id)) {
      reported.add(id);
      problems.push(ruleProblem('S3-LIFECYCLE-RULE-ID-DUPLICATE', `lifecycle rule id "${id}" is used by more than one rule`, id, 'give every rule its own id'));
    }
    seen.add(id);
  }
  rules.forEach((rule, index) => {
    const label = rule?.id ? `lifecycle rule "${rule.id}"` : `lifecycle rule #${index + 1}`;
    problems.push(...checkLifecycleRule(rule, { transitionDefaultMinimumObjectSize: config.transitionDefaultMinimumObjectSize, label }));
  });
  return problems;
}
