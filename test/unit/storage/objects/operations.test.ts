import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidArgumentError, S3Storage, ThrottledError } from '../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client });
const payer = new S3Storage({ bucket: 'unit-bucket', client, requestPayer: true });
const KEY_32 = Buffer.alloc(32, 7);

beforeEach(() => s3.reset());

describe('bad input throws InvalidArgumentError and sends nothing', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['empty key', () => storage.put('', 'x'), 'key'],
    ['key over 1,024 bytes', () => storage.put('é'.repeat(513), 'x'), 'key'],
    ['lone surrogate in key', () => storage.get('a\ud800b'), 'key'],
    ['metadata over 2 KB', () => storage.put('k', 'x', { metadata: { big: 'v'.repeat(2100) } }), 'metadata'],
    ['non-ASCII metadata value', () => storage.put('k', 'x', { metadata: { name: 'zoë' } }), 'metadata'],
    ['metadata name with a space', () => storage.put('k', 'x', { metadata: { 'a b': 'v' } }), 'metadata'],
    ['11 tags', () => storage.put('k', 'x', { tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v'])) }), 'tags'],
    ['tag with *', () => storage.put('k', 'x', { tags: { 'a*': 'v' } }), 'tags'],
    ['aws: tag', () => storage.put('k', 'x', { tags: { 'aws:x': 'v' } }), 'tags'],
    ['ifNoneMatch other than *', () => storage.put('k', 'x', { ifNoneMatch: '"etag"' as '*' }), 'ifNoneMatch'],
    ['lock mode without date', () => storage.put('k', 'x', { objectLockMode: 'GOVERNANCE' }), 'objectLockMode'],
    ['retain-until in the past', () => storage.put('k', 'x', { objectLockMode: 'COMPLIANCE', objectLockRetainUntil: new Date(0) }), 'objectLockRetainUntil'],
    ['unknown storage class', () => storage.put('k', 'x', { storageClass: 'COLD' as 'GLACIER' }), 'storageClass'],
    ['unknown ACL', () => storage.put('k', 'x', { acl: 'everyone' as 'private' }), 'acl'],
    ['negative contentLength', () => storage.put('k', Readable.from(['x']), { contentLength: -1 }), 'contentLength'],
    ['contentLength over 5 GiB', () => storage.put('k', Readable.from(['x']), { contentLength: 5 * 1024 ** 3 + 1 }), 'contentLength'],
    ['SSE-C key of 16 bytes', () => storage.put('k', 'x', { encryption: { type: 'SSE-C', customerKey: Buffer.alloc(16) } }), 'encryption.customerKey'],
    ['missing file', () => storage.put('k', { filePath: '/nonexistent/file' }), 'body.filePath'],
    ['a number as body', () => storage.put('k', 42 as never), 'body'],
    ['range end < start', () => storage.get('k', { range: { start: 5, end: 2 } }), 'range'],
    ['negative range start', () => storage.get('k', { range: { start: -1 } }), 'range.start'],
    ['zero suffix', () => storage.get('k', { range: { suffixLength: 0 } }), 'range.suffixLength'],
    ['fractional range', () => storage.get('k', { range: { start: 1.5 } }), 'range.start'],
    ['partNumber 0', () => storage.head('k', { partNumber: 0 }), 'partNumber'],
    ['partNumber with range', () => storage.get('k', { partNumber: 1, range: { start: 0 } }), 'partNumber'],
    ['invalid date condition', () => storage.get('k', { ifModifiedSince: new Date('nope') }), 'ifModifiedSince'],
    ['empty versionId', () => storage.delete('k', { versionId: '' }), 'versionId'],
    ['MFA code not 6 digits', () => storage.delete('k', { mfa: { serial: 'arn:aws:iam::1:mfa/root', code: '12' } }), 'mfa.code'],
    ['deleteMany with one bad key among good ones', () => storage.deleteMany(['good', '', 'also-good']), 'targets[1].key'],
    ['pageSize 1001', () => storage.list({ pageSize: 1001 }).next(), 'pageSize'],
    ['copy to an empty key', () => storage.copy('src', ''), 'destinationKey'],
    ['copy with a bad directive', () => storage.copy('src', 'dst', { metadataDirective: 'MERGE' as 'COPY' }), 'metadataDirective'],
  ];
  test.each(cases)('%s', async (_name, call, field) => {
    s3.onAnyCommand().resolves({});
    const error = (await call().catch((e: unknown) => e)) as InvalidArgumentError;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe(field);
    expect(s3.calls()).toHaveLength(0);
  });

  test('an SSE-C key never appears in an error message', async () => {
    const key = Buffer.from('k'.repeat(31));
    const error = await storage.put('k', 'x', { encryption: { type: 'SSE-C', customerKey: key } }).catch((e) => e);
    expect(error.message).not.toContain(key.toString('base64'));
    expect(error.message).not.toContain(key.toString());
    expect(error.message).toContain('31 bytes');
  });
});

describe('requestPayer applies to every request', () => {
  test.each([
    ['put', PutObjectCommand, () => payer.put('k', 'x')],
    ['get', GetObjectCommand, () => payer.get('k')],
    ['head', HeadObjectCommand, () => payer.head('k')],
    ['delete', DeleteObjectCommand, () => payer.delete('k')],
    ['deleteMany', DeleteObjectsCommand, () => payer.deleteMany(['k'])],
    ['list', ListObjectsV2Command, () => payer.list().next()],
    ['copy', CopyObjectCommand, () => payer.copy('a', 'b')],
  ] as const)('%s', async (_name, command, call) => {
    s3.onAnyCommand().resolves({});
    await call();
    expect(s3).toHaveReceivedCommandWith(command as never, { RequestPayer: 'requester' } as never);
  });

  test('and is absent when not configured', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    await storage.put('k', 'x');
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.RequestPayer).toBeUndefined();
  });
});

