/**
 * deleteMany: when a whole DeleteObjects batch fails, each of its keys gets an error of its own that names it (issue 9,
 * item 8 sibling). It used to be one shared error object, with no `key`, for all 1,000 keys of the batch.
 */
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessDeniedError, S3Storage, ThrottledError } from '../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);

beforeEach(() => s3.reset());

test('each key of a failed batch has its own error, of the mapped class, naming the key, with the batch error as cause', async () => {
  s3.on(DeleteObjectsCommand).rejects(
    Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503, requestId: 'REQ1' } }),
  );
  const storage = new S3Storage({ bucket: 'unit-bucket', client, maxAttempts: 1 });
  const result = await storage.deleteMany(['a', { key: 'b', versionId: 'v2' }, 'c']);
  expect(result.deleted).toEqual([]);
  expect(result.errors.map((e) => e.key)).toEqual(['a', 'b', 'c']);
  const errors = result.errors.map((e) => e.error);
  expect(new Set(errors).size).toBe(3);
  errors.forEach((error, i) => {
    const key = ['a', 'b', 'c'][i];
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ key, bucket: 'unit-bucket', code: 'Throttled', s3Code: 'SlowDown', httpStatus: 503, requestId: 'REQ1', retryable: true });
    expect(error.message).toContain(`key "${key}"`);
    expect(error.message).toMatch(/Please reduce your request rate/);
    expect(result.errors[i].message).toBe(error.message);
    expect(result.errors[i].code).toBe('SlowDown');
    expect(error.cause).toBeInstanceOf(ThrottledError);
    expect(error.cause).toBe(errors[0].cause);
    expect(error.stack?.split('\n')[0]).toBe(`ThrottledError: ${error.message}`);
  });
  expect(errors[1].message).toContain('key "b" version v2');
  expect(result.errors[1].versionId).toBe('v2');
});

test('a batch refused for MFA delete: every key named, the hint kept', async () => {
  s3.on(DeleteObjectsCommand).rejects(
    Object.assign(new Error('Mfa Authentication must be used for this request'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
  );
  const storage = new S3Storage({ bucket: 'unit-bucket', client, maxAttempts: 1 });
  const result = await storage.deleteMany(['x', 'y']);
  expect(result.errors.map((e) => [e.key, (e.error as AccessDeniedError).key, e.error instanceof AccessDeniedError])).toEqual([
    ['x', 'x', true],
    ['y', 'y', true],
  ]);
  expect(result.errors[1].error.message).toMatch(/key "y".*MFA delete/);
});
