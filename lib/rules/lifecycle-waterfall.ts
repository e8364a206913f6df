import { RuleId } from './catalog';
import { RuleProblem, ruleProblem } from './problem';
import {
  ARCHIVE_CLASSES,
  INFREQUENT_ACCESS_CLASSES,
  MIN_DAYS_AFTER_INFREQUENT_ACCESS,
  MIN_STORAGE_DURATION_DAYS,
  isStorageClass,
  isTransitionAllowed,
} from './storage-classes';

// The waterfall, the 30-day gaps after IA, expiration after transitions, and minimum-storage-duration warnings.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare

/** A point in time on one axis: days after creation (or noncurrent), or a date as days since the epoch. */
export interface Step {
  readonly storageClass: string;
  readonly at: number;
  readonly shown: string;
}

/** The ids of one axis: current versions or noncurrent versions. */
interface AxisIds {
  readonly noun: string;
  readonly end: string;
  readonly order: RuleId;
  readonly gap: RuleId;
  readonly duration: RuleId;
  readonly expiration: RuleId;
}

/** Current versions (`Transition`, `Expiration`). */
export const CURRENT_AXIS: AxisIds = {
  noun: 'objects',
  end: 'expiration',
  order: 'S3-LIFECYCLE-TRANSITION-ORDER',
  gap: 'S3-LIFECYCLE-IA-GAP',
  duration: 'S3-LIFECYCLE-MIN-STORAGE-DURATION',
  expiration: 'S3-LIFECYCLE-EXPIRATION-ORDER',
};

/** Noncurrent versions (`NoncurrentVersionTransition`, `NoncurrentVersionExpiration`). */
export const NONCURRENT_AXIS: AxisIds = {
  noun: 'noncurrent versions',
  end: 'NoncurrentVersionExpiration',
  order: 'S3-LIFECYCLE-NONCURRENT-TRANSITION-ORDER',
  gap: 'S3-LIFECYCLE-NONCURRENT-IA-GAP',
  duration: 'S3-LIFECYCLE-NONCURRENT-MIN-STORAGE-DURATION',
  expiration: 'S3-LIFECYCLE-NONCURRENT-EXPIRATION-ORDER',
};

/** Checks the steps of one axis, in time order, and the expiration that ends it. */
export function checkAxis(steps: readonly Step[], end: { at: number; shown: string } | undefined, ids: AxisIds, label: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const add = (ruleId: RuleId, message: string, value: unknown, fix: string) => problems.push(ruleProblem(ruleId, `${label}: ${message}`, value, fix));
  const noun = ids.noun;
  const sorted = [...steps].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    const from = sorted[i - 1];
    const to = sorted[i];
    if (!isStorageClass(from.storageClass) || !isStorageClass(to.storageClass)) continue;
    const tie = from.at === to.at && isTransitionAllowed(to.storageClass, from.storageClass);
    if (!isTransitionAllowed(from.storageClass, to.storageClass) && !tie) {
      add(
        ids.order,
        `${noun} cannot transition from ${from.storageClass} (at ${from.shown}) to ${to.storageClass} (at ${to.shown})`,
        `${from.storageClass} -> ${to.storageClass}`,
        `reorder the transitions to follow the waterfall (STANDARD -> STANDARD_IA -> INTELLIGENT_TIERING -> ONEZONE_IA -> GLACIER_IR -> GLACIER -> DEEP_ARCHIVE), or remove the ${to.storageClass} transition`,
      );
      continue;
    }
    const gap = to.at - from.at;
    const needsGap =
      INFREQUENT_ACCESS_CLASSES.includes(from.storageClass) &&
      ((ARCHIVE_CLASSES as readonly string[]).includes(to.storageClass) || (from.storageClass === 'STANDARD_IA' && to.storageClass === 'ONEZONE_IA'));
    if (needsGap && gap < MIN_DAYS_AFTER_INFREQUENT_ACCESS) {
      add(
        ids.gap,
        `${noun} move to ${to.storageClass} ${gap} days after ${from.storageClass}; S3 requires at least ${MIN_DAYS_AFTER_INFREQUENT_ACCESS} days in between`,
        { from: `${from.storageClass}@${from.shown}`, to: `${to.storageClass}@${to.shown}` },
        `move the ${to.storageClass} transition to ${from.at + MIN_DAYS_AFTER_INFREQUENT_ACCESS} days or later`,
      );
      continue;
    }
    const minimum = MIN_STORAGE_DURATION_DAYS[from.storageClass];
    if (minimum !== undefined && gap < minimum) {
      add(
        ids.duration,
        `${noun} leave ${from.storageClass} after ${gap} days, but ${from.storageClass} bills at least ${minimum} days`,
        { storageClass: from.storageClass, days: gap },
        `keep ${noun} in ${from.storageClass} for ${minimum} days or more, or accept the early-transition charge`,
      );
    }
  }
  const last = sorted.at(-1);
  if (end === undefined || last === undefined) return problems;
  if (end.at <= last.at) {
    add(
      ids.expiration,
      `${ids.end} at ${end.shown} is not later than the ${last.storageClass} transition at ${last.shown}`,
      { expiration: end.shown, transition: last.shown },
      `expire after ${last.shown}, or remove the transitions that come after the expiration`,
    );
    return problems;
  }
  const minimum = Object.hasOwn(MIN_STORAGE_DURATION_DAYS, last.storageClass) ? MIN_STORAGE_DURATION_DAYS[last.storageClass] : undefined;
  if (minimum !== undefined && end.at - last.at < minimum) {
    add(
      ids.duration,
      `${noun} expire ${end.at - last.at} days after moving to ${last.storageClass}, but ${last.storageClass} bills at least ${minimum} days`,
      { storageClass: last.storageClass, days: end.at - last.at },
      `expire ${minimum} days or more after the ${last.storageClass} transition, or accept the early-deletion charge`,
    );
  }
  return problems;
}