describe('request shapes', () => {
  test('put maps every metadata option onto PutObject', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"abc"', VersionId: 'v1', ChecksumCRC32C: 'AAAAAA==' });
    const retainUntil = new Date(Date.now() + 86_400_000);
    const result = await storage.put('dir/k', 'hello', {
      contentType: 'text/plain',
      cacheControl: 'no-cache',
      contentDisposition: 'inline',
      contentEncoding: 'gzip',
      contentLanguage: 'fr',
      expires: new Date('2030-01-01T00:00:00Z'),
      metadata: { a: 'b' },
      tags: { 'team name': 'a=b c' },
      acl: 'bucket-owner-full-control',
      storageClass: 'INTELLIGENT_TIERING',
      checksumAlgorithm: 'CRC32C',
      objectLockMode: 'COMPLIANCE',
      objectLockRetainUntil: retainUntil,
      objectLockLegalHold: true,
      ifNoneMatch: '*',
      encryption: { type: 'SSE-KMS', kmsKeyId: 'alias/k', context: { a: 'b' }, bucketKeyEnabled: true },
    });
    expect(result).toEqual({ etag: '"abc"', versionId: 'v1', size: 5, checksums: { CRC32C: 'AAAAAA==' }, serverSideEncryption: undefined });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'unit-bucket',
      Key: 'dir/k',
      ContentLength: 5,
      ContentType: 'text/plain',
      CacheControl: 'no-cache',
      ContentDisposition: 'inline',
      ContentEncoding: 'gzip',
      ContentLanguage: 'fr',
      Metadata: { a: 'b' },
      Tagging: 'team%20name=a%3Db%20c',
      ACL: 'bucket-owner-full-control',
      StorageClass: 'INTELLIGENT_TIERING',
      ChecksumAlgorithm: 'CRC32C',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: retainUntil,
      ObjectLockLegalHoldStatus: 'ON',
      IfNoneMatch: '*',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/k',
      SSEKMSEncryptionContext: Buffer.from('{"a":"b"}').toString('base64'),
      BucketKeyEnabled: true,
    });
  });

  test('SSE-C sends the base64 key and its MD5 on get', async () => {
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([]) as never, ContentLength: 0 });
    await storage.get('k', { customerKey: KEY_32 });
    const input = s3.commandCalls(GetObjectCommand)[0].args[0].input;
    expect(input.SSECustomerAlgorithm).toBe('AES256');
    expect(input.SSECustomerKey).toBe(KEY_32.toString('base64'));
    expect(input.SSECustomerKeyMD5).toBe(createHash('md5').update(KEY_32).digest('base64'));
  });

  test.each([
    [{ start: 0, end: 9 }, 'bytes=0-9'],
    [{ start: 100 }, 'bytes=100-'],
    [{ suffixLength: 500 }, 'bytes=-500'],
  ])('range %j -> %s', async (range, header) => {
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([]) as never, ContentRange: 'bytes 0-9/1000', ContentLength: 10 });
    const got = await storage.get('k', { range });
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.Range).toBe(header);
    expect(got.size).toBe(1000);
  });

  test('delete sends MFA as "serial code" and the governance bypass', async () => {
    s3.on(DeleteObjectCommand).resolves({ DeleteMarker: true, VersionId: 'dm' });
    expect(
      await storage.delete('k', { versionId: 'v1', mfa: { serial: 'arn:aws:iam::123456789012:mfa/root', code: '123456' }, bypassGovernanceRetention: true }),
    ).toEqual({
      deleteMarker: true,
      versionId: 'dm',
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, {
      VersionId: 'v1',
      MFA: 'arn:aws:iam::123456789012:mfa/root 123456',
      BypassGovernanceRetention: true,
    });
  });

  test('copy URL-encodes the source and picks directives from the options', async () => {
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"e"' } });
    await storage.copy('a dir/ü+?.txt', 'dst', { sourceBucket: 'other-bucket', sourceVersionId: 'v/1' });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      CopySource: 'other-bucket/a%20dir/%C3%BC%2B%3F.txt?versionId=v%2F1',
      MetadataDirective: 'COPY',
      TaggingDirective: 'COPY',
    });
    await storage.copy('a', 'b', { contentType: 'text/plain' });
    expect(s3.commandCalls(CopyObjectCommand)[1].args[0].input.MetadataDirective).toBe('REPLACE');
  });

  test.each([
    ['No_Such', 'only lowercase letters'],
    ['ab', '3 to 63'],
    ['', 'non-empty'],
    ['my..bucket', 'periods'],
  ])('a sourceBucket S3 would refuse (%j) is InvalidArgumentError naming sourceBucket, before any request', async (sourceBucket, words) => {
    const error = await storage.copy('a', 'b', { sourceBucket }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'sourceBucket' });
    expect((error as Error).message.toLowerCase()).toContain(words.toLowerCase());
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('deleteMany', () => {
  test('splits 2,500 keys into batches of 1,000, 1,000 and 500', async () => {
    s3.on(DeleteObjectsCommand).callsFake((input) => ({ Deleted: input.Delete.Objects.map((o: { Key: string }) => ({ Key: o.Key })) }));
    const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);
    const result = await storage.deleteMany(keys);
    const sizes = s3
      .commandCalls(DeleteObjectsCommand)
      .map((c) => c.args[0].input.Delete!.Objects!.length)
      .sort((a, b) => b - a);
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(result.deleted).toHaveLength(2500);
    expect(result.errors).toHaveLength(0);
  });

  test('a failed batch reports each of its keys; the other batches still count', async () => {
    let call = 0;
    s3.on(DeleteObjectsCommand).callsFake((input) => {
      if (call++ === 1) throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
      return { Deleted: input.Delete.Objects.map((o: { Key: string }) => ({ Key: o.Key })) };
    });
    const storage1 = new S3Storage({ bucket: 'unit-bucket', client, concurrency: 1 });
    const keys = Array.from({ length: 2001 }, (_, i) => `k${i}`);
    const result = await storage1.deleteMany(keys);
    expect(result.deleted).toHaveLength(1001);
    expect(result.errors).toHaveLength(1000);
    expect(result.errors[0]).toMatchObject({ key: 'k1000', code: 'SlowDown' });
    expect(result.errors[0].error).toBeInstanceOf(ThrottledError);
  });
});

