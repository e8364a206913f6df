import fc from 'fast-check';
import {
  RuleProblem,
  checkBucketName,
  checkIntelligentTieringConfiguration,
  checkLifecycleConfiguration,
  checkLifecycleRule,
  checkNotificationConfigurations,
  checkNotificationDestination,
  checkNotificationFilter,
  checkObjectKey,
  checkObjectTags,
  checkTransferAcceleration,
  checkUserMetadata,
  eventTypesOverlap,
  formatProblems,
  isRuleId,
  isTransitionAllowed,
  prefixesOverlap,
  restoreTiersFor,
  ruleDefinition,
  suffixesOverlap,
  ALL_STORAGE_CLASSES,
  NOTIFICATION_EVENT_TYPES,
} from '../../lib/rules';

// Issue 9 item 14: every checker in lib/rules gives every input a result (a list of problems), never a crash or a
// hang, and each problem is well formed: a catalogued id with the catalogue's severity, a message and a fix.
const RUNS = { numRuns: 300, interruptAfterTimeLimit: 20_000 };

function wellFormed(problems: readonly RuleProblem[]): void {
  expect(Array.isArray(problems)).toBe(true);
  for (const p of problems) {
    expect(isRuleId(p.ruleId)).toBe(true);
    expect(p.severity).toBe(ruleDefinition(p.ruleId as never).severity);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.fix.length).toBeGreaterThan(0);
  }
  expect(typeof formatProblems(problems)).toBe('string');
}

