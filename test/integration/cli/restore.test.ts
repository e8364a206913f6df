/**
 * `bucketkit restore` and `bucketkit restore-status` on the target, as child processes: archived (GLACIER) and
 * STANDARD objects under a prefix, the states before, the restore's counts, the states after, and a live count on
 * stderr (plain lines off a TTY). moto restores at once. MinIO takes no archive class (only STANDARD and
 * REDUCED_REDUNDANCY), so there the same commands run on objects that are not archived and must say so.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { targetDiffers } from '../../helpers/known-differences';
import { createTestBucket, currentTarget, type TestBucket } from '../../helpers/target';
import { bucketkit } from './helpers';

const onMoto = currentTarget().name === 'moto' ? test : test.skip;
let bucket: TestBucket;
beforeAll(async () => {
  bucket = await createTestBucket('cli-restore');
});
afterAll(async () => bucket.cleanup());

onMoto('restore-status, restore --days --tier, restore-status again: tables, live counts, exit codes', async () => {
  for (const key of ['arc/a', 'arc/b', 'arc/c'])
    await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: key, StorageClass: 'GLACIER' }));
  await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'arc/hot', Body: 'x' }));
  await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'other/z', Body: 'x', StorageClass: 'GLACIER' }));

  const before = await bucketkit(['restore-status', `s3://${bucket.name}/arc/`]);
  expect(before.code).toBe(0);
  expect(before.stdout).toMatch(/│ arc\/a\s+│ archived\s+│ GLACIER\s+│/);
  expect(before.stdout).toMatch(/│ arc\/hot\s+│ not-archived\s+│ STANDARD\s+│/);
  expect(before.stdout.trim().split('\n').pop()).toBe('4 object(s): archived 3, not-archived 1');
  expect(before.stderr.trim().split('\n').pop()).toBe('restore-status: 4 key(s): archived 3, not-archived 1');

  const restore = await bucketkit(['restore', `s3://${bucket.name}/arc/`, '--days', '2', '--tier', 'Bulk', '--json']);
  expect(restore.code).toBe(0);
  const rows = restore.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { key: string; status: string; tier: string });
  expect(rows.map((r) => [r.key, r.status, r.tier]).sort()).toEqual([
    ['arc/a', 'started', 'Bulk'],
    ['arc/b', 'started', 'Bulk'],
    ['arc/c', 'started', 'Bulk'],
    ['arc/hot', 'not-archived', 'Bulk'],
  ]);
  // Only the prefix: other/z was not asked for.
  const other = await bucket.raw.send(new HeadObjectCommand({ Bucket: bucket.name, Key: 'other/z' }));
  expect(other.Restore).toBeUndefined();

  const after = await bucketkit(['restore-status', `s3://${bucket.name}/arc/`, '--json']);
  const states = JSON.parse(after.stdout) as { key: string; state: string; expiresAt?: string }[];
  expect(states.map((s) => [s.key, s.state])).toEqual([
    ['arc/a', 'restored'],
    ['arc/b', 'restored'],
    ['arc/c', 'restored'],
    ['arc/hot', 'not-archived'],
  ]);
  const expires = Date.parse(states[0].expiresAt!);
  expect(expires).toBeGreaterThan(Date.now() + 1.5 * 86_400_000);

  const table = await bucketkit(['restore', `s3://${bucket.name}/arc/a`, '--days', '1']);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/│ (already-restored|in-progress|started)\s+│\s+1 │/);
  expect(table.stderr.trim()).toMatch(/^restore: 1 key\(s\): /);
  expect((await bucketkit(['restore', `s3://bk-no-such-bucket-${Date.now()}/x`, '--days', '1'])).code).toBe(3);
});

(targetDiffers('standard-classes-only') ? test : test.skip)(
  'a store without archive classes: every object is not-archived, and restore says so for each',
  async () => {
    await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'std/a', Body: 'a' }));
    await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'std/b', Body: 'b', StorageClass: 'REDUCED_REDUNDANCY' }));
    const status = await bucketkit(['restore-status', `s3://${bucket.name}/std/`, '--json']);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { key: string; state: string }[]).map((s) => [s.key, s.state])).toEqual([
      ['std/a', 'not-archived'],
      ['std/b', 'not-archived'],
    ]);
    const restore = await bucketkit(['restore', `s3://${bucket.name}/std/`, '--days', '1', '--json']);
    expect(restore.code).toBe(0);
    const rows = restore.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; status: string });
    expect(rows.map((r) => [r.key, r.status]).sort()).toEqual([
      ['std/a', 'not-archived'],
      ['std/b', 'not-archived'],
    ]);
    expect((await bucketkit(['restore', `s3://bk-no-such-bucket-${Date.now()}/x`, '--days', '1'])).code).toBe(3);
  },
);

(targetDiffers('archived-objects-readable') ? test : test.skip)(
  'a store whose GLACIER is a placement target (Ceph RGW): restore fails per key as unsupported, exit 1, the object stays readable',
  async () => {
    await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'pt/a', Body: 'a', StorageClass: 'GLACIER' }));
    const status = await bucketkit(['restore-status', `s3://${bucket.name}/pt/`, '--json']);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { key: string; state: string }[]).map((s) => [s.key, s.state])).toEqual([['pt/a', 'archived']]);
    const restore = await bucketkit(['restore', `s3://${bucket.name}/pt/`, '--days', '1', '--json']);
    expect(restore.code).toBe(1);
    const row = JSON.parse(restore.stdout.trim()) as { key: string; status: string; error: string };
    expect([row.key, row.status]).toEqual(['pt/a', 'failed']);
    expect(row.error).toMatch(/NotImplemented, HTTP 501/);
    expect(await bucket.storage.getText('pt/a')).toBe('a');
  },
);
