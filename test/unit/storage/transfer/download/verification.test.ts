/**
 * Download checks on answers shaped like MinIO's (RELEASE.2025-09-07, recorded with bench-style probes: HEAD with
 * ChecksumMode gives `<composite>-N` and ChecksumType COMPOSITE; HEAD ?partNumber=N with ChecksumMode gives the part's
 * own checksum) and like moto 5.2.3's (no part checksums; a 4-byte "CRC64NVME"). moto cannot show per-part checks at
 * all (docs/compatibility.md), so they are covered here as well as on MinIO in the integration suite.
 */
import { GetObjectAttributesCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { MIB } from '../../../../../lib/rules/limits';
import { IntegrityError, S3Storage, multipartEtag } from '../../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_REQUIRED', hashWorkers: 1 });
afterAll(() => storage.destroy());

const PART = 5 * MIB;
const data = randomBytes(PART + 12_345);
const parts = [data.subarray(0, PART), data.subarray(PART)];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const partSha = parts.map((p) => sha256(p).toString('base64'));
const composite = `${sha256(Buffer.concat(parts.map((p) => sha256(p)))).toString('base64')}-2`;
const ETAG = `"${multipartEtag(parts.map(md5))}"`;

function sink(): PassThrough {
  const out = new PassThrough();
  out.resume();
  return out;
}

/** HEAD of the object and of its parts; `partChecksums: false` answers like moto (no checksum on a part HEAD). */
function serveHeads(options: { partChecksums: boolean; objectChecksum?: Record<string, string>; checksumType?: 'COMPOSITE' | 'FULL_OBJECT' }): void {
  s3.on(HeadObjectCommand).resolves({ ContentLength: data.length, ETag: ETAG, ...options.objectChecksum, ChecksumType: options.checksumType });
  parts.forEach((p, i) =>
    s3
      .on(HeadObjectCommand, { PartNumber: i + 1 })
      .resolves({ ContentLength: p.length, ETag: ETAG, PartsCount: 2, ...(options.partChecksums ? { ChecksumSHA256: partSha[i] } : {}) }),
  );
}

/** Ranged GETs; the first `corruptFirst` answers for `corruptRange` have one byte flipped. */
function serveRanges(corruptRange?: number, corruptFirst = 0): { gets: () => number[] } {
  const seen: number[] = [];
  let corrupted = 0;
  s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const [, start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
    const index = Number(start) / PART;
    seen.push(index);
    const body = Buffer.from(data.subarray(Number(start), Number(end) + 1));
    if (index === corruptRange && corrupted < corruptFirst) {
      corrupted++;
      body[77] ^= 0x40;
    }
    return { Body: Readable.from([body]) };
  });
  return { gets: () => seen };
}

beforeEach(() => s3.reset());

describe('part checksums (MinIO-shaped answers)', () => {
  test('each range is checked against its part: HEAD ?partNumber with ChecksumMode, and the composite at the end', async () => {
    serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
    serveRanges();
    const result = await storage.download('k', sink());
    expect(result.verification).toEqual({ kind: 'part-checksums', algorithm: 'SHA256' });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Key: 'k', ChecksumMode: 'ENABLED' });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Key: 'k', PartNumber: 2, ChecksumMode: 'ENABLED' });
  });

  test.each(['file', 'stream'] as const)(
    "to a %s: each range's GET is sent only once its part's HEAD is answered (one socket per range in flight)",
    async (to) => {
      serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
      const answeredAt = new Map<number, number>();
      parts.forEach((p, i) =>
        s3.on(HeadObjectCommand, { PartNumber: i + 1 }).callsFake(async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          answeredAt.set(i, performance.now());
          return { ContentLength: p.length, ETag: ETAG, PartsCount: 2, ChecksumSHA256: partSha[i] };
        }),
      );
      const sentAt = new Map<number, number>();
      s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
        const [, start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
        sentAt.set(Number(start) / PART, performance.now());
        return { Body: Readable.from([Buffer.from(data.subarray(Number(start), Number(end) + 1))]) };
      });
      const dir = mkdtempSync(join(tmpdir(), 'bk-verify-order-'));
      try {
        const result = await storage.download('k', to === 'file' ? join(dir, 'k.bin') : sink());
        expect(result.verification.kind).toBe('part-checksums');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      for (const i of [0, 1]) expect(sentAt.get(i)!).toBeGreaterThanOrEqual(answeredAt.get(i)!);
    },
  );

  test('a range that fails its part checksum is fetched again, alone', async () => {
    serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
    const served = serveRanges(1, 1);
    const result = await storage.download('k', sink(), { retryBaseDelayMs: 0 });
    expect(result.verification.kind).toBe('part-checksums');
    expect(served.gets().sort()).toEqual([0, 1, 1]);
  });

  test('a range that keeps failing: IntegrityError part-checksum naming the part, after maxRangeAttempts', async () => {
    serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
    const served = serveRanges(1, 99);
    const error = await storage.download('k', sink(), { retryBaseDelayMs: 0, maxRangeAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'part-checksum', partNumber: 2, expected: partSha[1], retryable: true });
    expect(served.gets().filter((i) => i === 1)).toHaveLength(3);
  });
});

