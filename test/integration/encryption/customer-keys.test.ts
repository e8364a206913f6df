/**
 * SSE-C keys by id (issue 11 item 8) on a real server: write with provider key A, read back without passing a key
 * (picked from the object's bk-sse-c-key-id), re-key to B with reencrypt, read again, and a provider that changed a
 * key is EncryptionKeyMismatchError. moto ignores SSE-C (any key, or none, opens an object), so the keys are checked
 * on the wire and the selection runs on the metadata path; the 403/400 path of Amazon S3 is unit-tested with recorded
 * answers (test/unit/storage/encryption/customer-keys.test.ts) and runs here against a store that checks keys: MinIO
 * over TLS (S3_ENDPOINT https://...). MinIO refuses SSE-C over plain http and its profile says so: on a plain-http
 * target other than moto the suite asserts that refusal (UnsupportedFeatureError) instead.
 *
 * MinIO over TLS by hand: a self-signed public.crt / private.key (subjectAltName IP:127.0.0.1) in a certs dir, the
 * cached binary started as scripts/servers/minio.sh does but with `--certs-dir <dir>`, then this file with the
 * minio.sh env, S3_ENDPOINT=https://127.0.0.1:<port> and NODE_TLS_REJECT_UNAUTHORIZED=0.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionKeyMismatchError, S3Storage, UnsupportedFeatureError, staticKeyProvider, type CustomerKeyProvider } from '../../../lib/storage';
import { createTestBucket, currentTarget, sha256, storageFor, TestBucket } from '../../helpers/target';
import { nonDefaultStorageClass } from '../../helpers/known-differences';
import { recordCommands } from './kms';

const onMoto = currentTarget().name === 'moto';
/** A store that checks SSE-C keys (MinIO over TLS: 400 to a HEAD without the key, 403 with a wrong one), as Amazon S3 does. */
const strict = !onMoto && currentTarget().endpoint.startsWith('https:');
const MIB = 1024 * 1024;
const A = randomBytes(32);
const B = randomBytes(32);
const md5 = (key: Buffer) => createHash('md5').update(key).digest('base64');
const keyForms = [A, B].flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]);

if (!onMoto && !strict) {
  test(`${currentTarget().name}: SSE-C over the suite's plain-http endpoint is refused by the store's profile (UnsupportedFeatureError), not sent`, async () => {
    const b = await createTestBucket('ck-refused');
    const storage = storageFor(b.name, {
      encryption: { type: 'SSE-C', keyProvider: staticKeyProvider({ A }), keyId: 'A' },
      allowInsecureSseC: true,
      compatibility: 'auto',
    });
    try {
      await expect(storage.put('k', 'x')).rejects.toBeInstanceOf(UnsupportedFeatureError);
    } finally {
      storage.destroy();
      await b.cleanup();
    }
  });
}

(onMoto || strict ? describe : describe.skip)(
  `SSE-C keys from a CustomerKeyProvider (${strict ? 'keys checked by the store' : 'moto: keys checked on the wire'})`,
  () => {
    let b: TestBucket;
    let writer: S3Storage;
    let reader: S3Storage;
    let wire: ReturnType<typeof recordCommands>;
    let readWire: ReturnType<typeof recordCommands>;
    const provider = staticKeyProvider({ B, A }); // newest first
    const dir = mkdtempSync(join(tmpdir(), 'bk-ck-'));
    const big = randomBytes(11 * MIB);

    beforeAll(async () => {
      b = await createTestBucket('ck', { versioning: true });
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
      expect(sent(wire, 'UploadPartCommand')).toHaveLength(3);
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

    test('copy to key id B: the copy-source trio carries A, the destination B and its id; metadata kept', async () => {
      await writer.copy('p/small', 'p/copy', { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
      const copy = sent(wire, 'CopyObjectCommand').at(-1);
      expect([copy?.input.CopySourceSSECustomerKeyMD5, copy?.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(B)]);
      const head = await rawHead('p/copy', B);
      expect(head.Metadata).toEqual({ owner: 'finance', 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) });
      expect(head.ContentType).toBe('text/plain');
    });

    test('multipart copy to key id B: every UploadPartCopy carries both keys; the new id is on CreateMultipartUpload', async () => {
      await writer.copy('p/big', 'p/mpcopy', { multipart: true, copyPartSizeBytes: 5 * MIB, encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
      const parts = sent(wire, 'UploadPartCopyCommand');
      expect(parts).toHaveLength(3);
      for (const c of parts) expect([c.input.CopySourceSSECustomerKeyMD5, c.input.SSECustomerKeyMD5]).toEqual([md5(A), md5(B)]);
      const create = sent(wire, 'CreateMultipartUploadCommand').at(-1);
      expect([create?.input.SSECustomerKeyMD5, create?.input.Metadata]).toEqual([md5(B), { 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) }]);
      expect((await rawHead('p/mpcopy', B)).Metadata).toEqual({ 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) });
      expect(sha256(await reader.getBuffer('p/mpcopy'))).toBe(sha256(big));
    });

    test('reencrypt to key id B: A objects are copied with the new id, the B copies are skipped, a second run copies nothing', async () => {
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

    test('reads after the re-key pick B', async () => {
      const from = sent(readWire, 'GetObjectCommand').length;
      expect(await reader.getText('p/small')).toBe('hello');
      expect(sha256(await reader.getBuffer('p/big'))).toBe(sha256(big));
      for (const c of sent(readWire, 'GetObjectCommand').slice(from)) expect(c.input.SSECustomerKeyMD5).toBe(md5(B));
    });

    test('restoreVersion brings back the A version under A; setStorageClass keeps the key', async () => {
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
      const changed: CustomerKeyProvider = staticKeyProvider({ B: randomBytes(32), A });
      const other = storageFor(b.name, { customerKeys: changed, allowInsecureSseC: true });
      const seen = recordCommands(other.client);
      try {
        const error = await other.getText('p/big').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
        // moto opens the object with any key, so the stored MD5 shows that B changed; a store that checks keys refuses both.
        if (strict) expect(error).toMatchObject({ keyIdsTried: ['B', 'A'], code: 'EncryptionKeyMismatch', httpStatus: 403 });
        else expect(error).toMatchObject({ keyId: 'B', code: 'EncryptionKeyMismatch' });
        expect(sent(seen, 'GetObjectCommand')).toHaveLength(0);
      } finally {
        other.destroy();
      }
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
  },
);
