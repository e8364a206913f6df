import { checkBucketName, checkIntelligentTieringConfiguration, checkTransferAcceleration, IntelligentTieringConfigurationInput } from '../../lib/rules';

describe('transfer acceleration', () => {
  test.each<[string, { bucketName?: string; region?: string }, string[]]>([
    ['compliant: no dots, commercial region', { bucketName: 'my-data-bucket', region: 'eu-west-1' }, []],
    ['compliant: name and region unknown', {}, []],
    ['dots in the name', { bucketName: 'my.data.bucket' }, ['S3-ACCELERATE-BUCKET-NAME-DOTS']],
    ['China region', { region: 'cn-north-1' }, ['S3-ACCELERATE-REGION']],
    ['GovCloud region', { bucketName: 'a.b.c', region: 'us-gov-west-1' }, ['S3-ACCELERATE-BUCKET-NAME-DOTS', 'S3-ACCELERATE-REGION']],
  ])('%s', (_name, input, expected) => {
    expect(checkTransferAcceleration(input).map((p) => p.ruleId)).toEqual(expected);
  });

  test('an unsupported region is a warning, dots are an error', () => {
    const problems = checkTransferAcceleration({ bucketName: 'a.b.c', region: 'cn-northwest-1' });
    expect(problems.map((p) => p.severity)).toEqual(['error', 'warning']);
  });

  test('the general name rules still apply with acceleration', () => {
    expect(checkBucketName('Bad..Name.', { transferAcceleration: true }).map((p) => p.ruleId)).toEqual(
      expect.arrayContaining(['S3-BUCKET-NAME-CHARS', 'S3-BUCKET-NAME-EDGES', 'S3-BUCKET-NAME-ADJACENT-DOTS', 'S3-ACCELERATE-BUCKET-NAME-DOTS']),
    );
  });
});

describe('Intelligent-Tiering archive ranges', () => {
  test.each<[string, IntelligentTieringConfigurationInput, string[]]>([
    [
      'compliant: both tiers at their limits',
      {
        tierings: [
          { accessTier: 'ARCHIVE_ACCESS', days: 90 },
          { accessTier: 'DEEP_ARCHIVE_ACCESS', days: 730 },
        ],
      },
      [],
    ],
    ['ARCHIVE_ACCESS below 90', { tierings: [{ accessTier: 'ARCHIVE_ACCESS', days: 89 }] }, ['S3-INTELLIGENT-TIERING-ARCHIVE-ACCESS-DAYS']],
    ['ARCHIVE_ACCESS above 730', { tierings: [{ accessTier: 'ARCHIVE_ACCESS', days: 731 }] }, ['S3-INTELLIGENT-TIERING-ARCHIVE-ACCESS-DAYS']],
    ['DEEP_ARCHIVE_ACCESS below 180', { tierings: [{ accessTier: 'DEEP_ARCHIVE_ACCESS', days: 179 }] }, ['S3-INTELLIGENT-TIERING-DEEP-ARCHIVE-ACCESS-DAYS']],
    ['DEEP_ARCHIVE_ACCESS above 730', { tierings: [{ accessTier: 'DEEP_ARCHIVE_ACCESS', days: 1000 }] }, ['S3-INTELLIGENT-TIERING-DEEP-ARCHIVE-ACCESS-DAYS']],
    ['unknown tier', { tierings: [{ accessTier: 'FROZEN', days: 100 }] }, ['S3-INTELLIGENT-TIERING-ACCESS-TIER']],
    [
      'duplicate tier',
      {
        tierings: [
          { accessTier: 'ARCHIVE_ACCESS', days: 100 },
          { accessTier: 'ARCHIVE_ACCESS', days: 120 },
        ],
      },
      ['S3-INTELLIGENT-TIERING-DUPLICATE-TIER'],
    ],
  ])('%s', (_name, config, expected) => {
    expect(checkIntelligentTieringConfiguration(config).map((p) => p.ruleId)).toEqual(expected);
  });
});
