/**
 * SSE-C key management with a CustomerKeyProvider (issue 11 item 8), against recorded Amazon S3 answers: a HEAD of an
 * SSE-C object with a wrong key is 403 (no body), a HEAD with a key of an object that is not SSE-C is 400, and moto
 * (which ignores SSE-C) cannot show either. Validation, key selection, mismatch, provider failures and timeouts.
 */
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import {
  AbortedError,
  CustomerKeyProviderError,
  EncryptionKeyMismatchError,
  InvalidArgumentError,
  MemoryUploadStateStore,
  S3Storage,
  staticKeyProvider,
  type CustomerKeyProvider,
  type S3StorageConfig,
} from '../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const A = randomBytes(32);
const B = randomBytes(32);
const md5 = (key: Buffer) => createHash('md5').update(key).digest('base64');
const forms = (key: Buffer) => [key.toString('base64'), key.toString('base64url'), key.toString('hex')];

beforeEach(() => s3.reset());

function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', message, $metadata: { httpStatusCode: status, requestId: 'R1' } });
}

/** A provider over A and B (B newest) that counts its calls. */
function counting(keys: Record<string, Buffer> = { B, A }): CustomerKeyProvider & { calls: string[] } {
  const inner = staticKeyProvider(keys);
  const calls: string[] = [];
  return {
    calls,
    getKey: (keyId, request) => {
      calls.push(keyId);
      return inner.getKey(keyId, request);
    },
    keyIds: inner.keyIds,
  };
}

function storageWith(provider: CustomerKeyProvider, keyId = 'A', extra: Partial<S3StorageConfig> = {}): S3Storage {
  return new S3Storage({ bucket: 'unit-bucket', region: 'us-east-1', client, encryption: { type: 'SSE-C', keyProvider: provider, keyId }, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

/** An SSE-C object under `key` with bucketkit's metadata, as Amazon S3 answers a HEAD with the right key. */
function sseCHead(keyId: string, key: Buffer, metadata: Record<string, string> = {}) {
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKeyMD5: md5(key),
    ETag: '"e"',
    ContentLength: 6,
    ContentType: 'text/csv',
    Metadata: { ...metadata, 'bk-sse-c-key-id': keyId, 'bk-sse-c-key-md5': md5(key) },
  };
}

describe('validation: InvalidArgumentError before any request, and the provider is not asked', () => {
  const provider = counting();
  const storage = storageWith(provider);
  const cases: [string, () => unknown, string][] = [
    ['key and keyProvider', () => storage.put('k', 'x', { encryption: { type: 'SSE-C', key: A, keyProvider: provider, keyId: 'A' } }), 'encryption.key'],
    ['keyProvider without keyId', () => storage.put('k', 'x', { encryption: { type: 'SSE-C', keyProvider: provider } }), 'encryption.keyId'],
    ['keyId with a space', () => storage.put('k', 'x', { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'a b' } }), 'encryption.keyId'],
    [
      'keyId over 128 characters',
      () => storage.put('k', 'x', { encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'k'.repeat(129) } }),
      'encryption.keyId',
    ],
    [
      'keyProvider without getKey',
      () => storage.put('k', 'x', { encryption: { type: 'SSE-C', keyProvider: {} as never, keyId: 'A' } }),
      'encryption.keyProvider',
    ],
    ['a static key with a keyId', () => storage.put('k', 'x', { encryption: { type: 'SSE-C', key: A, keyId: 'A' } }), 'encryption.keyId'],
    ['customerKey and customerKeyId', () => storage.get('k', { customerKey: A, customerKeyId: 'A' }), 'customerKeyId'],
    ['a bad customerKeyId', () => storage.get('k', { customerKeyId: '' }), 'customerKeyId'],
    [
      'customerKeyId without a provider',
      () => new S3Storage({ bucket: 'unit-bucket', region: 'us-east-1', client }).get('k', { customerKeyId: 'A' }),
      'customerKeyId',
    ],
    [
      'customerKeys with a static config key',
      () => new S3Storage({ bucket: 'unit-bucket', client, encryption: { type: 'SSE-C', key: A }, customerKeys: provider }),
      'config.customerKeys',
    ],
    ['customerKeys without getKey', () => new S3Storage({ bucket: 'unit-bucket', client, customerKeys: { keyIds: () => [] } as never }), 'config.customerKeys'],
    ['reencrypt to a provider key without keyId', () => storage.reencrypt('k', { to: { type: 'SSE-C', keyProvider: provider } }), 'to.keyId'],
  ];
  test.each(cases)('%s', async (_name, run, field) => {
    const error = await Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field });
    expect(s3.calls()).toHaveLength(0);
    expect(provider.calls).toEqual([]);
  });

  test('SSE-C with a provider over plain http is refused unless allowInsecureSseC', () => {
    const config = { bucket: 'unit-bucket', endpoint: 'http://127.0.0.1:9', encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'A' } } as const;
    expect(() => new S3Storage(config)).toThrow(InvalidArgumentError);
    expect(() => new S3Storage({ ...config, allowInsecureSseC: true })).not.toThrow();
    const reads = new S3Storage({ bucket: 'unit-bucket', endpoint: 'http://127.0.0.1:9', client, customerKeys: provider });
    return expect(reads.get('k')).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'customerKeys' });
  });

  test('staticKeyProvider refuses a short key or a bad id, naming the id only', () => {
    expect(() => staticKeyProvider({ A: A.subarray(0, 31) })).toThrow(/keys\["A"\]: must be a 32-byte/);
    expect(() => staticKeyProvider({ 'a b': A })).toThrow(InvalidArgumentError);
  });
});

