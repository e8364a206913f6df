import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InvalidArgumentError, ObjectNotFoundError, type ObjectVersion } from '../../../lib/storage';
import { nonDefaultStorageClass, targetDiffers } from '../../helpers/known-differences';
import { countRequests, createTestBucket, TestBucket } from '../../helpers/target';

let b: TestBucket;
let plain: TestBucket;
beforeAll(async () => {
  [b, plain] = await Promise.all([createTestBucket('ver', { versioning: true }), createTestBucket('ver-plain')]);
});
afterAll(async () => Promise.all([b.cleanup(), plain.cleanup()]));

async function allVersions(prefix: string, pageSize?: number): Promise<ObjectVersion[]> {
  const out: ObjectVersion[] = [];
  for await (const page of b.storage.listVersions({ prefix, pageSize })) out.push(...page.versions);
  return out;
}

describe('getVersioning / setVersioning', () => {
  test('a new bucket is Disabled; Enabled, then Suspended, read back; mfaDelete false', async () => {
    expect(await plain.storage.getVersioning()).toEqual({ status: 'Disabled', mfaDelete: false });
    await plain.storage.setVersioning('Enabled');
    expect(await plain.storage.getVersioning()).toEqual({ status: 'Enabled', mfaDelete: false });
    await plain.storage.setVersioning('Suspended');
    expect(await plain.storage.getVersioning()).toEqual({ status: 'Suspended', mfaDelete: false });
  });

  test('bad input is refused before any request: status, MFA format, MFA over http, mfaDelete without mfa', async () => {
    const counter = countRequests(plain.storage.client);
    const before = counter.count;
    await expect(plain.storage.setVersioning('Disabled' as 'Enabled')).rejects.toMatchObject({ constructor: InvalidArgumentError, field: 'status' });
    await expect(plain.storage.setVersioning('Enabled', { mfa: 'serial-without-code' })).rejects.toMatchObject({ field: 'mfa' });
    await expect(plain.storage.setVersioning('Enabled', { mfa: 'arn:aws:iam::123456789012:mfa/root 12345' })).rejects.toMatchObject({ field: 'mfa' });
    // A well-formed token is still refused: the test endpoint is plain http, and S3 takes x-amz-mfa over HTTPS only.
    const http = await plain.storage.setVersioning('Enabled', { mfa: 'arn:aws:iam::123456789012:mfa/root 123456' }).catch((e) => e);
    expect(http).toBeInstanceOf(InvalidArgumentError);
    expect(http.message).toMatch(/HTTPS only/);
    await expect(plain.storage.setVersioning('Enabled', { mfaDelete: true })).rejects.toMatchObject({ field: 'mfa' });
    await expect(plain.storage.delete('k', { versionId: 'v', mfa: 'bad' })).rejects.toMatchObject({ field: 'mfa' });
    await expect(plain.storage.deleteMany(['k'], { mfa: { serial: 's', code: '12' } })).rejects.toMatchObject({ field: 'mfa.code' });
    await expect(plain.storage.pruneVersions({ mfa: 'x 1' })).rejects.toMatchObject({ field: 'mfa' });
    await expect(plain.storage.get('k', { versionId: 'v', ifNoneMatch: '"e"' })).rejects.toMatchObject({ field: 'ifNoneMatch' });
    expect(() => plain.storage.listVersions({ versionIdMarker: 'v' })).toThrow(InvalidArgumentError);
    expect(counter.count).toBe(before);
  });
});

