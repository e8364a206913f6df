import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidArgumentError, S3Storage, resolveS3StorageConfig } from '../../../../lib/storage';
import { DirectReadHttpHandler } from '../../../../lib/storage/s3/core/direct-read/handler';

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('resolveS3StorageConfig', () => {
  test('fills defaults for Amazon S3', () => {
    const c = resolveS3StorageConfig({ bucket: 'my-bucket', region: 'eu-west-1' }, {});
    expect(c).toMatchObject({
      region: 'eu-west-1',
      regionSource: 'config',
      customEndpoint: false,
      forcePathStyle: false,
      checksumPolicy: 'WHEN_SUPPORTED',
      maxAttempts: 3,
      retryMode: 'standard',
      concurrency: 8,
      requestPayer: false,
    });
  });

  test('a custom endpoint defaults to path style and WHEN_REQUIRED checksums', () => {
    const c = resolveS3StorageConfig({ bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9000/' }, {});
    expect(c).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      customEndpoint: true,
      otherThanAmazonS3: true,
      forcePathStyle: true,
      checksumPolicy: 'WHEN_REQUIRED',
      region: 'us-east-1',
      regionSource: 'custom-endpoint',
    });
    expect(resolveS3StorageConfig({ bucket: 'my-bucket', endpoint: 'http://127.0.0.1:9000', forcePathStyle: false }, {}).forcePathStyle).toBe(false);
  });

  test('an endpoint configured in the environment is read from the env argument, not from process.env', () => {
    // npm test points AWS_ENDPOINT_URL_S3 at moto in process.env: an empty env must still mean Amazon S3.
    const saved = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9';
    try {
      expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, {}).otherThanAmazonS3).toBe(false);
      expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' }).otherThanAmazonS3).toBe(true);
      expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' }).otherThanAmazonS3).toBe(true);
      // Such an endpoint gets a custom endpoint's defaults (the README's): path style, WHEN_REQUIRED checksums, a region.
      expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' })).toMatchObject({
        customEndpoint: false,
        forcePathStyle: true,
        checksumPolicy: 'WHEN_REQUIRED',
        region: 'us-east-1',
        regionSource: 'custom-endpoint',
      });
      expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, {})).toMatchObject({ forcePathStyle: false, checksumPolicy: 'WHEN_SUPPORTED' });
      const ignored = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
      expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, ignored).otherThanAmazonS3).toBe(false);
      // Acceleration cannot go to an endpoint from the environment either: the same env decides it.
      expect(() => resolveS3StorageConfig({ bucket: 'my-bucket', accelerate: 'on' }, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' })).toThrow(
        InvalidArgumentError,
      );
      expect(resolveS3StorageConfig({ bucket: 'my-bucket', accelerate: 'on' }, {}).accelerate).toBe('on');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = saved;
    }
  });

  test("a ready client with a custom endpoint needs that endpoint in the config: bucketkit cannot read the client's", () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', credentials: creds });
    let error: unknown;
    try {
      resolveS3StorageConfig({ bucket: 'my-bucket', client }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'config.endpoint', message: expect.stringContaining("the client's endpoint URL") });
    expect(() => new S3Storage({ bucket: 'my-bucket', client })).toThrow(InvalidArgumentError);
    // With the endpoint given, the store's rules apply: it is not Amazon S3.
    expect(resolveS3StorageConfig({ bucket: 'my-bucket', client, endpoint: 'http://127.0.0.1:9000' }, {})).toMatchObject({
      customEndpoint: true,
      otherThanAmazonS3: true,
    });
    // A client without an endpoint talks to Amazon S3 (or to the environment's endpoint).
    const plain = new S3Client({ region: 'us-east-1', credentials: creds });
    expect(resolveS3StorageConfig({ bucket: 'my-bucket', client: plain }, {}).otherThanAmazonS3).toBe(false);
    client.destroy();
    plain.destroy();
  });

  test('a ready client and an endpoint that name different stores: the first request is refused, naming both', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', credentials: creds });
    const s3 = mockClient(client);
    s3.on(HeadObjectCommand).resolves({ ContentLength: 1, ETag: '"e"' });
    const wrong = new S3Storage({ bucket: 'my-bucket', client, endpoint: 'http://127.0.0.1:9001' });
    const error = await wrong.head('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ field: 'config.endpoint', message: expect.stringContaining('config.client sends to http://127.0.0.1:9000') });
    expect(s3.calls()).toHaveLength(0);
    // The same store (a trailing slash is no difference): the request goes out.
    const right = new S3Storage({ bucket: 'my-bucket', client, endpoint: 'http://127.0.0.1:9000/' });
    await expect(right.head('k')).resolves.toMatchObject({ size: 1 });
    s3.restore();
    client.destroy();
  });

  test('region: config, then AWS_REGION, then discovery', () => {
    expect(resolveS3StorageConfig({ bucket: 'my-bucket', region: 'ap-south-1' }, { AWS_REGION: 'us-west-2' }).region).toBe('ap-south-1');
    expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, { AWS_REGION: 'us-west-2' })).toMatchObject({ region: 'us-west-2', regionSource: 'environment' });
    expect(resolveS3StorageConfig({ bucket: 'my-bucket' }, {}).regionSource).toBe('discover');
  });

  test.each([
    [{ bucket: 'My_Bucket' }, 'config.bucket'],
    [{ bucket: 'ab' }, 'config.bucket'],
    [{ bucket: 'my-bucket', region: 'not a region' }, 'config.region'],
    [{ bucket: 'my-bucket', endpoint: 'not a url' }, 'config.endpoint'],
    [{ bucket: 'my-bucket', endpoint: 'ftp://127.0.0.1' }, 'config.endpoint'],
    [{ bucket: 'my-bucket', maxAttempts: 0 }, 'config.maxAttempts'],
    [{ bucket: 'my-bucket', maxAttempts: 2.5 }, 'config.maxAttempts'],
    [{ bucket: 'my-bucket', retryMode: 'legacy' }, 'config.retryMode'],
    [{ bucket: 'my-bucket', connectionTimeoutMs: -1 }, 'config.connectionTimeoutMs'],
    [{ bucket: 'my-bucket', requestTimeoutMs: 'soon' }, 'config.requestTimeoutMs'],
    [{ bucket: 'my-bucket', concurrency: 0 }, 'config.concurrency'],
    [{ bucket: 'my-bucket', hashWorkers: -1 }, 'config.hashWorkers'],
    [{ bucket: 'my-bucket', hashWorkers: 65 }, 'config.hashWorkers'],
    [{ bucket: 'my-bucket', hashWorkers: 1.5 }, 'config.hashWorkers'],
    [{ bucket: 'my-bucket', checksumPolicy: 'ALWAYS' }, 'config.checksumPolicy'],
    [{ bucket: 'my-bucket', requestPayer: 'yes' }, 'config.requestPayer'],
    [{ bucket: 'my.bucket', useAccelerateEndpoint: true }, 'config.useAccelerateEndpoint'],
    [{ bucket: 'my-bucket', useAccelerateEndpoint: true, endpoint: 'http://127.0.0.1:9000' }, 'config.useAccelerateEndpoint'],
    [{ bucket: 'my-bucket', credentials: { accessKeyId: 'AKIDSECRETISH' } }, 'config.credentials'],
  ])('%j -> InvalidArgumentError naming %s', (config, field) => {
    const error = (() => {
      try {
        resolveS3StorageConfig(config as never, {});
      } catch (e) {
        return e as InvalidArgumentError;
      }
      throw new Error('expected a throw');
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  test('a credentials error never echoes the values', () => {
    expect(() => resolveS3StorageConfig({ bucket: 'my-bucket', credentials: { accessKeyId: 'AKIDSECRETISH', secretAccessKey: 42 } as never }, {})).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('AKIDSECRETISH') }),
    );
  });
});

