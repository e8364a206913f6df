/**
 * A caller's stream that fails while bucketkit reads it (issue 9, item 1 and its siblings): put() with a
 * contentLength, put() of a stream of unknown length, upload() of a stream. Each rejects promptly with the source's
 * failure as a CallerStreamError, stores nothing, leaves no multipart upload, and never crashes the process with an
 * unhandled 'error' event (the tests add no 'error' listener of their own on purpose).
 */
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { CallerStreamError, MultipartUploadError, S3Storage } from '../../../lib/storage';
import { createTestBucket, storageFor, TestBucket } from '../../helpers/target';

const MIB = 1024 * 1024;
let b: TestBucket;

beforeAll(async () => {
  b = await createTestBucket('srcfail');
});
afterAll(() => b.cleanup());

/** Settles `run` and measures how long it took. */
async function settle(run: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

async function openUploads(): Promise<number> {
  const out = await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name }));
  return (out.Uploads ?? []).length;
}

describe('put() with contentLength: the stream fails part-way', () => {
  test('errors after 1 MiB of 4 MiB: rejects at once with the stream error, nothing stored', async () => {
    const stream = new PassThrough();
    const put = b.storage.put('fail/errored', stream, { contentLength: 4 * MIB });
    stream.write(randomBytes(MIB));
    const boom = new Error('disk went away');
    setTimeout(() => stream.destroy(boom), 50);
    const { error, ms } = await settle(put);
    expect(error).toBeInstanceOf(CallerStreamError);
    expect(error).toMatchObject({ code: 'CallerStream', field: 'body', key: 'fail/errored', bucket: b.name, retryable: false, cause: boom });
    expect((error as Error).message).toMatch(/disk went away/);
    expect(ms).toBeLessThan(2000);
    expect(await b.storage.exists('fail/errored')).toBe(false);
  });

  test('destroyed without an error: rejects with CallerStreamError', async () => {
    const stream = new PassThrough();
    const put = b.storage.put('fail/destroyed', stream, { contentLength: 2 * MIB });
    stream.write(randomBytes(MIB));
    setTimeout(() => stream.destroy(), 50);
    const { error, ms } = await settle(put);
    expect(error).toBeInstanceOf(CallerStreamError);
    expect((error as Error).message).toMatch(/destroyed before it ended/);
    expect(ms).toBeLessThan(2000);
    expect(await b.storage.exists('fail/destroyed')).toBe(false);
  });

  test('errors before the request starts (while put is still planning): rejects, no crash', async () => {
    const stream = new PassThrough();
    const put = b.storage.put('fail/early', stream, { contentLength: 10 });
    stream.destroy(new Error('failed at once'));
    const { error } = await settle(put);
    expect(error).toBeInstanceOf(CallerStreamError);
    expect((error as Error).message).toMatch(/failed at once/);
  });

  test('ends short of contentLength: rejects with CallerStreamError on contentLength instead of waiting for the missing bytes', async () => {
    const { error, ms } = await settle(b.storage.put('fail/short', Readable.from([randomBytes(1000)]), { contentLength: 5000 }));
    expect(error).toBeInstanceOf(CallerStreamError);
    expect(error).toMatchObject({ field: 'contentLength' });
    expect((error as Error).message).toMatch(/ended after 1000 bytes; contentLength declares 5000 bytes/);
    expect(ms).toBeLessThan(2000);
    expect(await b.storage.exists('fail/short')).toBe(false);
  });

  test('runs past contentLength: rejects with CallerStreamError on contentLength, nothing stored', async () => {
    const { error } = await settle(b.storage.put('fail/long', Readable.from([randomBytes(1000), randomBytes(1000)]), { contentLength: 1500 }));
    expect(error).toBeInstanceOf(CallerStreamError);
    expect(error).toMatchObject({ field: 'contentLength' });
    expect((error as Error).message).toMatch(/ran past the declared length/);
    expect(await b.storage.exists('fail/long')).toBe(false);
  });

  test('a healthy stream of exactly contentLength bytes is stored byte for byte', async () => {
    const data = randomBytes(3 * MIB + 7);
    const put = await b.storage.put('ok/exact', Readable.from([data.subarray(0, MIB), data.subarray(MIB)]), { contentLength: data.length });
    expect(put.size).toBe(data.length);
    expect((await b.storage.getBuffer('ok/exact')).equals(data)).toBe(true);
  });
});

