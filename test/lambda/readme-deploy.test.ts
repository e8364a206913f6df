/**
 * The README's "Deploy and invoke" section: its construct code is examples/deploy-and-invoke.ts verbatim, and it
 * synthesizes three functions on the pre-built bundles (index.handler, nodejs22.x). Its `bucketkit invoke` output is
 * checked against a real run in test/integration/lambda/invoke.test.ts.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployHandlers } from '../../examples/deploy-and-invoke';

const ROOT = join(__dirname, '..', '..');

test('the README shows examples/deploy-and-invoke.ts verbatim', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(ROOT, 'examples', 'deploy-and-invoke.ts'), 'utf8').trim());
});

test('it synthesizes the transfer, restore and probe functions on the bundles', () => {
  const app = new App({ context: { 'bucketkit:handlerBundleDirectory': join(ROOT, 'integ', 'fixtures', 'handler-bundles') } });
  const template = Template.fromStack(deployHandlers(app));
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Handler === 'index.handler');
  expect(functions).toHaveLength(3);
  for (const f of functions) expect(f.Properties.Runtime).toBe('nodejs22.x');
});
