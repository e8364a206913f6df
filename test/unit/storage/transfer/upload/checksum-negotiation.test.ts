/**
 * The default part check of a multipart upload to a custom endpoint (transfer/upload/checksum-negotiation.ts): CRC32
 * only when the store echoes the declared algorithm and refuses a wrong CRC32; Content-MD5 in every other case. The
 * answers are the ones recorded from the real servers (MinIO: echo + XAmzContentChecksumMismatch; moto: echo + 200;
 * Ceph RGW 16: no echo); test/integration/transfer/checksum-negotiation.test.ts runs the same on the servers.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
  type UploadPartCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { MIB } from '../../../../../lib/rules/limits';
import { AbortedError, MemoryUploadStateStore, MultipartUploadError, S3Storage, multipartEtag } from '../../../../../lib/storage';
import { wrongCrc32 } from '../../../../../lib/storage/s3/transfer/upload/checksum-negotiation';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
/** A custom endpoint (the negotiation's ground); the requests go to the mocked client. */
const ENDPOINT = 'http://127.0.0.1:9000';
const storage = new S3Storage({ bucket: 'unit-bucket', client, endpoint: ENDPOINT, checksumPolicy: 'WHEN_REQUIRED' });
const PART = 5 * MIB;
const SMALL = { multipartThresholdBytes: PART, targetPartSizeBytes: PART, retryBaseDelayMs: 0 };
const DATA = Buffer.alloc(2 * PART + 10, 7);

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
const crcOf = (data: Uint8Array) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data));
  return b.toString('base64');
};
const partsOf = (data: Buffer) => Array.from({ length: Math.ceil(data.length / PART) }, (_, i) => data.subarray(i * PART, (i + 1) * PART));
const compositeOf = (data: Buffer) => `${crcOf(Buffer.concat(partsOf(data).map((p) => Buffer.from(crcOf(p), 'base64'))))}-${partsOf(data).length}`;

/** An S3 error as the SDK raises it. */
const s3Error = (code: string, status: number, message = code) =>
  Object.assign(new Error(message), { name: code, Code: code, $fault: status < 500 ? 'client' : 'server', $metadata: { httpStatusCode: status } });

/** The part the store is asked to refuse: one byte, a wrong CRC32. */
const isProbe = (input: UploadPartCommandInput) => (input.Body as Buffer).length === 1 && input.ChecksumCRC32 === wrongCrc32();

/**
 * A store answering CreateMultipartUpload with `echo` (the declared algorithm, or nothing), the probe part with
 * `probe`, and real parts as S3 does (the ETag is the MD5; a CRC32 sent is echoed).
 */
function store(echo: boolean, probe: 'refuse' | 'accept' | 'fail-500' | 'reset'): void {
  let created = 0;
  s3.on(CreateMultipartUploadCommand).callsFake((input: { ChecksumAlgorithm?: string }) => {
    created++;
    return { UploadId: `u-${created}`, ChecksumAlgorithm: echo ? input.ChecksumAlgorithm : undefined };
  });
  s3.on(UploadPartCommand).callsFake((input: UploadPartCommandInput) => {
    if (isProbe(input)) {
      if (probe === 'refuse') throw s3Error('XAmzContentChecksumMismatch', 400, "The provided 'x-amz-checksum' header does not match what was computed.");
      if (probe === 'fail-500') throw s3Error('InternalError', 500);
      if (probe === 'reset') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
      return { ETag: `"${md5(input.Body as Buffer)}"` };
    }
    return { ETag: `"${md5(input.Body as Buffer)}"`, ChecksumCRC32: input.ChecksumCRC32 };
  });
  s3.on(AbortMultipartUploadCommand).resolves({});
  s3.on(ListPartsCommand).rejects(s3Error('NoSuchUpload', 404));
  s3.on(CompleteMultipartUploadCommand).callsFake((input: { MultipartUpload?: { Parts?: { ChecksumCRC32?: string }[] } }) => {
    const withCrc = input.MultipartUpload?.Parts?.every((p) => p.ChecksumCRC32 !== undefined);
    return { ETag: `"${multipartEtag(partsOf(DATA).map(md5))}"`, ChecksumCRC32: withCrc ? compositeOf(DATA) : undefined };
  });
}

