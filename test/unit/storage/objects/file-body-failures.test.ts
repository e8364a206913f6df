/**
 * A `{ filePath }` body whose file disappears or shrinks after put() checked it (issue 9 item 1, sibling "file
 * bodies whose file disappears"): the put rejects promptly with a CallerStreamError naming body.filePath or contentLength,
 * instead of crashing on the read stream's unhandled 'error' or waiting for bytes that never come.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallerStreamError } from '../../../../lib/storage';
import { S3Session } from '../../../../lib/storage/s3/core/session';
import { planPut } from '../../../../lib/storage/s3/objects/put';

const dir = mkdtempSync(join(tmpdir(), 'bk-filebody-'));
let server: http.Server;
let endpoint: string;
/** Bytes the server received per request; it reads slowly (16 KiB every 50 ms), answers 200 at the end. */
const received: number[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const index = received.push(0) - 1;
    req.on('data', (chunk: Buffer) => {
      received[index] += chunk.length;
      req.pause();
      setTimeout(() => req.resume(), 50);
    });
    req.on('end', () => {
      res.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function session(): S3Session {
  return new S3Session({ bucket: 'file-bodies', endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
}

test('the file is deleted between the check and the send: CallerStreamError on body.filePath (ENOENT), no crash', async () => {
  const file = join(dir, 'gone.bin');
  writeFileSync(file, Buffer.alloc(1000, 1));
  const s = session();
  const plan = await planPut(s, 'k', { filePath: file }, {});
  unlinkSync(file);
  expect(plan.kind).toBe('single');
  const error = await (plan as { send(): Promise<unknown> }).send().catch((e: unknown) => e);
  s.destroy();
  expect(error).toBeInstanceOf(CallerStreamError);
  expect(error).toMatchObject({ field: 'body.filePath', key: 'k', bucket: 'file-bodies' });
  expect((error as Error).message).toMatch(/ENOENT/);
}, 10_000);

test('the file is truncated while it is sent: CallerStreamError on contentLength, within a second', async () => {
  const file = join(dir, 'shrinks.bin');
  writeFileSync(file, Buffer.alloc(8 * 1024 * 1024, 2));
  const s = session();
  const started = Date.now();
  const put = planPut(s, 'k', { filePath: file }, {}).then((plan) => (plan as { send(): Promise<unknown> }).send());
  setTimeout(() => truncateSync(file, 100_000), 100);
  const error = await put.catch((e: unknown) => e);
  s.destroy();
  expect(error).toBeInstanceOf(CallerStreamError);
  expect(error).toMatchObject({ field: 'contentLength' });
  expect((error as Error).message).toMatch(/body\.filePath ended after \d+ bytes; contentLength declares 8388608 bytes/);
  expect(Date.now() - started).toBeLessThan(3000);
}, 10_000);