describe('part checksums from one GetObjectAttributes', () => {
  const listing = (sizes = parts.map((p) => p.length), checksums = partSha) => ({
    ObjectParts: { TotalPartsCount: 2, Parts: parts.map((_, i) => ({ PartNumber: i + 1, Size: sizes[i], ChecksumSHA256: checksums[i] })) },
  });
  /** HEAD ?partNumber asked for a part's checksum (the one HEAD ?partNumber=1 that learns the part size has no ChecksumMode). */
  const partHeads = (): number =>
    s3.commandCalls(HeadObjectCommand).filter((c) => c.args[0].input.PartNumber !== undefined && c.args[0].input.ChecksumMode === 'ENABLED').length;

  test('listed with their sizes and checksums: every range is checked, with no HEAD ?partNumber', async () => {
    serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
    s3.on(GetObjectAttributesCommand).resolves(listing());
    serveRanges();
    const result = await storage.download('k', sink());
    expect(result.verification).toEqual({ kind: 'part-checksums', algorithm: 'SHA256' });
    expect(s3).toHaveReceivedCommandTimes(GetObjectAttributesCommand, 1);
    expect(s3).toHaveReceivedCommandWith(GetObjectAttributesCommand, { Key: 'k', ObjectAttributes: ['ObjectParts'], MaxParts: 1000 });
    expect(partHeads()).toBe(0);
  });

  test.each([['a part without a checksum of its algorithm', () => listing(undefined, [partSha[0]!, undefined as unknown as string]), 1]])(
    '%s: the ranges it does not vouch for ask HEAD ?partNumber',
    async (_, answer, heads) => {
      serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
      s3.on(GetObjectAttributesCommand).resolves(answer());
      serveRanges();
      const result = await storage.download('k', sink());
      expect(result.verification.kind).toBe('part-checksums');
      expect(partHeads()).toBe(heads);
    },
  );

  test('a store without GetObjectAttributes (an error answer): HEAD ?partNumber for every range, and no more asking on that client', async () => {
    const own = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const mine = mockClient(own);
    const ownStorage = new S3Storage({ bucket: 'unit-bucket', client: own, checksumPolicy: 'WHEN_REQUIRED', hashWorkers: 0 });
    try {
      mine.on(HeadObjectCommand).resolves({ ContentLength: data.length, ETag: ETAG, ChecksumSHA256: composite, ChecksumType: 'COMPOSITE' });
      parts.forEach((p, i) =>
        mine.on(HeadObjectCommand, { PartNumber: i + 1 }).resolves({ ContentLength: p.length, ETag: ETAG, PartsCount: 2, ChecksumSHA256: partSha[i] }),
      );
      mine
        .on(GetObjectAttributesCommand)
        .rejects(Object.assign(new Error('Internal Server Error'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));
      mine.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
        const [, start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
        return { Body: Readable.from([Buffer.from(data.subarray(Number(start), Number(end) + 1))]) };
      });
      for (const round of [1, 2]) {
        const result = await ownStorage.download('k', sink());
        expect(result.verification.kind).toBe('part-checksums');
        const heads = mine
          .commandCalls(HeadObjectCommand)
          .filter((c) => c.args[0].input.PartNumber !== undefined && c.args[0].input.ChecksumMode === 'ENABLED');
        expect(heads).toHaveLength(2 * round);
        expect(mine).toHaveReceivedCommandTimes(GetObjectAttributesCommand, 1);
      }
    } finally {
      ownStorage.destroy();
    }
  });

  test('a range that fails its listed checksum is fetched again and asks HEAD ?partNumber the second time', async () => {
    serveHeads({ partChecksums: true, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
    s3.on(GetObjectAttributesCommand).resolves(listing());
    const served = serveRanges(1, 1);
    const result = await storage.download('k', sink(), { retryBaseDelayMs: 0 });
    expect(result.verification.kind).toBe('part-checksums');
    expect(served.gets().sort()).toEqual([0, 1, 1]);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Key: 'k', PartNumber: 2, ChecksumMode: 'ENABLED' });
    expect(partHeads()).toBe(1);
  });
});

