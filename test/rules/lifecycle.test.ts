import { checkLifecycleConfiguration, checkLifecycleRule, isTransitionAllowed, LifecycleRuleInput } from '../../lib/rules';

const ids = (rule: LifecycleRuleInput, severity: 'error' | 'warning' = 'error', options = {}) =>
  checkLifecycleRule(rule, options)
    .filter((p) => p.severity === severity)
    .map((p) => p.ruleId)
    .sort();

describe('lifecycle rules: compliant', () => {
  test.each<[string, LifecycleRuleInput]>([
    [
      'the full waterfall with 30-day gaps and late expiration',
      {
        transitions: [
          { storageClass: 'STANDARD_IA', days: 30 },
          { storageClass: 'GLACIER', days: 90 },
          { storageClass: 'DEEP_ARCHIVE', days: 180 },
        ],
        expirationDays: 365,
      },
    ],
    [
      'INTELLIGENT_TIERING at day 0 then ONEZONE_IA',
      {
        transitions: [
          { storageClass: 'INTELLIGENT_TIERING', days: 0 },
          { storageClass: 'ONEZONE_IA', days: 30 },
        ],
      },
    ],
    [
      'STANDARD_IA -> GLACIER_IR',
      {
        transitions: [
          { storageClass: 'STANDARD_IA', days: 30 },
          { storageClass: 'GLACIER_IR', days: 60 },
        ],
      },
    ],
    [
      'noncurrent versions: IA at 30, GLACIER at 60, expire at 365',
      {
        noncurrentVersionTransitions: [
          { storageClass: 'STANDARD_IA', noncurrentDays: 30 },
          { storageClass: 'GLACIER', noncurrentDays: 60 },
        ],
        noncurrentVersionExpirationDays: 365,
      },
    ],
    ['dates only', { transitions: [{ storageClass: 'GLACIER', date: '2030-01-01T00:00:00.000Z' }], expirationDate: '2031-01-01T00:00:00.000Z' }],
    ['a valid size range', { transitions: [{ storageClass: 'GLACIER', days: 1 }], objectSizeGreaterThan: 1024, objectSizeLessThan: 1_000_000 }],
    ['unknown (token) days are skipped', { transitions: [{ storageClass: 'STANDARD_IA' }, { storageClass: 'GLACIER' }], expirationDays: undefined }],
  ])('%s', (_name, rule) => {
    expect(checkLifecycleRule(rule)).toEqual([]);
  });
});

