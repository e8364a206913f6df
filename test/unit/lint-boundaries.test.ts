import { Linter } from 'eslint';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the project's own flat config, as ESLint loads it
const config = require('../../eslint.config.js');
const linter = new Linter({ cwd: ROOT, configType: 'flat' });

function restricted(file: string, code: string): string[] {
  return linter
    .verify(`${code}\nexport const used = 1;\n`, config, { filename: join(ROOT, file) })
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import boundaries (DEVELOPERS.md), enforced by the lint rule in eslint.config.js', () => {
  test.each([
    ['lib/storage/x.ts', "import { Stack } from 'aws-cdk-lib';", /Run-time code/],
    ['lib/storage/s3/x.ts', "import { Construct } from 'constructs';", /Run-time code/],
    ['lib/storage/x.ts', "import { StorageBucket } from '../constructs/storage-bucket';", /Run-time code/],
    ['lambda/transfer/index.ts', "import { aws_s3 } from 'aws-cdk-lib';", /Run-time code/],
    ['lib/constructs/x.ts', "import { S3Client } from '@aws-sdk/client-s3';", /Deploy-time code/],
    ['lib/constructs/x.ts', "import { S3Storage } from '../storage';", /Deploy-time code/],
    ['lib/rules/x.ts', "import { Bucket } from 'aws-cdk-lib/aws-s3';", /lib\/rules holds S3 rules/],
    ['lib/rules/x.ts', "import { S3Client } from '@aws-sdk/client-s3';", /lib\/rules holds S3 rules/],
  ])('%s: %s is refused', (file, code, message) => {
    const messages = restricted(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  test.each([
    ['lib/storage/x.ts', "import { checkBucketName } from '../rules/bucket-name';"],
    ['lib/constructs/x.ts', "import { checkBucketName } from '../rules/bucket-name';"],
    ['lib/constructs/x.ts', "import { Bucket } from 'aws-cdk-lib/aws-s3';"],
    ['lib/storage/x.ts', "import { S3Client } from '@aws-sdk/client-s3';"],
  ])('%s: %s is allowed', (file, code) => {
    expect(restricted(file, code)).toEqual([]);
  });
});