describe('listVersions', () => {
  test('versions and delete markers in one list, newest first per key, with every field', async () => {
    const v1 = await b.storage.put('lv/a', 'one');
    const v2 = await b.storage.put('lv/a', 'two!');
    const marker = await b.storage.delete('lv/a');
    await b.storage.put('lv/b', 'b', { storageClass: nonDefaultStorageClass() });
    const entries = await allVersions('lv/');
    expect(entries.map((e) => [e.key, e.versionId, e.isLatest, e.isDeleteMarker])).toEqual([
      ['lv/a', marker.versionId, true, true],
      ['lv/a', v2.versionId, false, false],
      ['lv/a', v1.versionId, false, false],
      ['lv/b', expect.any(String), true, false],
    ]);
    expect(entries[1]).toMatchObject({ size: 4, etag: v2.etag, storageClass: 'STANDARD' });
    expect(entries[1].lastModified).toBeInstanceOf(Date);
    expect(entries[0].size).toBe(0);
    expect(entries[0].etag).toBeUndefined();
    expect(entries[0].storageClass).toBeUndefined();
    expect(entries[3].storageClass).toBe(nonDefaultStorageClass());
  });

  test('more than 1,000 versions: pages of 1,000, and resumable from a page’s markers', async () => {
    const raw = b.raw;
    // 1,050 versions of 21 keys, arranged with the raw client: one writer per key (moto can lose a version when two
    // writes to one key race).
    await Promise.all(
      Array.from({ length: 21 }, async (_, k) => {
        for (let i = 0; i < 50; i++) await raw.send(new PutObjectCommand({ Bucket: b.name, Key: `many/k${String(k).padStart(2, '0')}`, Body: `v${i}` }));
      }),
    );
    const pages: number[] = [];
    let first: { nextKeyMarker?: string; nextVersionIdMarker?: string } | undefined;
    const all: ObjectVersion[] = [];
    for await (const page of b.storage.listVersions({ prefix: 'many/' })) {
      pages.push(page.versions.length);
      first ??= page;
      all.push(...page.versions);
    }
    expect(pages).toEqual([1000, 50]);
    expect(new Set(all.map((v) => `${v.key}/${v.versionId}`)).size).toBe(1050);
    expect(all.filter((v) => v.isLatest)).toHaveLength(21);
    // Resume from the first page's markers: exactly the rest.
    const rest: ObjectVersion[] = [];
    for await (const page of b.storage.listVersions({ prefix: 'many/', keyMarker: first!.nextKeyMarker, versionIdMarker: first!.nextVersionIdMarker }))
      rest.push(...page.versions);
    expect(rest.map((v) => v.versionId)).toEqual(all.slice(1000).map((v) => v.versionId));
    // And small pages walk the same list.
    expect((await allVersions('many/', 333)).map((v) => v.versionId)).toEqual(all.map((v) => v.versionId));
  });
});

describe('version-aware reads and deletes', () => {
  test('get/head/copy by versionId; delete returns the marker; a read of a deleted key says deleteMarker', async () => {
    const v1 = await b.storage.put('vr/k', 'first', { metadata: { gen: '1' } });
    await b.storage.put('vr/k', 'second', { metadata: { gen: '2' } });
    expect(await b.storage.getText('vr/k', { versionId: v1.versionId })).toBe('first');
    expect((await b.storage.head('vr/k', { versionId: v1.versionId })).metadata.gen).toBe('1');
    await b.storage.copy('vr/k', 'vr/copy', { sourceVersionId: v1.versionId });
    expect(await b.storage.getText('vr/copy')).toBe('first');
    const deleted = await b.storage.delete('vr/k');
    expect(deleted).toEqual({ deleteMarker: true, versionId: expect.any(String) });
    const error = await b.storage.get('vr/k').catch((e) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error.deleteMarker).toBe(true);
  });
});

describe('delete semantics the servers differ on', () => {
  test('a delete of a key with no versions adds a delete marker (moto adds none)', async () => {
    const result = await b.storage.delete('sem/never-written');
    const entries = await allVersions('sem/never-written');
    if (targetDiffers('delete-of-absent-key-adds-no-marker')) {
      expect(entries).toEqual([]);
    } else {
      expect(result.deleteMarker).toBe(true);
      expect(entries.map((e) => e.isDeleteMarker)).toEqual([true]);
    }
  });

  test('in a suspended bucket a delete adds a null marker and keeps older versions (moto removes them all)', async () => {
    const s = await createTestBucket('ver-susp', { versioning: true });
    try {
      const v1 = await s.storage.put('k', 'versioned');
      await s.storage.setVersioning('Suspended');
      await s.storage.put('k', 'null version');
      const result = await s.storage.delete('k');
      const entries: ObjectVersion[] = [];
      for await (const page of s.storage.listVersions()) entries.push(...page.versions);
      if (targetDiffers('suspended-delete-removes-all-versions')) {
        expect(entries).toEqual([]);
      } else {
        if (targetDiffers('suspended-delete-omits-marker-headers')) expect(result).toEqual({ deleteMarker: undefined, versionId: undefined });
        else expect(result).toEqual({ deleteMarker: true, versionId: 'null' });
        expect(entries.map((e) => [e.versionId, e.isDeleteMarker])).toEqual([
          ['null', true],
          [v1.versionId, false],
        ]);
      }
    } finally {
      await s.cleanup();
    }
  });
});

