/**
 * The client bucketkit builds has a silent SDK logger: a failed request with a stream body throws bucketkit's typed
 * error and nothing else; the SDK's retry middleware would otherwise print "An error was encountered in a
 * non-retryable streaming request." to console.warn first (seen in the CLI's output of a failed cp).
 */
import { createServer, type Server } from 'node:net';
import { Readable } from 'node:stream';
import { S3Storage, StorageError } from '../../../../lib/storage';

let server: Server;
let port: number;
beforeAll(async () => {
  // A loopback port that accepts and then drops every connection: the request fails after it was sent.
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => new Promise((resolve) => server.close(resolve)));

test('a failed PUT of a stream: a StorageError, and no line from the SDK on console.warn', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const storage = new S3Storage({
    bucket: 'unit-bucket',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  try {
    const error = await storage.put('k', Readable.from([Buffer.alloc(1024, 1)]), { contentLength: 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([]);
  } finally {
    warn.mockRestore();
    storage.destroy();
  }
});
