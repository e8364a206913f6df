/**
 * Every documented timeout is real: against loopback servers that never answer, stop mid-body or never accept a
 * connection, each request fails with TimeoutError after about the configured time, and is retried up to maxAttempts.
 */
import { S3Storage, S3StorageConfig, TimeoutError } from '../../../../lib/storage';
import { StallServer, startUnacceptingListener } from '../../../helpers/fault-proxy';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function storageOn(endpoint: string, overrides: Partial<S3StorageConfig> = {}): S3Storage {
  return new S3Storage({ bucket: 'stalled-bucket', endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...overrides });
}

async function timed<T>(run: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe('requestTimeoutMs (socket inactivity)', () => {
  let server: StallServer;
  beforeEach(async () => {
    server = await StallServer.start('no-answer');
  });
  afterEach(() => server.stop());

  test('head() against a server that reads the request and never answers rejects with TimeoutError after about 2 s', async () => {
    const storage = storageOn(server.endpoint, { requestTimeoutMs: 2000 });
    const { error, ms } = await timed(() => storage.head('k'));
    storage.destroy();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'Timeout', retryable: true, bucket: 'stalled-bucket', key: 'k' });
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(4000);
    expect(server.requests).toBe(1);
  }, 15_000);

  test('put() of bytes times out the same way, and each of maxAttempts attempts gets its own timeout', async () => {
    const storage = storageOn(server.endpoint, { requestTimeoutMs: 1000, maxAttempts: 2 });
    const { error, ms } = await timed(() => storage.put('k', 'hello'));
    storage.destroy();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requests).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(6000);
  }, 15_000);

  test('0 turns it off: the request is still pending after 2.5 s', async () => {
    const storage = storageOn(server.endpoint, { requestTimeoutMs: 0 });
    const controller = new AbortController();
    const settled = storage.head('k', { abortSignal: controller.signal }).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    const first = await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('pending'), 2500))]);
    controller.abort();
    expect(first).toBe('pending');
    expect(await settled).toBe('AbortedError');
    storage.destroy();
  }, 15_000);
});

describe('requestTimeoutMs on a body that stops part-way', () => {
  let server: StallServer;
  beforeEach(async () => {
    server = await StallServer.start({ bodyBytes: 1_000_000, sentBytes: 1000 });
  });
  afterEach(() => server.stop());

  test('getBuffer() rejects with TimeoutError when the body stalls', async () => {
    const storage = storageOn(server.endpoint, { requestTimeoutMs: 1500 });
    const { error, ms } = await timed(() => storage.getBuffer('k'));
    storage.destroy();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ key: 'k' });
    expect(ms).toBeLessThan(4000);
  }, 15_000);

  test('reading a get() body that stalls fails with a timeout instead of waiting forever', async () => {
    const storage = storageOn(server.endpoint, { requestTimeoutMs: 1500 });
    const { body } = await storage.get('k');
    const { error, ms } = await timed(async () => {
      for await (const chunk of body) void chunk;
    });
    storage.destroy();
    expect((error as Error).name).toBe('TimeoutError');
    expect(ms).toBeLessThan(4000);
  }, 15_000);
});

describe('connectionTimeoutMs', () => {
  test('a connect that never completes rejects with TimeoutError after about the configured time', async () => {
    const listener = await startUnacceptingListener();
    try {
      const storage = storageOn(listener.endpoint, { connectionTimeoutMs: 1000 });
      const { error, ms } = await timed(() => storage.head('k'));
      storage.destroy();
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/did not establish a connection/);
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3000);
    } finally {
      listener.stop();
    }
  }, 15_000);
});
