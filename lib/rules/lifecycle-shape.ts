import { RuleId } from './catalog';
import type { LifecycleRuleInput, LifecycleTagFilterInput } from './lifecycle-types';
import { RuleProblem, ruleProblem } from './problem';

// The shape of one lifecycle rule: id, actions, filters, numbers and dates. Each check cites its page.

/**
 * A lifecycle rule id is at most this many characters (characters, 255).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
 */
export const MAX_LIFECYCLE_RULE_ID_LENGTH_CHARS = 255;

/**
 * `NewerNoncurrentVersions` is at most this many versions (versions, 100).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html
 */
export const MAX_NEWER_NONCURRENT_VERSIONS = 100;

const DAY_MS = 24 * 60 * 60 * 1000;
/** ISO 8601: a date, optionally with a time and a zone. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const list = <T>(v: readonly T[] | undefined): readonly T[] => (Array.isArray(v) ? v : []);
const wholeAtLeast = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;

/** Tags and size predicates of a rule, from CloudFormation's flat properties and from an API-shaped Filter. */
function filterParts(rule: LifecycleRuleInput): { tags: readonly LifecycleTagFilterInput[]; sizes: readonly number[] } {
  const filter = typeof rule.filter === 'object' && rule.filter !== null ? rule.filter : {};
  const and = typeof filter.and === 'object' && filter.and !== null ? filter.and : {};
  const tags = [...list(rule.tagFilters), ...(filter.tag !== undefined ? [filter.tag] : []), ...list(and.tags)];
  const sizes = [
    rule.objectSizeGreaterThan,
    rule.objectSizeLessThan,
    filter.objectSizeGreaterThan,
    filter.objectSizeLessThan,
    and.objectSizeGreaterThan,
    and.objectSizeLessThan,
  ].filter((v): v is number => typeof v === 'number');
  return { tags, sizes };
}

const safeIso = (ms: number): string => (Number.isFinite(new Date(ms).getTime()) ? new Date(ms).toISOString() : 'a date at 00:00:00 UTC');

/** Checks a lifecycle date: ISO 8601 and midnight UTC. */
function checkDate(what: string, date: unknown, problems: RuleProblem[], label: string): void {
  if (date === undefined) return;
  const add = (ruleId: RuleId, message: string, fix: string) => problems.push(ruleProblem(ruleId, `${label}: ${message}`, date, fix));
  const ms = typeof date === 'string' && ISO_8601.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(ms)) {
    add(
      'S3-LIFECYCLE-DATE-FORMAT',
      `${what} date ${JSON.stringify(date) ?? String(date)} is not an ISO 8601 date`,
      'write the date as YYYY-MM-DDT00:00:00.000Z',
    );
  } else if (ms % DAY_MS !== 0) {
    add(
      'S3-LIFECYCLE-DATE-MIDNIGHT',
      `${what} date ${date} is not at midnight UTC; S3 only takes dates at 00:00:00 UTC`,
      `use ${safeIso(Math.ceil(ms / DAY_MS) * DAY_MS)} or the midnight before it`,
    );
  }
}

/**
 * Checks the shape of one rule: its id, that it has an action, its filter, the actions a filtered rule cannot take,
 * whole-number days and counts, and midnight-UTC dates. Messages start with `label`.
 */
