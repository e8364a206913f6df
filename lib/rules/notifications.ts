import { NOTIFICATION_EVENT_TYPES } from './notification-destinations';
import { RuleProblem, ruleProblem } from './problem';

// Sources:
// - Overlapping prefixes and suffixes, wildcard event types:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
// - Event types: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
// - "Configurations overlap" / "ambiguously defined" at deploy time:
//   https://repost.aws/knowledge-center/lambda-s3-event-configuration-error

/** One notification configuration: a destination, its event types and its key filter. */
export interface NotificationConfigurationInput {
  /** How the configuration is named in messages, e.g. `SQS queue Stack/Queue`. */
  readonly name: string;
  /** The event types, e.g. `s3:ObjectCreated:*`; at least one. */
  readonly events: readonly string[];
  /** The filter rules as given: `{ name: 'prefix' | 'suffix', value }`. */
  readonly filterRules?: readonly { readonly name: string; readonly value: string }[];
}

/**
 * Whether two event types overlap: equal, or one is the other's wildcard (`s3:ObjectCreated:*` vs `s3:ObjectCreated:Put`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
export function eventTypesOverlap(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  if (a === b) return true;
  const covers = (wildcard: string, specific: string) => wildcard.endsWith(':*') && specific.startsWith(wildcard.slice(0, -1));
  return covers(a, b) || covers(b, a);
}

/** An absent (or empty) prefix matches every key; two prefixes overlap when one starts with the other. */
export function prefixesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return true;
  return a.startsWith(b) || b.startsWith(a);
}

/** An absent (or empty) suffix matches every key; two suffixes overlap when one ends with the other. */
export function suffixesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return true;
  return a.endsWith(b) || b.endsWith(a);
}

interface KeyFilter {
  readonly prefix?: string;
  readonly suffix?: string;
}

const describe = (filter: KeyFilter) =>
  filter.prefix === undefined && filter.suffix === undefined
    ? 'no filter'
    : [filter.prefix !== undefined ? `prefix "${filter.prefix}"` : '', filter.suffix !== undefined ? `suffix "${filter.suffix}"` : '']
        .filter(Boolean)
        .join(', ');

/**
 * Checks one configuration on its own: at least one event type, known event types, and a filter with only
 * `prefix` and `suffix` names, at most one of each, and no `*` (filters are literal; S3 has no wildcards in them).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 */
export function checkNotificationFilter(config: NotificationConfigurationInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const events = Array.isArray(config?.events) ? config.events : [];
  if (events.length === 0) {
    problems.push(
      ruleProblem('S3-NOTIFICATION-NO-EVENTS', `${config?.name}: names no event type`, events, 'add at least one event type, e.g. s3:ObjectCreated:*'),
    );
  }
  for (const event of events) {
    if (!(NOTIFICATION_EVENT_TYPES as readonly string[]).includes(event)) {
      problems.push(
        ruleProblem(
          'S3-NOTIFICATION-EVENT-NAME',
          `${config.name}: "${String(event)}" is not an S3 event type`,
          event,
          'use an event type S3 publishes, e.g. s3:ObjectCreated:* or s3:ObjectRemoved:Delete (names are case-sensitive)',
        ),
      );
    }
  }
  const counts = new Map<string, number>();
  for (const rule of Array.isArray(config?.filterRules) ? config.filterRules : []) {
    const name = String(rule?.name).toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') {
      problems.push(
        ruleProblem(
          'S3-NOTIFICATION-FILTER-NAME',
          `${config.name}: filter rule name "${String(rule?.name)}" is neither prefix nor suffix`,
          rule?.name ?? null,
          'use a prefix or a suffix filter rule',
        ),
      );
      continue;
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (typeof rule.value === 'string' && rule.value.includes('*')) {
      problems.push(
        ruleProblem(
          'S3-NOTIFICATION-FILTER-WILDCARD',
          `${config.name}: ${name} "${rule.value}" contains "*", but filters are literal and take no wildcards`,
          rule.value,
          `remove the "*"; a ${name} already matches every key that ${name === 'prefix' ? 'starts' : 'ends'} with it`,
        ),
      );
    }
  }
  for (const [name, count] of counts) {
    if (count > 1) {
      problems.push(
        ruleProblem(
          'S3-NOTIFICATION-FILTER-DUPLICATE',
          `${config.name}: ${count} ${name} rules in one filter; S3 takes at most one prefix and one suffix`,
          count,
          `split it into one configuration per ${name}`,
        ),
      );
    }
  }
  return problems;
}

function keyFilter(config: NotificationConfigurationInput): KeyFilter {
  let prefix: string | undefined;
  let suffix: string | undefined;
  for (const rule of Array.isArray(config?.filterRules) ? config.filterRules : []) {
    const name = String(rule?.name).toLowerCase();
    const value = typeof rule?.value === 'string' ? rule.value : undefined;
    if (name === 'prefix' && prefix === undefined) prefix = value;
    if (name === 'suffix' && suffix === undefined) suffix = value;
  }
  return { prefix, suffix };
}

/**
 * Checks a bucket's notification configurations: each filter on its own, then every pair for overlap.
 * Two configurations overlap when an event type overlaps, their prefixes overlap and their suffixes overlap;
 * S3 rejects such a pair whatever their destinations.
 * @returns every problem found, naming both configurations of each overlapping pair.
 */
export function checkNotificationConfigurations(configs: readonly NotificationConfigurationInput[]): RuleProblem[] {
  configs = (Array.isArray(configs) ? configs : []).filter((c) => typeof c === 'object' && c !== null);
  const problems = configs.flatMap(checkNotificationFilter);
  const filters = configs.map(keyFilter);
  const eventsOf = (c: NotificationConfigurationInput): readonly string[] => (Array.isArray(c.events) ? c.events : []);
  for (let i = 0; i < configs.length; i++) {
    for (let j = i + 1; j < configs.length; j++) {
      const events = eventsOf(configs[i]).flatMap((a) =>
        eventsOf(configs[j])
          .filter((b) => eventTypesOverlap(a, b))
          .map((b) => (a === b ? a : `${a} / ${b}`)),
      );
      if (events.length === 0) continue;
      const [fa, fb] = [filters[i], filters[j]];
      if (!prefixesOverlap(fa.prefix, fb.prefix) || !suffixesOverlap(fa.suffix, fb.suffix)) continue;
      problems.push(
        ruleProblem(
          'S3-NOTIFICATION-OVERLAP',
          `${configs[i].name} (${describe(fa)}) and ${configs[j].name} (${describe(fb)}) overlap for ${events.join(', ')}; S3 rejects this with "Configurations overlap"`,
          events,
          'give the two configurations prefixes that do not start with each other, or suffixes that do not end with each other, or different event types',
        ),
      );
    }
  }
  return problems;
}