describe('writes: the key the provider gives for keyId, and only its id and MD5 in the metadata', () => {
  test('put sends the SSE-C trio of key A and stores bk-sse-c-key-id / bk-sse-c-key-md5', async () => {
    const provider = counting();
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    await storageWith(provider).put('k', 'secret', { metadata: { owner: 'finance' } });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: A.toString('base64'),
      SSECustomerKeyMD5: md5(A),
      Metadata: { owner: 'finance', 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': md5(A) },
    });
    expect(provider.calls).toEqual(['A']);
  });

  test('a per-call { keyProvider, keyId } wins over the config, and a caller cannot forge the key metadata', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    await storageWith(counting()).put('k', 'x', {
      encryption: { type: 'SSE-C', keyProvider: counting(), keyId: 'B' },
      metadata: { 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': 'forged' },
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { SSECustomerKeyMD5: md5(B), Metadata: { 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) } });
  });

  test('a multipart upload sends key A on CreateMultipartUpload and every UploadPart; its state holds the key id and MD5 only', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'U1' });
    s3.on(UploadPartCommand).rejects(s3Error('InternalError', 500));
    const stateStore = new MemoryUploadStateStore();
    const storage = storageWith(counting(), 'A', { maxAttempts: 1 });
    const data = randomBytes(6 * 1024 * 1024);
    await expect(
      storage.upload('big', data, {
        multipartThresholdBytes: 5 * 1024 * 1024,
        partSizeBytes: 5 * 1024 * 1024,
        stateStore,
        leaveResumableOnAbort: true,
        maxPartAttempts: 1,
      }),
    ).rejects.toThrow();
    expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      SSECustomerKeyMD5: md5(A),
      Metadata: { 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': md5(A) },
    });
    for (const call of s3.commandCalls(UploadPartCommand))
      expect(call.args[0].input).toMatchObject({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: md5(A) });
    expect(s3.commandCalls(UploadPartCommand).length).toBeGreaterThan(0);
  });

  test('resumeUpload under another key id is EncryptionKeyMismatchError naming the id the upload began with; nothing is sent', async () => {
    const stateStore = new MemoryUploadStateStore();
    await stateStore.save({
      version: 1,
      bucket: 'unit-bucket',
      key: 'big',
      uploadId: 'U1',
      partSizeBytes: 5 * 1024 * 1024,
      layout: 'fixed',
      partChecksum: 'MD5',
      source: { size: 6 * 1024 * 1024 },
      parts: [],
      createdAt: new Date().toISOString(),
      customerKeyId: 'A',
      customerKeyMd5: md5(A),
    });
    const error = await rejection(
      storageWith(counting(), 'B').resumeUpload('U1', 'big', randomBytes(6 * 1024 * 1024), { stateStore, partChecksum: 'MD5', sizeBytes: 6 * 1024 * 1024 }),
    );
    expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
    expect(error).toMatchObject({ keyId: 'A' });
    expect(s3).not.toHaveReceivedCommand(UploadPartCommand);
  });
});

