/**
 * The default part check of a multipart upload, on a real server (transfer/upload/checksum-negotiation.ts):
 * CreateMultipartUpload declares CRC32; a store that echoes it is sent one byte with a wrong CRC32. MinIO refuses it
 * (parts then carry CRC32, no Content-MD5); moto takes it ('part-checksum-mismatch-accepted': that upload is aborted
 * and a plain one carries Content-MD5); Ceph RGW 16 does not echo ('flexible-checksums-not-echoed': Content-MD5 on
 * the same upload). On every target the object is whole, nothing is left open, and a resume keeps the check it began with.
 */
import { HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '../../../lib/rules/limits';
import { AbortedError } from '../../../lib/storage';
import { wrongCrc32 } from '../../../lib/storage/s3/transfer/upload/checksum-negotiation';
import { defaultPartCheck, echoesDeclaredChecksum, targetDiffers } from '../../helpers/known-differences';
import { TestBucket, createTestBucket, sha256, storageFor } from '../../helpers/target';

const PART = 5 * MIB;
const OPTIONS = { multipartThresholdBytes: PART, targetPartSizeBytes: PART };

interface Sent {
  readonly name: string;
  readonly input: Record<string, unknown>;
  /** HTTP status of the answer, or the error's name. */
  outcome?: number | string;
}

/** Every command the client sends, with its input and how it was answered. */
function record(client: S3Client): Sent[] {
  const seen: Sent[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const entry: Sent = { name: String(context.commandName), input: { ...(args.input as Record<string, unknown>) } };
      seen.push(entry);
      try {
        const out = await next(args);
        entry.outcome = (out.response as { statusCode?: number }).statusCode;
        return out;
      } catch (error) {
        entry.outcome = (error as Error).name;
        throw error;
      }
    },
    { step: 'initialize', name: 'bucketkitNegotiationRecorder' },
  );
  return seen;
}

const isProbe = (s: Sent) => s.name === 'UploadPartCommand' && (s.input.Body as Buffer).length === 1 && s.input.ChecksumCRC32 === wrongCrc32();