describe('undelete and restoreVersion', () => {
  test('undelete removes the marker(s) on top and returns the version now current', async () => {
    const put = await b.storage.put('ud/k', 'keep me');
    const m1 = await b.storage.delete('ud/k');
    const m2 = await b.storage.delete('ud/k'); // a delete on a deleted key stacks another marker
    const result = await b.storage.undelete('ud/k');
    if (targetDiffers('delete-of-deleted-key-stacks-no-marker')) {
      // MinIO answers with the marker already there; Ceph RGW answers without the marker headers.
      expect([m1.versionId, undefined]).toContain(m2.versionId);
      expect(result.removedDeleteMarkers).toEqual([m1.versionId]);
    } else {
      expect(m2.versionId).not.toBe(m1.versionId);
      expect(result.removedDeleteMarkers).toEqual([m2.versionId, m1.versionId]);
    }
    expect(result.current).toMatchObject({ key: 'ud/k', versionId: put.versionId, isLatest: true, isDeleteMarker: false });
    expect(await b.storage.getText('ud/k')).toBe('keep me');
    // Not deleted: nothing changes, the current version comes back.
    expect(await b.storage.undelete('ud/k')).toMatchObject({ removedDeleteMarkers: [], current: { versionId: put.versionId } });
  });

  test('undelete with nothing to bring back: ObjectNotFoundError', async () => {
    await expect(b.storage.undelete('ud/never')).rejects.toBeInstanceOf(ObjectNotFoundError);
    const put = await b.storage.put('ud/gone', 'x');
    await b.storage.delete('ud/gone'); // a marker...
    await b.storage.delete('ud/gone', { versionId: put.versionId }); // ...over no version
    await expect(b.storage.undelete('ud/gone')).rejects.toMatchObject({ constructor: ObjectNotFoundError, deleteMarker: true });
  });

  test('restoreVersion copies an old version to the top with its metadata, tags and storage class', async () => {
    const cls = nonDefaultStorageClass();
    const old = await b.storage.put('rv/k', 'old', { metadata: { gen: 'old' }, tags: { t: 'old' }, storageClass: cls, contentType: 'text/old' });
    await b.storage.put('rv/k', 'new', { metadata: { gen: 'new' }, contentType: 'text/new' });
    const restored = await b.storage.restoreVersion('rv/k', old.versionId!);
    const head = await b.storage.head('rv/k');
    if (targetDiffers('copy-omits-version-ids')) {
      expect(restored.versionId).toBeUndefined(); // the store's CopyObject answer has none; HEAD has the new version
    } else {
      expect(restored.versionId).toBe(head.versionId);
    }
    expect(head.versionId).toBeTruthy();
    expect(head.versionId).not.toBe(old.versionId);
    expect(head).toMatchObject({ metadata: { gen: 'old' }, storageClass: cls, contentType: 'text/old' });
    expect(await b.storage.getText('rv/k')).toBe('old');
    const { GetObjectTaggingCommand } = await import('@aws-sdk/client-s3');
    const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: 'rv/k' }));
    expect(tags.TagSet).toEqual([{ Key: 't', Value: 'old' }]);
    // The old version is still there.
    expect(await b.storage.getText('rv/k', { versionId: old.versionId })).toBe('old');
  });
});

describe('pruneVersions', () => {
  async function arrange(): Promise<void> {
    for (const v of ['1', '2', '3', '4']) await b.storage.put('pr/many', v);
    await b.storage.put('pr/deleted', 'x');
    await b.storage.delete('pr/deleted');
    await b.storage.put('pr/single', 'only');
  }

  test('dryRun reports and deletes nothing; keepLatest keeps that many noncurrent versions', async () => {
    await arrange();
    const before = await allVersions('pr/');
    const dry = await b.storage.pruneVersions({ prefix: 'pr/', keepLatest: 1, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.keys.map((k) => [k.key, k.deleted.length, k.kept])).toEqual([
      ['pr/many', 2, 2],
      // pr/deleted: one noncurrent version, kept by keepLatest: 1, so its marker is not orphaned.
    ]);
    expect((await allVersions('pr/')).length).toBe(before.length);
  });

  test('prunes noncurrent versions and orphaned markers, never a current version, in batches', async () => {
    const counter = countRequests(b.storage.client);
    const result = await b.storage.pruneVersions({ prefix: 'pr/' });
    expect(result.errorCount).toBe(0);
    expect(result.keys.map((k) => [k.key, k.deleted.length, k.deleted.filter((d) => d.isDeleteMarker).length])).toEqual([
      ['pr/deleted', 2, 1],
      ['pr/many', 3, 0],
    ]);
    expect(counter.commands.filter((c) => c === 'DeleteObjectsCommand')).toHaveLength(1);
    const left = await allVersions('pr/');
    expect(left.map((v) => [v.key, v.isLatest])).toEqual([
      ['pr/many', true],
      ['pr/single', true],
    ]);
    expect(await b.storage.getText('pr/many')).toBe('4');
  });

  test('olderThanDays counts from when a version became noncurrent: nothing is old enough yet', async () => {
    await b.storage.put('age/k', '1');
    await b.storage.put('age/k', '2');
    const result = await b.storage.pruneVersions({ prefix: 'age/', olderThanDays: 1 });
    expect(result.deletedCount).toBe(0);
    const raw = await b.raw.send(new ListObjectVersionsCommand({ Bucket: b.name, Prefix: 'age/' }));
    expect(raw.Versions).toHaveLength(2);
  });
});