describe('reads pick the key from the object', () => {
  test('S3: key A is refused (403), key B opens it and names B: the GET carries B and no key is passed by the caller', async () => {
    const provider = counting();
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(A) }).rejects(s3Error('403', 403, 'UnknownError'));
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(B) }).resolves(sseCHead('B', B));
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.from('secret')]) as never, ContentLength: 6 });
    expect((await storageWith(provider, 'A').getBuffer('k')).toString()).toBe('secret');
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.SSECustomerKeyMD5)).toEqual([md5(A), md5(B)]);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { SSECustomerKeyMD5: md5(B), SSECustomerKey: B.toString('base64') });
    expect(provider.calls).toEqual(['A', 'B']); // once per key id
  });

  test('customerKeyId: only that key is tried, and head answers from that one HEAD', async () => {
    s3.on(HeadObjectCommand).resolves(sseCHead('B', B));
    const head = await storageWith(counting(), 'A').head('k', { customerKeyId: 'B' });
    expect(head.metadata['bk-sse-c-key-id']).toBe('B');
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.SSECustomerKeyMD5)).toEqual([md5(B)]);
  });

  test('head with a condition sends a HEAD of its own with the key found', async () => {
    s3.on(HeadObjectCommand).resolves(sseCHead('A', A));
    await storageWith(counting(), 'A').head('k', { ifMatch: '"e"' });
    const heads = s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input);
    expect(heads.map((h) => [h.SSECustomerKeyMD5, h.IfMatch])).toEqual([
      [md5(A), undefined],
      [md5(A), '"e"'],
    ]);
  });

  test('a bad read option is InvalidArgumentError before the key is looked for', async () => {
    await expect(storageWith(counting()).get('k', { range: { start: 5, end: 1 } })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(s3.calls()).toHaveLength(0);
  });

  test('a store that ignores SSE-C (moto) opens it with key A but the metadata names B: B is used', async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"', Metadata: { 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) } });
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.from('x')]) as never });
    await storageWith(counting(), 'A').getBuffer('k');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { SSECustomerKeyMD5: md5(B) });
  });

  test('an object that is not SSE-C (400 to a HEAD with a key, 200 without) is read without a key', async () => {
    s3.on(HeadObjectCommand).callsFake((input: { SSECustomerKey?: string }) => {
      if (input.SSECustomerKey !== undefined) throw s3Error('BadRequest', 400, 'UnknownError');
      return { ETag: '"e"' };
    });
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.from('plain')]) as never });
    expect((await storageWith(counting()).getBuffer('k')).toString()).toBe('plain');
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.SSECustomerKey).toBeUndefined();
    // One HEAD with the first key id, one without: no other key id is tried.
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.SSECustomerKey === undefined)).toEqual([false, true]);
  });

  test('a store that answers a wrong key with 400 (Ceph RGW): the HEAD without a key is 400 too, so the next key id is tried', async () => {
    const provider = staticKeyProvider({ A, B });
    s3.on(HeadObjectCommand).callsFake((input: { SSECustomerKey?: string }) => {
      if (input.SSECustomerKey === B.toString('base64'))
        return { ETag: '"e"', SSECustomerAlgorithm: 'AES256', Metadata: { 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) } };
      throw s3Error('InvalidArgument', 400, 'UnknownError');
    });
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.from('sealed')]) as never });
    expect((await storageWith(provider, 'A').getBuffer('k')).toString()).toBe('sealed');
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.SSECustomerKey).toBe(B.toString('base64'));
    // A (400), no key (400: it is SSE-C), B (200); the ambiguity is settled once.
    const keys = s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.SSECustomerKey);
    expect(keys).toEqual([A.toString('base64'), undefined, B.toString('base64')]);
  });

  test('every key id answered 400 on an SSE-C object: EncryptionKeyMismatchError with status 400, no GET', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('InvalidArgument', 400, 'UnknownError'));
    const error = await rejection(storageWith(staticKeyProvider({ A, B }), 'A').getBuffer('k'));
    expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
    expect(error).toMatchObject({ keyIdsTried: ['A', 'B'], httpStatus: 400 });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  test('a missing object: exists is false, get is ObjectNotFoundError', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    expect(await storageWith(counting()).exists('k')).toBe(false);
    await expect(storageWith(counting()).get('k')).rejects.toMatchObject({ name: 'ObjectNotFoundError' });
  });

  test('the provider returns another key for the id the object names: EncryptionKeyMismatchError with the id, no GET', async () => {
    const changed = randomBytes(32);
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"', Metadata: { 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': md5(A) } });
    const error = await rejection(storageWith(staticKeyProvider({ A: changed }), 'A').getBuffer('k'));
    expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
    expect(error).toMatchObject({ code: 'EncryptionKeyMismatch', keyId: 'A', retryable: false });
    expect(error.message).toMatch(/key id A .*different key/);
    const shown = [error.message, error.stack, JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
    for (const form of [...forms(A), ...forms(changed)]) expect(shown).not.toContain(form);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  test('every key id refused (403): EncryptionKeyMismatchError listing the ids tried', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('403', 403, 'UnknownError'));
    const error = await rejection(storageWith(counting(), 'A').head('k'));
    expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
    expect(error).toMatchObject({ keyIdsTried: ['A', 'B'] });
    expect(error.message).toContain('(A, B)');
  });
});