let b: TestBucket;
let dir: string;
beforeAll(async () => {
  b = await createTestBucket('bk-negotiate');
  dir = mkdtempSync(join(tmpdir(), 'bk-negotiate-'));
});
afterAll(async () => {
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const openUploads = async () => (await b.raw.send(new ListMultipartUploadsCommand({ Bucket: b.name }))).Uploads?.length ?? 0;

test(`a default upload: ${defaultPartCheck()} parts, as the store proved, and the object whole`, async () => {
  const storage = storageFor(b.name);
  const sent = record(storage.client);
  const data = randomBytes(2 * PART + 4321);
  const result = await storage.upload('default', data, OPTIONS);
  storage.destroy();

  const creates = sent.filter((s) => s.name === 'CreateMultipartUploadCommand');
  expect(creates[0].input).toMatchObject({ ChecksumAlgorithm: 'CRC32', ChecksumType: 'COMPOSITE' });
  const probes = sent.filter(isProbe);
  const parts = sent.filter((s) => s.name === 'UploadPartCommand' && !isProbe(s));
  expect(parts).toHaveLength(3);
  if (!echoesDeclaredChecksum()) {
    // Ceph RGW 16: the declaration was ignored, so nothing was asked; Content-MD5 on the same upload.
    expect(probes).toHaveLength(0);
    expect(creates).toHaveLength(1);
  } else if (defaultPartCheck() === 'CRC32') {
    // MinIO: the wrong CRC32 was refused with a checksum error.
    expect(probes.map((p) => p.outcome)).toEqual(['XAmzContentChecksumMismatch']);
    expect(creates).toHaveLength(1);
  } else {
    // moto: the wrong CRC32 was taken; that upload was aborted and a plain one created.
    expect(probes.map((p) => p.outcome)).toEqual([200]);
    expect(creates).toHaveLength(2);
    expect(creates[1].input.ChecksumAlgorithm).toBeUndefined();
    expect(sent.filter((s) => s.name === 'AbortMultipartUploadCommand')).toHaveLength(1);
  }
  for (const p of parts) {
    if (defaultPartCheck() === 'CRC32') {
      expect(p.input.ChecksumCRC32).toEqual(expect.any(String));
      expect(p.input.ContentMD5).toBeUndefined();
    } else {
      expect(p.input.ContentMD5).toEqual(expect.any(String));
      expect(p.input.ChecksumCRC32).toBeUndefined();
    }
  }
  expect(result.verifiedBy).toBe(defaultPartCheck() === 'CRC32' ? 'composite-checksum' : 'multipart-etag');
  expect(sha256(await b.storage.getBuffer('default'))).toBe(sha256(data));
  if (defaultPartCheck() === 'CRC32') {
    const head = await b.raw.send(new HeadObjectCommand({ Bucket: b.name, Key: 'default', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toMatch(/-3$/);
    // ...and a download checks each range against its part's CRC32.
    const download = await b.storage.download('default', join(dir, 'default.bin'), { resume: false });
    expect(download.verification).toEqual(targetDiffers('parts-count-not-reported') ? expect.anything() : { kind: 'part-checksums', algorithm: 'CRC32' });
  }
  expect(await openUploads()).toBe(0);
});

test('a cancelled default upload resumes with the part check it began with, negotiating nothing again', async () => {
  const data = randomBytes(3 * PART);
  const file = join(dir, 'resume.bin');
  writeFileSync(file, data);
  const controller = new AbortController();
  const first = storageFor(b.name);
  const error = await first
    .upload(
      'resume',
      { filePath: file },
      { ...OPTIONS, concurrency: 1, leaveResumableOnAbort: true, abortSignal: controller.signal, onProgress: () => controller.abort() },
    )
    .catch((e: unknown) => e);
  first.destroy();
  expect(error).toBeInstanceOf(AbortedError);

  const second = storageFor(b.name);
  const sent = record(second.client);
  const result = await second.upload('resume', { filePath: file }, OPTIONS);
  second.destroy();
  expect(result.partsResumed).toBeGreaterThanOrEqual(1);
  expect(sent.filter((s) => s.name === 'CreateMultipartUploadCommand')).toHaveLength(0);
  expect(sent.filter(isProbe)).toHaveLength(0);
  for (const p of sent.filter((s) => s.name === 'UploadPartCommand')) {
    expect(p.input.ChecksumCRC32 === undefined).toBe(defaultPartCheck() === 'MD5');
  }
  expect(result.verifiedBy).toBe(defaultPartCheck() === 'CRC32' ? 'composite-checksum' : 'multipart-etag');
  expect(sha256(await b.storage.getBuffer('resume'))).toBe(sha256(data));
  expect(await openUploads()).toBe(0);
});

test("with compatibility: 'auto' (moto's probed profile says WHEN_SUPPORTED) the part check is still the proven one", async () => {
  const storage = storageFor(b.name, { compatibility: 'auto' });
  // The probe runs first; a profile that changes the checksum policy rebuilds the client, which is then recorded.
  await storage.compatibilityProfile();
  const sent = record(storage.client);
  const data = randomBytes(2 * PART + 99);
  const result = await storage.upload('auto', data, OPTIONS);
  storage.destroy();
  const parts = sent.filter((s) => s.name === 'UploadPartCommand' && !isProbe(s) && s.input.Key === 'auto');
  expect(parts).toHaveLength(3);
  for (const p of parts) expect(p.input.ContentMD5 === undefined).toBe(defaultPartCheck() === 'CRC32');
  expect(result.verifiedBy).toBe(defaultPartCheck() === 'CRC32' ? 'composite-checksum' : 'multipart-etag');
  expect(sha256(await b.storage.getBuffer('auto'))).toBe(sha256(data));
  expect(await openUploads()).toBe(0);
});
