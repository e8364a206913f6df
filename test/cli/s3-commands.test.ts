/**
 * Argument handling of the S3 commands other than cp: a bad argument exits 2 with the command's usage and sends no
 * request; --help exits 0. Their behaviour runs against a real server in test/integration/cli/.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../bin/cli';
import { formatLs } from '../../bin/cli/ls';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test.each([
  ['ls', []],
  ['ls', ['/local/dir']],
  ['ls', ['s3://']],
  ['ls', ['s3://b', '--bogus']],
  ['rm', []],
  ['rm', ['s3://b']],
  ['rm', ['s3://b/prefix/']],
  ['rm', ['b/key']],
])('%s %j exits 2 with its usage and sends nothing', async (command, args) => {
  const r = await cli([command, ...args]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(new RegExp(`Usage: bucketkit ${command} \\[options\\]`));
  expect(s3.calls()).toHaveLength(0);
});

test.each([['ls'], ['rm']])('%s --help exits 0 with examples', async (command) => {
  const r = await cli([command, '--help']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`Examples:\\n  bucketkit ${command} s3://`));
});

test('ls table: prefixes first, sizes right-aligned, a total line; an empty listing says so', () => {
  const text = formatLs({
    bucket: 'b',
    prefix: '',
    commonPrefixes: ['logs/'],
    objects: [{ key: 'a.txt', size: 1536, etag: 'e', storageClass: 'GLACIER', lastModified: new Date('2026-01-02T03:04:05.678Z') }],
  });
  const lines = text.split('\n');
  expect(lines[3]).toMatch(/^│ +│ +PRE │ +│ logs\/ +│$/);
  expect(lines[4]).toBe('│ 2026-01-02T03:04:05Z │ 1.5 KiB │ GLACIER │ a.txt │');
  expect(lines.at(-1)).toBe('1 object(s), 1.5 KiB, 1 prefix(es)');
  expect(formatLs({ bucket: 'b', prefix: 'x/', commonPrefixes: [], objects: [] })).toBe('no objects under s3://b/x/');
});
