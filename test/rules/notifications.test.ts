import { checkNotificationConfigurations, eventTypesOverlap, NotificationConfigurationInput } from '../../lib/rules';

const cfg = (name: string, events: string[], prefix?: string, suffix?: string): NotificationConfigurationInput => ({
  name,
  events,
  filterRules: [...(prefix !== undefined ? [{ name: 'prefix', value: prefix }] : []), ...(suffix !== undefined ? [{ name: 'suffix', value: suffix }] : [])],
});

describe('notification filters: compliant', () => {
  test.each<[string, NotificationConfigurationInput[]]>([
    ['disjoint prefixes', [cfg('A', ['s3:ObjectCreated:*'], 'images/'), cfg('B', ['s3:ObjectCreated:*'], 'logs/')]],
    ['overlapping prefixes, disjoint suffixes', [cfg('A', ['s3:ObjectCreated:*'], 'images/', '.jpg'), cfg('B', ['s3:ObjectCreated:*'], 'images/', '.png')]],
    ['no prefix, disjoint suffixes', [cfg('A', ['s3:ObjectCreated:*'], undefined, '.jpg'), cfg('B', ['s3:ObjectCreated:*'], undefined, '.png')]],
    ['different event types never overlap', [cfg('A', ['s3:ObjectCreated:*']), cfg('B', ['s3:ObjectRemoved:*'])]],
    ['specific types of one family that differ', [cfg('A', ['s3:ObjectCreated:Put']), cfg('B', ['s3:ObjectCreated:Copy'])]],
    ['a single configuration without filter', [cfg('A', ['s3:ObjectCreated:*'])]],
  ])('%s', (_name, configs) => {
    expect(checkNotificationConfigurations(configs)).toEqual([]);
  });
});

describe('notification filters: non-compliant', () => {
  test.each<[string, NotificationConfigurationInput[], string[]]>([
    ['same event, no filters', [cfg('A', ['s3:ObjectCreated:*']), cfg('B', ['s3:ObjectCreated:*'])], ['S3-NOTIFICATION-OVERLAP']],
    ['wildcard vs specific event', [cfg('A', ['s3:ObjectCreated:*'], 'in/'), cfg('B', ['s3:ObjectCreated:Put'], 'in/')], ['S3-NOTIFICATION-OVERLAP']],
    [
      'nested prefixes without suffixes',
      [cfg('A', ['s3:ObjectCreated:*'], 'images/'), cfg('B', ['s3:ObjectCreated:*'], 'images/thumbs/')],
      ['S3-NOTIFICATION-OVERLAP'],
    ],
    ['absent prefix overlaps any prefix', [cfg('A', ['s3:ObjectCreated:*']), cfg('B', ['s3:ObjectCreated:*'], 'images/')], ['S3-NOTIFICATION-OVERLAP']],
    [
      'absent suffix overlaps any suffix',
      [cfg('A', ['s3:ObjectCreated:*'], 'a/', '.jpg'), cfg('B', ['s3:ObjectCreated:*'], 'a/')],
      ['S3-NOTIFICATION-OVERLAP'],
    ],
    [
      'overlapping suffixes',
      [cfg('A', ['s3:ObjectCreated:*'], undefined, '.tar.gz'), cfg('B', ['s3:ObjectCreated:*'], undefined, '.gz')],
      ['S3-NOTIFICATION-OVERLAP'],
    ],
    ['a "*" in a prefix', [cfg('A', ['s3:ObjectCreated:*'], 'images/*')], ['S3-NOTIFICATION-FILTER-WILDCARD']],
    ['a "*" in a suffix', [cfg('A', ['s3:ObjectCreated:*'], undefined, '*.jpg')], ['S3-NOTIFICATION-FILTER-WILDCARD']],
    [
      'two prefix rules',
      [
        {
          name: 'A',
          events: ['s3:ObjectCreated:*'],
          filterRules: [
            { name: 'prefix', value: 'a/' },
            { name: 'Prefix', value: 'b/' },
          ],
        },
      ],
      ['S3-NOTIFICATION-FILTER-DUPLICATE'],
    ],
    [
      'two suffix rules',
      [
        {
          name: 'A',
          events: ['s3:ObjectCreated:*'],
          filterRules: [
            { name: 'suffix', value: '.a' },
            { name: 'suffix', value: '.b' },
          ],
        },
      ],
      ['S3-NOTIFICATION-FILTER-DUPLICATE'],
    ],
    [
      'an unknown filter name',
      [{ name: 'A', events: ['s3:ObjectCreated:*'], filterRules: [{ name: 'contains', value: 'x' }] }],
      ['S3-NOTIFICATION-FILTER-NAME'],
    ],
  ])('%s', (_name, configs, expected) => {
    const problems = checkNotificationConfigurations(configs);
    expect(problems.map((p) => p.ruleId)).toEqual(expected);
    expect(problems.every((p) => p.severity === 'error' && p.fix.length > 0)).toBe(true);
  });

  test('an overlap names both configurations and the shared event', () => {
    const [problem] = checkNotificationConfigurations([cfg('SQS queue Q', ['s3:ObjectCreated:*'], 'in/'), cfg('Lambda function F', ['s3:ObjectCreated:Put'])]);
    expect(problem.message).toContain('SQS queue Q (prefix "in/")');
    expect(problem.message).toContain('Lambda function F (no filter)');
    expect(problem.message).toContain('s3:ObjectCreated:* / s3:ObjectCreated:Put');
  });

  test('three mutually overlapping configurations give three problems', () => {
    const problems = checkNotificationConfigurations([
      cfg('A', ['s3:ObjectCreated:*']),
      cfg('B', ['s3:ObjectCreated:Put']),
      cfg('C', ['s3:ObjectCreated:*'], 'x'),
    ]);
    expect(problems).toHaveLength(3);
  });
});

test.each([
  ['s3:ObjectCreated:*', 's3:ObjectCreated:Put', true],
  ['s3:ObjectRemoved:Delete', 's3:ObjectRemoved:*', true],
  ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', false],
  ['s3:ObjectRestore:*', 's3:ObjectRestore:Completed', true],
  ['s3:LifecycleTransition', 's3:LifecycleExpiration:*', false],
])('eventTypesOverlap(%s, %s) is %s', (a, b, expected) => {
  expect(eventTypesOverlap(a, b)).toBe(expected);
});
