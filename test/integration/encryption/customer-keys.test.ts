/**
 * SSE-C keys by id (issue 11 item 8) on a real server: write with provider key A, read back without passing a key
 * (picked from the object's bk-sse-c-key-id), re-key to B with reencrypt, read again, and a provider that changed a
 * key is EncryptionKeyMismatchError. It runs on every target:
 * - moto ignores SSE-C (any key, or none, opens an object), so the keys are checked on the wire and the selection runs
 *   on the metadata path;
 * - MinIO checks keys as Amazon S3 does (400 to a HEAD without the key, 403 with a wrong one) but takes SSE-C over
 *   TLS only, so the suite runs on a TLS MinIO of its own (scripts/servers/minio.sh up-tls);
 * - Ceph RGW checks keys over plain http (the test config) but answers a wrong key with 400, which key selection
 *   settles with one HEAD without a key; its CopyObject of an SSE-C object is 501, so the copy tests assert that.
 */
import { CreateBucketCommand, DeleteBucketCommand, HeadObjectCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EncryptionKeyMismatchError,
  S3Storage,
  UnsupportedFeatureError,
  staticKeyProvider,
  type CustomerKeyProvider,
  type S3StorageConfig,
} from '../../../lib/storage';
import { currentTarget, emptyBucket, rawClient, sha256, uniqueBucketName } from '../../helpers/target';
import { echoesDeclaredChecksum, nonDefaultStorageClass, targetDiffers } from '../../helpers/known-differences';
import { recordCommands, startTlsMinio } from './kms';

const onMoto = currentTarget().name === 'moto';
const onMinio = currentTarget().name === 'minio';
/** A store that checks SSE-C keys (every target but moto). */
const strict = !onMoto;
/** CopyObject of an SSE-C object answers 501 (Ceph RGW): copies, reencrypt by copy, restoreVersion and setStorageClass. */
const copyRefused = targetDiffers('copy-of-encrypted-object-not-implemented');
const withCopy = copyRefused ? test.skip : test;
const MIB = 1024 * 1024;
const A = randomBytes(32);
const B = randomBytes(32);
const md5 = (key: Buffer) => createHash('md5').update(key).digest('base64');
const keyForms = [A, B].flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]);

if (onMinio) {
  test("minio: SSE-C over the suite's plain-http endpoint is refused by the store's profile (UnsupportedFeatureError), not sent", async () => {
    const raw = rawClient();
    const name = uniqueBucketName('ck-refused');
    await raw.send(new CreateBucketCommand({ Bucket: name }));
    const t = currentTarget();
    const storage = new S3Storage({
      bucket: name,
      endpoint: t.endpoint,
      region: t.region,
      credentials: t.credentials,
      encryption: { type: 'SSE-C', keyProvider: staticKeyProvider({ A }), keyId: 'A' },
      allowInsecureSseC: true,
      compatibility: 'auto',
    });
    try {
      await expect(storage.put('k', 'x')).rejects.toBeInstanceOf(UnsupportedFeatureError);
    } finally {
      storage.destroy();
      await raw.send(new DeleteBucketCommand({ Bucket: name }));
      raw.destroy();
    }
  });
}

