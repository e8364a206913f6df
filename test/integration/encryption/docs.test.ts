import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestBucket, currentTarget, TestBucket } from '../../helpers/target';
import { createKmsKey } from './kms';

const ROOT = join(__dirname, '..', '..', '..');
/** The example's KMS keys come from moto's KMS (same port as its S3). */
const onMoto = currentTarget().name === 'moto';
let b: TestBucket;
beforeAll(async () => {
  if (onMoto) b = await createTestBucket('docs-enc');
});
afterAll(async () => b?.cleanup());

test('docs/encryption.md opens with examples/encryption.ts, verbatim', () => {
  const doc = readFileSync(join(ROOT, 'docs/encryption.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/encryption.ts'), 'utf8').trim();
  expect(doc.startsWith(`# Encryption\n\n\`\`\`ts\n${example}\n\`\`\``)).toBe(true);
});

(onMoto ? test : test.skip)('and it runs against the server with two real KMS keys, printing what its comments say', async () => {
  const t = currentTarget();
  const [keyA, keyB] = [await createKmsKey('docs A'), await createKmsKey('docs B')];
  const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', join(ROOT, 'examples/encryption.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BUCKET: b.name,
      S3_ENDPOINT: t.endpoint,
      KMS_KEY_A: keyA.arn,
      KMS_KEY_B: keyB.arn,
      AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
    },
  });
  const example = readFileSync(join(ROOT, 'examples/encryption.ts'), 'utf8');
  const promised = [...example.matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((m) => m[1]);
  expect(promised).toHaveLength(6);
  expect(stdout.trim().split('\n')).toEqual(promised);
});

test('docs/encryption.md holds examples/customer-keys.ts, verbatim, under its SSE-C keys section', () => {
  const doc = readFileSync(join(ROOT, 'docs/encryption.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/customer-keys.ts'), 'utf8').trim();
  expect(doc).toContain(`## SSE-C keys by id: \`CustomerKeyProvider\`\n\n\`\`\`ts\n${example}\n\`\`\``);
});

(onMoto ? test : test.skip)('and the customer-keys example runs against the server, printing what its comments say', async () => {
  const t = currentTarget();
  const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', join(ROOT, 'examples/customer-keys.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BUCKET: b.name,
      S3_ENDPOINT: t.endpoint,
      AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
    },
  });
  const example = readFileSync(join(ROOT, 'examples/customer-keys.ts'), 'utf8');
  const promised = [...example.matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((m) => m[1]);
  expect(promised).toHaveLength(5);
  expect(stdout.trim().split('\n')).toEqual(promised);
});
