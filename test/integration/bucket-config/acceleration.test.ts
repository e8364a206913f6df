import { CreateBucketCommand, DeleteBucketCommand, PutBucketAccelerateConfigurationCommand } from '@aws-sdk/client-s3';
import { InvalidArgumentError, UnsupportedFeatureError } from '../../../lib/storage';
import { targetDiffers } from '../../helpers/known-differences';
import { countRequests, createTestBucket, rawClient, storageFor, TestBucket } from '../../helpers/target';

let b: TestBucket;
beforeAll(async () => {
  b = await createTestBucket('accel');
});
afterAll(async () => b.cleanup());

describe('getAcceleration / setAcceleration', () => {
  test('a new bucket is Disabled; Enabled, then Suspended, read back', async () => {
    expect(await b.storage.getAcceleration()).toBe('Disabled');
    if (targetDiffers('acceleration-not-implemented')) {
      // bucketkit wrote the document, so the store's MalformedXML means "not implemented", not bad input.
      const error = await b.storage.setAcceleration(true).catch((e) => e);
      expect(error).toBeInstanceOf(UnsupportedFeatureError);
      expect(error).toMatchObject({ feature: 'transferAcceleration', s3Code: expect.stringMatching(/^(MalformedXML|InvalidArgument)$/) });
      expect(await b.storage.getAcceleration()).toBe('Disabled');
      return;
    }
    await b.storage.setAcceleration(true);
    expect(await b.storage.getAcceleration()).toBe('Enabled');
    await b.storage.setAcceleration(false);
    expect(await b.storage.getAcceleration()).toBe('Suspended');
  });

  test('a dotted bucket name is refused before any request, enabling or suspending (S3 cannot accelerate it)', async () => {
    const raw = rawClient();
    const name = `bk.accel.${Date.now().toString(36)}`;
    await raw.send(new CreateBucketCommand({ Bucket: name }));
    const dotted = storageFor(name);
    try {
      const counter = countRequests(dotted.client);
      const error = await dotted.setAcceleration(true).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.field).toBe('bucket');
      expect(error.message).toMatch(/S3-ACCELERATE-BUCKET-NAME-DOTS/);
      await expect(dotted.setAcceleration(false)).rejects.toMatchObject({ field: 'bucket' });
      await expect(dotted.setAcceleration('yes' as never)).rejects.toMatchObject({ field: 'enabled' });
      expect(counter.count).toBe(0);
      // The server refuses it too (moto: InvalidRequest), so the check only saves the round trip.
      await expect(raw.send(new PutBucketAccelerateConfigurationCommand({ Bucket: name, AccelerateConfiguration: { Status: 'Enabled' } }))).rejects.toThrow();
      await expect(raw.send(new PutBucketAccelerateConfigurationCommand({ Bucket: name, AccelerateConfiguration: { Status: 'Suspended' } }))).rejects.toThrow();
      expect(await dotted.getAcceleration()).toBe('Disabled');
    } finally {
      dotted.destroy();
      await raw.send(new DeleteBucketCommand({ Bucket: name }));
      raw.destroy();
    }
  });
});
