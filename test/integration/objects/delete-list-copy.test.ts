import { GetObjectTaggingCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { AccessDeniedError, InvalidArgumentError, ObjectNotFoundError, PreconditionFailedError } from '../../../lib/storage';
import { targetDiffers } from '../../helpers/known-differences';
import { createTestBucket, storageFor, TestBucket } from '../../helpers/target';

let b: TestBucket;
let other: TestBucket;
let lockBucket: TestBucket;

beforeAll(async () => {
  [b, other, lockBucket] = await Promise.all([
    createTestBucket('dlc', { versioning: true }),
    createTestBucket('dlc-src'),
    createTestBucket('dlc-lock', { objectLock: true }),
  ]);
});
afterAll(async () => Promise.all([b.cleanup(), other.cleanup(), lockBucket.cleanup()]));

describe('delete', () => {
  test('without a version id on a versioned bucket: a delete marker; get then says deleteMarker', async () => {
    await b.storage.put('del/a', 'x');
    const result = await b.storage.delete('del/a');
    expect(result.deleteMarker).toBe(true);
    expect(result.versionId).toBeTruthy();
    const error = await b.storage.head('del/a').catch((e) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    // docs/compatibility.md: some servers leave x-amz-delete-marker off the 404; on a custom endpoint bucketkit then
    // asks ListObjectVersions, with or without a compatibility profile.
    expect(error.deleteMarker).toBe(true);
    const auto = storageFor(b.name, { compatibility: 'auto' });
    const viaAuto = await auto.head('del/a').catch((e) => e);
    auto.destroy();
    expect(viaAuto).toMatchObject({ deleteMarker: true, versionId: result.versionId });
    // Deleting the marker brings the object back.
    await b.storage.delete('del/a', { versionId: result.versionId });
    expect(await b.storage.getText('del/a')).toBe('x');
  });

  test('one version, for good', async () => {
    const v1 = (await b.storage.put('del/v', 'one')).versionId!;
    await b.storage.put('del/v', 'two');
    const result = await b.storage.delete('del/v', { versionId: v1 });
    expect(result.versionId).toBe(v1);
    const versions = await b.raw.send(new ListObjectVersionsCommand({ Bucket: b.name, Prefix: 'del/v' }));
    expect((versions.Versions ?? []).map((v) => v.VersionId)).not.toContain(v1);
    expect(await b.storage.getText('del/v')).toBe('two');
  });

  test('governance retention: refused without bypass, allowed with bypassGovernanceRetention', async () => {
    const put = await lockBucket.storage.put('gov', 'x', { objectLockMode: 'GOVERNANCE', objectLockRetainUntil: new Date(Date.now() + 3600_000) });
    const refused = lockBucket.storage.delete('gov', { versionId: put.versionId });
    if (targetDiffers('object-lock-denial-is-400')) {
      // docs/compatibility.md: this server refuses with 400 InvalidRequest where S3 answers 403 AccessDenied.
      await expect(refused).rejects.toMatchObject({ constructor: InvalidArgumentError, httpStatus: 400, s3Code: 'InvalidRequest' });
    } else {
      await expect(refused).rejects.toMatchObject({ constructor: AccessDeniedError, httpStatus: 403 });
    }
    await lockBucket.storage.delete('gov', { versionId: put.versionId, bypassGovernanceRetention: true });
    await expect(lockBucket.storage.head('gov', { versionId: put.versionId })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});

describe('deleteMany', () => {
  test('2,001 keys go in 3 batches and every key is reported deleted', async () => {
    const keys = Array.from({ length: 2001 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
    await Promise.all(keys.slice(0, 5).map((k) => b.storage.put(k, k)));
    const result = await b.storage.deleteMany(keys);
    expect(result.errors).toEqual([]);
    expect(new Set(result.deleted.map((d) => d.key))).toEqual(new Set(keys));
    expect(await b.storage.exists(keys[0])).toBe(false);
  });

  test('partial failure: a key under legal hold is reported, the others are deleted', async () => {
    const held = await lockBucket.storage.put('batch/held', 'x', { objectLockLegalHold: true });
    const free = await lockBucket.storage.put('batch/free', 'y');
    const result = await lockBucket.storage.deleteMany([
      { key: 'batch/held', versionId: held.versionId },
      { key: 'batch/free', versionId: free.versionId },
    ]);
    expect(result.deleted.map((d) => d.key)).toEqual(['batch/free']);
    expect(result.errors).toHaveLength(1);
    const denial = targetDiffers('object-lock-denial-is-400')
      ? { code: 'InvalidRequest', type: InvalidArgumentError }
      : { code: 'AccessDenied', type: AccessDeniedError };
    expect(result.errors[0]).toMatchObject({ key: 'batch/held', versionId: held.versionId, code: denial.code });
    expect(result.errors[0].error).toBeInstanceOf(denial.type);
    expect(await lockBucket.storage.exists('batch/held', { versionId: held.versionId })).toBe(true);
  });
});

describe('list', () => {
  const keys = ['list/a.txt', 'list/b.txt', 'list/dir/c.txt', 'list/dir/d.txt', 'list/sp ace+plus%.txt', 'list/ünï©ødé.txt', 'list/z/e.txt'];
  beforeAll(async () => {
    await Promise.all(keys.map((k) => b.storage.put(k, k)));
  });

  async function collect(options: Parameters<TestBucket['storage']['list']>[0]) {
    const pages = [];
    for await (const page of b.storage.list(options)) pages.push(page);
    return pages;
  }

  test('pages of pageSize, following continuation tokens, in key order', async () => {
    const pages = await collect({ prefix: 'list/', pageSize: 2 });
    expect(pages.map((p) => p.objects.length)).toEqual([2, 2, 2, 1]);
    expect(pages.map((p) => p.isTruncated)).toEqual([true, true, true, false]);
    expect(pages.flatMap((p) => p.objects.map((o) => o.key))).toEqual([...keys].sort());
    expect(pages[0].objects[0]).toMatchObject({ key: 'list/a.txt', size: 10, storageClass: 'STANDARD' });
    expect(pages[0].objects[0].etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  test('delimiter yields common prefixes', async () => {
    const pages = await collect({ prefix: 'list/', delimiter: '/' });
    expect(pages.flatMap((p) => p.commonPrefixes)).toEqual(['list/dir/', 'list/z/']);
    expect(pages.flatMap((p) => p.objects.map((o) => o.key))).toEqual(['list/a.txt', 'list/b.txt', 'list/sp ace+plus%.txt', 'list/ünï©ødé.txt']);
  });

  test('startAfter', async () => {
    const pages = await collect({ prefix: 'list/', startAfter: 'list/dir/d.txt' });
    expect(pages.flatMap((p) => p.objects.map((o) => o.key))).toEqual(['list/sp ace+plus%.txt', 'list/z/e.txt', 'list/ünï©ødé.txt']);
  });

  test('a missing bucket is BucketNotFoundError', async () => {
    const { storageFor } = await import('../../helpers/target');
    const missing = storageFor('bk-this-bucket-does-not-exist-42');
    await expect(missing.list().next()).rejects.toMatchObject({ name: 'BucketNotFoundError', s3Code: 'NoSuchBucket', httpStatus: 404 });
    missing.destroy();
  });
});

describe('copy', () => {
  test('within the bucket keeps metadata by default', async () => {
    await b.storage.put('copy/src', 'payload', { contentType: 'text/x-src', metadata: { a: '1' } });
    const result = await b.storage.copy('copy/src', 'copy/dst');
    expect(result.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(result.etag).toBe((await b.storage.head('copy/dst')).etag);
    if (!targetDiffers('copy-omits-version-ids')) expect(result.versionId).toBeTruthy();
    const head = await b.storage.head('copy/dst');
    expect(head).toMatchObject({ contentType: 'text/x-src', metadata: { a: '1' }, size: 7 });
  });

  test('REPLACE takes new metadata and tags; keys with odd characters survive', async () => {
    await b.storage.put('copy/ödd key+plus.txt', 'payload', { metadata: { a: '1' } });
    await b.storage.copy('copy/ödd key+plus.txt', 'copy/replaced', { metadata: { b: '2' }, contentType: 'text/plain', tags: { t: 'v' } });
    const head = await b.storage.head('copy/replaced');
    expect(head.metadata).toEqual({ b: '2' });
    expect(head.contentType).toBe('text/plain');
    const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: 'copy/replaced' }));
    // docs/compatibility.md: some servers ignore the tagging directive on copy.
    expect(tags.TagSet ?? []).toEqual(targetDiffers('copy-tagging-directive-ignored') ? [] : [{ Key: 't', Value: 'v' }]);
  });

  test('from another bucket, and a given source version', async () => {
    await other.storage.put('src', 'from other');
    await b.storage.copy('src', 'copy/cross', { sourceBucket: other.name });
    expect(await b.storage.getText('copy/cross')).toBe('from other');
    const v1 = (await b.storage.put('copy/versioned', 'v1')).versionId;
    await b.storage.put('copy/versioned', 'v2');
    const result = await b.storage.copy('copy/versioned', 'copy/from-v1', { sourceVersionId: v1 });
    expect(result.sourceVersionId).toBe(v1);
    expect(await b.storage.getText('copy/from-v1')).toBe('v1');
  });

  test('source conditions: a stale ETag fails with 412 (S3); recorded where a server ignores them', async () => {
    const { etag } = await b.storage.put('copy/cond', 'x');
    const stale = b.storage.copy('copy/cond', 'copy/cond-dst', { sourceConditions: { ifMatch: '"stale"' } });
    if (targetDiffers('copy-source-conditions-ignored')) {
      // docs/compatibility.md: this server copies regardless of x-amz-copy-source-if-match.
      await expect(stale).resolves.toMatchObject({ etag });
    } else {
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await b.storage.exists('copy/cond-dst')).toBe(false);
    }
    await expect(b.storage.copy('copy/cond', 'copy/cond-ok', { sourceConditions: { ifMatch: etag } })).resolves.toMatchObject({ etag });
  });

  test('a missing source is ObjectNotFoundError', async () => {
    await expect(b.storage.copy('copy/none', 'copy/none-dst')).rejects.toMatchObject({ constructor: ObjectNotFoundError, s3Code: 'NoSuchKey' });
  });
});
