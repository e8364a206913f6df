/**
 * Argument handling of the S3 commands other than cp: a bad argument exits 2 with the command's usage and sends no
 * request; --help exits 0. Their behaviour runs against a real server in test/integration/cli/.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';
import { LiveCount } from '../../bin/cli/live-count';
import { formatLs } from '../../bin/cli/ls';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

test.each([
  ['ls', []],
  ['ls', ['/local/dir']],
  ['ls', ['s3://']],
  ['ls', ['s3://b', '--bogus']],
  ['rm', []],
  ['rm', ['s3://b']],
  ['rm', ['s3://b/prefix/']],
  ['rm', ['b/key']],
  ['restore', ['s3://b/p/']],
  ['restore', ['s3://b/p/', '--days', '0']],
  ['restore', ['s3://b/p/', '--days', '1.5']],
  ['restore', ['s3://b/p/', '--days', '1', '--tier', 'Fast']],
  ['restore', ['s3://b/p/', '--days', '1', '--concurrency', 'x']],
  ['restore', ['b/p/', '--days', '1']],
  ['restore-status', []],
  ['restore-status', ['./local']],
  ['versions', []],
  ['versions', ['bucket/prefix']],
  ['undelete', []],
  ['undelete', ['s3://b']],
  ['undelete', ['s3://b/k', 'extra']],
])('%s %j exits 2 with its usage and sends nothing', async (command, args) => {
  const r = await cli([command, ...args]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(new RegExp(`Usage: bucketkit ${command} \\[options\\]`));
  expect(s3.calls()).toHaveLength(0);
});

test.each([['ls'], ['rm'], ['restore'], ['restore-status'], ['versions'], ['undelete']])('%s --help exits 0 with examples', async (command) => {
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

test('live count: redrawn in place on a TTY, one plain line a second otherwise, the final count always', () => {
  const drawn: string[] = [];
  const tty = new LiveCount('restore', () => undefined, { write: (s: string) => drawn.push(s) } as unknown as NodeJS.WritableStream);
  tty.add('started');
  tty.add('not-archived');
  tty.add('started');
  tty.finish();
  expect(drawn).toEqual([
    '\rrestore: 1 key(s): started 1\x1b[K',
    '\rrestore: 2 key(s): started 1, not-archived 1\x1b[K',
    '\rrestore: 3 key(s): started 2, not-archived 1\x1b[K',
    '\rrestore: 3 key(s): started 2, not-archived 1\x1b[K\n',
  ]);
  let t = 0;
  const lines: string[] = [];
  const plain = new LiveCount(
    'restore-status',
    (l) => lines.push(l),
    undefined,
    () => t,
  );
  plain.add('archived');
  t = 500;
  plain.add('archived');
  t = 1000;
  plain.add('restored');
  t = 1200;
  plain.add('restored');
  plain.finish();
  expect(lines).toEqual([
    'restore-status: 1 key(s): archived 1',
    'restore-status: 3 key(s): archived 2, restored 1',
    'restore-status: 4 key(s): archived 2, restored 2',
  ]);
});
