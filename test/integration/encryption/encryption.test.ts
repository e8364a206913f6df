import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, S3Storage, VerifyEncryptionResult } from '../../../lib/storage';
import { createTestBucket, currentTarget, sha256, storageFor, TestBucket } from '../../helpers/target';
import { createKmsKey, recordCommands } from './kms';

// This suite creates real keys in moto's KMS (served on moto's S3 port) and checks SSE-C on the wire, where moto
// ignores it. Other targets do not serve that KMS API: there the difference itself is asserted, and SSE-KMS/SSE-C
// against those stores are covered by the compatibility suite (test/integration/compatibility) and their profiles.
const onMoto = currentTarget().name === 'moto';

if (!onMoto) {
  test(`${currentTarget().name}: moto's KMS API (CreateKey) is not served at this S3 endpoint, so the KMS-key suite runs on moto`, async () => {
    await expect(createKmsKey('probe')).rejects.toThrow();
  });
}

(onMoto ? describe : describe.skip)('encryption on moto with real KMS keys', () => {
  const MIB = 1024 * 1024;
  let b: TestBucket;
  let keyA: { keyId: string; arn: string };
  let keyB: { keyId: string; arn: string };
  const dir = mkdtempSync(join(tmpdir(), 'bk-enc-'));

  beforeAll(async () => {
    b = await createTestBucket('enc', { versioning: true });
    keyA = await createKmsKey('bucketkit A');
    keyB = await createKmsKey('bucketkit B');
  });
  afterAll(async () => {
    await b.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function rawHead(key: string) {
    return b.raw.send(new HeadObjectCommand({ Bucket: b.name, Key: key }));
  }

  describe('S3StorageConfig.encryption is the default of every write path (SSE-KMS, a real key in moto KMS)', () => {
    let storage: S3Storage;
    let sent: ReturnType<typeof recordCommands>;
    beforeAll(() => {
      storage = storageFor(b.name, { encryption: { type: 'SSE-KMS', keyId: keyA.arn } });
      sent = recordCommands(storage.client);
    });
    afterAll(() => storage.destroy());

    test('put, upload (multipart), copy, multipart copy, setStorageClass and restoreVersion all write under key A', async () => {
      const first = await storage.put('d/put', 'hello');
      await storage.upload('d/upload', randomBytes(11 * MIB), { multipartThresholdBytes: 5 * MIB, targetPartSizeBytes: 5 * MIB });
      await b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: 'd/plain', Body: 'plain' }));
      await storage.copy('d/plain', 'd/copy');
      await storage.copy('d/plain', 'd/mpcopy', { multipart: true });
      await b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: 'd/class', Body: 'c' }));
      await storage.setStorageClass('d/class', 'STANDARD_IA');
      await b.raw.send(new PutObjectCommand({ Bucket: b.name, Key: 'd/put', Body: 'newer, unencrypted' }));
      await storage.restoreVersion('d/put', first.versionId!);
      for (const key of ['d/put', 'd/upload', 'd/copy', 'd/mpcopy', 'd/class']) {
        const head = await rawHead(key);
        expect([key, head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual([key, 'aws:kms', keyA.arn]);
      }
      expect((await rawHead('d/class')).StorageClass).toBe('STANDARD_IA');
      // SSE-S3/KMS headers go on CreateMultipartUpload only, never on UploadPart / UploadPartCopy.
      const parts = sent.filter((c) => c.name === 'UploadPartCommand' || c.name === 'UploadPartCopyCommand');
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const part of parts)
        expect([part.input.ServerSideEncryption, part.input.SSEKMSKeyId, part.input.SSECustomerKey]).toEqual([undefined, undefined, undefined]);
      expect(sent.filter((c) => c.name === 'CreateMultipartUploadCommand').every((c) => c.input.SSEKMSKeyId === keyA.arn)).toBe(true);
    });

    test('a per-call encryption wins over the default', async () => {
      await storage.put('d/own', 'x', { encryption: { type: 'SSE-S3' } });
      expect((await rawHead('d/own')).ServerSideEncryption).toBe('AES256');
    });
  });

  describe('SSE-C: the config key goes on every write and every read that needs it (moto ignores SSE-C: checked on the wire)', () => {
    const key = randomBytes(32);
    let storage: S3Storage;
    let sent: ReturnType<typeof recordCommands>;
    beforeAll(() => {
      storage = storageFor(b.name, { encryption: { type: 'SSE-C', key }, allowInsecureSseC: true });
      sent = recordCommands(storage.client);
    });
    afterAll(() => storage.destroy());

    test('put, upload parts, get, head, ranged download, copy (destination and copy-source trio) and multipart copy', async () => {
      const data = randomBytes(11 * MIB);
      await storage.put('c/put', 'secret');
      await storage.upload('c/upload', data, { multipartThresholdBytes: 5 * MIB, targetPartSizeBytes: 5 * MIB });
      expect(await storage.getText('c/put')).toBe('secret');
      await storage.head('c/put');
      const file = join(dir, 'download.bin');
      await storage.download('c/upload', file, { rangeSizeBytes: 4 * MIB });
      expect(sha256(readFileSync(file))).toBe(sha256(data));
      await storage.copy('c/put', 'c/copy');
      await storage.copy('c/upload', 'c/mpcopy', { multipart: true });
      const md5 = (await import('node:crypto')).createHash('md5').update(key).digest('base64');
      const byName = (name: string) => sent.filter((c) => c.name === name);
      for (const name of [
        'PutObjectCommand',
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'GetObjectCommand',
        'HeadObjectCommand',
        'CopyObjectCommand',
        'UploadPartCopyCommand',
      ]) {
        expect(byName(name).length).toBeGreaterThan(0);
        for (const c of byName(name)) {
          expect([name, c.input.SSECustomerAlgorithm, c.input.SSECustomerKeyMD5, c.input.ServerSideEncryption]).toEqual([name, 'AES256', md5, undefined]);
        }
      }
      expect(byName('GetObjectCommand').filter((c) => c.input.Range !== undefined).length).toBeGreaterThanOrEqual(3);
      for (const c of [...byName('CopyObjectCommand'), ...byName('UploadPartCopyCommand')]) {
        expect([c.input.CopySourceSSECustomerAlgorithm, c.input.CopySourceSSECustomerKeyMD5]).toEqual(['AES256', md5]);
      }
    });

    test('over plain http without allowInsecureSseC: InvalidArgumentError, in the config or per call, and nothing is sent', async () => {
      const t = currentTarget();
      expect(() => storageFor(b.name, { encryption: { type: 'SSE-C', key } })).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field: 'config.encryption' }),
      );
      const plain = storageFor(b.name);
      const wire = recordCommands(plain.client);
      expect(t.endpoint.startsWith('http:')).toBe(true);
      await expect(plain.put('c/x', 'x', { encryption: { type: 'SSE-C', key } })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'encryption' });
      await expect(plain.get('c/x', { customerKey: key })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'customerKey' });
      await expect(plain.copy('c/put', 'c/y', { sourceCustomerKey: key })).rejects.toMatchObject({ field: 'sourceCustomerKey' });
      expect(wire).toHaveLength(0);
      plain.destroy();
    });
  });

  test('bad input is InvalidArgumentError naming the field, with no request sent', async () => {
    const storage = storageFor(b.name, { allowInsecureSseC: true });
    const wire = recordCommands(storage.client);
    const cases: [Promise<unknown>, string][] = [
      [storage.delete('k', { versionId: 'v', mfa: '123456' }), 'mfa'],
      [storage.put('k', 'x', { encryption: { type: 'SSE-C', key: randomBytes(31) } }), 'encryption.key'],
      [storage.put('k', 'x', { encryption: { type: 'SSE-C', key: randomBytes(32), keyId: keyA.arn } as never }), 'encryption.keyId'],
      [storage.get('k', { versionId: 'v', ifNoneMatch: '"e"' }), 'ifNoneMatch'],
      [storage.setBucketEncryption({ type: 'SSE-C' as never }), 'encryption.type'],
      [storage.verifyEncryption('k', { type: 'SSE-KMS', keyId: '' }), 'expected.keyId'],
      [storage.reencrypt({ prefix: '' }, { to: { type: 'SSE-KMS', keyId: keyA.arn }, method: 'update' }), 'method'],
      [storage.reencrypt('k', { to: { type: 'SSE-C', key: randomBytes(16) } }), 'to.key'],
    ];
    for (const [promise, field] of cases) {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe(field);
    }
    expect(wire).toHaveLength(0);
    storage.destroy();
  });

  test('bucket default encryption: get (none on moto), set SSE-KMS with a Bucket Key, applied to new objects', async () => {
    const bucket = await createTestBucket('enc-default');
    try {
      expect(await bucket.storage.getBucketEncryption()).toEqual({ type: 'none', bucketKey: false });
      await bucket.storage.setBucketEncryption({ type: 'SSE-KMS', keyId: keyB.arn, bucketKey: true });
      expect(await bucket.storage.getBucketEncryption()).toMatchObject({ type: 'SSE-KMS', keyId: keyB.arn, bucketKey: true });
      await bucket.storage.put('n', 'new');
      expect((await bucket.storage.verifyEncryption('n', { type: 'SSE-KMS', keyId: keyB.keyId, bucketKey: true })).ok).toBe(true);
      await bucket.storage.setBucketEncryption({ type: 'SSE-S3', allowSseC: true });
      expect(await bucket.storage.getBucketEncryption()).toMatchObject({ type: 'SSE-S3', bucketKey: false });
    } finally {
      await bucket.cleanup();
    }
  });

  test('verifyEncryption reports each difference; auditEncryption streams only the objects that differ, page by page', async () => {
    const storage = b.storage;
    await storage.put('v/kms-a', 'a', { encryption: { type: 'SSE-KMS', keyId: keyA.arn } });
    const ok = await storage.verifyEncryption('v/kms-a', { type: 'SSE-KMS', keyId: keyA.keyId });
    expect(ok).toMatchObject({ ok: true, problems: [], actual: { type: 'SSE-KMS', keyId: keyA.arn } });
    const wrong = await storage.verifyEncryption('v/kms-a', { type: 'SSE-KMS', keyId: keyB.arn, bucketKey: true });
    expect(wrong.ok).toBe(false);
    expect(wrong.problems).toEqual([`KMS key is ${keyA.arn}, expected ${keyB.arn}`, 'S3 Bucket Key is off, expected on']);
    expect((await storage.verifyEncryption('v/kms-a', { type: 'SSE-S3' })).problems).toEqual(['type is SSE-KMS, expected SSE-S3']);

    const expectedBad = new Set<string>();
    for (let i = 0; i < 23; i++) {
      const key = `audit/${String(i).padStart(2, '0')}`;
      const good = i % 3 !== 0;
      if (!good) expectedBad.add(key);
      await storage.put(key, 'x', {
        encryption: good ? { type: 'SSE-KMS', keyId: keyA.arn } : i % 2 ? { type: 'SSE-S3' } : { type: 'SSE-KMS', keyId: keyB.arn },
      });
    }
    const found: VerifyEncryptionResult[] = [];
    for await (const r of storage.auditEncryption({ prefix: 'audit/', expected: { type: 'SSE-KMS', keyId: keyA.arn }, concurrency: 4, pageSize: 5 }))
      found.push(r);
    expect(new Set(found.map((r) => r.key))).toEqual(expectedBad);
    expect(found.every((r) => !r.ok && r.problems.length === 1)).toBe(true);
  });

  test('reencrypt a prefix by copy in place: metadata, tags, class and content kept; a second run skips all; dryRun and from change nothing', async () => {
    const storage = b.storage;
    for (let i = 0; i < 12; i++) {
      await storage.put(`r/${i}`, `body ${i}`, {
        encryption: { type: 'SSE-S3' },
        metadata: { n: String(i) },
        tags: { t: `v${i}` },
        contentType: 'text/plain',
        storageClass: i % 2 ? 'STANDARD_IA' : undefined,
      });
    }
    const to = { type: 'SSE-KMS' as const, keyId: keyB.arn };
    const dry = await storage.reencrypt({ prefix: 'r/' }, { to, dryRun: true });
    expect([dry.reencrypted, dry.skipped, dry.failed, dry.dryRun]).toEqual([12, 0, 0, true]);
    expect((await rawHead('r/0')).ServerSideEncryption).toBe('AES256');
    const filtered = await storage.reencrypt({ prefix: 'r/' }, { to, from: { type: 'SSE-KMS', keyId: keyA.arn } });
    expect([filtered.reencrypted, filtered.skipped]).toEqual([0, 12]);
    expect(filtered.items[0].reason).toMatch(/^not under from: type is SSE-S3, expected SSE-KMS/);

    const done = await storage.reencrypt({ prefix: 'r/' }, { to, from: { type: 'SSE-S3' }, concurrency: 4 });
    expect([done.reencrypted, done.skipped, done.failed]).toEqual([12, 0, 0]);
    expect(new Set(done.items.map((i) => i.method))).toEqual(new Set(['copy']));
    for (let i = 0; i < 12; i++) {
      const head = await rawHead(`r/${i}`);
      expect([head.ServerSideEncryption, head.SSEKMSKeyId, head.Metadata, head.ContentType, head.StorageClass ?? 'STANDARD']).toEqual([
        'aws:kms',
        keyB.arn,
        { n: String(i) },
        'text/plain',
        i % 2 ? 'STANDARD_IA' : 'STANDARD',
      ]);
      const tags = await b.raw.send(new GetObjectTaggingCommand({ Bucket: b.name, Key: `r/${i}` }));
      expect(tags.TagSet).toEqual([{ Key: 't', Value: `v${i}` }]);
      expect(await storage.getText(`r/${i}`)).toBe(`body ${i}`);
    }
    const again = await storage.reencrypt({ prefix: 'r/' }, { to });
    expect([again.reencrypted, again.skipped]).toEqual([0, 12]);
    const one = await storage.reencrypt('r/3', { to: { type: 'SSE-S3' } });
    expect(one.items).toMatchObject([{ key: 'r/3', outcome: 'reencrypted', method: 'copy', before: { type: 'SSE-KMS', keyId: keyB.arn } }]);
  });
});
