// Issue 9 item 4: a transfer never reports an abort that did not happen. A Complete (or PutObject) whose outcome is
// unknown - cancelled mid-request, or retried after a lost answer - is settled by looking at the object.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { MIB } from '../../../../../lib/rules/limits';
import { AbortedError, MultipartUploadError, S3Storage, multipartEtag } from '../../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_REQUIRED' });
const PART = 5 * MIB;
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
const DATA = Buffer.alloc(2 * PART, 7);
const EXPECTED_ETAG = multipartEtag([md5(DATA.subarray(0, PART)), md5(DATA.subarray(PART))]);

const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
const noSuchUpload = () => new NoSuchUpload({ message: 'The specified upload does not exist', $metadata: { httpStatusCode: 404 } });
const notFound = () => new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
const serverError = () =>
  new S3ServiceException({ name: 'InternalError', $fault: 'server', message: 'We encountered an internal error', $metadata: { httpStatusCode: 500 } });

/** A store that takes the parts; Complete is given by each test. */
function storeParts(): void {
  s3.reset();
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
  s3.on(UploadPartCommand).callsFake((input: { Body: Buffer }) => ({ ETag: `"${md5(input.Body)}"` }));
}

/** Complete commits on the store, but its answer is lost to the cancel: it rejects when `controller` aborts. */
function completeLostToCancel(controller: AbortController): void {
  s3.on(CompleteMultipartUploadCommand).callsFake(
    () =>
      new Promise((_resolve, reject) => {
        controller.signal.addEventListener('abort', () => reject(abortError()), { once: true });
        setTimeout(() => controller.abort(), 5);
      }),
  );
}

const options = { multipartThresholdBytes: PART, targetPartSizeBytes: PART, retryBaseDelayMs: 0 };

describe('multipart upload: cancelled while Complete is in flight', () => {
  test('the object was committed (Abort finds NoSuchUpload, HEAD shows its multipart ETag): the upload resolves', async () => {
    storeParts();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).rejects(noSuchUpload());
    s3.on(HeadObjectCommand).resolves({ ETag: `"${EXPECTED_ETAG}"`, VersionId: 'v-9' });
    const result = await storage.upload('k', DATA, { ...options, abortSignal: controller.signal });
    expect(result).toMatchObject({ etag: `"${EXPECTED_ETAG}"`, versionId: 'v-9', uploadId: 'u-1', size: DATA.length, verifiedBy: 'multipart-etag' });
  });

  test('nothing was stored (HEAD 404): AbortedError that does not claim an abort it did not do', async () => {
    storeParts();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).rejects(noSuchUpload());
    s3.on(HeadObjectCommand).rejects(notFound());
    const error = await storage.upload('k', DATA, { ...options, abortSignal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).not.toMatch(/was aborted/);
    expect((error as Error).message).toMatch(/no longer exists.*nothing was stored/);
  });

  test('another object is there and its ETag is not MD5-based (SSE-KMS): the error says it may be stored', async () => {
    storeParts();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).rejects(noSuchUpload());
    s3.on(HeadObjectCommand).resolves({ ETag: '"0123-2"', ServerSideEncryption: 'aws:kms' });
    const error = await storage.upload('k', DATA, { ...options, abortSignal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toMatch(/may be stored/);
  });

  test('Abort succeeds and the object is not there: then, and only then, the error says "was aborted"', async () => {
    storeParts();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(HeadObjectCommand).rejects(notFound());
    const error = await storage.upload('k', DATA, { ...options, abortSignal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toMatch(/upload u-1 was aborted, and k does not hold its bytes: nothing was stored/);
  });

  test('Abort succeeds but the object is there (MinIO: an abort accepted while Complete commits): resolves', async () => {
    storeParts();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ETag: `"${EXPECTED_ETAG}"` });
    await expect(storage.upload('k', DATA, { ...options, abortSignal: controller.signal })).resolves.toMatchObject({ etag: `"${EXPECTED_ETAG}"` });
  });
});

test('Complete retried after a lost answer finds NoSuchUpload: the object is there, so the upload resolves', async () => {
  storeParts();
  s3.on(CompleteMultipartUploadCommand).rejectsOnce(serverError()).rejects(noSuchUpload());
  s3.on(AbortMultipartUploadCommand).rejects(noSuchUpload());
  s3.on(HeadObjectCommand).resolves({ ETag: `"${EXPECTED_ETAG}"` });
  const result = await storage.upload('k', DATA, options);
  expect(result.etag).toBe(`"${EXPECTED_ETAG}"`);
  expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(2);
});

