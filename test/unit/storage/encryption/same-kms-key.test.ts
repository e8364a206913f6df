import { encryptionProblems, sameKmsKey } from '../../../../lib/storage/s3/encryption/state';

describe('sameKmsKey: the KMS key HEAD reports against the key id a caller expects', () => {
  const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  test('Amazon S3 reports the key ARN: it matches the ARN and the bare key id, not another key', () => {
    expect(sameKmsKey(arn, arn)).toBe(true);
    expect(sameKmsKey(arn, '1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
    expect(sameKmsKey('1234abcd-12ab-34cd-56ef-1234567890ab', arn)).toBe(true);
    expect(sameKmsKey(arn, '1234abcd-12ab-34cd-56ef-1234567890ac')).toBe(false);
    expect(sameKmsKey(arn, 'alias/reports')).toBe(false);
    expect(sameKmsKey(undefined, arn)).toBe(false);
  });

  test("MinIO's built-in KMS reports key k as arn:aws:kms:k (seen on RELEASE.2025-09-07): that is key k, not key k2", () => {
    expect(sameKmsKey('arn:aws:kms:bucketkit-test-key-1', 'bucketkit-test-key-1')).toBe(true);
    expect(sameKmsKey('bucketkit-test-key-1', 'arn:aws:kms:bucketkit-test-key-1')).toBe(true);
    expect(sameKmsKey('arn:aws:kms:bucketkit-test-key-1', 'bucketkit-test-key-2')).toBe(false);
    expect(sameKmsKey('arn:aws:kms:bucketkit-test-key-1', 'test-key-1')).toBe(false);
    expect(encryptionProblems({ type: 'SSE-KMS', keyId: 'arn:aws:kms:bucketkit-test-key-1' }, { type: 'SSE-KMS', keyId: 'bucketkit-test-key-1' })).toEqual([]);
  });
});
