import { GetObjectTaggingCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { MIB } from '../../../lib/rules/limits';
import { InvalidArgumentError, MultipartUploadError } from '../../../lib/storage';
import { FaultProxy } from '../../helpers/fault-proxy';
import { targetDiffers } from '../../helpers/known-differences';
import { TestBucket, countRequests, createTestBucket, currentTarget, sha256, storageFor } from '../../helpers/target';

const PART = 5 * MIB;
let b: TestBucket;
let data: Buffer;

beforeAll(async () => {
  b = await createTestBucket('mpcopy');
  data = randomBytes(2 * PART + 4097);
  await b.storage.put('source', data, { contentType: 'application/x-bench', metadata: { owner: 'team-a' }, tags: { project: 'alpha' } });
});
afterAll(async () => {
  await b.cleanup();
});

async function openUploads(): Promise<number> {
  return ((await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name }))).Uploads ?? []).length;
}

test('multipart: true copies with parallel UploadPartCopy, keeping metadata and tags', async () => {
  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  const result = await storage.copy('source', 'copy/mp', { multipart: true, copyPartSizeBytes: PART });
  storage.destroy();
  expect(counter.commands.filter((c) => c === 'UploadPartCopyCommand')).toHaveLength(3);
  expect(counter.commands).not.toContain('CopyObjectCommand');
  expect(result.etag).toMatch(/-3"$/);
  expect(sha256(await b.storage.getBuffer('copy/mp'))).toBe(sha256(data));
  const head = await b.storage.head('copy/mp');
  expect(head.contentType).toBe('application/x-bench');
  expect(head.metadata).toEqual({ owner: 'team-a' });
  const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: 'copy/mp' }));
  // docs/compatibility.md: some servers drop x-amz-tagging on CreateMultipartUpload.
  expect(tags.TagSet ?? []).toEqual(targetDiffers('multipart-create-ignores-tagging') ? [] : [{ Key: 'project', Value: 'alpha' }]);
  expect(await openUploads()).toBe(0);
});

test('metadata given on the call replaces the source metadata', async () => {
  await b.storage.copy('source', 'copy/replaced', {
    multipart: true,
    copyPartSizeBytes: PART,
    contentType: 'text/plain',
    metadata: { owner: 'team-b' },
    tags: { stage: 'two' },
  });
  const head = await b.storage.head('copy/replaced');
  expect(head.contentType).toBe('text/plain');
  expect(head.metadata).toEqual({ owner: 'team-b' });
  const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: 'copy/replaced' }));
  expect(tags.TagSet ?? []).toEqual(targetDiffers('multipart-create-ignores-tagging') ? [] : [{ Key: 'stage', Value: 'two' }]);
});

describe('through a fault proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await FaultProxy.start(currentTarget().endpoint);
  });
  afterEach(() => proxy.reset());
  afterAll(() => proxy.stop());

  test('a source S3 refuses for CopyObject (over 5 GiB) is copied with UploadPartCopy instead', async () => {
    proxy.inject((req) =>
      req.method === 'PUT' && req.headers['x-amz-copy-source'] && !/partNumber=/.test(req.url ?? '')
        ? { status: 400, code: 'InvalidRequest', message: 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120' }
        : undefined,
    );
    const storage = storageFor(b.name, { endpoint: proxy.endpoint });
    const result = await storage.copy('source', 'copy/fallback', { copyPartSizeBytes: PART });
    storage.destroy();
    expect(proxy.requests.filter((r) => r.fault === 400)).toHaveLength(1);
    expect(proxy.requests.filter((r) => r.method === 'PUT' && /partNumber=/.test(r.url))).toHaveLength(3);
    expect(result.etag).toMatch(/-3"$/);
    expect(sha256(await b.storage.getBuffer('copy/fallback'))).toBe(sha256(data));
  });

  test('multipart: false keeps the CopyObject error', async () => {
    proxy.inject((req) =>
      req.method === 'PUT' && req.headers['x-amz-copy-source']
        ? { status: 400, code: 'InvalidRequest', message: 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120' }
        : undefined,
    );
    const storage = storageFor(b.name, { endpoint: proxy.endpoint });
    await expect(storage.copy('source', 'copy/refused', { multipart: false })).rejects.toMatchObject({ s3Code: 'InvalidRequest' });
    storage.destroy();
  });

  test('a part copy that keeps failing aborts the upload: no orphan', async () => {
    proxy.inject((req) => (req.method === 'PUT' && /partNumber=2(&|$)/.test(req.url ?? '') ? { status: 500, code: 'InternalError' } : undefined));
    const storage = storageFor(b.name, { endpoint: proxy.endpoint, maxAttempts: 1 });
    const error = await storage.copy('source', 'copy/failed', { multipart: true, copyPartSizeBytes: PART, maxPartAttempts: 2 }).catch((e) => e);
    storage.destroy();
    expect(error).toBeInstanceOf(MultipartUploadError);
    expect(error.partNumber).toBe(2);
    expect(proxy.requests.filter((r) => /partNumber=2(&|$)/.test(r.url))).toHaveLength(2);
    expect(await openUploads()).toBe(0);
    expect(await b.storage.exists('copy/failed')).toBe(false);
  });
});

test('a part size S3 refuses fails with InvalidArgumentError before CreateMultipartUpload: no upload is left behind', async () => {
  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  const before = await openUploads();
  await expect(storage.copy('source', 'copy/bad-part-size', { multipart: true, copyPartSizeBytes: 1024 })).rejects.toBeInstanceOf(InvalidArgumentError);
  storage.destroy();
  expect(counter.commands).not.toContain('CreateMultipartUploadCommand');
  expect(await openUploads()).toBe(before);
});
