import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StorageBucket } from '../../lib';
import { demo } from '../../examples/constructs-before-after';
import { TestApps } from './support';

const ROOT = join(__dirname, '..', '..');
const apps = new TestApps();
afterAll(() => apps.cleanUp());

test('the README shows examples/constructs-before-after.ts verbatim', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/constructs-before-after.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});

test('before: s3.Bucket synthesizes the invalid configuration without a word', () => {
  const app = apps.app();
  demo(app, s3.Bucket);
  expect(() => app.synth()).not.toThrow();
});

test('after: StorageBucket stops synth with the three problems the README quotes', () => {
  const app = apps.app();
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  let message = '';
  try {
    demo(app, StorageBucket);
    app.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('StorageBucket has 3 problems that would fail at deploy time');
  const quoted = readme.split('\n').filter((l) => l.startsWith('[S3-'));
  expect(quoted).toHaveLength(3);
  for (const line of quoted) expect(message).toContain(line);
});
