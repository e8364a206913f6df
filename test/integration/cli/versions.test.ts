/**
 * `bucketkit versions` and `bucketkit undelete` on the target, as child processes, in a versioned bucket: two
 * versions and a delete marker listed newest first; undelete removes the marker and the newest version is current
 * again (its bytes read back); a key with no version exits 3; a key that is not deleted is left as it is.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestBucket, type TestBucket } from '../../helpers/target';
import { bucketkit } from './helpers';

let bucket: TestBucket;
beforeAll(async () => {
  bucket = await createTestBucket('cli-versions', { versioning: true });
});
afterAll(async () => bucket.cleanup());

test('versions lists versions and markers; undelete brings the newest version back; exit 3 for nothing to bring back', async () => {
  const v1 = (await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'doc.txt', Body: 'one' }))).VersionId!;
  const v2 = (await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'doc.txt', Body: 'two!' }))).VersionId!;
  const marker = (await bucket.raw.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: 'doc.txt' }))).VersionId!;
  await bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'keep.txt', Body: 'k' }));

  const listed = await bucketkit(['versions', `s3://${bucket.name}/doc`, '--json']);
  expect(listed.code).toBe(0);
  const versions = JSON.parse(listed.stdout) as { key: string; versionId: string; isLatest: boolean; isDeleteMarker: boolean }[];
  expect(versions.map((v) => [v.versionId, v.isLatest, v.isDeleteMarker])).toEqual([
    [marker, true, true],
    [v2, false, false],
    [v1, false, false],
  ]);
  const table = await bucketkit(['versions', `s3://${bucket.name}/doc`]);
  expect(table.stdout).toMatch(new RegExp(`│ doc\\.txt │ ${marker}\\s+│ yes\\s+│ delete marker │`));
  expect(table.stdout.trim().split('\n').pop()).toBe('2 version(s), 1 delete marker(s)');

  const undeleted = await bucketkit(['undelete', `s3://${bucket.name}/doc.txt`]);
  expect(undeleted.code).toBe(0);
  expect(undeleted.stdout.trim()).toBe(`undeleted: doc.txt (version ${v2}, 4 B, is current; removed 1 delete marker(s): ${marker})`);
  const body = await bucket.raw.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'doc.txt' }));
  expect(await body.Body!.transformToString()).toBe('two!');

  const notDeleted = await bucketkit(['undelete', `s3://${bucket.name}/keep.txt`, '--json']);
  expect(notDeleted.code).toBe(0);
  expect(JSON.parse(notDeleted.stdout)).toMatchObject({ removedDeleteMarkers: [], current: { key: 'keep.txt', isLatest: true } });

  const nothing = await bucketkit(['undelete', `s3://${bucket.name}/never-written.txt`]);
  expect(nothing.code).toBe(3);
});