describe('parts of unequal sizes (S3 allows them: each at least 5 MiB but the last)', () => {
  // 6 + 5 + 5 MiB: three parts of 6 MiB would make the same count (ceil(16 / 6) = 3), but the ranges would not follow them.
  const sizes = [6 * MIB, 5 * MIB, 5 * MIB];
  const whole = randomBytes(16 * MIB);
  const pieces = [whole.subarray(0, sizes[0]), whole.subarray(sizes[0], sizes[0] + sizes[1]), whole.subarray(sizes[0] + sizes[1])];
  const shas = pieces.map((p) => sha256(p));
  const compositeOf = `${sha256(Buffer.concat(shas)).toString('base64')}-3`;
  const etag = `"${multipartEtag(pieces.map(md5))}"`;

  function serve(m: typeof s3, listing: 'listed' | 'refused'): void {
    m.on(HeadObjectCommand).callsFake((input: { PartNumber?: number }) => {
      const n = input.PartNumber;
      if (n === undefined) return { ContentLength: whole.length, ETag: etag, ChecksumSHA256: compositeOf, ChecksumType: 'COMPOSITE' };
      return { ContentLength: pieces[n - 1]!.length, ETag: etag, PartsCount: 3, ChecksumSHA256: shas[n - 1]!.toString('base64') };
    });
    if (listing === 'listed') {
      m.on(GetObjectAttributesCommand).resolves({
        ObjectParts: { TotalPartsCount: 3, Parts: pieces.map((p, i) => ({ PartNumber: i + 1, Size: p.length, ChecksumSHA256: shas[i]!.toString('base64') })) },
      });
    } else {
      m.on(GetObjectAttributesCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    }
    m.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
      const [, start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
      return { Body: Readable.from([Buffer.from(whole.subarray(Number(start), Number(end) + 1))]) };
    });
  }

  test.each(['listed', 'refused'] as const)(
    'GetObjectAttributes %s: the download succeeds, checks the size only, and says the parts differ in size',
    async (listing) => {
      const own = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      // A client of its own: a refusal is remembered per client (object-parts.ts).
      const mine = mockClient(own);
      serve(mine, listing);
      const ownStorage = new S3Storage({ bucket: 'unit-bucket', client: own, checksumPolicy: 'WHEN_REQUIRED', hashWorkers: 0 });
      try {
        const out = sink();
        const chunks: Buffer[] = [];
        out.on('data', (c: Buffer) => chunks.push(c));
        const result = await ownStorage.download('k', out);
        expect(Buffer.concat(chunks).equals(whole)).toBe(true);
        expect(result.verification.kind).toBe('none');
        expect(result.verification).toMatchObject({ reason: expect.stringContaining('parts differ in size') });
        if (listing === 'refused') expect(mine).toHaveReceivedCommandWith(HeadObjectCommand, { PartNumber: 3 });
      } finally {
        ownStorage.destroy();
      }
    },
  );
});

describe('the part layout, confirmed', () => {
  /** An object of parts of these sizes (bytes), SHA256 COMPOSITE, served on its own mocked client. */
  function served(sizes: number[], listing: 'listed' | 'refused', listedSize: (size: number) => number = (n) => n) {
    const whole = randomBytes(sizes.reduce((a, n) => a + n, 0));
    let at = 0;
    const pieces = sizes.map((n) => whole.subarray(at, (at += n)));
    const shas = pieces.map((p) => sha256(p).toString('base64'));
    const composite = `${sha256(Buffer.concat(pieces.map((p) => sha256(p)))).toString('base64')}-${sizes.length}`;
    const etag = `"${multipartEtag(pieces.map(md5))}"`;
    const own = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const m = mockClient(own);
    m.on(HeadObjectCommand).callsFake((input: { PartNumber?: number }) => {
      const n = input.PartNumber;
      if (n === undefined) return { ContentLength: whole.length, ETag: etag, ChecksumSHA256: composite, ChecksumType: 'COMPOSITE' };
      return { ContentLength: pieces[n - 1]!.length, ETag: etag, PartsCount: sizes.length, ChecksumSHA256: shas[n - 1] };
    });
    if (listing === 'listed') {
      m.on(GetObjectAttributesCommand).resolves({
        ObjectParts: {
          TotalPartsCount: sizes.length,
          Parts: pieces.map((p, i) => ({ PartNumber: i + 1, Size: listedSize(p.length), ChecksumSHA256: shas[i] })),
        },
      });
    } else {
      m.on(GetObjectAttributesCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    }
    m.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
      const [, start, end] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? [];
      return { Body: Readable.from([Buffer.from(whole.subarray(Number(start), Number(end) + 1))]) };
    });
    const own2 = new S3Storage({ bucket: 'unit-bucket', client: own, checksumPolicy: 'WHEN_REQUIRED', hashWorkers: 0 });
    return { whole, m, storage: own2 };
  }
  async function read(storage: S3Storage): Promise<{ bytes: Buffer; result: Awaited<ReturnType<S3Storage['download']>> }> {
    const out = sink();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const result = await storage.download('k', out);
    return { bytes: Buffer.concat(chunks), result };
  }

  test('equal parts listed at their stored sizes (MinIO lists an encrypted part of 5 MiB as 5,245,440 bytes): still checked part by part', async () => {
    const { whole, storage } = served([5 * MIB, 5 * MIB, 3 * MIB], 'listed', (n) => n + 2560 + Math.floor(n / 65536) * 32);
    try {
      const { bytes, result } = await read(storage);
      expect(bytes.equals(whole)).toBe(true);
      expect(result.verification).toEqual({ kind: 'part-checksums', algorithm: 'SHA256' });
    } finally {
      storage.destroy();
    }
  });

  test('no listing, and a middle part of another size (8, 10, 6, 8, 8 MiB: part 1 and the last agree): HEAD ?partNumber of every part tells it', async () => {
    const { whole, m, storage } = served([8 * MIB, 10 * MIB, 6 * MIB, 8 * MIB, 8 * MIB], 'refused');
    try {
      const { bytes, result } = await read(storage);
      expect(bytes.equals(whole)).toBe(true);
      expect(result.verification).toMatchObject({ kind: 'none', reason: expect.stringContaining('parts differ in size') });
      for (const n of [2, 3, 4, 5]) expect(m).toHaveReceivedCommandWith(HeadObjectCommand, { PartNumber: n });
    } finally {
      storage.destroy();
    }
  });

  test('no listing, equal parts: every part HEADed once, then checked part by part', async () => {
    const { whole, storage } = served([5 * MIB, 5 * MIB, 5 * MIB, 1 * MIB], 'refused');
    try {
      const { bytes, result } = await read(storage);
      expect(bytes.equals(whole)).toBe(true);
      expect(result.verification).toEqual({ kind: 'part-checksums', algorithm: 'SHA256' });
    } finally {
      storage.destroy();
    }
  });
});