describe('list', () => {
  test('follows continuation tokens and decodes URL-encoded keys', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      EncodingType: 'url',
      IsTruncated: true,
      NextContinuationToken: 't1',
      Contents: [{ Key: 'a+b%2Bc', Size: 1 }],
      CommonPrefixes: [{ Prefix: 'dir%2F' }],
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't1' }).resolves({ EncodingType: 'url', IsTruncated: false, Contents: [{ Key: '%C3%BC', Size: 2 }] });
    const pages = [];
    for await (const page of storage.list({ startAfter: 'a' })) pages.push(page);
    expect(pages.map((p) => p.objects.map((o) => o.key))).toEqual([['a b+c'], ['ü']]);
    expect(pages[0].commonPrefixes).toEqual(['dir/']);
    expect(s3.commandCalls(ListObjectsV2Command)[1].args[0].input).toMatchObject({ ContinuationToken: 't1', StartAfter: undefined, EncodingType: 'url' });
  });

  test('a truncated page without a token is an error, not an endless loop', async () => {
    s3.on(ListObjectsV2Command).resolves({ IsTruncated: true, Contents: [] });
    const it = storage.list();
    await it.next();
    await expect(it.next()).rejects.toThrow(/no continuation token/);
  });
});

describe('a HEAD that fails without a body: the diagnosing GET of the first byte', () => {
  const serviceError = (status: number, name: string) =>
    Object.assign(new Error(name), { name, Code: name, $fault: 'client', $metadata: { httpStatusCode: status } });
  /** What the SDK throws for a HEAD: no body, so no code; the name is the status. */
  const headError = (status: number) =>
    Object.assign(new Error('UnknownError'), { name: String(status), $fault: 'client', $metadata: { httpStatusCode: status } });

  test("a 416 answer (a zero-byte object has no first byte) does not replace the HEAD's 403", async () => {
    s3.on(HeadObjectCommand).rejects(headError(403));
    s3.on(GetObjectCommand).rejects(serviceError(416, 'InvalidRange'));
    const error = await storage.head('empty').catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 403 });
    expect((error as { s3Code?: string }).s3Code).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Key: 'empty', Range: 'bytes=0-0' });
  });

  test("a 403 that names its code replaces the HEAD's", async () => {
    s3.on(HeadObjectCommand).rejects(headError(403));
    s3.on(GetObjectCommand).rejects(serviceError(403, 'SignatureDoesNotMatch'));
    const error = await storage.head('k').catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 403, s3Code: 'SignatureDoesNotMatch' });
  });
});
