// A download's destination and range size are checked before any request: a directory, a missing parent directory
// or a range larger than S3's largest part is an InvalidArgumentError naming the field, and nothing is written.
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError, S3Storage } from '../../../../../lib/storage';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client });
const dir = mkdtempSync(join(tmpdir(), 'bk-dest-'));

beforeEach(() => {
  s3.reset();
  s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ETag: '"0123456789abcdef0123456789abcdef"' });
  s3.on(GetObjectCommand).rejects(new Error('no GET expected'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refused = async (destination: string, message: RegExp, options = {}) => {
  const error = await storage.download('k', destination, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).field).toBe(options && 'rangeSizeBytes' in options ? 'rangeSizeBytes' : 'destination');
  expect((error as Error).message).toMatch(message);
  expect(s3.calls()).toHaveLength(0);
};

test('an existing directory is refused, and no .partial is made next to it', async () => {
  const target = join(dir, 'adir');
  mkdirSync(target);
  await refused(target, /is a directory; give the path of a file/);
  expect(existsSync(`${target}.partial`)).toBe(false);
});

test('a path ending in a separator is refused', async () => {
  await refused(join(dir, 'x') + '/', /is a directory path/);
});

test('a missing parent directory is refused, named', async () => {
  await refused(join(dir, 'no', 'such', 'out.bin'), /the directory .*no[/\\]such does not exist/);
  expect(existsSync(join(dir, 'no'))).toBe(false);
});

test('a parent that is a file is refused', async () => {
  writeFileSync(join(dir, 'plain'), 'x');
  await refused(join(dir, 'plain', 'out.bin'), /is not a directory/);
});

test('rangeSizeBytes above 5 GiB (S3s largest part) is refused; 5 GiB itself passes validation', async () => {
  await refused(join(dir, 'big.bin'), /rangeSizeBytes: at most 5368709120/, { rangeSizeBytes: 5 * 1024 ** 3 + 1 });
  s3.on(GetObjectCommand).resolves({
    Body: Readable.from([Buffer.alloc(10)]) as never,
    ContentLength: 10,
    ContentRange: 'bytes 0-9/10',
    ETag: '"0123456789abcdef0123456789abcdef"',
  });
  const result = await storage.download('k', join(dir, 'ok.bin'), { rangeSizeBytes: 5 * 1024 ** 3, verify: false });
  expect(result.size).toBe(10);
  expect(readdirSync(dir)).toContain('ok.bin');
});

test('a write of the partial file that fails (a full disk) is a CallerStreamError on destination naming ENOSPC, and the next call resumes', async () => {
  const { open } = await import('node:fs/promises');
  const { CallerStreamError } = await import('../../../../../lib/storage');
  const data = Buffer.from('0123456789');
  s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ETag: '"781e5e245d69b566979b86e28d23f2c7"' });
  s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([Buffer.from(data)]) }));
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const spy = jest.spyOn(proto, 'write').mockRejectedValueOnce(enospc);
  const dest = join(dir, 'full.bin');
  try {
    const error = await storage.download('k', dest, { retryBaseDelayMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallerStreamError);
    expect(error).toMatchObject({ field: 'destination', cause: enospc });
    expect((error as Error).message).toContain('ENOSPC');
    expect(existsSync(dest)).toBe(false);
  } finally {
    spy.mockRestore();
  }
  // No temporary state files are left; the next call (space freed) completes.
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  const result = await storage.download('k', dest);
  expect(result.size).toBe(10);
  expect(existsSync(dest)).toBe(true);
});