describe('copies, restoreVersion, setStorageClass and reencrypt pick the source key from the object', () => {
  test('copy: copy-source trio with the source key (B), destination under the write key (A), metadata replaced with the new id', async () => {
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(A) }).rejects(s3Error('403', 403));
    s3.on(HeadObjectCommand, { SSECustomerKeyMD5: md5(B) }).resolves(sseCHead('B', B, { owner: 'finance' }));
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    await storageWith(counting(), 'A').copy('src', 'dst');
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      CopySourceSSECustomerKeyMD5: md5(B),
      SSECustomerKeyMD5: md5(A),
      MetadataDirective: 'REPLACE',
      ContentType: 'text/csv',
      Metadata: { owner: 'finance', 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': md5(A) },
    });
  });

  test('copy from another bucket: its source is looked up there, and a plain source keeps its headers under the new key id', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'other-bucket', SSECustomerKeyMD5: md5(A) }).rejects(s3Error('BadRequest', 400));
    s3.on(HeadObjectCommand, { Bucket: 'other-bucket', SSECustomerKey: undefined }).resolves({
      ETag: '"e"',
      ContentType: 'image/png',
      Metadata: { owner: 'ops' },
    });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    await storageWith(counting(), 'A').copy('src', 'dst', { sourceBucket: 'other-bucket' });
    expect(s3.commandCalls(HeadObjectCommand).every((c) => c.args[0].input.Bucket === 'other-bucket')).toBe(true);
    const copy = s3.commandCalls(CopyObjectCommand)[0].args[0].input;
    expect(copy).toMatchObject({ CopySource: 'other-bucket/src', SSECustomerKeyMD5: md5(A), MetadataDirective: 'REPLACE', ContentType: 'image/png' });
    expect(copy.CopySourceSSECustomerKeyMD5).toBeUndefined();
    expect(copy.Metadata).toEqual({ owner: 'ops', 'bk-sse-c-key-id': 'A', 'bk-sse-c-key-md5': md5(A) });
  });

  test('restoreVersion keeps the version key and its metadata (COPY)', async () => {
    s3.on(HeadObjectCommand).resolves({ ...sseCHead('A', A), VersionId: 'v1' });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' }, VersionId: 'v2' });
    await storageWith(counting(), 'B').restoreVersion('k', 'v1');
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { CopySourceSSECustomerKeyMD5: md5(A), SSECustomerKeyMD5: md5(A), MetadataDirective: 'COPY' });
  });

  test('setStorageClass reads and re-encrypts with the key found', async () => {
    s3.on(HeadObjectCommand).resolves({ ...sseCHead('A', A), StorageClass: 'STANDARD' });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    await storageWith(counting(), 'B').setStorageClass('k', 'STANDARD_IA');
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { CopySourceSSECustomerKeyMD5: md5(A), SSECustomerKeyMD5: md5(A), StorageClass: 'STANDARD_IA' });
  });

  test('reencrypt to key id B over a prefix: one provider call per key id, A objects copied with the new id, B objects skipped', async () => {
    const provider = counting();
    s3.on(ListObjectsV2Command).resolves({ Contents: ['p/1', 'p/2', 'p/3'].map((Key) => ({ Key, Size: 6 })), IsTruncated: false });
    s3.on(HeadObjectCommand, { Key: 'p/3', SSECustomerKeyMD5: md5(A) }).rejects(s3Error('403', 403));
    s3.on(HeadObjectCommand, { Key: 'p/3', SSECustomerKeyMD5: md5(B) }).resolves(sseCHead('B', B));
    for (const Key of ['p/1', 'p/2']) s3.on(HeadObjectCommand, { Key }).resolves(sseCHead('A', A, { owner: 'x' }));
    // The HEAD after each copy, with the new key: the copy took.
    for (const Key of ['p/1', 'p/2']) s3.on(HeadObjectCommand, { Key, SSECustomerKeyMD5: md5(B) }).resolves(sseCHead('B', B, { owner: 'x' }));
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e2"' } });
    const result = await storageWith(provider, 'A').reencrypt({ prefix: 'p/' }, { to: { type: 'SSE-C', keyProvider: provider, keyId: 'B' } });
    expect([result.reencrypted, result.skipped, result.failed]).toEqual([2, 1, 0]);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(2);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      CopySourceSSECustomerKeyMD5: md5(A),
      SSECustomerKeyMD5: md5(B),
      MetadataDirective: 'REPLACE',
      ContentType: 'text/csv',
      Metadata: { owner: 'x', 'bk-sse-c-key-id': 'B', 'bk-sse-c-key-md5': md5(B) },
    });
    expect([...new Set(provider.calls)].sort()).toEqual(['A', 'B']);
    expect(provider.calls.filter((id) => id === 'A')).toHaveLength(1);
    expect(provider.calls.filter((id) => id === 'B')).toHaveLength(1);
  });
});

