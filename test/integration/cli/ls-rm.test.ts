/**
 * `bucketkit ls` and `bucketkit rm` on the target, run as child processes: the table and the JSON listing (grouped
 * at / and --recursive), one-key delete, --dry-run that deletes nothing, and --recursive over more than one
 * DeleteObjects batch page.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestBucket, type TestBucket } from '../../helpers/target';
import { bucketkit } from './helpers';

let bucket: TestBucket;
beforeAll(async () => {
  bucket = await createTestBucket('cli-ls');
});
afterAll(async () => bucket.cleanup());

const put = (key: string, body = 'x') => bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
async function keys(prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await bucket.raw.send(new ListObjectsV2Command({ Bucket: bucket.name, Prefix: prefix, ContinuationToken: token }));
    out.push(...(r.Contents ?? []).map((c) => c.Key!));
    token = r.NextContinuationToken;
  } while (token);
  return out;
}

test('ls: a table grouped at /, --recursive, --json; a missing bucket exits 3', async () => {
  await put('top.txt', 'hello');
  await put('logs/a.log', 'a'.repeat(2048));
  await put('logs/b.log');
  const grouped = await bucketkit(['ls', `s3://${bucket.name}`]);
  expect(grouped.code).toBe(0);
  expect(grouped.stdout).toMatch(/│\s+PRE\s+│\s+│ logs\/\s+│/);
  expect(grouped.stdout).toMatch(/│\s+5 B\s+│ STANDARD\s+│ top\.txt\s+│/);
  expect(grouped.stdout).toMatch(/1 object\(s\), 5 B, 1 prefix\(es\)/);
  const recursive = await bucketkit(['ls', `s3://${bucket.name}/logs/`, '--recursive', '--json']);
  expect(recursive.code).toBe(0);
  const listed = JSON.parse(recursive.stdout) as { objects: { key: string; size: number }[] };
  expect(listed.objects.map((o) => [o.key, o.size])).toEqual([
    ['logs/a.log', 2048],
    ['logs/b.log', 1],
  ]);
  expect((await bucketkit(['ls', `s3://bk-no-such-bucket-${Date.now()}`])).code).toBe(3);
});

test('rm: one key; --recursive --dry-run deletes nothing; --recursive deletes 1,005 keys in two batches', async () => {
  await put('one.txt');
  const one = await bucketkit(['rm', `s3://${bucket.name}/one.txt`]);
  expect(one).toMatchObject({ code: 0, stdout: `delete: s3://${bucket.name}/one.txt\n` });
  expect(await keys('one.txt')).toEqual([]);

  const many = Array.from({ length: 1005 }, (_v, i) => `bulk/${String(i).padStart(4, '0')}`);
  for (let i = 0; i < many.length; i += 50) await Promise.all(many.slice(i, i + 50).map((k) => put(k)));
  await put('bulkier/keep');
  const dry = await bucketkit(['rm', `s3://${bucket.name}/bulk/`, '--recursive', '--dry-run', '--json']);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, errors: [] });
  expect(JSON.parse(dry.stdout).deleted).toHaveLength(1005);
  expect(await keys('bulk/')).toHaveLength(1005);

  const all = await bucketkit(['rm', `s3://${bucket.name}/bulk/`, '--recursive', '--json']);
  expect(all.code).toBe(0);
  expect(JSON.parse(all.stdout).deleted.sort()).toEqual(many);
  expect(await keys('bulk/')).toEqual([]);
  expect(await keys('bulkier/')).toEqual(['bulkier/keep']);
}, 120_000);
