import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExample } from '../../helpers/examples';
import { createTestBucket, TestBucket } from '../../helpers/target';

const ROOT = join(__dirname, '..', '..', '..');
let b: TestBucket;
beforeAll(async () => {
  b = await createTestBucket('readme');
});
afterAll(async () => b.cleanup());

test('the README shows examples/storage-quickstart.ts verbatim', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/storage-quickstart.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('and it runs against the server, printing what the README says it prints', async () => {
  const { stdout, stderr, code } = await runExample('storage-quickstart.ts', b.name);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout.trim().split('\n')).toEqual([
    '14 text/csv finance',
    'id,total',
    'already there: create-only write refused',
    'reports/2026.csv 14',
    'deleted with 0 errors',
    'false',
    'true NoSuchKey',
  ]);
});
