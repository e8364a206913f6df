import {
  ALL_STORAGE_CLASSES,
  ARCHIVE_CLASSES,
  CHECKSUM_ALGORITHMS,
  LifecycleRuleInput,
  MIN_STORAGE_DURATION_DAYS,
  NotificationDestinationInput,
  PROVIDER_NAMES,
  STORAGE_CLASSES,
  WRITABLE_STORAGE_CLASSES,
  checkLifecycleConfiguration,
  checkLifecycleRule,
  checkNotificationConfigurations,
  checkNotificationDestination,
  restoreTiersFor,
} from '../../lib/rules';

const errors = (rule: LifecycleRuleInput) =>
  checkLifecycleRule(rule)
    .filter((p) => p.severity === 'error')
    .map((p) => p.ruleId)
    .sort();

describe('PutBucketLifecycleConfiguration rules (cdk-nag style: compliant, then each non-compliant case)', () => {
  test.each<[string, LifecycleRuleInput]>([
    ['abort in an unfiltered rule', { abortIncompleteMultipartUploadDays: 7 }],
    ['abort with a prefix filter', { prefix: 'tmp/', abortIncompleteMultipartUploadDays: 1 }],
    ['delete markers in their own rule', { expiredObjectDeleteMarker: true }],
    ['noncurrent expiration keeping 100 versions', { noncurrentVersionExpirationDays: 1, noncurrentVersionsToRetain: 100 }],
    ['a date at midnight UTC', { expirationDate: '2030-01-01T00:00:00.000Z' }],
    ['an API filter with And', { filter: { and: { prefix: 'a/', tags: [{ key: 'k', value: 'v' }] } }, expirationDays: 1 }],
    ['an empty API filter', { filter: {}, expirationDays: 1 }],
  ])('compliant: %s', (_name, rule) => {
    expect(checkLifecycleRule(rule)).toEqual([]);
  });

  test.each<[string, LifecycleRuleInput, string[]]>([
    ['abort with a tag filter', { abortIncompleteMultipartUploadDays: 7, tagFilters: [{ key: 'team', value: 'a' }] }, ['S3-LIFECYCLE-ABORT-MPU-FILTER']],
    ['abort with an object-size filter', { abortIncompleteMultipartUploadDays: 7, objectSizeGreaterThan: 10 }, ['S3-LIFECYCLE-ABORT-MPU-FILTER']],
    ['abort with an API Filter.Tag', { abortIncompleteMultipartUploadDays: 7, filter: { tag: { key: 'k', value: 'v' } } }, ['S3-LIFECYCLE-ABORT-MPU-FILTER']],
    ['abort after 0 days', { abortIncompleteMultipartUploadDays: 0 }, ['S3-LIFECYCLE-ABORT-MPU-DAYS']],
    ['delete markers with a tag filter', { expiredObjectDeleteMarker: true, tagFilters: [{ key: 'k', value: 'v' }] }, ['S3-LIFECYCLE-DELETE-MARKER-FILTER']],
    ['delete markers with a size filter', { expiredObjectDeleteMarker: true, objectSizeLessThan: 100 }, ['S3-LIFECYCLE-DELETE-MARKER-FILTER']],
    ['delete markers with Days', { expiredObjectDeleteMarker: true, expirationDays: 5 }, ['S3-LIFECYCLE-DELETE-MARKER-WITH-EXPIRATION']],
    ['delete markers with Date', { expiredObjectDeleteMarker: true, expirationDate: '2030-01-01T00:00:00Z' }, ['S3-LIFECYCLE-DELETE-MARKER-WITH-EXPIRATION']],
    ['NewerNoncurrentVersions 101', { noncurrentVersionExpirationDays: 1, noncurrentVersionsToRetain: 101 }, ['S3-LIFECYCLE-NONCURRENT-VERSIONS-TO-RETAIN']],
    [
      'NewerNoncurrentVersions 0 on a transition',
      { noncurrentVersionTransitions: [{ storageClass: 'GLACIER', noncurrentDays: 1, newerNoncurrentVersions: 0 }] },
      ['S3-LIFECYCLE-NONCURRENT-VERSIONS-TO-RETAIN'],
    ],
    ['rule Prefix and Filter both', { prefix: 'a/', filter: { prefix: 'a/' }, expirationDays: 1 }, ['S3-LIFECYCLE-PREFIX-AND-FILTER']],
    [
      'Filter with Prefix and And',
      { filter: { prefix: 'a/', and: { prefix: 'b/', tags: [{ key: 'k', value: 'v' }] } }, expirationDays: 1 },
      ['S3-LIFECYCLE-FILTER-SHAPE'],
    ],
    ['expiration after 0 days', { expirationDays: 0 }, ['S3-LIFECYCLE-EXPIRATION-DAYS']],
    ['expiration after 1.5 days', { expirationDays: 1.5 }, ['S3-LIFECYCLE-EXPIRATION-DAYS']],
    ['noncurrent expiration after 0 days', { noncurrentVersionExpirationDays: 0 }, ['S3-LIFECYCLE-NONCURRENT-EXPIRATION-DAYS']],
    ['transition after -1 days', { transitions: [{ storageClass: 'GLACIER', days: -1 }] }, ['S3-LIFECYCLE-TRANSITION-DAYS']],
    ['a date at noon', { expirationDate: '2030-01-01T12:00:00.000Z' }, ['S3-LIFECYCLE-DATE-MIDNIGHT']],
    ['a date that is not ISO 8601', { transitions: [{ storageClass: 'GLACIER', date: 'January 1, 2030' }] }, ['S3-LIFECYCLE-DATE-FORMAT']],
    [
      'two transitions to GLACIER',
      {
        transitions: [
          { storageClass: 'GLACIER', days: 1 },
          { storageClass: 'GLACIER', days: 100 },
        ],
      },
      ['S3-LIFECYCLE-TRANSITION-DUPLICATE-CLASS', 'S3-LIFECYCLE-TRANSITION-ORDER'],
    ],
    ['a negative size', { objectSizeGreaterThan: -1, expirationDays: 1 }, ['S3-LIFECYCLE-OBJECT-SIZE-VALUE']],
    ['no action at all', { id: 'empty', prefix: 'a/' }, ['S3-LIFECYCLE-NO-ACTION']],
    ['an id of 256 characters', { id: 'x'.repeat(256), expirationDays: 1 }, ['S3-LIFECYCLE-RULE-ID-LENGTH']],
    ['a transition to EXPRESS_ONEZONE', { transitions: [{ storageClass: 'EXPRESS_ONEZONE', days: 1 }] }, ['S3-LIFECYCLE-TRANSITION-TARGET']],
  ])('non-compliant: %s', (_name, rule, expected) => {
    expect(errors(rule)).toEqual(expected);
  });

  test('a configuration: at most 1,000 rules, unique ids', () => {
    expect(checkLifecycleConfiguration({ rules: Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, expirationDays: 1 })) })).toEqual([]);
    expect(checkLifecycleConfiguration({ rules: Array.from({ length: 1001 }, (_, i) => ({ id: `r${i}`, expirationDays: 1 })) }).map((p) => p.ruleId)).toEqual([
      'S3-LIFECYCLE-RULE-COUNT',
    ]);
    expect(
      checkLifecycleConfiguration({
        rules: [
          { id: 'a', expirationDays: 1 },
          { id: 'a', expirationDays: 2 },
          { id: 'a', expirationDays: 3 },
        ],
      }).map((p) => p.ruleId),
    ).toEqual(['S3-LIFECYCLE-RULE-ID-DUPLICATE']);
  });
});