const realParts = () =>
  s3
    .commandCalls(UploadPartCommand)
    .map((c) => c.args[0].input)
    .filter((i) => !isProbe(i));

beforeEach(() => s3.reset());

test('the wrong CRC32 is wrong: it differs from the byte CRC32 and is a well-formed 4-byte value', () => {
  const right = crcOf(Buffer.from([0x62]));
  expect(wrongCrc32()).not.toBe(right);
  expect(Buffer.from(wrongCrc32(), 'base64')).toHaveLength(4);
});

test('a store that echoes CRC32 and refuses a wrong one (MinIO) gets CRC32 parts without Content-MD5, checked by the composite', async () => {
  store(true, 'refuse');
  const result = await storage.upload('k', DATA, SMALL);
  expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
  expect(s3).toHaveReceivedCommandWith(CreateMultipartUploadCommand, { ChecksumAlgorithm: 'CRC32', ChecksumType: 'COMPOSITE' });
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(1);
  // The probe went first, to part 1 of the same upload; the real part 1 replaces it.
  expect(isProbe(s3.commandCalls(UploadPartCommand)[0].args[0].input)).toBe(true);
  const parts = realParts();
  expect(parts.map((p) => p.PartNumber).sort()).toEqual([1, 2, 3]);
  for (const [i, p] of parts.sort((a, b) => a.PartNumber! - b.PartNumber!).entries()) {
    expect(p).toMatchObject({ UploadId: 'u-1', ChecksumAlgorithm: 'CRC32', ChecksumCRC32: crcOf(partsOf(DATA)[i]) });
    expect(p.ContentMD5).toBeUndefined();
  }
  expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
  expect(result.verifiedBy).toBe('composite-checksum');
  expect(s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input).toMatchObject({ ChecksumType: 'COMPOSITE' });
});

test.each([
  ['takes the wrong CRC32 (moto)', 'accept'],
  ['fails the probe with a 500', 'fail-500'],
  ['drops the connection on the probe', 'reset'],
] as const)('a store that echoes CRC32 but %s: that upload is aborted, a plain one created, parts carry Content-MD5', async (_name, probe) => {
  store(true, probe);
  const result = await storage.upload('k', DATA, SMALL);
  const creates = s3.commandCalls(CreateMultipartUploadCommand).map((c) => c.args[0].input);
  expect(creates).toHaveLength(2);
  expect(creates[0]).toMatchObject({ ChecksumAlgorithm: 'CRC32' });
  expect(creates[1].ChecksumAlgorithm).toBeUndefined();
  expect(creates[1].ChecksumType).toBeUndefined();
  expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'u-1' });
  const parts = realParts();
  expect(parts).toHaveLength(3);
  for (const p of parts) {
    expect(p.UploadId).toBe('u-2');
    expect(p.ContentMD5).toBe(
      createHash('md5')
        .update(p.Body as Buffer)
        .digest('base64'),
    );
    expect(p.ChecksumCRC32).toBeUndefined();
  }
  expect(result.verifiedBy).toBe('multipart-etag');
  expect(result.uploadId).toBe('u-2');
});

test('a store that ignores the declared CRC32 (Ceph RGW 16, no echo) keeps that upload: Content-MD5 parts, no probe', async () => {
  store(false, 'accept');
  const result = await storage.upload('k', DATA, SMALL);
  expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(0);
  expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
  for (const p of realParts()) expect(p.ContentMD5).toBeDefined();
  expect(result.verifiedBy).toBe('multipart-etag');
});

test('the abort of a probed upload that fails is reported, and nothing more is sent', async () => {
  store(true, 'accept');
  s3.on(AbortMultipartUploadCommand).rejects(s3Error('AccessDenied', 403));
  const error = await storage.upload('k', DATA, SMALL).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MultipartUploadError);
  expect((error as Error).message).toMatch(/u-1 could not be aborted .*abortIncompleteUploads/);
  expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
  expect(realParts()).toHaveLength(0);
});

