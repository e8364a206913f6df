/** `bucketkit --version` (and `-V`): the version in package.json, exit 0; listed in `bucketkit --help`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './run-cli';
import { packageVersion } from '../../bin/cli/program';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

test.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
  const r = await cli([flag]);
  expect(r).toEqual({ code: 0, out: version, err: '' });
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  expect(packageVersion()).toBe(version);
});

test('--help lists --version', async () => {
  const r = await cli(['--help']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/-V, --version\s+print the version and exit/);
});
