/**
 * The manifests of `restore --batch` / `cp --batch`, written for real: a listing of the target across pages into
 * grouped CSV files, uploaded to the manifest bucket, with the ETag CreateJob needs. The job itself (S3 Control) is
 * not on moto: see test/cli/batch.test.ts and docs/compatibility.md.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseBatchEvent } from '../../../lambda/shared';
import { LocalManifests, manifestObjectKey } from '../../../bin/cli/batch-manifest';
import { createTestBucket, type TestBucket } from '../../helpers/target';
import { targetDiffers } from '../../helpers/known-differences';

jest.setTimeout(120_000);

let source: TestBucket;
let ops: TestBucket;
// 1,203 keys: two ListObjectsV2 pages, keys that need URL-encoding, two storage classes (GLACIER as the "archived"
// class, or REDUCED_REDUNDANCY on a store that takes no archive class: the grouping is what is tested).
const ARCHIVED: 'GLACIER' | 'REDUCED_REDUNDANCY' = targetDiffers('standard-classes-only') ? 'REDUCED_REDUNDANCY' : 'GLACIER';
const ODD_KEYS = ['logs/a b.txt', 'logs/plus+sign', 'logs/ünï/cödé', 'logs/comma,key', 'logs/percent%20'];
const KEYS = [...Array.from({ length: 1_198 }, (_, i) => `logs/${String(i).padStart(5, '0')}.bin`), ...ODD_KEYS];

beforeAll(async () => {
  source = await createTestBucket('batch-src');
  ops = await createTestBucket('batch-ops');
  for (let i = 0; i < KEYS.length; i += 100)
    await Promise.all(
      KEYS.slice(i, i + 100).map((Key, j) =>
        source.raw.send(
          new PutObjectCommand({ Bucket: source.name, Key, Body: 'x'.repeat(1 + ((i + j) % 7)), StorageClass: (i + j) % 3 === 0 ? ARCHIVED : 'STANDARD' }),
        ),
      ),
    );
  await source.raw.send(new PutObjectCommand({ Bucket: source.name, Key: 'other/outside-the-prefix', Body: 'x', StorageClass: ARCHIVED }));
});
afterAll(async () => {
  await source?.cleanup();
  await ops?.cleanup();
});

test('every object under the prefix lands in its group, the CSV is uploaded with its ETag, and the transfer handler decodes each key back', async () => {
  const manifests = await LocalManifests.list(source.storage, source.name, 'logs/', (o) =>
    o.storageClass === ARCHIVED ? 'archived' : { skip: o.storageClass },
  );
  try {
    const archived = KEYS.filter((_, i) => i % 3 === 0);
    expect(manifests.count('archived')).toBe(archived.length);
    expect(Object.fromEntries(manifests.skipped)).toEqual({ STANDARD: KEYS.length - archived.length });

    const key = manifestObjectKey('batch/manifests/', 'restore', 'archived');
    const uploaded = await manifests.upload('archived', ops.storage, ops.name, key);
    const head = await ops.raw.send(new HeadObjectCommand({ Bucket: ops.name, Key: key }));
    expect(uploaded).toEqual({ bucket: ops.name, key, etag: head.ETag!.replace(/"/g, ''), count: archived.length });
    expect(uploaded.etag).not.toMatch(/"/);

    const csv = await (await ops.raw.send(new GetObjectCommand({ Bucket: ops.name, Key: key }))).Body!.transformToString();
    const rows = csv.trimEnd().split('\n');
    expect(rows).toHaveLength(archived.length);
    expect(rows.every((r) => r.split(',').length === 2 && r.startsWith(`${source.name},`))).toBe(true);
    // What Batch Operations sends the transfer handler for these rows (schema 2.0): the handler's keys are the keys.
    const invocation = parseBatchEvent({
      invocationSchemaVersion: '2.0',
      invocationId: 'i',
      job: { id: 'j', userArguments: { destinationBucket: 'dst' } },
      tasks: rows.map((r, n) => ({ taskId: String(n), s3BucketName: source.name, s3Key: r.split(',')[1] })),
    });
    expect(invocation.tasks.map((t) => t.key).sort()).toEqual([...archived].sort());
  } finally {
    await manifests.dispose();
  }
});

test('an empty listing: the group cannot be uploaded (no empty manifest reaches S3), and dispose may run twice', async () => {
  const manifests = await LocalManifests.list(source.storage, source.name, 'no-such-prefix/', () => 'copy');
  expect(manifests.count('copy')).toBe(0);
  await expect(manifests.upload('copy', ops.storage, ops.name, 'batch/x.csv')).rejects.toThrow(/no rows/);
  await manifests.dispose();
  await manifests.dispose(); // idempotent
});