const anyValue = fc.anything({
  withBigInt: true,
  withDate: true,
  withNullPrototype: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
});
const storageClass = fc.oneof(fc.constantFrom(...ALL_STORAGE_CLASSES), fc.string());
const days = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double(), fc.constant(undefined));
const isoDate = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
  fc.constant(undefined),
);
const tag = fc.record({ key: fc.string(), value: fc.string() });
const lifecycleRule = fc.record(
  {
    id: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    prefix: fc.option(fc.string(), { nil: undefined }),
    tagFilters: fc.option(fc.array(tag, { maxLength: 3 }), { nil: undefined }),
    filter: fc.option(
      fc.record({
        prefix: fc.option(fc.string(), { nil: undefined }),
        tag: fc.option(tag, { nil: undefined }),
        objectSizeLessThan: days,
        and: fc.option(fc.record({ prefix: fc.string(), tags: fc.array(tag) }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    transitions: fc.option(fc.array(fc.record({ storageClass, days, date: isoDate }), { maxLength: 6 }), { nil: undefined }),
    expirationDays: days,
    expirationDate: isoDate,
    expiredObjectDeleteMarker: fc.option(fc.boolean(), { nil: undefined }),
    noncurrentVersionTransitions: fc.option(fc.array(fc.record({ storageClass, noncurrentDays: days, newerNoncurrentVersions: days }), { maxLength: 6 }), {
      nil: undefined,
    }),
    noncurrentVersionExpirationDays: days,
    noncurrentVersionsToRetain: days,
    abortIncompleteMultipartUploadDays: days,
    objectSizeGreaterThan: days,
    objectSizeLessThan: days,
  },
  { requiredKeys: [] },
);
const event = fc.oneof(fc.constantFrom(...NOTIFICATION_EVENT_TYPES), fc.string());
const notification = fc.record({
  name: fc.string(),
  events: fc.array(event, { maxLength: 4 }),
  filterRules: fc.option(fc.array(fc.record({ name: fc.constantFrom('prefix', 'suffix', 'Prefix', 'other'), value: fc.string() }), { maxLength: 3 }), {
    nil: undefined,
  }),
});

describe('property: every checker returns well-formed problems for any input', () => {
  test('checkBucketName (any string, any value)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), anyValue), fc.boolean(), (name, accel) => wellFormed(checkBucketName(name as string, { transferAcceleration: accel }))),
      RUNS,
    );
  });
  test('checkTransferAcceleration', () => {
    fc.assert(
      fc.property(fc.record({ bucketName: fc.option(fc.string(), { nil: undefined }), region: fc.option(fc.string(), { nil: undefined }) }), (input) =>
        wellFormed(checkTransferAcceleration(input)),
      ),
      RUNS,
    );
  });
  test('checkObjectKey, checkUserMetadata, checkObjectTags', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), anyValue),
        fc.dictionary(fc.string(), fc.oneof(fc.string({ unit: 'binary' }), anyValue)),
        (key, map) => {
          wellFormed(checkObjectKey(key as string));
          wellFormed(checkUserMetadata(map as Record<string, string>));
          wellFormed(checkObjectTags(map as Record<string, string>));
        },
      ),
      RUNS,
    );
  });
  test('checkLifecycleRule and checkLifecycleConfiguration (typed inputs)', () => {
    fc.assert(
      fc.property(
        fc.array(lifecycleRule, { maxLength: 5 }),
        fc.constantFrom(undefined, 'all_storage_classes_128K', 'varies_by_storage_class'),
        (rules, min) => {
          for (const rule of rules) wellFormed(checkLifecycleRule(rule, { transitionDefaultMinimumObjectSize: min }));
          wellFormed(checkLifecycleConfiguration({ rules, transitionDefaultMinimumObjectSize: min }));
        },
      ),
      RUNS,
    );
  });
  test('checkLifecycleRule (anything at all)', () => {
    fc.assert(
      fc.property(anyValue, (rule) => wellFormed(checkLifecycleRule(rule as never))),
      RUNS,
    );
  });
  test('checkIntelligentTieringConfiguration', () => {
    const tiering = fc.record({
      accessTier: fc.oneof(fc.constantFrom('ARCHIVE_ACCESS', 'DEEP_ARCHIVE_ACCESS', 'constructor', '__proto__'), fc.string()),
      days,
    });
    fc.assert(
      fc.property(fc.record({ id: fc.option(fc.string(), { nil: undefined }), tierings: fc.array(tiering, { maxLength: 4 }) }), (c) =>
        wellFormed(checkIntelligentTieringConfiguration(c)),
      ),
      RUNS,
    );
  });
  test('checkNotificationConfigurations and checkNotificationFilter', () => {
    fc.assert(
      fc.property(fc.array(notification, { maxLength: 8 }), (configs) => {
        wellFormed(checkNotificationConfigurations(configs));
        for (const c of configs) wellFormed(checkNotificationFilter(c));
      }),
      RUNS,
    );
  });
  test('checkNotificationDestination', () => {
    const destination = fc.record({
      name: fc.string(),
      type: fc.constantFrom('queue' as const, 'topic' as const, 'function' as const),
      arn: fc.option(fc.oneof(fc.string(), fc.constant('arn:aws:sqs:us-east-1:1:q')), { nil: undefined }),
      kmsMasterKeyId: fc.option(fc.oneof(fc.string(), fc.constant('alias/aws/sqs')), { nil: undefined }),
      fifo: fc.option(fc.boolean(), { nil: undefined }),
      bucketRegion: fc.option(fc.oneof(fc.string(), fc.constant('eu-west-1')), { nil: undefined }),
    });
    fc.assert(
      fc.property(destination, (d) => wellFormed(checkNotificationDestination(d))),
      RUNS,
    );
  });
  test('the predicates return booleans and arrays, never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), anyValue), fc.oneof(fc.string(), anyValue), (a, b) => {
        expect(typeof eventTypesOverlap(a as string, b as string)).toBe('boolean');
        expect(typeof prefixesOverlap(a as string, b as string)).toBe('boolean');
        expect(typeof suffixesOverlap(a as string, b as string)).toBe('boolean');
        expect(typeof isTransitionAllowed(a as string, b as string)).toBe('boolean');
        expect(Array.isArray(restoreTiersFor(a as string, b as string))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('property: semantics', () => {
  test('overlap is symmetric', () => {
    fc.assert(
      fc.property(fc.array(notification, { minLength: 2, maxLength: 2 }), ([a, b]) => {
        const ids = (x: typeof a, y: typeof b) => checkNotificationConfigurations([x, y]).filter((p) => p.ruleId === 'S3-NOTIFICATION-OVERLAP').length;
        expect(ids(a, b)).toBe(ids(b, a));
      }),
      RUNS,
    );
  });
  test('a rule with abort and any tag filter is always refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(tag, { minLength: 1, maxLength: 3 }), (d, tags) => {
        expect(checkLifecycleRule({ abortIncompleteMultipartUploadDays: d, tagFilters: tags }).map((p) => p.ruleId)).toContain('S3-LIFECYCLE-ABORT-MPU-FILTER');
      }),
      RUNS,
    );
  });
});
