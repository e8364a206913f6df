/**
 * A store that answers a PUT before reading its body, then resets the connection (Ceph RGW and MinIO do so with 404
 * NoSuchBucket): each PUT must reject with a StorageError, a missing bucket be told as such, and no socket error
 * escape as an uncaught exception. This loopback server has not reproduced the detached-socket EPIPE that Ceph RGW
 * gives in about 1 of 10 such PUTs (core/client.ts, quietAgent); test/integration/objects/error-targets.test.ts
 * runs the real case on every target.
 */
import { createServer, type Server } from 'node:http';
import { BucketNotFoundError, S3Storage, StorageError } from '../../../../lib/storage';

let server: Server;
let port: number;
const NO_SUCH_BUCKET =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>gone</BucketName></Error>';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(404).end();
      return;
    }
    // Answer at once, with keep-alive, and close the connection a moment later while the client still writes.
    res.writeHead(404, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(NO_SUCH_BUCKET), connection: 'keep-alive' });
    res.end(NO_SUCH_BUCKET);
    setTimeout(() => req.socket.resetAndDestroy(), 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => new Promise((resolve) => server.close(resolve)));

test('20 PUTs of 8 MiB answered early: each rejects with a StorageError naming the missing bucket, and nothing escapes', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  const storage = new S3Storage({
    bucket: 'gone',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  try {
    const body = Buffer.alloc(8 * 1024 * 1024, 1);
    for (let i = 0; i < 20; i++) {
      const error = await storage.put(`k${i}`, body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect([i, error instanceof BucketNotFoundError]).toEqual([i, true]);
    }
    // Late socket errors land on the next ticks.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
    storage.destroy();
  }
}, 60_000);
