// Issue 9 item 3: every source kind x size x declared size gives one PutObject, a multipart upload, or a typed
// InvalidArgumentError naming sizeBytes; never a plain Error, and never an upload left open.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MIB } from '../../../../../lib/rules/limits';
import { InvalidArgumentError, S3Storage, StorageError, multipartEtag, type UploadSource } from '../../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, checksumPolicy: 'WHEN_REQUIRED' });
const dir = mkdtempSync(join(tmpdir(), 'bk-sizes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THRESHOLD = 1024;
const PART = 5 * MIB;
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
/** ASCII bytes, so that the string-chunk source (UTF-8) carries the same bytes. */
const someBytes = (size: number) => Buffer.from(randomBytes(size).map((b) => 0x41 + (b % 26)));

async function bytesOf(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Records what reached the store: the PutObject bodies, and the parts of each multipart upload. */
function recordingStore() {
  const puts: Buffer[] = [];
  const parts = new Map<number, Buffer>();
  s3.reset();
  s3.on(PutObjectCommand).callsFake(async (input: { Body: unknown }) => {
    const body = await bytesOf(input.Body);
    puts.push(body);
    return { ETag: `"${md5(body)}"` };
  });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u-1' });
  s3.on(UploadPartCommand).callsFake(async (input: { Body: Buffer; PartNumber: number }) => {
    parts.set(input.PartNumber, Buffer.from(input.Body));
    return { ETag: `"${md5(input.Body)}"` };
  });
  s3.on(CompleteMultipartUploadCommand).callsFake(() => ({
    ETag: `"${multipartEtag([...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => md5(b)))}"`,
  }));
  s3.on(AbortMultipartUploadCommand).resolves({});
  return { puts, parts };
}

type Kind = 'Buffer' | 'Uint8Array' | 'file' | 'Readable' | 'async iterable' | 'string chunks';
const KINDS: Kind[] = ['Buffer', 'Uint8Array', 'file', 'Readable', 'async iterable', 'string chunks'];

function sourceOf(kind: Kind, data: Buffer, chunk = 700): UploadSource {
  const chunks = Array.from({ length: Math.ceil(data.length / chunk) }, (_, i) => data.subarray(i * chunk, (i + 1) * chunk));
  switch (kind) {
    case 'Buffer':
      return data;
    case 'Uint8Array':
      return new Uint8Array(data);
    case 'file': {
      const file = join(dir, `src-${data.length}-${randomBytes(4).toString('hex')}.bin`);
      writeFileSync(file, data);
      return { filePath: file };
    }
    case 'Readable':
      return Readable.from(chunks);
    case 'async iterable':
      return (async function* () {
        for (const c of chunks) yield new Uint8Array(c);
      })();
    case 'string chunks':
      return (async function* () {
        for (const c of chunks) yield c.toString('utf8');
      })();
  }
}

/** Checks the one allowed outcome for `data` uploaded with `declared` as sizeBytes. */
async function expectOutcome(kind: Kind, data: Buffer, declared: number | undefined, options: { multipartThresholdBytes?: number } = {}): Promise<void> {
  const threshold = options.multipartThresholdBytes ?? 100 * MIB;
  const store = recordingStore();
  const outcome = await storage
    .upload('k', sourceOf(kind, data), { targetPartSizeBytes: PART, retryBaseDelayMs: 0, ...options, sizeBytes: declared })
    .then((r) => ({ ok: true as const, r }))
    .catch((error: unknown) => ({ ok: false as const, error }));
  const wrong = declared !== undefined && declared !== data.length;
  if (wrong) {
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'sizeBytes' });
    // Nothing stored, and any upload begun was aborted.
    expect(store.puts).toHaveLength(0);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(s3.commandCalls(CreateMultipartUploadCommand).length);
    return;
  }
  if (!outcome.ok) throw outcome.error;
  const single = data.length <= threshold;
  if (single) {
    expect(store.puts).toHaveLength(1);
    expect(md5(store.puts[0])).toBe(md5(data));
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    expect(outcome.r.uploadId).toBeUndefined();
  } else {
    expect(store.puts).toHaveLength(0);
    const sent = Buffer.concat([...store.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
    expect(md5(sent)).toBe(md5(data));
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(1);
    expect(outcome.r.uploadId).toBe('u-1');
  }
  expect(outcome.r.size).toBe(data.length);
}

const SIZES = [0, 1, THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, PART + 1];
const cases = KINDS.flatMap((kind) =>
  SIZES.flatMap((size) =>
    [undefined, size, size + 1, ...(size > 0 ? [size - 1] : [])].map((declared) => [kind, size, declared === undefined ? 'none' : declared] as const),
  ),
);

test.each(cases)('%s of %i bytes, sizeBytes %s (threshold 1 KiB)', async (kind, size, declared) => {
  await expectOutcome(kind, someBytes(size), declared === 'none' ? undefined : declared, { multipartThresholdBytes: THRESHOLD });
});

test.each([
  ['the issue: 11 bytes of a Readable with sizeBytes 11', Buffer.from('hello world'), 11],
  ['the issue: an empty stream with sizeBytes 0', Buffer.alloc(0), 0],
  ['the issue: a 12 MiB stream at the default threshold', someBytes(12 * MIB), 12 * MIB],
])('%s: one PutObject', async (_name, data, declared) => {
  await expectOutcome('Readable', data, declared);
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
});

test('a negative sizeBytes is refused before any request', async () => {
  recordingStore();
  await expect(storage.upload('k', Readable.from([]), { sizeBytes: -1 })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'sizeBytes' });
  expect(s3.calls()).toHaveLength(0);
});

test('a stream that fails while it is read for one PutObject rejects with a StorageError carrying the stream error', async () => {
  recordingStore();
  const failure = new Error('disk gone');
  const source = (async function* () {
    yield Buffer.from('abc');
    throw failure;
  })();
  const error = await storage.upload('k', source, { sizeBytes: 10 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).cause).toBe(failure);
  expect(s3.calls()).toHaveLength(0);
});

test('property: any chunking of a stream and any declared size gives PutObject, multipart, or InvalidArgumentError', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 * THRESHOLD }),
      fc.integer({ min: 1, max: 2 * THRESHOLD }),
      fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
      fc.constantFrom<Kind>('Readable', 'async iterable', 'Buffer', 'file'),
      async (size, chunk, delta, kind) => {
        const data = someBytes(size);
        const declared = delta === undefined ? undefined : Math.max(0, size + delta);
        const store = recordingStore();
        const source = kind === 'Readable' ? sourceOf('Readable', data, chunk) : sourceOf(kind, data);
        const outcome = await storage
          .upload('k', source, { multipartThresholdBytes: THRESHOLD, targetPartSizeBytes: PART, sizeBytes: declared })
          .then(() => 'ok')
          .catch((e: unknown) => e);
        if (declared !== undefined && declared !== size) {
          expect(outcome).toBeInstanceOf(InvalidArgumentError);
          expect(store.puts).toHaveLength(0);
        } else {
          expect(outcome).toBe('ok');
          expect(store.puts.length + (store.parts.size > 0 ? 1 : 0)).toBe(1);
        }
      },
    ),
    { numRuns: 120 },
  );
});
