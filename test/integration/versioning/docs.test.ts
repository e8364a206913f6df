import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestBucket, currentTarget, TestBucket } from '../../helpers/target';

const ROOT = join(__dirname, '..', '..', '..');
let b: TestBucket;
beforeAll(async () => {
  b = await createTestBucket('docs-ver');
});
afterAll(async () => b.cleanup());

test('docs/versioning.md opens with examples/versioning.ts, verbatim', () => {
  const doc = readFileSync(join(ROOT, 'docs/versioning.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/versioning.ts'), 'utf8').trim();
  expect(doc.startsWith(`# Versioning\n\n\`\`\`ts\n${example}\n\`\`\``)).toBe(true);
});

test('and it runs against the server, printing what its comments say', async () => {
  const t = currentTarget();
  const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', join(ROOT, 'examples/versioning.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BUCKET: b.name,
      S3_ENDPOINT: t.endpoint,
      AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
    },
  });
  const example = readFileSync(join(ROOT, 'examples/versioning.ts'), 'utf8');
  const promised = [...example.matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((m) => m[1]);
  expect(promised).toHaveLength(8);
  expect(stdout.trim().split('\n')).toEqual(promised);
});