describe('provider failures: a typed error naming the key id, and nothing sent with the key', () => {
  test('a provider that throws: CustomerKeyProviderError with the key id and the cause', async () => {
    const cause = new Error('secrets manager unavailable');
    const error = await rejection(storageWith({ getKey: () => Promise.reject(cause) }, 'prod-2026').put('k', 'x'));
    expect(error).toBeInstanceOf(CustomerKeyProviderError);
    expect(error).toMatchObject({ code: 'CustomerKeyProvider', keyId: 'prod-2026', retryable: true, cause });
    expect(error.message).toContain('prod-2026');
    expect(s3.calls()).toHaveLength(0);
  });

  test.each([
    ['31 bytes', () => A.subarray(0, 31)],
    ['a base64 string', () => A.toString('base64') as unknown as Uint8Array],
    ['undefined', () => undefined as unknown as Uint8Array],
  ])('a provider that returns %s: CustomerKeyProviderError, not retryable, no key in the message', async (_name, value) => {
    const error = await rejection(storageWith({ getKey: value }, 'k1').put('k', 'x'));
    expect(error).toBeInstanceOf(CustomerKeyProviderError);
    expect(error).toMatchObject({ keyId: 'k1', retryable: false });
    expect(error.message).toMatch(/not a 32-byte/);
    for (const form of forms(A)) expect(`${error.message}${JSON.stringify(error)}`).not.toContain(form);
    expect(s3.calls()).toHaveLength(0);
  });

  test('a provider that never settles is cut off after requestTimeoutMs, and its own signal is aborted', async () => {
    let seen: AbortSignal | undefined;
    const hanging: CustomerKeyProvider = {
      getKey: (_id, { abortSignal }) => {
        seen = abortSignal;
        return new Promise<Uint8Array>(() => undefined);
      },
    };
    const started = Date.now();
    const error = await rejection(storageWith(hanging, 'slow', { requestTimeoutMs: 200 }).put('k', 'x'));
    expect(error).toBeInstanceOf(CustomerKeyProviderError);
    expect(error.message).toMatch(/did not answer for key id "slow" within 200 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen?.aborted).toBe(true);
    expect(s3.calls()).toHaveLength(0);
  });

  test('the operation abortSignal cancels a pending provider call with AbortedError', async () => {
    const controller = new AbortController();
    const hanging: CustomerKeyProvider = { getKey: () => new Promise<Uint8Array>(() => undefined) };
    const pending = storageWith(hanging, 'slow', { requestTimeoutMs: 0 }).get('k', { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(s3.calls()).toHaveLength(0);
  });
});

test('configs and providers print no key', () => {
  const provider = staticKeyProvider({ A, B });
  const storage = new S3Storage({ bucket: 'unit-bucket', region: 'us-east-1', encryption: { type: 'SSE-C', keyProvider: provider, keyId: 'A' } });
  const shown = [JSON.stringify(storage.config), inspect(storage.config, { depth: Infinity }), JSON.stringify(provider), inspect(provider)].join('\n');
  for (const form of [...forms(A), ...forms(B)]) expect(shown).not.toContain(form);
  expect(JSON.stringify(provider)).toBe('"staticKeyProvider([\\"A\\",\\"B\\"])"');
  expect(JSON.stringify(storage.config)).toContain('[CustomerKeyProvider]');
});

test("a storage prints as its bucket, region and endpoint only: after an SSE-C request its client's sockets hold the key", async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { etag: '"e"' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = new S3Storage({
    bucket: 'unit-bucket',
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    allowInsecureSseC: true,
    encryption: { type: 'SSE-C', key: A },
  });
  try {
    await storage.put('k', 'hello');
    // console.dir inspects with customInspect: false.
    const shown = [
      inspect(storage, { depth: Infinity }),
      inspect({ nested: [storage] }, { depth: Infinity }),
      inspect(storage, { depth: Infinity, customInspect: false }),
      JSON.stringify(storage),
    ].join('\n');
    for (const form of forms(A)) expect(shown).not.toContain(form);
    expect(inspect(storage, { depth: Infinity })).toBe(`S3Storage { bucket: 'unit-bucket', region: 'us-east-1', endpoint: '${endpoint}' }`);
  } finally {
    storage.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
