/**
 * A local path the CLI cannot use gives one line naming the path as given and the problem in words, with the
 * documented exit code (3 for a path that is missing or that a file stands in the way of, 4 for permission denied),
 * never Node's raw `EEXIST: file already exists, mkdir ...`, and, where the problem is found first, no request.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';
import { LocalPathError, isFileSystemError, localPathError, makeDirectories } from '../../bin/cli/local-path';
import { exitCodeFor } from '../../bin/cli/exit-codes';

const s3 = mockClient(S3Client);
let dir: string;
let file: string;
beforeEach(() => {
  s3.reset();
  dir = mkdtempSync(join(tmpdir(), 'bucketkit-local-path-'));
  file = join(dir, 'big.bin');
  writeFileSync(file, 'x');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One line, no Node error text. */
function expectOneCleanLine(err: string): void {
  expect(err.split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/EEXIST|ENOTDIR|ENOENT|EACCES|mkdir '|open '|file already exists/);
}

describe('cp: the destination', () => {
  test.each([
    ['an existing file with a trailing / (the reported case: mkdir EEXIST)', (): string => `${file}/`],
    ['a path below an existing file (mkdir ENOTDIR)', (): string => join(file, 'sub', 'x.bin')],
  ])('%s: exit 3, one line naming <dst> and the file in the way; nothing sent', async (_what, dst) => {
    const r = await cli(['cp', 's3://good-bucket/kib.bin', dst(), '--region', 'us-east-1']);
    expect(r.code).toBe(3);
    expect(r.err).toBe(`bucketkit: ${dst()}: ${file} is a file, not a directory`);
    expectOneCleanLine(r.err);
    expect(s3.calls()).toHaveLength(0);
  });

  test("a directory under procfs (/proc/nope/x.bin): exit 3 at once, nothing sent (Node's recursive mkdir spins there forever)", async () => {
    const started = Date.now();
    const r = await cli(['cp', 's3://good-bucket/kib.bin', '/proc/bucketkit-nope/x.bin', '--region', 'us-east-1']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(3);
    expect(r.err).toBe('bucketkit: /proc/bucketkit-nope/x.bin: no such file or directory');
    expectOneCleanLine(r.err);
    expect(s3.calls()).toHaveLength(0);
  }, 10_000);

  test('missing parents are made, one level at a time; the first one made is reported for the clean-up', async () => {
    expect(await makeDirectories(join(dir, 'a', 'b', 'c'))).toBe(join(dir, 'a'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(await makeDirectories(join(dir, 'a', 'b'))).toBeUndefined();
    await expect(makeDirectories(join(file, 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  test("a directory where the download's .partial file goes (after the HEAD): exit 3, named", async () => {
    const target = join(dir, 'out');
    mkdirSync(`${target}.partial`, { recursive: true });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ETag: '"e"', LastModified: new Date() });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const r = await cli(['cp', 's3://good-bucket/kib.bin', target, '--region', 'us-east-1', '--quiet']);
    expect(r.code).toBe(3);
    expect(r.err).toBe(`bucketkit: ${target}: ${target}.partial is a directory, not a file`);
    expectOneCleanLine(r.err);
  });
});

describe('cp: the source of an upload', () => {
  test('a missing file: "no such file", exit 3 (as before)', async () => {
    const missing = join(dir, 'missing.bin');
    const r = await cli(['cp', missing, 's3://good-bucket/k', '--region', 'us-east-1']);
    expect(r).toMatchObject({ code: 3, err: `bucketkit: ${missing}: no such file` });
    expect(s3.calls()).toHaveLength(0);
  });
  test('a path below a file: the file in the way, not "no such file", exit 3', async () => {
    const r = await cli(['cp', join(file, 'x'), 's3://good-bucket/k', '--region', 'us-east-1']);
    expect(r).toMatchObject({ code: 3, err: `bucketkit: ${join(file, 'x')}: ${file} is a file, not a directory` });
    expect(s3.calls()).toHaveLength(0);
  });
});

test('restore --state-file below a file: the option, the path and the problem; exit 3', async () => {
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: '2020/a', StorageClass: 'GLACIER', Size: 1 }] });
  const ledger = join(file, 'ledger.jsonl');
  const r = await cli(['restore', 's3://archive-bucket/2020/', '--days', '1', '--state-file', ledger, '--json', '--region', 'us-east-1']);
  expect(r.code).toBe(3);
  expect(r.err).toBe(`bucketkit: --state-file: ${ledger}: ${file} is a file, not a directory`);
});

test('cost --template below a file: the option, the path and the problem; exit 3', async () => {
  const template = join(file, 't.json');
  const r = await cli(['cost', '--template', template, '--size', '1', '--count', '1', '--months', '1']);
  expect(r).toMatchObject({ code: 3, err: `bucketkit: --template: ${template}: ${file} is a file, not a directory` });
});

describe('the problems in words and their exit codes (errors as Node raises them)', () => {
  const fsError = (code: string, syscall: string, path: string): NodeJS.ErrnoException =>
    Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
  test.each([
    ['EACCES', 'open', 4, /^\/data\/x: permission denied \(\/data\/x\.partial\)$/],
    ['EPERM', 'rename', 4, /^\/data\/x: permission denied/],
    ['EROFS', 'open', 4, /^\/data\/x: read-only file system$/],
    ['ENOENT', 'open', 3, /^\/data\/x: no such file$/],
    ['ENOSPC', 'write', 1, /^\/data\/x: no space left on the device$/],
    ['ENAMETOOLONG', 'open', 3, /^\/data\/x: file name too long$/],
  ])('%s (%s): exit %i', (code, syscall, exit, message) => {
    const e = localPathError(fsError(code, syscall, '/data/x.partial'), '/data/x');
    expect(e).toBeInstanceOf(LocalPathError);
    expect((e as Error).message).toMatch(message);
    expect(exitCodeFor(e)).toBe(exit);
  });
  test('a network error (a code, no path) is not a local path problem and stays as it is', () => {
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1' });
    expect(isFileSystemError(network)).toBe(false);
    expect(localPathError(network, '/data/x')).toBe(network);
    expect(exitCodeFor(network)).toBe(1);
  });
});