describe(`SSE-C keys from a CustomerKeyProvider (${strict ? `${currentTarget().name}: keys checked by the store` : 'moto: keys checked on the wire'})`, () => {
  let b: { name: string; raw: S3Client; cleanup: () => Promise<void> };
  /** The S3 the suite runs on: the target, or on MinIO a TLS MinIO (endpoint, and a client trusting its certificate). */
  let on: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; client?: () => S3Client };
  const storageFor = (bucket: string, overrides: Partial<S3StorageConfig>) =>
    new S3Storage({ bucket, endpoint: on.endpoint, region: on.region, credentials: on.credentials, client: on.client?.(), ...overrides });
  let writer: S3Storage;
  let reader: S3Storage;
  let wire: ReturnType<typeof recordCommands>;
  let readWire: ReturnType<typeof recordCommands>;
  const provider = staticKeyProvider({ B, A }); // newest first
  const dir = mkdtempSync(join(tmpdir(), 'bk-ck-'));
  const big = randomBytes(11 * MIB);

  beforeAll(async () => {
    const tls = onMinio ? await startTlsMinio() : undefined;
    on = tls ? { ...tls.target, client: tls.client } : { ...currentTarget() };
    const raw = tls ? tls.client() : rawClient();
    const name = uniqueBucketName('ck');
    await raw.send(new CreateBucketCommand({ Bucket: name }));
    await raw.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
    b = {
      name,
      raw,
      cleanup: async () => {
        await emptyBucket(raw, name);
        await raw.send(new DeleteBucketCommand({ Bucket: name }));
        raw.destroy();
        await tls?.stop();
      },
    };
    writer = storageFor(b.name, { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'A' }, allowInsecureSseC: true });
    // Reads only: no encryption, no key; the provider lists the key ids.
    reader = storageFor(b.name, { customerKeys: provider, allowInsecureSseC: true });
    wire = recordCommands(writer.client);
    readWire = recordCommands(reader.client);
  });
  afterAll(async () => {
    writer.destroy();
    reader.destroy();
    await b.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** HEAD outside bucketkit, with the key the object should be under (a store that checks keys needs it). */
  const rawHead = (key: string, under: Buffer) =>
    b.raw.send(
      new HeadObjectCommand({
        Bucket: b.name,
        Key: key,
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKey: under.toString('base64'),
        SSECustomerKeyMD5: md5(under),
      }),
    );
  const sent = (records: ReturnType<typeof recordCommands>, name: string) => records.filter((c) => c.name === name);

  test('writes with key A send it on put, CreateMultipartUpload and every UploadPart, and store only its id and MD5', async () => {
    await writer.put('p/small', 'hello', { metadata: { owner: 'finance' }, contentType: 'text/plain' });
    writeFileSync(join(dir, 'big.bin'), big);
    await writer.upload('p/big', { filePath: join(dir, 'big.bin') }, { multipartThresholdBytes: 5 * MIB, targetPartSizeBytes: 5 * MIB });
    for (const name of ['PutObjectCommand', 'CreateMultipartUploadCommand', 'UploadPartCommand']) {
      expect(sent(wire, name).length).toBeGreaterThan(0);
      for (const c of sent(wire, name)) expect([name, c.input.SSECustomerAlgorithm, c.input.SSECustomerKeyMD5]).toEqual([name, 'AES256', md5(A)]);
    }
    // Three parts, and before them the one-byte part with a wrong CRC32 that tells whether the store checks CRC32.
    expect(sent(wire, 'UploadPartCommand')).toHaveLength(echoesDeclaredChecksum() ? 4 : 3);
    for (const key of ['p/small', 'p/big']) {
      const head = await rawHead(key, A);
      expect(head.Metadata).toEqual(expect.objectContaining({ 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': md5(A) }));
      const text = JSON.stringify(head.Metadata);
      for (const form of keyForms) expect(text).not.toContain(form);
    }
  });

  test('reads without a key pick A from the object: get, head, ranged download', async () => {
    expect(await reader.getText('p/small')).toBe('hello');
    expect((await reader.head('p/small')).metadata.owner).toBe('finance');
    const file = join(dir, 'down.bin');
    const result = await reader.download('p/big', file, { rangeSizeBytes: 4 * MIB });
    expect(sha256(readFileSync(file))).toBe(sha256(big));
    expect(result.size).toBe(big.length);
    const gets = sent(readWire, 'GetObjectCommand');
    expect(gets.length).toBeGreaterThanOrEqual(4); // one get, three ranges
    for (const c of gets) expect(c.input.SSECustomerKeyMD5).toBe(md5(A));
  });

  withCopy('copy to key id B: the copy-source trio carries A, the destination B and its id; metadata kept', async () => {
    await writer.copy('p/small', 'p/copy', { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
    const copy = sent(wire, 'CopyObjectCommand').at(-1);
    expect([copy?.input.CopySourceSSECustomerKeyMD5, copy?.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(B)]);
    const head = await rawHead('p/copy', B);
    expect(head.Metadata).toEqual({ owner: 'finance', 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) });
    expect(head.ContentType).toBe('text/plain');
  });

  (targetDiffers('part-copy-to-another-sse-c-key-refused') ? test : test.skip)(
    'ceph: a multipart copy to another SSE-C key is refused (400): MultipartUploadError, and no upload is left',
    async () => {
      const error = await writer
        .copy('p/big', 'p/mpcopy', { multipart: true, copyPartSizeBytes: 5 * MIB, encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'MultipartUploadError', cause: { s3Code: 'InvalidArgument', httpStatus: 400 } });
      expect(await writer.listIncompleteUploads({ prefix: 'p/mpcopy' })).toEqual([]);
    },
  );

  (targetDiffers('part-copy-to-another-sse-c-key-refused') ? test.skip : test)(
    'multipart copy to key id B: every UploadPartCopy carries both keys; the new id is on CreateMultipartUpload',
    async () => {
      await writer.copy('p/big', 'p/mpcopy', { multipart: true, copyPartSizeBytes: 5 * MIB, encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
      const parts = sent(wire, 'UploadPartCopyCommand');
      expect(parts).toHaveLength(3);
      for (const c of parts) expect([c.input.CopySourceSSECustomerKeyMD5, c.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(B)]);
      const create = sent(wire, 'CreateMultipartUploadCommand').at(-1);
      expect([create?.input.SSECustomerKeyMD5, create?.input.Metadata]).toEqual([md5(B), { 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) }]);
      expect((await rawHead('p/mpcopy', B)).Metadata).toEqual({ 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) });
      expect(sha256(await reader.getBuffer('p/mpcopy'))).toBe(sha256(big));
    },
  );

  withCopy('reencrypt to key id B: A objects are copied with the new id, the B copies are skipped, a second run copies nothing', async () => {
    const before = sent(readWire, 'CopyObjectCommand').length + sent(readWire, 'UploadPartCopyCommand').length;
    const to = { type: 'SSE-C', keyProvider: provider, keyId: 'B' } as const;
    const moved = await reader.reencrypt({ prefix: 'p/' }, { to });
    expect([moved.reencrypted, moved.skipped, moved.failed]).toEqual([2, 2, 0]);
    expect(moved.items.find((i) => i.key === 'p/copy')?.reason).toBe('already under the target encryption');
    const copies = sent(readWire, 'CopyObjectCommand').slice(before);
    expect(copies).toHaveLength(2);
    for (const c of copies) expect([c.input.CopySourceSSECustomerKeyMD5, c.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(B)]);
    for (const key of ['p/small', 'p/big']) {
      const head = await rawHead(key, B);
      expect(head.Metadata).toEqual(expect.objectContaining({ 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) }));
    }
    expect((await rawHead('p/small', B)).Metadata?.owner).toBe('finance');
    expect((await rawHead('p/small', B)).ContentType).toBe('text/plain');
    const again = await reader.reencrypt({ prefix: 'p/' }, { to });
    expect([again.reencrypted, again.skipped]).toEqual([0, 4]);
    expect(sent(readWire, 'CopyObjectCommand').slice(before)).toHaveLength(2);
  });

  withCopy('reads after the re-key pick B', async () => {
    const from = sent(readWire, 'GetObjectCommand').length;
    expect(await reader.getText('p/small')).toBe('hello');
    expect(sha256(await reader.getBuffer('p/big'))).toBe(sha256(big));
    for (const c of sent(readWire, 'GetObjectCommand').slice(from)) expect(c.input.SSECustomerKeyMD5).toBe(md5(B));
  });

  withCopy('restoreVersion brings back the A version under A; setStorageClass keeps the key', async () => {
    const versions: { versionId?: string; isLatest: boolean }[] = [];
    for await (const page of reader.listVersions({ prefix: 'p/small' })) versions.push(...page.versions);
    const old = versions.find((v) => !v.isLatest);
    expect(old?.versionId).toBeDefined();
    await reader.restoreVersion('p/small', old?.versionId as string);
    expect((await rawHead('p/small', A)).Metadata).toEqual(expect.objectContaining({ 'bk-sse-c-key-id': 'A', owner: 'finance' }));
    const restoreCopy = sent(readWire, 'CopyObjectCommand').at(-1);
    expect([restoreCopy?.input.CopySourceSSECustomerKeyMD5, restoreCopy?.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(A)]);
    const changed = await reader.setStorageClass('p/small', nonDefaultStorageClass());
    expect(changed.to).toBe(nonDefaultStorageClass());
    const classCopy = sent(readWire, 'CopyObjectCommand').at(-1);
    expect([classCopy?.input.CopySourceSSECustomerKeyMD5, classCopy?.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(A)]);
    expect(await reader.getText('p/small')).toBe('hello');
  });

  test('a provider that now returns another key for B: EncryptionKeyMismatchError (naming B from the stored MD5, or the ids refused), no GET', async () => {
    // Where copies are refused (Ceph RGW) p/big is still under A, so the changed provider has no right key at all.
    const changed: CustomerKeyProvider = staticKeyProvider({ B: randomBytes(32), A: copyRefused ? randomBytes(32) : A });
    const other = storageFor(b.name, { customerKeys: changed, allowInsecureSseC: true });
    const seen = recordCommands(other.client);
    try {
      const error = await other.getText('p/big').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
      // moto opens the object with any key, so the stored MD5 shows that B changed; a store that checks keys refuses both.
      // Ceph RGW answers a wrong key with 400, S3 and MinIO with 403.
      if (strict)
        expect(error).toMatchObject({
          keyIdsTried: ['B', 'A'],
          code: 'EncryptionKeyMismatch',
          httpStatus: targetDiffers('sse-c-wrong-key-is-400') ? 400 : 403,
        });
      else expect(error).toMatchObject({ keyId: 'B', code: 'EncryptionKeyMismatch' });
      expect(sent(seen, 'GetObjectCommand')).toHaveLength(0);
    } finally {
      other.destroy();
    }
  });

  (copyRefused ? test : test.skip)('ceph: CopyObject of an SSE-C object is 501, UnsupportedFeatureError, and reencrypt reports each key failed', async () => {
    await expect(writer.copy('p/small', 'p/copy', { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } })).rejects.toBeInstanceOf(
      UnsupportedFeatureError,
    );
    const moved = await reader.reencrypt('p/small', { to: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
    expect([moved.reencrypted, moved.failed]).toEqual([0, 1]);
    expect(await reader.getText('p/small')).toBe('hello'); // still under A, found by key selection
  });

  test('a resumable upload keeps the key id and MD5 in its state; resuming under another key id is refused', async () => {
    const file = join(dir, 'resume.bin');
    writeFileSync(file, randomBytes(11 * MIB));
    const controller = new AbortController();
    await expect(
      writer.upload(
        'r/big',
        { filePath: file },
        {
          multipartThresholdBytes: 5 * MIB,
          targetPartSizeBytes: 5 * MIB,
          concurrency: 1,
          leaveResumableOnAbort: true,
          abortSignal: controller.signal,
          onProgress: (p) => p.partsDone === 1 && controller.abort(),
        },
      ),
    ).rejects.toThrow();
    const state = readFileSync(`${file}.bucketkit-upload.json`, 'utf8');
    const saved = Object.values(JSON.parse(state) as Record<string, { uploadId: string; customerKeyId?: string; customerKeyMd5?: string }>)[0];
    expect([saved.customerKeyId, saved.customerKeyMd5]).toEqual(['A', md5(A)]);
    for (const form of keyForms) expect(state).not.toContain(form);
    const underB = writer.resumeUpload(saved.uploadId, 'r/big', { filePath: file }, { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
    await expect(underB).rejects.toMatchObject({ name: 'EncryptionKeyMismatchError', keyId: 'A' });
    const done = await writer.resumeUpload(saved.uploadId, 'r/big', { filePath: file });
    expect(done.partsResumed).toBeGreaterThanOrEqual(1);
    expect(sha256(await reader.getBuffer('r/big'))).toBe(sha256(readFileSync(file)));
  });
});