describe('PutBucketNotificationConfiguration rules', () => {
  test.each<[string, { events: string[] }, string[]]>([
    ['compliant: a wildcard and a specific type', { events: ['s3:ObjectCreated:*', 's3:ObjectRestore:Completed'] }, []],
    ['no event type', { events: [] }, ['S3-NOTIFICATION-NO-EVENTS']],
    ['a misspelled event type', { events: ['s3:ObjectCreated:Puts'] }, ['S3-NOTIFICATION-EVENT-NAME']],
    ['the wrong case', { events: ['s3:objectcreated:*'] }, ['S3-NOTIFICATION-EVENT-NAME']],
  ])('%s', (_name, { events }, expected) => {
    expect(checkNotificationConfigurations([{ name: 'A', events }]).map((p) => p.ruleId)).toEqual(expected);
  });

  test.each<[string, NotificationDestinationInput, string[]]>([
    [
      'compliant: a queue on a customer managed key',
      {
        name: 'Q',
        type: 'queue',
        kmsMasterKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234',
        bucketRegion: 'eu-west-1',
        arn: 'arn:aws:sqs:eu-west-1:111122223333:q',
      },
      [],
    ],
    ['compliant: a Lambda function', { name: 'F', type: 'function', kmsMasterKeyId: 'alias/aws/lambda' }, []],
    ['a queue on alias/aws/sqs', { name: 'Q', type: 'queue', kmsMasterKeyId: 'alias/aws/sqs' }, ['S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY']],
    [
      'a topic on the alias ARN of alias/aws/sns',
      { name: 'T', type: 'topic', kmsMasterKeyId: 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns' },
      ['S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY'],
    ],
    ['a FIFO queue', { name: 'Q', type: 'queue', fifo: true }, ['S3-NOTIFICATION-FIFO-DESTINATION']],
    [
      'a queue in another region',
      { name: 'Q', type: 'queue', arn: 'arn:aws:sqs:us-east-1:111122223333:q', bucketRegion: 'eu-west-1' },
      ['S3-NOTIFICATION-DESTINATION-REGION'],
    ],
  ])('destination %s', (_name, destination, expected) => {
    const problems = checkNotificationDestination(destination);
    expect(problems.map((p) => p.ruleId)).toEqual(expected);
    for (const p of problems) expect(p.fix).not.toMatch(/add a statement/i);
  });
});

describe('the one-home tables', () => {
  test('storage classes: the SDK enum, and the lists derived from the table', () => {
    expect([...ALL_STORAGE_CLASSES].sort()).toEqual([
      'AWS_BACKUP_LOW_COST_WARM',
      'AWS_BACKUP_WARM',
      'DEEP_ARCHIVE',
      'EXPRESS_ONEZONE',
      'FSX_ONTAP',
      'FSX_OPENZFS',
      'GLACIER',
      'GLACIER_IR',
      'INTELLIGENT_TIERING',
      'ONEZONE_IA',
      'OUTPOSTS',
      'REDUCED_REDUNDANCY',
      'SNOW',
      'STANDARD',
      'STANDARD_IA',
    ]);
    expect(STORAGE_CLASSES).toEqual([
      'STANDARD',
      'REDUCED_REDUNDANCY',
      'STANDARD_IA',
      'ONEZONE_IA',
      'INTELLIGENT_TIERING',
      'GLACIER_IR',
      'GLACIER',
      'DEEP_ARCHIVE',
    ]);
    expect([...WRITABLE_STORAGE_CLASSES].sort()).toEqual([...STORAGE_CLASSES, 'EXPRESS_ONEZONE', 'OUTPOSTS', 'SNOW'].sort());
    expect(ARCHIVE_CLASSES).toEqual(['GLACIER', 'DEEP_ARCHIVE']);
    expect(MIN_STORAGE_DURATION_DAYS).toEqual({ STANDARD_IA: 30, ONEZONE_IA: 30, GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 });
    expect(restoreTiersFor('DEEP_ARCHIVE')).toEqual(['Standard', 'Bulk']);
    expect(restoreTiersFor('GLACIER')).toEqual(['Expedited', 'Standard', 'Bulk']);
    expect(restoreTiersFor('INTELLIGENT_TIERING', 'DEEP_ARCHIVE_ACCESS')).toEqual(['Standard', 'Bulk']);
    expect(restoreTiersFor('GLACIER_IR')).toEqual([]);
  });

  test('providers and checksums', () => {
    expect(PROVIDER_NAMES).toEqual(['aws', 'minio', 'ceph-rgw', 'moto', 'r2', 'b2', 'gcs', 'wasabi', 'unknown']);
    expect(CHECKSUM_ALGORITHMS).toEqual(['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']);
  });
});