describe('moto-shaped answers', () => {
  test('no part checksums on HEAD ?partNumber: the composite is checked at the end (composite-checksum)', async () => {
    // moto reports the composite without its -N suffix, with ChecksumType COMPOSITE.
    serveHeads({ partChecksums: false, objectChecksum: { ChecksumSHA256: composite.replace(/-2$/, '') }, checksumType: 'COMPOSITE' });
    serveRanges();
    const result = await storage.download('k', sink());
    expect(result.verification).toEqual({ kind: 'composite-checksum', algorithm: 'SHA256' });
  });

  test('no part checksums, and a range changed on the way: IntegrityError composite-checksum', async () => {
    serveHeads({ partChecksums: false, objectChecksum: { ChecksumSHA256: composite }, checksumType: 'COMPOSITE' });
    serveRanges(0, 1);
    const error = await storage.download('k', sink()).catch((e: unknown) => e);
    expect(error).toMatchObject({ check: 'composite-checksum', expected: composite.replace(/-2$/, '') });
  });

  test('a FULL_OBJECT CRC64NVME of the wrong width is not used: the multipart ETag checks instead', async () => {
    serveHeads({ partChecksums: false, objectChecksum: { ChecksumCRC64NVME: 'SCVOpw==' }, checksumType: 'FULL_OBJECT' });
    serveRanges();
    const result = await storage.download('k', sink());
    expect(result.verification).toEqual({ kind: 'multipart-etag' });
  });

  test('a COMPOSITE checksum whose part layout cannot be told (no HEAD ?partNumber): none, naming why', async () => {
    s3.on(HeadObjectCommand).resolves({
      ContentLength: data.length,
      ETag: ETAG,
      ServerSideEncryption: 'aws:kms',
      ChecksumSHA256: composite,
      ChecksumType: 'COMPOSITE',
    });
    s3.on(HeadObjectCommand, { PartNumber: 1 }).rejects(Object.assign(new Error('Bad Request'), { name: 'BadRequest', $metadata: { httpStatusCode: 400 } }));
    serveRanges();
    const result = await storage.download('k', sink());
    expect(result.verification).toEqual({ kind: 'none', reason: expect.stringMatching(/SHA256 checksum is COMPOSITE and its part layout could not be told/) });
  });

  test('SSE-KMS without a flexible checksum: none, with the reason', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: data.length, ETag: ETAG, ServerSideEncryption: 'aws:kms' });
    parts.forEach((p, i) => s3.on(HeadObjectCommand, { PartNumber: i + 1 }).resolves({ ContentLength: p.length, ETag: ETAG, PartsCount: 2 }));
    serveRanges();
    const result = await storage.download('k', sink());
    expect(result.verification.kind).toBe('none');
    expect(result.verification).toMatchObject({ reason: expect.stringMatching(/no flexible checksum/) });
    expect(result.verifiedBy).toBe('size');
  });
});
