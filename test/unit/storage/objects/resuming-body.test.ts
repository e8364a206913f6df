/**
 * The resumed GET of a get() body that broke (objects/resuming-body.ts), on the mocked SDK: what it asks for is the
 * rest of the same object with the same SSE-C key, version and requester-pays setting, by byte range instead of part
 * number, without checksum mode. Target-independent: over plain http the servers refuse SSE-C, moto ignores it.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { IntegrityError, S3Storage } from '../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_REQUIRED', requestPayer: true });
const object = randomBytes(300_000);
const ETAG = '"0123456789abcdef0123456789abcdef"';

/** A body that hands over `bytes`, then fails as Node does when the connection is reset mid-body. */
function breaksAfter(bytes: Buffer): Readable {
  const stream = new Readable({ read() {} });
  stream.push(bytes);
  setTimeout(() => stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 5);
  return stream;
}

beforeEach(() => s3.reset());

test('the rest is asked for by range from the next byte, with If-Match, the same SSE-C key, version and requester-pays', async () => {
  const key = randomBytes(32);
  const keyMd5 = createHash('md5').update(key).digest('base64');
  const cut = 123_457;
  s3.on(GetObjectCommand)
    .resolvesOnce({
      Body: breaksAfter(object.subarray(0, cut)) as never,
      ContentLength: object.length,
      ContentRange: `bytes 0-${object.length - 1}/${object.length}`,
      ETag: ETAG,
      PartsCount: 2,
    })
    .resolvesOnce({
      Body: Readable.from([object.subarray(cut)]) as never,
      ContentLength: object.length - cut,
      ContentRange: `bytes ${cut}-${object.length - 1}/${object.length}`,
      ETag: ETAG,
    });
  const bytes = await storage.getBuffer('k', { customerKey: key, versionId: 'v1', partNumber: 1, checksumMode: true });
  expect(bytes.equals(object)).toBe(true);
  const calls = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
  expect(calls).toHaveLength(2);
  expect(calls[0]).toMatchObject({ PartNumber: 1, ChecksumMode: 'ENABLED' });
  expect(calls[1]).toEqual({
    Bucket: 'unit-bucket',
    Key: 'k',
    VersionId: 'v1',
    Range: `bytes=${cut}-${object.length - 1}`,
    IfMatch: ETAG,
    RequestPayer: 'requester',
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: Buffer.from(key).toString('base64'),
    SSECustomerKeyMD5: keyMd5,
  });
});

test('a resumed answer that is not exactly the rest is refused: no repeated or skipped byte reaches the caller', async () => {
  const cut = 100_000;
  s3.on(GetObjectCommand)
    .resolvesOnce({ Body: breaksAfter(object.subarray(0, cut)) as never, ContentLength: object.length, ETag: ETAG })
    // A store that ignored the Range: the whole object again.
    .resolvesOnce({ Body: Readable.from([object]) as never, ContentLength: object.length, ETag: ETAG });
  const error = await storage.getBuffer('k').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrityError);
  expect((error as Error).message).toMatch(/not bytes 100000-299999/);
});

describe('getBuffer reads the SDK body directly until it breaks', () => {
  test('an answer longer than its Content-Length: IntegrityError, not resumed, no repeated byte', async () => {
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([object, object.subarray(0, 10)]) as never, ContentLength: object.length, ETag: ETAG });
    const error = await storage.getBuffer('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/ran past its 300000 bytes/);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  test('an answer that ends short of its Content-Length is resumed from the next byte: every byte once', async () => {
    const cut = 200_000;
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: Readable.from([object.subarray(0, cut)]) as never, ContentLength: object.length, ETag: ETAG })
      .resolvesOnce({
        Body: Readable.from([object.subarray(cut)]) as never,
        ContentLength: object.length - cut,
        ContentRange: `bytes ${cut}-${object.length - 1}/${object.length}`,
        ETag: ETAG,
      });
    expect((await storage.getBuffer('k')).equals(object)).toBe(true);
    expect(s3.commandCalls(GetObjectCommand)[1].args[0].input).toMatchObject({ Range: `bytes=${cut}-${object.length - 1}`, IfMatch: ETAG });
  });
});