test('a cancel during the probe aborts the upload it created and rejects with AbortedError', async () => {
  store(true, 'refuse');
  const controller = new AbortController();
  s3.on(UploadPartCommand).callsFake(() => {
    controller.abort();
    throw Object.assign(new Error('aborted'), { name: 'AbortError', $metadata: {} });
  });
  const error = await storage.upload('k', DATA, { ...SMALL, abortSignal: controller.signal }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AbortedError);
  expect((error as Error).message).toContain('upload u-1 was aborted');
  expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'u-1' });
});

test.each([
  ['partChecksum: MD5', { partChecksum: 'MD5' as const }, 'MD5'],
  ['partChecksum: CRC32', { partChecksum: 'CRC32' as const }, 'CRC32'],
  ['checksumAlgorithm: SHA256', { checksumAlgorithm: 'SHA256' as const }, 'SHA256'],
])('a chosen %s is sent as chosen, with no probe', async (_name, options, algorithm) => {
  store(true, 'accept');
  await storage.upload('k', DATA, { ...SMALL, ...options });
  expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(0);
  const declared = s3.commandCalls(CreateMultipartUploadCommand)[0].args[0].input.ChecksumAlgorithm;
  expect(declared).toBe(algorithm === 'MD5' ? undefined : algorithm);
});

test('a compatibility profile without flexible checksums (ceph-rgw) declares nothing and sends no probe', async () => {
  store(true, 'refuse');
  const ceph = new S3Storage({ bucket: 'unit-bucket', client, endpoint: ENDPOINT, checksumPolicy: 'WHEN_REQUIRED', compatibility: 'ceph-rgw' });
  await ceph.upload('k', DATA, SMALL);
  expect(s3.commandCalls(CreateMultipartUploadCommand)[0].args[0].input.ChecksumAlgorithm).toBeUndefined();
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(0);
  for (const p of realParts()) expect(p.ContentMD5).toBeDefined();
});

test('an endpoint in the environment (AWS_ENDPOINT_URL_S3) is not Amazon S3: the part check is negotiated', async () => {
  store(true, 'accept');
  const saved = process.env.AWS_ENDPOINT_URL_S3;
  process.env.AWS_ENDPOINT_URL_S3 = ENDPOINT;
  try {
    const fromEnv = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_SUPPORTED' });
    expect((await fromEnv.upload('k', DATA, SMALL)).verifiedBy).toBe('multipart-etag');
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
    else process.env.AWS_ENDPOINT_URL_S3 = saved;
  }
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(1);
});

test('on Amazon S3 (no endpoint) parts carry CRC32 from the start, with no probe', async () => {
  store(true, 'accept');
  // No endpoint in the config nor in the environment (npm test's global setup points AWS_ENDPOINT_URL_S3 at moto).
  const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, any: process.env.AWS_ENDPOINT_URL };
  delete process.env.AWS_ENDPOINT_URL_S3;
  delete process.env.AWS_ENDPOINT_URL;
  try {
    const aws = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_SUPPORTED' });
    await aws.upload('k', DATA, SMALL);
  } finally {
    if (saved.s3 !== undefined) process.env.AWS_ENDPOINT_URL_S3 = saved.s3;
    if (saved.any !== undefined) process.env.AWS_ENDPOINT_URL = saved.any;
  }
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(0);
  for (const p of realParts()) expect(p.ChecksumCRC32).toBeDefined();
});

test.each([
  ['a probe profile gave WHEN_SUPPORTED (compatibility: auto on moto)', 'accept', 'MD5'],
  ['and the store refuses a wrong CRC32', 'refuse', 'CRC32'],
] as const)('a custom endpoint under WHEN_SUPPORTED negotiates too: %s', async (_name, probe, check) => {
  store(true, probe);
  const auto = new S3Storage({ bucket: 'unit-bucket', client, endpoint: ENDPOINT, checksumPolicy: 'WHEN_SUPPORTED' });
  const result = await auto.upload('k', DATA, SMALL);
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(1);
  for (const p of realParts()) {
    if (check === 'CRC32') expect(p).toMatchObject({ ChecksumCRC32: crcOf(p.Body as Buffer), ContentMD5: undefined });
    else
      expect(p.ContentMD5).toBe(
        createHash('md5')
          .update(p.Body as Buffer)
          .digest('base64'),
      );
  }
  expect(result.verifiedBy).toBe(check === 'CRC32' ? 'composite-checksum' : 'multipart-etag');
});