test('a part failure whose Abort fails says so, not "was aborted"', async () => {
  storeParts();
  s3.on(UploadPartCommand).rejects(
    new S3ServiceException({ name: 'EntityTooSmall', $fault: 'client', message: 'too small', $metadata: { httpStatusCode: 400 } }),
  );
  s3.on(AbortMultipartUploadCommand).rejects(serverError());
  const error = await storage.upload('k', DATA, { ...options, maxPartAttempts: 1 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MultipartUploadError);
  expect((error as Error).message).toMatch(/could not be aborted .* abortIncompleteUploads\(\)/);
  expect((error as Error).message).not.toMatch(/was aborted/);
});

test('an Abort that fails transiently is retried (the client has maxAttempts 1): "was aborted", no orphan', async () => {
  storeParts();
  s3.on(UploadPartCommand).rejects(
    new S3ServiceException({ name: 'EntityTooSmall', $fault: 'client', message: 'too small', $metadata: { httpStatusCode: 400 } }),
  );
  s3.on(AbortMultipartUploadCommand)
    .rejectsOnce(serverError())
    .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    .resolves({});
  s3.on(ListPartsCommand).rejectsOnce(serverError()).rejects(noSuchUpload());
  const error = await storage.upload('k', DATA, { ...options, maxPartAttempts: 1 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MultipartUploadError);
  expect((error as Error).message).toMatch(/upload u-1 was aborted/);
  expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(3);
  expect(s3.commandCalls(ListPartsCommand)).toHaveLength(2);
});

describe('single PutObject cancelled after it was sent', () => {
  const small = Buffer.from('hello world');
  function putLostToCancel(controller: AbortController): void {
    s3.reset();
    s3.on(PutObjectCommand).callsFake(
      () =>
        new Promise((_resolve, reject) => {
          controller.signal.addEventListener('abort', () => reject(abortError()), { once: true });
          setTimeout(() => controller.abort(), 5);
        }),
    );
  }

  test('stored (HEAD shows its MD5): resolves', async () => {
    const controller = new AbortController();
    putLostToCancel(controller);
    s3.on(HeadObjectCommand).resolves({ ETag: `"${md5(small)}"`, VersionId: 'v-1' });
    const result = await storage.upload('k', small, { abortSignal: controller.signal });
    expect(result).toMatchObject({ etag: `"${md5(small)}"`, versionId: 'v-1', size: small.length, verifiedBy: 'md5-etag' });
  });

  test('not stored: AbortedError "nothing was stored"', async () => {
    const controller = new AbortController();
    putLostToCancel(controller);
    s3.on(HeadObjectCommand).rejects(notFound());
    await expect(storage.upload('k', small, { abortSignal: controller.signal })).rejects.toThrow(/cancelled; k does not hold its bytes: nothing was stored/);
    // Said only after the object stayed absent through the settle window: four HEADs.
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(4);
  });

  test('committed a moment after the cancel (Ceph RGW): the settle window sees it, and the upload resolves', async () => {
    const controller = new AbortController();
    putLostToCancel(controller);
    s3.on(HeadObjectCommand)
      .rejectsOnce(notFound())
      .rejectsOnce(notFound())
      .resolves({ ETag: `"${md5(small)}"`, VersionId: 'v-late' });
    const result = await storage.upload('k', small, { abortSignal: controller.signal });
    expect(result).toMatchObject({ versionId: 'v-late', verifiedBy: 'md5-etag' });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
  });

  test('cancelled before it started: AbortedError, no HEAD', async () => {
    s3.reset();
    const controller = new AbortController();
    controller.abort();
    s3.on(PutObjectCommand).rejects(abortError());
    await expect(storage.upload('k', small, { abortSignal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('multipart copy', () => {
  const partEtags = ['"' + 'a'.repeat(32) + '"', '"' + 'b'.repeat(32) + '"'];
  const copyEtag = multipartEtag(partEtags.map((e) => e.slice(1, -1)));
  function copyStore(): void {
    s3.reset();
    s3.on(HeadObjectCommand, { Key: 'src' }).resolves({ ContentLength: 2 * PART, ETag: '"src"' });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'c-1' });
    s3.on(UploadPartCopyCommand)
      .resolvesOnce({ CopyPartResult: { ETag: partEtags[0] } })
      .resolves({ CopyPartResult: { ETag: partEtags[1] } });
  }

  test('cancelled while Complete is in flight, and the copy was committed: resolves', async () => {
    copyStore();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).rejects(noSuchUpload());
    s3.on(HeadObjectCommand, { Key: 'dst' }).resolves({ ETag: `"${copyEtag}"`, VersionId: 'v-2' });
    const result = await storage.copy('src', 'dst', { multipart: true, copyPartSizeBytes: PART, taggingDirective: 'REPLACE', abortSignal: controller.signal });
    expect(result).toMatchObject({ etag: `"${copyEtag}"`, versionId: 'v-2' });
  });

  test('cancelled while Complete is in flight, and the Abort succeeded: "was aborted" is true', async () => {
    copyStore();
    const controller = new AbortController();
    completeLostToCancel(controller);
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(HeadObjectCommand, { Key: 'dst' }).rejects(notFound());
    await expect(
      storage.copy('src', 'dst', { multipart: true, copyPartSizeBytes: PART, taggingDirective: 'REPLACE', abortSignal: controller.signal }),
    ).rejects.toThrow(/upload c-1 was aborted/);
  });
});