describe('siblings: other places a caller stream is consumed', () => {
  test('put() of unknown length past the buffer (multipart): rejects with the stream error, upload aborted', async () => {
    const stream = new PassThrough();
    const put = b.storage.put('fail/unknown-length', stream);
    stream.write(randomBytes(9 * MIB));
    setTimeout(() => stream.destroy(new Error('producer crashed')), 200);
    const { error, ms } = await settle(put);
    expect(error).toBeInstanceOf(MultipartUploadError);
    expect((error as Error).message).toMatch(/producer crashed/);
    expect(ms).toBeLessThan(5000);
    expect(await openUploads()).toBe(0);
    expect(await b.storage.exists('fail/unknown-length')).toBe(false);
  });

  test('upload() of a stream that errors before the engine reads it (the profile is being probed): rejects, no crash', async () => {
    // compatibility: 'auto' probes the endpoint first (seconds), a window in which nothing else listens to the stream.
    S3Storage.capabilityCache.clear();
    const storage = storageFor(b.name, { compatibility: 'auto' });
    const stream = new PassThrough();
    const upload = storage.upload('fail/upload-early', stream);
    stream.destroy(new Error('gone before the first read'));
    const { error } = await settle(upload);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message) + String((error as { cause?: Error }).cause?.message)).toMatch(/gone before the first read/);
    expect(await openUploads()).toBe(0);
    storage.destroy();
  });

  test('upload() of a stream that errors after the first part: rejects with the stream error, upload aborted', async () => {
    const stream = new PassThrough();
    const upload = b.storage.upload('fail/upload-mid', stream, { partSizeBytes: 5 * MIB, multipartThresholdBytes: 5 * MIB });
    stream.write(randomBytes(7 * MIB));
    setTimeout(() => stream.destroy(new Error('upstream reset')), 200);
    const { error, ms } = await settle(upload);
    expect(error).toBeInstanceOf(MultipartUploadError);
    expect((error as Error).message).toMatch(/upstream reset/);
    expect(ms).toBeLessThan(5000);
    expect(await openUploads()).toBe(0);
  });

  describe('download() into a Writable that fails', () => {
    const data = randomBytes(12 * MIB);
    beforeAll(async () => {
      await b.storage.put('dl/source', data);
    });

    test('the destination errors on a write: rejects at once with CallerStreamError (field destination), no crash', async () => {
      let writes = 0;
      const boom = new Error('disk full');
      const out = new Writable({
        highWaterMark: 1024,
        write(_chunk, _encoding, callback) {
          writes++;
          setTimeout(() => callback(writes === 2 ? boom : undefined), 5);
        },
      });
      const { error, ms } = await settle(b.storage.download('dl/source', out, { rangeSizeBytes: 5 * MIB, concurrency: 2 }));
      expect(error).toBeInstanceOf(CallerStreamError);
      expect(error).toMatchObject({ field: 'destination', key: 'dl/source', cause: boom });
      expect(ms).toBeLessThan(5000);
    });

    test('the destination is destroyed by its owner mid-download: rejects instead of waiting for a drain that never comes', async () => {
      const out = new Writable({
        highWaterMark: 1024,
        write(_chunk, _encoding, callback) {
          setTimeout(callback, 20);
        },
      });
      setTimeout(() => out.destroy(), 30);
      const { error, ms } = await settle(b.storage.download('dl/source', out, { rangeSizeBytes: 5 * MIB, concurrency: 2 }));
      expect(error).toBeInstanceOf(CallerStreamError);
      expect((error as Error).message).toMatch(/destroyed before the download ended/);
      expect(ms).toBeLessThan(5000);
    });

    test('the destination errors before the download starts writing (during the HEAD): rejects, no crash', async () => {
      const out = new PassThrough();
      const download = b.storage.download('dl/source', out);
      out.destroy(new Error('closed early'));
      const { error } = await settle(download);
      expect(error).toBeInstanceOf(CallerStreamError);
      expect((error as Error).message).toMatch(/closed early/);
    });
  });
});