describe('lifecycle rules: non-compliant (errors)', () => {
  test.each<[string, LifecycleRuleInput, string[]]>([
    ['transition to STANDARD', { transitions: [{ storageClass: 'STANDARD', days: 40 }] }, ['S3-LIFECYCLE-TRANSITION-TARGET']],
    ['transition to REDUCED_REDUNDANCY', { transitions: [{ storageClass: 'REDUCED_REDUNDANCY', days: 40 }] }, ['S3-LIFECYCLE-TRANSITION-TARGET']],
    ['an unknown class', { transitions: [{ storageClass: 'COLD', days: 40 }] }, ['S3-LIFECYCLE-STORAGE-CLASS']],
    [
      'INTELLIGENT_TIERING -> STANDARD_IA',
      {
        transitions: [
          { storageClass: 'INTELLIGENT_TIERING', days: 0 },
          { storageClass: 'STANDARD_IA', days: 40 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    [
      'ONEZONE_IA -> INTELLIGENT_TIERING',
      {
        transitions: [
          { storageClass: 'ONEZONE_IA', days: 30 },
          { storageClass: 'INTELLIGENT_TIERING', days: 90 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    [
      'ONEZONE_IA -> STANDARD_IA',
      {
        transitions: [
          { storageClass: 'ONEZONE_IA', days: 30 },
          { storageClass: 'STANDARD_IA', days: 90 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    [
      'ONEZONE_IA -> GLACIER_IR',
      {
        transitions: [
          { storageClass: 'ONEZONE_IA', days: 30 },
          { storageClass: 'GLACIER_IR', days: 90 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    [
      'GLACIER -> GLACIER_IR',
      {
        transitions: [
          { storageClass: 'GLACIER', days: 30 },
          { storageClass: 'GLACIER_IR', days: 200 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    [
      'out of DEEP_ARCHIVE',
      {
        transitions: [
          { storageClass: 'DEEP_ARCHIVE', days: 1 },
          { storageClass: 'GLACIER', days: 400 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    ['STANDARD_IA before 30 days', { transitions: [{ storageClass: 'STANDARD_IA', days: 29 }] }, ['S3-LIFECYCLE-IA-MIN-DAYS']],
    ['ONEZONE_IA before 30 days', { transitions: [{ storageClass: 'ONEZONE_IA', days: 1 }] }, ['S3-LIFECYCLE-IA-MIN-DAYS']],
    [
      'noncurrent STANDARD_IA before 30 days',
      { noncurrentVersionTransitions: [{ storageClass: 'STANDARD_IA', noncurrentDays: 7 }] },
      ['S3-LIFECYCLE-NONCURRENT-IA-MIN-DAYS'],
    ],
    [
      'GLACIER less than 30 days after STANDARD_IA',
      {
        transitions: [
          { storageClass: 'STANDARD_IA', days: 30 },
          { storageClass: 'GLACIER', days: 45 },
        ],
      },
      ['S3-LIFECYCLE-IA-GAP'],
    ],
    [
      'DEEP_ARCHIVE less than 30 days after ONEZONE_IA',
      {
        transitions: [
          { storageClass: 'ONEZONE_IA', days: 30 },
          { storageClass: 'DEEP_ARCHIVE', days: 59 },
        ],
      },
      ['S3-LIFECYCLE-IA-GAP'],
    ],
    [
      'ONEZONE_IA less than 30 days after STANDARD_IA',
      {
        transitions: [
          { storageClass: 'STANDARD_IA', days: 30 },
          { storageClass: 'ONEZONE_IA', days: 40 },
        ],
      },
      ['S3-LIFECYCLE-IA-GAP'],
    ],
    [
      'noncurrent GLACIER less than 30 days after STANDARD_IA',
      {
        noncurrentVersionTransitions: [
          { storageClass: 'STANDARD_IA', noncurrentDays: 30 },
          { storageClass: 'GLACIER', noncurrentDays: 31 },
        ],
      },
      ['S3-LIFECYCLE-NONCURRENT-IA-GAP'],
    ],
    [
      'expiration before the last transition',
      { transitions: [{ storageClass: 'GLACIER', days: 100 }], expirationDays: 100 },
      ['S3-LIFECYCLE-EXPIRATION-ORDER'],
    ],
    [
      'expiration date before the transition date',
      { transitions: [{ storageClass: 'GLACIER', date: '2030-06-01T00:00:00.000Z' }], expirationDate: '2030-01-01T00:00:00.000Z' },
      ['S3-LIFECYCLE-EXPIRATION-ORDER'],
    ],
    [
      'noncurrent expiration before the noncurrent transition',
      { noncurrentVersionTransitions: [{ storageClass: 'GLACIER', noncurrentDays: 90 }], noncurrentVersionExpirationDays: 30 },
      ['S3-LIFECYCLE-NONCURRENT-EXPIRATION-ORDER'],
    ],
    [
      'Date and Days mixed',
      { transitions: [{ storageClass: 'GLACIER', date: '2030-06-01T00:00:00.000Z' }], expirationDays: 400 },
      ['S3-LIFECYCLE-DATE-DAYS-MIX'],
    ],
    [
      'ObjectSizeLessThan not above ObjectSizeGreaterThan',
      { transitions: [{ storageClass: 'GLACIER', days: 1 }], objectSizeGreaterThan: 2048, objectSizeLessThan: 2048 },
      ['S3-LIFECYCLE-OBJECT-SIZE-RANGE'],
    ],
  ])('%s', (_name, rule, expected) => {
    const problems = checkLifecycleRule(rule);
    expect(
      problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.ruleId)
        .sort(),
    ).toEqual(expected);
    for (const p of problems) {
      expect(p.fix.length).toBeGreaterThan(0);
      expect(p.value).toBeDefined();
    }
  });
});

describe('lifecycle rules: warnings', () => {
  test.each<[string, LifecycleRuleInput, string[]]>([
    [
      'leaving GLACIER_IR before 90 days',
      {
        transitions: [
          { storageClass: 'GLACIER_IR', days: 0 },
          { storageClass: 'DEEP_ARCHIVE', days: 30 },
        ],
      },
      ['S3-LIFECYCLE-MIN-STORAGE-DURATION'],
    ],
    [
      'expiring DEEP_ARCHIVE before 180 days',
      { transitions: [{ storageClass: 'DEEP_ARCHIVE', days: 0 }], expirationDays: 100 },
      ['S3-LIFECYCLE-MIN-STORAGE-DURATION'],
    ],
    [
      'leaving GLACIER before 90 days',
      {
        transitions: [
          { storageClass: 'GLACIER', days: 0 },
          { storageClass: 'DEEP_ARCHIVE', days: 10 },
        ],
      },
      ['S3-LIFECYCLE-MIN-STORAGE-DURATION'],
    ],
    [
      'expiring noncurrent GLACIER versions before 90 days',
      { noncurrentVersionTransitions: [{ storageClass: 'GLACIER', noncurrentDays: 1 }], noncurrentVersionExpirationDays: 30 },
      ['S3-LIFECYCLE-NONCURRENT-MIN-STORAGE-DURATION'],
    ],
    [
      'only objects under 128 KiB with the default minimum size',
      { transitions: [{ storageClass: 'GLACIER', days: 1 }], objectSizeLessThan: 64 * 1024 },
      ['S3-LIFECYCLE-OBJECT-SIZE-DEFAULT-MINIMUM'],
    ],
  ])('%s', (_name, rule, expected) => {
    expect(ids(rule, 'warning')).toEqual(expected);
    expect(ids(rule, 'error')).toEqual([]);
  });

  test('varies_by_storage_class lifts the 128 KiB warning', () => {
    const rule = { transitions: [{ storageClass: 'GLACIER', days: 1 }], objectSizeLessThan: 64 * 1024 };
    expect(ids(rule, 'warning', { transitionDefaultMinimumObjectSize: 'varies_by_storage_class' })).toEqual([]);
  });
});

describe('lifecycle rules: every problem, not the first', () => {
  test('one rule with four different mistakes reports all four', () => {
    const problems = checkLifecycleRule({
      id: 'bad',
      transitions: [
        { storageClass: 'STANDARD_IA', days: 10 },
        { storageClass: 'GLACIER', days: 20 },
      ],
      expirationDays: 15,
      objectSizeGreaterThan: 10,
      objectSizeLessThan: 5,
    });
    expect(problems.map((p) => p.ruleId).sort()).toEqual([
      'S3-LIFECYCLE-EXPIRATION-ORDER',
      'S3-LIFECYCLE-IA-GAP',
      'S3-LIFECYCLE-IA-MIN-DAYS',
      'S3-LIFECYCLE-OBJECT-SIZE-RANGE',
    ]);
    expect(problems.every((p) => p.message.startsWith('lifecycle rule "bad"'))).toBe(true);
  });

  test('a configuration labels rules without id by position', () => {
    const problems = checkLifecycleConfiguration({ rules: [{ expirationDays: 30 }, { transitions: [{ storageClass: 'ONEZONE_IA', days: 3 }] }] });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/^lifecycle rule #2: /);
  });
});

describe('the waterfall table', () => {
  test.each([
    ['STANDARD', 'DEEP_ARCHIVE', true],
    ['STANDARD_IA', 'INTELLIGENT_TIERING', true],
    ['STANDARD_IA', 'ONEZONE_IA', true],
    ['STANDARD_IA', 'GLACIER_IR', true],
    ['INTELLIGENT_TIERING', 'ONEZONE_IA', true],
    ['GLACIER', 'DEEP_ARCHIVE', true],
    ['ONEZONE_IA', 'GLACIER', true],
    ['INTELLIGENT_TIERING', 'STANDARD_IA', false],
    ['GLACIER', 'STANDARD', false],
    ['GLACIER_IR', 'REDUCED_REDUNDANCY', false],
    ['DEEP_ARCHIVE', 'GLACIER', false],
  ])('%s -> %s is %s', (from, to, allowed) => {
    expect(isTransitionAllowed(from, to)).toBe(allowed);
  });
});
