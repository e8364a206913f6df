import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisedLines, runExample } from '../../helpers/examples';
import { createTestBucket, TestBucket } from '../../helpers/target';

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
  const { stdout, stderr, code } = await runExample('versioning.ts', b.name);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const promised = promisedLines('versioning.ts');
  expect(promised).toHaveLength(8);
  expect(stdout.trim().split('\n')).toEqual(promised);
});
