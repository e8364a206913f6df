import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidArgumentError, S3Storage, UnsupportedFeatureError } from '../../../../lib/storage';

// Storage classes are checked before any request (issue 10 item 1): EXPRESS_ONEZONE is refused on a general purpose
// bucket with InvalidArgumentError naming storageClass, and a class the compatibility profile does not take is
// UnsupportedFeatureError, on every write that takes a class. The mock answers nothing: any request sent fails the test.
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
beforeEach(() => s3.reset());

const storageOn = (bucket: string, compatibility?: 'minio') =>
  new S3Storage({ bucket, client, endpoint: 'http://127.0.0.1:9', region: 'us-east-1', compatibility });

const writes = (storage: S3Storage, storageClass: string) => ({
  put: () => storage.put('k', 'body', { storageClass: storageClass as never }),
  'upload (single PUT)': () => storage.upload('k', Buffer.from('body'), { storageClass: storageClass as never }),
  'upload (multipart)': () =>
    storage.upload('k', Buffer.alloc(6 * 1024 * 1024), { storageClass: storageClass as never, multipartThresholdBytes: 5 * 1024 * 1024 }),
  copy: () => storage.copy('a', 'b', { storageClass: storageClass as never }),
  setStorageClass: () => storage.setStorageClass('k', storageClass),
});

async function refusal(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => new Error('not refused'),
    (e: unknown) => e,
  );
}

describe('EXPRESS_ONEZONE on a general purpose bucket', () => {
  for (const [name, run] of Object.entries(writes(storageOn('general-purpose-bucket'), 'EXPRESS_ONEZONE'))) {
    test(`${name}: InvalidArgumentError naming storageClass, no request`, async () => {
      const error = await refusal(run);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ field: 'storageClass' });
      expect((error as Error).message).toMatch(/directory bucket/);
      expect(s3.calls()).toHaveLength(0);
    });
  }
});

describe('a class the profile does not take (MinIO: STANDARD and REDUCED_REDUNDANCY)', () => {
  for (const [name, run] of Object.entries(writes(storageOn('bucket', 'minio'), 'STANDARD_IA'))) {
    test(`${name}: UnsupportedFeatureError, no request`, async () => {
      const error = await refusal(run);
      expect(error).toBeInstanceOf(UnsupportedFeatureError);
      expect(error).toMatchObject({ feature: 'storageClasses', provider: 'minio' });
      expect(s3.calls()).toHaveLength(0);
    });
  }
});
