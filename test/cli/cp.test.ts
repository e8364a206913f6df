/**
 * `bucketkit cp` argument handling (a bad argument exits 2 with the command's usage and sends nothing), the
 * destination naming, and the progress output: plain lines throttled to one a second, rate and ETA formats.
 * The transfers themselves run against a real server in test/integration/cli/cp.test.ts.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';
import { MAX_PART_SIZE_MIB, destinationKey, partSizeMibOf, summary } from '../../bin/cli/cp';
import { formatEta, formatRate, plainReporter, progressLine } from '../../bin/cli/progress';
import { formatBytes, parseS3Url } from '../../bin/cli/s3-target';
import { UsageError } from '../../bin/cli/exit-codes';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

test.each([
  [['cp']],
  [['cp', 'only-one']],
  [['cp', 'a.txt', 'b.txt']],
  [['cp', 'a.txt', 'http://bucket/key']],
  [['cp', 's3://', 'x']],
  [['cp', 's3://bucket', 'x']],
  [['cp', 's3://bucket/prefix/', 'x']],
  [['cp', 'a.txt', 's3://b/k', '--part-size-mib', '4']],
  [['cp', 'a.txt', 's3://b/k', '--part-size-mib', 'big']],
  [['cp', 'a.txt', 's3://b/k', '--concurrency', '0']],
  [['cp', 'a.txt', 's3://b/k', '--multipart-threshold-mib', '-1']],
  [['cp', 'a.txt', 's3://b/k', '--frobnicate']],
])('bad arguments %j exit 2 with the usage of cp, and send nothing', async (args) => {
  const r = await cli(args);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/Usage: bucketkit cp \[options\] <src> <dst>/);
  expect(s3.calls()).toHaveLength(0);
});

test('cp --help prints the usage with examples and exits 0', async () => {
  const r = await cli(['cp', '--help']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/Usage: bucketkit cp/);
  expect(r.out).toMatch(/bucketkit cp \.\/backup\.tar s3:\/\/my-bucket\/backups\//);
});

test('s3:// URLs and destination keys', () => {
  expect(parseS3Url('s3://bkt/a/b/c.txt', '<src>')).toEqual({ bucket: 'bkt', key: 'a/b/c.txt' });
  expect(parseS3Url('S3://bkt', '<src>')).toEqual({ bucket: 'bkt', key: '' });
  expect(() => parseS3Url('/tmp/x', '<dst>')).toThrow(UsageError);
  expect(() => parseS3Url('/tmp/x', '<dst>')).toThrow(/<dst>/);
  expect(destinationKey('', 'f.bin')).toBe('f.bin');
  expect(destinationKey('in/', 'f.bin')).toBe('in/f.bin');
  expect(destinationKey('in/g.bin', 'f.bin')).toBe('in/g.bin');
});

test('sizes, rates and ETAs', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(200 * 1024 * 1024)).toBe('200.0 MiB');
  expect(formatRate(1.5 * 1024 * 1024)).toBe('1.5 MiB/s');
  expect(formatEta(100, 0)).toBe('?');
  expect(formatEta(100, 10)).toBe('10s');
  expect(formatEta(187, 1)).toBe('3m07s');
  expect(formatEta(3720, 1)).toBe('1h02m');
});

test('plain progress: one line a second at most, and the last snapshot always', () => {
  let t = 0;
  const lines: string[] = [];
  const r = plainReporter(
    'cp',
    (l) => lines.push(l),
    () => t,
  );
  const snap = (mib: number) => ({
    transferredBytes: mib * 1024 * 1024,
    totalBytes: 40 * 1024 * 1024,
    partsDone: mib / 5,
    totalParts: 8,
    bytesPerSecond: 5 * 1024 * 1024,
    elapsedMs: t,
  });
  r.update(snap(5));
  t = 400;
  r.update(snap(10));
  t = 1100;
  r.update(snap(15));
  t = 1200;
  r.update(snap(40));
  r.finish();
  expect(lines).toEqual([
    'cp: 5.0 MiB of 40.0 MiB (12%), 1 of 8 parts, 5.0 MiB/s, ETA 7s',
    'cp: 15.0 MiB of 40.0 MiB (37%), 3 of 8 parts, 5.0 MiB/s, ETA 5s',
    'cp: 40.0 MiB of 40.0 MiB (100%), 8 of 8 parts, 5.0 MiB/s, ETA 0s',
  ]);
  expect(progressLine('cp', { transferredBytes: 10, partsDone: 0, bytesPerSecond: 10, elapsedMs: 1 })).toBe('cp: 10 B, 10 B/s');
});

test('the summary line', () => {
  expect(summary({ operation: 'upload', source: 'f', destination: 's3://b/f', sizeBytes: 40 * 1024 * 1024, parts: 8, resumed: 4 })).toBe(
    'upload: f to s3://b/f (40.0 MiB, 8 parts, 4 resumed)',
  );
  expect(summary({ operation: 'copy', source: 's3://a/k', destination: 's3://b/k' })).toBe('copy: s3://a/k to s3://b/k');
});

describe('config validation in CLI terms: the argument or option, with the usage; nothing sent', () => {
  test.each([
    [['cp', 'a.txt', 's3://My_Bad_Bucket/x'], /^bucketkit: <dst>: bucket name "My_Bad_Bucket": Bucket name may contain only lowercase letters/, 'cp'],
    [['cp', 's3://ab/k', '/tmp/x'], /^bucketkit: <src>: bucket name "ab": Bucket name must be 3 to 63 characters long, not 2/, 'cp'],
    [['ls', 's3://-bad-'], /^bucketkit: <url>: bucket name "-bad-": Bucket name must begin and end with a letter or number/, 'ls'],
    [['cp', 's3://good-bucket/k', '/tmp/x', '--endpoint', 'not a url'], /^bucketkit: --endpoint: must be an absolute http\(s\) URL/, 'cp'],
    [['ls', 's3://good-bucket', '--region', 'Not A Region'], /^bucketkit: --region: /, 'ls'],
  ])('%j', async (args, message, command) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(message.source, 'm'));
    expect(r.err).not.toMatch(/config\./);
    expect(r.err).toMatch(new RegExp(`Usage: bucketkit ${command} \\[options\\]`));
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('a download whose HEAD gets 404: the bucket or the key, told apart by one ListObjectsV2', () => {
  const notFound = () => Object.assign(new Error('UnknownError'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  const tmp = mkdtempSync(join(tmpdir(), 'bucketkit-cp-404-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const dst = () => join(tmp, 'x.bin');

  test('NoSuchBucket on the listing: the bucket is missing (exit 3)', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(ListObjectsV2Command).rejects(
      Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }),
    );
    const r = await cli(['cp', 's3://no-such-bucket/k', dst(), '--region', 'us-east-1']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/NoSuchBucket: the bucket no-such-bucket does not exist \(s3:\/\/no-such-bucket\/k\)/);
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toMatchObject({ Bucket: 'no-such-bucket', Prefix: 'k', MaxKeys: 1 });
  });

  test('the listing answers: the key is missing (exit 3)', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(ListObjectsV2Command).resolves({ Contents: [], KeyCount: 0, IsTruncated: false });
    const r = await cli(['cp', 's3://some-bucket/k', dst(), '--region', 'us-east-1']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/NoSuchKey: no object s3:\/\/some-bucket\/k \(the bucket exists\)/);
  });

  test('the listing is denied: the HEAD error as it was (still exit 3)', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const r = await cli(['cp', 's3://some-bucket/k', dst(), '--region', 'us-east-1']);
    expect(r.code).toBe(3);
    expect(r.err).not.toMatch(/NoSuchBucket|NoSuchKey|denied/i);
  });
});

describe("--part-size-mib within S3's part limits (lib/rules: 5 MiB to 5 GiB)", () => {
  test.each([
    [['cp', 'a.txt', 's3://good-bucket/k', '--part-size-mib', '6000']],
    [['cp', 's3://good-bucket/k', '/tmp/x', '--part-size-mib', '5121']],
    [['cp', 's3://good-bucket/k', 's3://other-bucket/k', '--part-size-mib', '6000']],
    [
      [
        'cp',
        's3://good-bucket/k',
        's3://other-bucket/k',
        '--part-size-mib',
        '6000',
        '--engine',
        'step-functions',
        '--state-machine-arn',
        'arn:aws:states:us-east-1:123456789012:stateMachine:C',
      ],
    ],
  ])('%j: exit 2 with the usage, nothing sent', async (args) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--part-size-mib: must be a whole number of MiB from 5 to 5120 \(S3's part size limits, 5 MiB to 5 GiB\) \(got "(5121|6000)"\)/);
    expect(r.err).toMatch(/Usage: bucketkit cp \[options\]/);
    expect(s3.calls()).toHaveLength(0);
  });

  test('the edges: 5 and 5120 pass, 4 and 5121 do not', () => {
    expect(MAX_PART_SIZE_MIB).toBe(5120);
    expect(partSizeMibOf('5')).toBe(5);
    expect(partSizeMibOf('5120')).toBe(5120);
    expect(partSizeMibOf(undefined)).toBeUndefined();
    expect(() => partSizeMibOf('4')).toThrow(/from 5 to 5120 .*\(got "4"\)/);
    expect(() => partSizeMibOf('5121')).toThrow(/from 5 to 5120 .*\(got "5121"\)/);
    // 0 is out of the range like any other value, and says so (it once said "must be a positive integer").
    expect(() => partSizeMibOf('0')).toThrow(/--part-size-mib: must be a whole number of MiB from 5 to 5120 .*\(got "0"\)/);
  });
});