export function checkLifecycleRuleShape(rule: LifecycleRuleInput, label: string): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const add = (ruleId: RuleId, message: string, value: unknown, fix: string) => problems.push(ruleProblem(ruleId, `${label}: ${message}`, value, fix));
  const transitions = list(rule.transitions).filter((t) => typeof t === 'object' && t !== null);
  const noncurrent = list(rule.noncurrentVersionTransitions).filter((t) => typeof t === 'object' && t !== null);

  // ID: https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
  if (typeof rule.id === 'string' && rule.id.length > MAX_LIFECYCLE_RULE_ID_LENGTH_CHARS) {
    add(
      'S3-LIFECYCLE-RULE-ID-LENGTH',
      `the id is ${rule.id.length} characters; S3 allows at most ${MAX_LIFECYCLE_RULE_ID_LENGTH_CHARS}`,
      rule.id.length,
      `shorten the id to ${MAX_LIFECYCLE_RULE_ID_LENGTH_CHARS} characters or fewer`,
    );
  }

  // At least one action: https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
  const actions = [
    transitions.length > 0,
    noncurrent.length > 0,
    rule.expirationDays,
    rule.expirationDate,
    rule.expiredObjectDeleteMarker,
    rule.noncurrentVersionExpirationDays,
    rule.noncurrentVersionsToRetain,
    rule.abortIncompleteMultipartUploadDays,
  ].filter((a) => a !== undefined && a !== false);
  if (actions.length === 0 && rule.actionsUnknown !== true) {
    add(
      'S3-LIFECYCLE-NO-ACTION',
      'has no action: no transition, expiration, noncurrent version action or AbortIncompleteMultipartUpload',
      rule.id ?? null,
      'add an action, or remove the rule',
    );
  }

  // Filter: https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRuleFilter.html
  if (typeof rule.filter === 'object' && rule.filter !== null) {
    if (rule.prefix !== undefined) {
      add(
        'S3-LIFECYCLE-PREFIX-AND-FILTER',
        'has both a rule-level Prefix and a Filter',
        { prefix: rule.prefix },
        'move the prefix into Filter.Prefix (or Filter.And.Prefix) and remove the rule-level Prefix',
      );
    }
    const f = rule.filter;
    const present = (['prefix', 'tag', 'objectSizeGreaterThan', 'objectSizeLessThan', 'and'] as const).filter((k) => f[k] !== undefined);
    if (present.length > 1) {
      add('S3-LIFECYCLE-FILTER-SHAPE', `Filter has ${present.join(', ')}; it takes exactly one of them`, present, 'combine the conditions under Filter.And');
    }
  }

  // Actions a tag or size filtered rule cannot take: https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html
  const { tags, sizes } = filterParts(rule);
  const filteredBy = [tags.length > 0 ? 'tags' : '', sizes.length > 0 ? 'object size' : ''].filter(Boolean).join(' and ');
  if (filteredBy && rule.abortIncompleteMultipartUploadDays !== undefined) {
    add(
      'S3-LIFECYCLE-ABORT-MPU-FILTER',
      `aborts incomplete multipart uploads but filters by ${filteredBy}; S3 rejects AbortIncompleteMultipartUpload in a rule with a tag or object-size filter`,
      { abortIncompleteMultipartUploadDays: rule.abortIncompleteMultipartUploadDays, filteredBy },
      'move abortIncompleteMultipartUploadAfter to a rule of its own with no filter or a prefix filter only (StorageBucket adds one by default)',
    );
  }
  if (filteredBy && rule.expiredObjectDeleteMarker === true) {
    add(
      'S3-LIFECYCLE-DELETE-MARKER-FILTER',
      `removes expired object delete markers but filters by ${filteredBy}; S3 rejects ExpiredObjectDeleteMarker in a rule with a tag or object-size filter`,
      { expiredObjectDeleteMarker: true, filteredBy },
      'move expiredObjectDeleteMarker to a rule of its own with no filter or a prefix filter only',
    );
  }
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html
  if (rule.expiredObjectDeleteMarker === true && (rule.expirationDays !== undefined || rule.expirationDate !== undefined)) {
    add(
      'S3-LIFECYCLE-DELETE-MARKER-WITH-EXPIRATION',
      'sets ExpiredObjectDeleteMarker together with Expiration Days or Date; S3 takes one or the other',
      { expiredObjectDeleteMarker: true, expirationDays: rule.expirationDays, expirationDate: rule.expirationDate },
      'drop expiredObjectDeleteMarker (an expiration by days or date already removes expired delete markers) or put it in its own rule',
    );
  }

  // Whole numbers.
  const days = (ruleId: RuleId, what: string, value: number | undefined, min: number, fix: string) => {
    if (value !== undefined && !(typeof value === 'number' && wholeAtLeast(value, min)))
      add(ruleId, `${what} is ${value}; S3 takes a whole number of ${min} or more`, value, fix);
  };
  days('S3-LIFECYCLE-EXPIRATION-DAYS', 'Expiration Days', rule.expirationDays, 1, 'expire after 1 day or more, in whole days');
  days(
    'S3-LIFECYCLE-NONCURRENT-EXPIRATION-DAYS',
    'NoncurrentVersionExpiration NoncurrentDays',
    rule.noncurrentVersionExpirationDays,
    1,
    'expire noncurrent versions after 1 day or more, in whole days',
  );
  days(
    'S3-LIFECYCLE-ABORT-MPU-DAYS',
    'AbortIncompleteMultipartUpload DaysAfterInitiation',
    rule.abortIncompleteMultipartUploadDays,
    1,
    'abort incomplete uploads after 1 day or more, in whole days',
  );
  for (const t of transitions) days('S3-LIFECYCLE-TRANSITION-DAYS', `the ${String(t.storageClass)} transition's Days`, t.days, 0, 'use whole days, 0 or more');
  for (const t of noncurrent)
    days(
      'S3-LIFECYCLE-TRANSITION-DAYS',
      `the noncurrent ${String(t.storageClass)} transition's NoncurrentDays`,
      t.noncurrentDays,
      0,
      'use whole days, 0 or more',
    );
  const retain = (what: string, value: number | undefined) => {
    if (value !== undefined && !(typeof value === 'number' && wholeAtLeast(value, 1) && value <= MAX_NEWER_NONCURRENT_VERSIONS)) {
      add(
        'S3-LIFECYCLE-NONCURRENT-VERSIONS-TO-RETAIN',
        `${what} NewerNoncurrentVersions is ${value}; S3 takes 1 to ${MAX_NEWER_NONCURRENT_VERSIONS}`,
        value,
        `keep between 1 and ${MAX_NEWER_NONCURRENT_VERSIONS} noncurrent versions`,
      );
    }
  };
  retain('NoncurrentVersionExpiration', rule.noncurrentVersionsToRetain);
  for (const t of noncurrent) retain(`the noncurrent ${String(t.storageClass)} transition's`, t.newerNoncurrentVersions);
  for (const size of sizes) {
    if (!wholeAtLeast(size, 0))
      add('S3-LIFECYCLE-OBJECT-SIZE-VALUE', `object size filter ${size} is not a whole number of bytes, 0 or more`, size, 'give sizes in whole bytes');
  }

  // One transition per class: https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
  for (const [what, classes] of [
    ['transitions', transitions.map((t) => t.storageClass)],
    ['noncurrent transitions', noncurrent.map((t) => t.storageClass)],
  ] as const) {
    const repeated = [...new Set(classes.filter((c, i) => classes.indexOf(c) !== i))];
    for (const storageClass of repeated) {
      add(
        'S3-LIFECYCLE-TRANSITION-DUPLICATE-CLASS',
        `has more than one of its ${what} to ${String(storageClass)}`,
        storageClass,
        `keep one transition to ${String(storageClass)} per rule`,
      );
    }
  }

  // Dates: https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html (midnight UTC)
  for (const t of transitions) checkDate(`the ${String(t.storageClass)} transition`, t.date, problems, label);
  checkDate('the expiration', rule.expirationDate, problems, label);
  return problems;
}