test('a resume goes on with the part check its upload began with, and negotiates nothing again', async () => {
  store(true, 'refuse');
  const stateStore = new MemoryUploadStateStore();
  const controller = new AbortController();
  await storage
    .upload('k', DATA, {
      ...SMALL,
      concurrency: 1,
      stateStore,
      leaveResumableOnAbort: true,
      abortSignal: controller.signal,
      onProgress: () => controller.abort(),
    })
    .catch(() => undefined);
  expect((await stateStore.load('unit-bucket', 'k'))?.partChecksum).toBe('CRC32');
  s3.resetHistory();
  s3.on(ListPartsCommand).callsFake(() => {
    const first = partsOf(DATA)[0];
    return { Parts: [{ PartNumber: 1, ETag: `"${md5(first)}"`, Size: first.length, ChecksumCRC32: crcOf(first) }], ChecksumAlgorithm: 'CRC32' };
  });
  const result = await storage.upload('k', DATA, { ...SMALL, stateStore });
  expect(result.partsResumed).toBe(1);
  expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  expect(s3.commandCalls(UploadPartCommand).filter((c) => isProbe(c.args[0].input))).toHaveLength(0);
  for (const p of realParts()) expect(p).toMatchObject({ ChecksumAlgorithm: 'CRC32', ContentMD5: undefined });
  expect(result.verifiedBy).toBe('composite-checksum');
});

test('resumeUpload by id alone, of an upload declared with CRC32: parts carry CRC32 (the store wants it) and Content-MD5', async () => {
  store(true, 'refuse');
  s3.on(ListPartsCommand).resolves({ Parts: [], ChecksumAlgorithm: 'CRC32' });
  await storage.resumeUpload('someone-elses', 'k', DATA, SMALL);
  expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  const parts = realParts();
  expect(parts).toHaveLength(3);
  for (const p of parts) {
    expect(p.ChecksumCRC32).toBe(crcOf(p.Body as Buffer));
    expect(p.ContentMD5).toBe(
      createHash('md5')
        .update(p.Body as Buffer)
        .digest('base64'),
    );
  }
});

test('parts found by ListParts alone (the state lagged) are kept when their listed CRC32 is the source bytes', async () => {
  store(true, 'refuse');
  const [first, second] = partsOf(DATA);
  // The state knows the upload and its CRC32 parts, but no part yet: ListParts shows parts 1 and 2, part 2 with
  // another CRC32 (other bytes), so only part 1 is kept.
  const stateStore = new MemoryUploadStateStore();
  await stateStore.save({
    version: 1,
    bucket: 'unit-bucket',
    key: 'k',
    uploadId: 'u-7',
    partSizeBytes: PART,
    layout: 'fixed',
    partChecksum: 'CRC32',
    source: { size: DATA.length },
    parts: [],
    createdAt: new Date().toISOString(),
  });
  s3.on(ListPartsCommand).resolves({
    ChecksumAlgorithm: 'CRC32',
    Parts: [
      { PartNumber: 1, ETag: '"not-an-md5-of-anything"', Size: first.length, ChecksumCRC32: crcOf(first) },
      { PartNumber: 2, ETag: '"not-an-md5-of-anything"', Size: second.length, ChecksumCRC32: crcOf(Buffer.alloc(second.length, 1)) },
    ],
  });
  const result = await storage.upload('k', DATA, { ...SMALL, stateStore });
  expect(result.partsResumed).toBe(1);
  expect(
    realParts()
      .map((p) => p.PartNumber)
      .sort(),
  ).toEqual([2, 3]);
});
