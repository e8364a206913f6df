import { Linter } from 'eslint';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the project's own flat config, as ESLint loads it
const config = require('../../../eslint.config.js');
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

describe('layers inside lib/storage point down only (eslint.config.js STORAGE_LAYERS)', () => {
  test.each([
    ['lib/storage/s3/core/x.ts', "import { putObject } from '../objects/put';", /core may not import/],
    ['lib/storage/s3/core/x.ts', "import { uploadObject } from '../transfer/upload/upload';", /core may not import/],
    ['lib/storage/s3/core/x.ts', "import { probeCapabilities } from '../compatibility/probe';", /core may not import/],
    ['lib/storage/s3/objects/x.ts', "import { multipartCopy } from '../transfer/copy/multipart-copy';", /objects may not import/],
    ['lib/storage/s3/objects/x.ts', "import { FIXED_PROFILES } from '../compatibility/profile';", /objects may not import/],
    ['lib/storage/s3/transfer/shared/x.ts', "import { uploadObject } from '../upload/upload';", /transfer\/shared may not import/],
    ['lib/storage/s3/transfer/upload/x.ts', "import { CapabilityCache } from '../../compatibility/cache';", /transfer may not import/],
    ['lib/storage/s3/compatibility/x.ts', "import { uploadObject } from '../transfer/upload/upload';", /compatibility imports core and objects only/],
    ['lib/storage/s3/archive/x.ts', "import { FIXED_PROFILES } from '../compatibility/profile';", /archive imports core/],
    ['lib/storage/types/x.ts', "import { S3Session } from '../s3/core/session';", /bottom of the graph/],
    ['lib/storage/errors.ts', "import { S3Session } from './s3/core/session';", /bottom of the graph/],
    ['lib/storage/s3/objects/x.ts', "import { S3Storage } from '../s3-storage';", /Nothing in lib\/storage imports the S3Storage facade/],
    ['lib/storage/s3/transfer/upload/x.ts', "import { S3Storage } from '../../s3-storage';", /Nothing in lib\/storage imports the S3Storage facade/],
    ['lib/storage/s3/core/x.ts', "import { Stack } from 'aws-cdk-lib';", /Run-time code/],
  ])('%s: %s is refused', (file, code, message) => {
    const messages = restricted(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  test.each([
    ['lib/storage/s3/objects/x.ts', "import { S3Context } from '../core/context';"],
    ['lib/storage/s3/transfer/upload/x.ts', "import { putObject } from '../../objects/put';"],
    ['lib/storage/s3/transfer/upload/x.ts', "import { Slots } from '../shared/control';"],
    ['lib/storage/s3/compatibility/x.ts', "import { presignUrl } from '../objects/presign';"],
    ['lib/storage/s3/archive/x.ts', "import { S3Context } from '../core/context';"],
    ['lib/storage/s3/core/x.ts', "import type { PutOptions } from '../../types/objects';"],
    ['lib/storage/index.ts', "import { S3Storage } from './s3/s3-storage';"],
  ])('%s: %s is allowed', (file, code) => {
    expect(restricted(file, code)).toEqual([]);
  });
});

describe('file size (max-lines in eslint.config.js)', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n');
  const maxLines = (file: string, code: string) => linter.verify(code, config, { filename: join(ROOT, file) }).filter((m) => m.ruleId === 'max-lines');

  test.each(['lib/storage/s3/x.ts', 'lib/constructs/x.ts', 'bin/x.ts', 'lambda/transfer/x.ts'])('%s: 401 lines are refused, 400 allowed', (file) => {
    expect(maxLines(file, lines(401))).toHaveLength(1);
    expect(maxLines(file, lines(400))).toHaveLength(0);
  });
});
