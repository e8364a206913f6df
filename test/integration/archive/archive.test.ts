import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIXED_PROFILES,
  InvalidArgumentError,
  InvalidObjectStateError,
  UnsupportedFeatureError,
  type ProviderName,
  type RestoreManyItem,
  type S3Storage,
} from '../../../lib/storage';
import { targetDiffers } from '../../helpers/known-differences';
import { countRequests, createTestBucket, currentTarget, storageFor, TestBucket } from '../../helpers/target';

// The compatibility profile of the current target: moto and AWS restore; MinIO and Ceph RGW do not (docs/compatibility.md).
const PROFILE: ProviderName = ({ moto: 'moto', minio: 'minio', ceph: 'ceph-rgw' } as Record<string, ProviderName>)[currentTarget().name] ?? 'unknown';
const restoreSupported = !FIXED_PROFILES[PROFILE].unsupported.has('restoreObject');

/** moto's state manager (server mode): restores go IN_PROGRESS, then RESTORED, a step per `times` reads of the key. */
async function setRestoreProgression(transition: { progression: 'manual'; times: number } | undefined): Promise<void> {
  const path = transition ? 'set-transition' : 'unset-transition';
  const body = transition ? { model_name: 's3::keyrestore', transition } : { model_name: 's3::keyrestore' };
  const response = await fetch(`${currentTarget().endpoint}/moto-api/state-manager/${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
}

let b: TestBucket;
let versioned: TestBucket;
/** An S3Storage with the target's profile, resolved up front (so request counts after it see only the call under test). */
let profiled: S3Storage;
/** Whether the target takes a class: its fixed profile's list (MinIO), or what the capability probe observed where classes are per deployment (Ceph RGW: STANDARD, STANDARD_IA, GLACIER). */
let takes: (storageClass: string) => boolean;
beforeAll(async () => {
  b = await createTestBucket('archive');
  versioned = await createTestBucket('archive-v', { versioning: true });
  profiled = storageFor(b.name, { compatibility: currentTarget().name === 'ceph' ? 'auto' : PROFILE });
  const classes = (await profiled.compatibilityProfile())?.storageClasses;
  takes = (storageClass) => classes?.has(storageClass) ?? true;
  if (currentTarget().name === 'moto') await setRestoreProgression({ progression: 'manual', times: 3 });
});
afterAll(async () => {
  profiled.destroy();
  if (currentTarget().name === 'moto') await setRestoreProgression(undefined);
  await b.cleanup();
  await versioned.cleanup();
});

const putRaw = (bucket: TestBucket, key: string, storageClass?: string, extra: Record<string, unknown> = {}) =>
  bucket.raw.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: 'archived bytes', StorageClass: storageClass as never, ...extra }));

test('put and head every class the target takes; a class the profile lacks is refused before any request', async () => {
  const storage = profiled;
  const classes = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
  const counter = countRequests(storage.client);
  for (const storageClass of classes) {
    const key = `classes/${storageClass}`;
    if (!takes(storageClass)) {
      const before = counter.count;
      await expect(storage.put(key, 'x', { storageClass })).rejects.toBeInstanceOf(UnsupportedFeatureError);
      expect(counter.count).toBe(before);
      continue;
    }
    await storage.put(key, 'x', { storageClass });
    const head = await storage.head(key);
    expect(head.storageClass).toBe(storageClass);
  }
  expect(classes.filter(takes)).toContain('STANDARD');
});

test('GLACIER: GET refused until restored; restore -> in-progress -> waitForRestore polls -> GET succeeds; a second restore extends', async () => {
  if (!restoreSupported) {
    const storage = storageFor(b.name, { compatibility: PROFILE });
    const counter = countRequests(storage.client);
    await expect(storage.restore('any', { days: 1 })).rejects.toMatchObject({ feature: 'restoreObject', provider: PROFILE });
    await expect(storage.restoreStatus('any')).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(counter.count).toBe(0);
    storage.destroy();
    return;
  }
  await putRaw(b, 'cold/a.txt', 'GLACIER');
  await expect(b.storage.get('cold/a.txt')).rejects.toBeInstanceOf(InvalidObjectStateError);
  expect(await b.storage.restoreStatus('cold/a.txt')).toMatchObject({ state: 'archived', storageClass: 'GLACIER' });
  expect(await b.storage.restore('cold/a.txt', { days: 2, tier: 'Bulk' })).toEqual({ status: 'started', tier: 'Bulk', storageClass: 'GLACIER' });
  expect((await b.storage.restoreStatus('cold/a.txt')).state).toBe('in-progress');
  const seen: string[] = [];
  const done = await b.storage.waitForRestore('cold/a.txt', { pollIntervalMs: 20, onProgress: (s) => seen.push(s.state) });
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(seen[0]).toBe('in-progress');
  expect(seen.at(-1)).toBe('restored');
  expect(done.state).toBe('restored');
  expect(done.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
  expect(await b.storage.getText('cold/a.txt')).toBe('archived bytes');
  const again = await b.storage.restore('cold/a.txt', { days: 3 });
  expect(again.status).toBe('already-restored');
  expect(again.expiresAt!.getUTCHours()).toBe(0);
});

test('restore of a class that needs none answers not-archived without a RestoreObject', async () => {
  const warm = takes('STANDARD_IA') ? 'STANDARD_IA' : 'STANDARD';
  await putRaw(b, 'warm.txt', warm);
  if (!restoreSupported) return expect(b.storage.restore('warm.txt', { days: 1 })).resolves.toMatchObject({ status: 'not-archived' });
  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  expect(await storage.restore('warm.txt', { days: 1 })).toMatchObject({ status: 'not-archived', storageClass: warm });
  expect(counter.commands).toEqual(['HeadObjectCommand']);
  storage.destroy();
  expect(await b.storage.restoreStatus('warm.txt')).toMatchObject({ state: 'not-archived' });
});

test('bad input: InvalidArgumentError naming the field, and no RestoreObject is sent', async () => {
  if (restoreSupported) await putRaw(b, 'deep.txt', 'DEEP_ARCHIVE');
  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  const field = async (promise: Promise<unknown>) => {
    const error = await promise.catch((e) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  };
  expect(await field(storage.restore('deep.txt', { days: 0 }))).toBe('days');
  expect(await field(storage.restore('deep.txt', { days: 1, tier: 'Fast' as never }))).toBe('tier');
  expect(await field(storage.setStorageClass('deep.txt', 'COLD'))).toBe('storageClass');
  expect(await field(storage.setStorageClass('deep.txt', 'EXPRESS_ONEZONE'))).toBe('storageClass');
  expect(await field(storage.restoreMany(['a'], { days: 1, concurrency: 0 }).next())).toBe('concurrency');
  expect(counter.count).toBe(0);
  if (restoreSupported) {
    // The class is learned with one HEAD; Expedited on DEEP_ARCHIVE is then refused without a RestoreObject.
    expect(await field(storage.restore('deep.txt', { days: 1, tier: 'Expedited' }))).toBe('tier');
    expect(await field(storage.restore('deep.txt', { tier: 'Standard' }))).toBe('days');
    expect(counter.commands.filter((c) => c === 'RestoreObjectCommand')).toEqual([]);
  }
  storage.destroy();
});

test('setStorageClass (unversioned): keeps metadata, tags and content headers; refuses an unrestored GLACIER object', async () => {
  await b.storage.put('move.txt', 'hello', { contentType: 'text/plain', metadata: { owner: 'ops' }, tags: { team: 'a' } });
  if (!takes('STANDARD_IA')) {
    // MinIO: refused through its profile, before any request.
    const storage = storageFor(b.name, { compatibility: PROFILE });
    const counter = countRequests(storage.client);
    await expect(storage.setStorageClass('move.txt', 'STANDARD_IA')).rejects.toMatchObject({ feature: 'storageClasses', provider: PROFILE });
    expect(counter.count).toBe(0);
    storage.destroy();
  }
  const to = takes('STANDARD_IA') ? 'STANDARD_IA' : 'REDUCED_REDUNDANCY';
  const moved = await b.storage.setStorageClass('move.txt', to);
  expect(moved).toMatchObject({ from: 'STANDARD', to, newVersionCreated: false, multipart: false });
  const head = await b.storage.head('move.txt');
  expect(head).toMatchObject({ storageClass: to, contentType: 'text/plain', metadata: { owner: 'ops' } });
  const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: 'move.txt' }));
  expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'a' }]);
  await expect(b.storage.setStorageClass('move.txt', to)).rejects.toMatchObject({ field: 'storageClass' });
  if (targetDiffers('standard-classes-only') || targetDiffers('archived-objects-readable')) return;
  await putRaw(b, 'frozen.txt', 'GLACIER');
  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  await expect(storage.setStorageClass('frozen.txt', 'STANDARD')).rejects.toBeInstanceOf(InvalidObjectStateError);
  expect(counter.commands).toEqual(['HeadObjectCommand']);
  storage.destroy();
});

test('a copy of an unrestored GLACIER source: 403 ObjectNotInActiveTierError is InvalidObjectStateError, not AccessDeniedError', async () => {
  if (targetDiffers('standard-classes-only') || targetDiffers('archived-objects-readable')) return;
  await putRaw(b, 'frozen-src.txt', 'GLACIER');
  const error = await b.storage.copy('frozen-src.txt', 'thawed.txt').catch((e) => e);
  expect(error).toBeInstanceOf(InvalidObjectStateError);
  expect(error).toMatchObject({ s3Code: 'ObjectNotInActiveTierError', httpStatus: 403 });
});

test('setStorageClass (versioned): the copy is a new version; the old version keeps its class', async () => {
  await versioned.storage.put('doc.txt', 'v1', { metadata: { v: '1' } });
  const to = ['ONEZONE_IA', 'STANDARD_IA', 'REDUCED_REDUNDANCY'].find(takes)!;
  const moved = await versioned.storage.setStorageClass('doc.txt', to);
  expect(moved.newVersionCreated).toBe(true);
  const versions = await versioned.raw.send(new ListObjectVersionsCommand({ Bucket: versioned.name, Prefix: 'doc.txt' }));
  expect((versions.Versions ?? []).map((v) => v.StorageClass).sort()).toEqual([to, 'STANDARD'].sort());
  const head = await versioned.raw.send(new HeadObjectCommand({ Bucket: versioned.name, Key: 'doc.txt' }));
  expect(head.VersionId).toBe(moved.versionId);
  expect(head.Metadata).toEqual({ v: '1' });
});

test('restoreMany streams a result per key, keeps a ledger, and a second run skips every key; restoreStatusMany reads them back', async () => {
  if (!restoreSupported) {
    const storage = storageFor(b.name, { compatibility: PROFILE });
    await expect(storage.restoreMany('batch/', { days: 1 }).next()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(storage.restoreStatusMany('batch/').next()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    return storage.destroy();
  }
  for (let i = 0; i < 12; i++) await putRaw(b, `batch/${i}`, i < 10 ? 'GLACIER' : 'STANDARD');
  const stateFile = join(mkdtempSync(join(tmpdir(), 'bk-restore-')), 'ledger.jsonl');
  const first: RestoreManyItem[] = [];
  for await (const item of b.storage.restoreMany('batch/', { days: 1, concurrency: 4, stateFile })) first.push(item);
  expect(first.filter((i) => i.status === 'started')).toHaveLength(10);
  expect(first.filter((i) => i.status === 'not-archived')).toHaveLength(2);
  expect(readFileSync(stateFile, 'utf8')).not.toMatch(/secret|testing/i);
  const rerun = storageFor(b.name);
  const counter = countRequests(rerun.client);
  const second: RestoreManyItem[] = [];
  for await (const item of rerun.restoreMany('batch/', { days: 1, stateFile })) second.push(item);
  rerun.destroy();
  expect(second.filter((i) => i.status === 'skipped')).toHaveLength(10);
  expect(counter.commands).not.toContain('RestoreObjectCommand');
  const statuses = [];
  for await (const s of b.storage.restoreStatusMany('batch/')) statuses.push(s);
  expect(statuses).toHaveLength(12);
  expect(statuses.filter((s) => s.state === 'not-archived')).toHaveLength(2);
  expect(statuses.filter((s) => s.state === 'in-progress' || s.state === 'restored')).toHaveLength(10);
});