describe('S3Storage client settings', () => {
  test('the built client carries retries, checksum policy, path style and static credentials', async () => {
    const s = new S3Storage({
      bucket: 'my-bucket',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: creds,
      maxAttempts: 7,
      retryMode: 'adaptive',
    });
    const cfg = s.client.config;
    expect(await cfg.maxAttempts()).toBe(7);
    expect(cfg.retryMode).toBe('adaptive');
    expect(((await cfg.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
    expect(cfg.forcePathStyle).toBe(true);
    expect(await cfg.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await cfg.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(await cfg.credentials()).toMatchObject(creds);
    s.destroy();
  });

  test('the keep-alive agent pools as many sockets as the configured concurrency, with the timeouts', async () => {
    const s = new S3Storage({
      bucket: 'my-bucket',
      region: 'us-east-1',
      credentials: creds,
      concurrency: 13,
      connectionTimeoutMs: 1234,
      requestTimeoutMs: 5678,
    });
    // The handler resolves its config lazily; read it the way the SDK does.
    const direct = s.client.config.requestHandler as unknown as DirectReadHttpHandler;
    // Direct reads (the download's ranges, core/direct-read) keep as many idle connections, with the same timeouts.
    expect(direct.options).toMatchObject({ maxSockets: 13, connectionTimeoutMs: 1234, socketTimeoutMs: 5678 });
    const handler = direct.fallback as unknown as {
      configProvider: Promise<{
        httpAgentProvider: () => Promise<{ maxSockets: number; keepAlive: boolean }>;
        httpsAgent: { maxSockets: number; keepAlive: boolean };
        connectionTimeout: number;
        requestTimeout?: number;
        socketTimeout: number;
      }>;
    };
    const resolved = await handler.configProvider;
    expect(resolved.httpsAgent.maxSockets).toBe(13);
    expect(resolved.httpsAgent.keepAlive).toBe(true);
    expect((await resolved.httpAgentProvider()).maxSockets).toBe(13);
    expect(resolved.connectionTimeout).toBe(1234);
    // requestTimeoutMs is socket inactivity: the handler's socketTimeout, which rejects. Its requestTimeout (a total
    // time that only warns without throwOnRequestTimeout) stays off. test/unit/storage/core/timeouts.test.ts checks both on the wire.
    expect(resolved.socketTimeout).toBe(5678);
    expect(resolved.requestTimeout).toBeUndefined();
    s.destroy();
  });

  test('an injected client is used as is', () => {
    const client = new S3Client({ region: 'us-east-1', credentials: creds });
    const s = new S3Storage({ bucket: 'my-bucket', client });
    expect(s.client).toBe(client);
    s.destroy();
    client.destroy();
  });
});
