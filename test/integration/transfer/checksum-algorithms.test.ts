// Issue 9 item 6: a multipart upload with checksumAlgorithm sends that algorithm on every part (MinIO refused the
// parts with 400 "checksum missing, want SHA256" when they carried only Content-MD5), for each of S3's five.
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKSUM_ALGORITHMS } from '../../../lib/rules/checksums';
import { MIB } from '../../../lib/rules/limits';
import { InvalidArgumentError } from '../../../lib/storage';
import { partChecksumOf } from '../../../lib/storage/s3/transfer/shared/checksums';
import { TestBucket, countRequests, createTestBucket, currentTarget, sha256, storageFor } from '../../helpers/target';

const PART = 5 * MIB;
let b: TestBucket;
const dir = mkdtempSync(join(tmpdir(), 'bk-cksum-'));
const data = randomBytes(3 * PART + 1234);
const file = join(dir, 'data.bin');

beforeAll(async () => {
  b = await createTestBucket('cksum');
  writeFileSync(file, data);
});
afterAll(async () => {
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const options = { multipartThresholdBytes: PART, targetPartSizeBytes: PART };

test.each(CHECKSUM_ALGORITHMS)('upload of a 4-part file with checksumAlgorithm %s: every part carries it, the object is whole', async (algorithm) => {
  const key = `cksum/${algorithm}`;
  const result = await b.storage.upload(key, { filePath: file }, { ...options, checksumAlgorithm: algorithm });
  expect(result.partsCount).toBe(4);
  expect(sha256(await b.storage.getBuffer(key))).toBe(sha256(data));
  // The stored checksum, when the store reports it: COMPOSITE (`-4`) for all but CRC64NVME, which is FULL_OBJECT.
  // moto (5.x) reports a whole-object value under every algorithm's name (its CRC32C is the CRC32): not checked there.
  const got = await b.raw.send(new HeadObjectCommand({ Bucket: b.name, Key: key, ChecksumMode: 'ENABLED' }));
  const reported = (got as unknown as Record<string, string | undefined>)[`Checksum${algorithm}`];
  if (reported !== undefined && currentTarget().name !== 'moto') {
    if (algorithm === 'CRC64NVME') expect(reported).toBe(partChecksumOf('CRC64NVME', data));
    else expect(reported).toMatch(/-4$/);
  }
  // Verified by the composite checksum where the store reports one on Complete, by the multipart ETag where the
  // parts' MD5s are known (CRC64NVME); a store that reports neither for a composite upload leaves it unverified.
  if (algorithm === 'CRC64NVME') expect(result.verifiedBy).toBe('multipart-etag');
  else if (result.checksums[algorithm]?.includes('-')) expect(result.verifiedBy).toBe('composite-checksum');
  expect((await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name }))).Uploads ?? []).toHaveLength(0);
});

test.each(CHECKSUM_ALGORITHMS)('a stream of unknown length with checksumAlgorithm %s', async (algorithm) => {
  const key = `cksum/stream-${algorithm}`;
  async function* chunks() {
    for (let i = 0; i < data.length; i += MIB) yield data.subarray(i, i + MIB);
  }
  await b.storage.upload(key, chunks(), { targetPartSizeBytes: PART, multipartThresholdBytes: PART, checksumAlgorithm: algorithm });
  expect(sha256(await b.storage.getBuffer(key))).toBe(sha256(data));
});

test('partChecksum MD5 with checksumAlgorithm SHA256: parts carry both', async () => {
  const result = await b.storage.upload('cksum/md5-and-sha', data, { ...options, checksumAlgorithm: 'SHA256', partChecksum: 'MD5' });
  // The parts' MD5s give the multipart ETag; a store that reports the composite SHA256 (MinIO) verifies by it.
  expect(['multipart-etag', 'composite-checksum']).toContain(result.verifiedBy);
  expect(sha256(await b.storage.getBuffer('cksum/md5-and-sha'))).toBe(sha256(data));
});

test('a per-part CRC32 with checksumAlgorithm SHA256 is refused before any request, instead of dropping SHA256', async () => {
  const storage = storageFor(b.name);
  const counter = countRequests(storage.client);
  const error = await storage.upload('cksum/conflict', data, { ...options, checksumAlgorithm: 'SHA256', partChecksum: 'CRC32' }).catch((e: unknown) => e);
  storage.destroy();
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toMatchObject({ field: 'partChecksum' });
  expect(counter.count).toBe(0);
});
