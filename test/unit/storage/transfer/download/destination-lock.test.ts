/**
 * One download per destination file (transfer/download/destination-lock.ts): the lock file, its owners, and stale
 * locks of processes that are gone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallerStreamError, ConflictError } from '../../../../../lib/storage';
import { LOCK_SUFFIX, lockDestination } from '../../../../../lib/storage/s3/transfer/download/destination-lock';

const dir = mkdtempSync(join(tmpdir(), 'bk-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const context = { bucket: 'b', key: 'k' };

test("the lock holds this process's pid and host; a second lock of the same path in this process is refused; release frees it", async () => {
  const path = join(dir, 'a.bin');
  const lock = await lockDestination(path, context);
  expect(JSON.parse(readFileSync(path + LOCK_SUFFIX, 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
  const error = await lockDestination(path, context).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConflictError);
  expect(error).toMatchObject({ retryable: true, bucket: 'b', key: 'k', message: expect.stringContaining('another download in this process') });
  await lock.release();
  expect(existsSync(path + LOCK_SUFFIX)).toBe(false);
  await (await lockDestination(path, context)).release();
});

test('a lock of a live process on this host is refused, naming the pid', async () => {
  const path = join(dir, 'b.bin');
  const child = spawn('sleep', ['30']);
  try {
    writeFileSync(path + LOCK_SUFFIX, JSON.stringify({ pid: child.pid, host: hostname() }));
    await expect(lockDestination(path, context)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`process ${child.pid} on ${hostname()}`),
    });
  } finally {
    child.kill();
  }
});

test('a lock of a process that is gone (killed mid-download) is taken over, so a resume works', async () => {
  const path = join(dir, 'c.bin');
  const child = spawn('true');
  await new Promise((resolve) => child.on('exit', resolve));
  writeFileSync(path + LOCK_SUFFIX, JSON.stringify({ pid: child.pid, host: hostname() }));
  const lock = await lockDestination(path, context);
  expect(JSON.parse(readFileSync(path + LOCK_SUFFIX, 'utf8'))).toMatchObject({ pid: process.pid });
  await lock.release();
});

test('a lock from another host, or one that is not a bucketkit lock, is refused with the way out (remove the file)', async () => {
  const path = join(dir, 'd.bin');
  writeFileSync(path + LOCK_SUFFIX, JSON.stringify({ pid: 1, host: 'some-other-host' }));
  await expect(lockDestination(path, context)).rejects.toMatchObject({
    name: 'ConflictError',
    message: expect.stringContaining(`remove ${path}${LOCK_SUFFIX} if that download is gone`),
  });
  writeFileSync(path + LOCK_SUFFIX, 'not json');
  await expect(lockDestination(path, context)).rejects.toMatchObject({ name: 'ConflictError', message: expect.stringContaining('if that download is gone') });
});

test('a lock file that cannot be created (its directory is a file): CallerStreamError on the destination', async () => {
  const notADirectory = join(dir, 'plain-file');
  writeFileSync(notADirectory, 'x');
  const error = await lockDestination(join(notADirectory, 'e.bin'), context).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CallerStreamError);
  expect(error).toMatchObject({ field: 'destination', message: expect.stringContaining('ENOTDIR') });
});
