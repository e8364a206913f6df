/**
 * Endpoint choice per operation, offline: every request is stopped at the SDK's `build` step, after the endpoint
 * ruleset resolved its URL and before anything is sent, and the resolved host is recorded. GetBucketAccelerateConfiguration
 * is answered there with the bucket state under test.
 */
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  ListBucketsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AccelerationStatus, InvalidArgumentError, S3Storage, S3StorageConfig, resolveS3StorageConfig } from '../../../../lib/storage';
import type { S3Session } from '../../../../lib/storage/s3/core/session';

// npm test's integration project exports AWS_ENDPOINT_URL_S3 (the moto endpoint) for the whole run; the SDK would take
// it as a configured endpoint, so these offline tests run without it (the env case is tested on its own below).
const configuredEndpointVars = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;
const savedEndpointEnv = Object.fromEntries(configuredEndpointVars.map((n) => [n, process.env[n]]));
beforeAll(() => configuredEndpointVars.forEach((n) => delete process.env[n]));
afterAll(() =>
  configuredEndpointVars.forEach((n) => {
    if (savedEndpointEnv[n] === undefined) delete process.env[n];
    else process.env[n] = savedEndpointEnv[n];
  }),
);

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const BUCKET = 'my-bucket';

class Stopped extends Error {}

interface Seen {
  readonly command: string;
  readonly host: string;
}

/** Records the resolved host of every request of `client` and stops it before the network. */
function capture(client: S3Client, seen: Seen[], status: AccelerationStatus): void {
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const request = args.request as { hostname: string };
      seen.push({ command: String(context.commandName), host: request.hostname });
      if (context.commandName === 'GetBucketAccelerateConfigurationCommand') {
        return { output: { Status: status === 'Disabled' ? undefined : status, $metadata: {} }, response: {} } as never;
      }
      throw new Stopped('stopped before the network');
    },
    { step: 'build', name: 'bucketkitTestCaptureHost' },
  );
}

function storageWith(config: Partial<S3StorageConfig>, status: AccelerationStatus, bucket = BUCKET) {
  const storage = new S3Storage({ bucket, region: 'eu-west-1', credentials, ...config });
  const session = (storage as unknown as { session: S3Session }).session;
  const seen: Seen[] = [];
  capture(session.clientFor('regional'), seen, status);
  if (!session.acceleration.notApplicable) capture(session.clientFor('accelerated'), seen, status);
  return { storage, seen };
}

type Operation = readonly [name: string, command: string, accelerable: boolean, run: (s: S3Storage) => Promise<unknown>];

const drain = async (it: AsyncIterableIterator<unknown>) => {
  for await (const _ of it) break;
};

const OPERATIONS: readonly Operation[] = [
  ['put (Buffer)', 'PutObjectCommand', true, (s) => s.put('k', Buffer.from('data'))],
  ['get', 'GetObjectCommand', true, (s) => s.get('k')],
  ['head', 'HeadObjectCommand', true, (s) => s.head('k')],
  ['CreateMultipartUpload', 'CreateMultipartUploadCommand', true, (s) => s.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'k' }))],
  [
    'UploadPart',
    'UploadPartCommand',
    true,
    (s) => s.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId: 'u', PartNumber: 1, Body: Buffer.from('x') })),
  ],
  ['delete', 'DeleteObjectCommand', false, (s) => s.delete('k')],
  ['list (ListObjectsV2)', 'ListObjectsV2Command', false, (s) => drain(s.list())],
  ['copy (same bucket)', 'CopyObjectCommand', false, (s) => s.copy('a', 'b')],
  [
    'cross-Region CopyObject',
    'CopyObjectCommand',
    false,
    (s) => s.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'b', CopySource: 'bucket-in-us-west-2/a' })),
  ],
  ['CreateBucket', 'CreateBucketCommand', false, (s) => s.send(new CreateBucketCommand({ Bucket: BUCKET }))],
  ['DeleteBucket', 'DeleteBucketCommand', false, (s) => s.send(new DeleteBucketCommand({ Bucket: BUCKET }))],
  ['ListBuckets', 'ListBucketsCommand', false, (s) => s.send(new ListBucketsCommand({}))],
  ['getVersioning (bucket config)', 'GetBucketVersioningCommand', false, (s) => s.getVersioning()],
  ['setAcceleration (bucket config)', 'PutBucketAccelerateConfigurationCommand', false, (s) => s.setAcceleration(true)],
];

const MODES = ['off', 'on', 'auto'] as const;
const STATES: readonly AccelerationStatus[] = ['Enabled', 'Suspended', 'Disabled'];

describe('endpoint per operation: accelerate mode x bucket state (resolved offline)', () => {
  const cases = OPERATIONS.flatMap((op) => MODES.flatMap((mode) => STATES.map((state) => [op[0], mode, state, op] as const)));
  test.each(cases)('%s, accelerate %s, bucket %s', async (_name, mode, state, [, command, accelerable, run]) => {
    const { storage, seen } = storageWith({ accelerate: mode }, state);
    await run(storage).catch(() => undefined);
    const request = seen.filter((s) => s.command === command);
    expect(request).toHaveLength(1);
    const accelerated = accelerable && (mode === 'on' || (mode === 'auto' && state === 'Enabled'));
    if (command === 'ListBucketsCommand') expect(request[0].host).toBe('s3.eu-west-1.amazonaws.com');
    else expect(request[0].host).toBe(accelerated ? `${BUCKET}.s3-accelerate.amazonaws.com` : `${BUCKET}.s3.eu-west-1.amazonaws.com`);
    // 'auto' reads the bucket's setting only for an operation that could be accelerated, and only on the regional endpoint.
    const reads = seen.filter((s) => s.command === 'GetBucketAccelerateConfigurationCommand');
    expect(reads).toHaveLength(mode === 'auto' && accelerable ? 1 : 0);
    for (const r of reads) expect(r.host).toBe(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
    storage.destroy();
  });
});

describe('endpoint choice details', () => {
  test("'auto' reads the bucket's setting once per instance", async () => {
    const { storage, seen } = storageWith({ accelerate: 'auto' }, 'Enabled');
    for (let i = 0; i < 4; i++) await storage.put(`k${i}`, Buffer.from('x')).catch(() => undefined);
    await storage.get('k').catch(() => undefined);
    expect(seen.filter((s) => s.command === 'GetBucketAccelerateConfigurationCommand')).toHaveLength(1);
    expect(seen.filter((s) => s.host.includes('s3-accelerate'))).toHaveLength(5);
    expect(storage.accelerationMetrics().bucketStatus).toBe('Enabled');
    storage.destroy();
  });

  test('dualStack resolves the dual-stack hosts, accelerated and regional', async () => {
    const { storage, seen } = storageWith({ accelerate: 'on', dualStack: true }, 'Enabled');
    await storage.put('k', Buffer.from('x')).catch(() => undefined);
    await storage.delete('k').catch(() => undefined);
    expect(seen.map((s) => s.host)).toEqual([`${BUCKET}.s3-accelerate.dualstack.amazonaws.com`, `${BUCKET}.s3.dualstack.eu-west-1.amazonaws.com`]);
    storage.destroy();
  });

  test("the accelerated client's endpointProvider resolves the accelerate host (no network)", async () => {
    const storage = new S3Storage({ bucket: BUCKET, region: 'eu-west-1', credentials, accelerate: 'on' });
    const session = (storage as unknown as { session: S3Session }).session;
    const client = session.clientFor('accelerated');
    const provider = client.config.endpointProvider as (params: Record<string, unknown>) => { url: URL };
    // The resolved config holds a boolean or a provider of one, depending on the SDK version.
    const flag = async (value: unknown) => Boolean(typeof value === 'function' ? await (value as () => Promise<boolean>)() : value);
    const params = { Bucket: BUCKET, Region: 'eu-west-1', UseFIPS: false, UseDualStack: false, ForcePathStyle: false };
    expect(provider({ ...params, Accelerate: await flag(client.config.useAccelerateEndpoint) }).url.hostname).toBe(`${BUCKET}.s3-accelerate.amazonaws.com`);
    const regional = session.clientFor('regional');
    expect(provider({ ...params, Accelerate: await flag(regional.config.useAccelerateEndpoint) }).url.hostname).toBe(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
    storage.destroy();
  });

  test("'auto' on a dotted bucket name never accelerates and never reads the setting", async () => {
    const { storage, seen } = storageWith({ accelerate: 'auto' }, 'Enabled', 'my.dotted.bucket');
    await storage.put('k', Buffer.from('x')).catch(() => undefined);
    expect(seen.map((s) => s.command)).toEqual(['PutObjectCommand']);
    expect(seen[0].host).not.toContain('s3-accelerate');
    expect(storage.accelerationMetrics().notApplicable).toMatch(/dots/);
    storage.destroy();
  });

  test("'auto' with a custom endpoint never accelerates and never reads the setting (documented)", async () => {
    const { storage, seen } = storageWith({ accelerate: 'auto', endpoint: 'http://127.0.0.1:9' }, 'Enabled');
    await storage.put('k', Buffer.from('x')).catch(() => undefined);
    expect(seen.map((s) => `${s.command} ${s.host}`)).toEqual(['PutObjectCommand 127.0.0.1']);
    expect(storage.accelerationMetrics()).toMatchObject({ mode: 'auto', notApplicable: expect.stringMatching(/custom endpoint/) });
    storage.destroy();
  });
});

describe('accelerate config validation (at construction, before any request)', () => {
  test("accelerate: 'on' with an endpoint configured in the environment (AWS_ENDPOINT_URL_S3) is refused too, unless ignored", () => {
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9000';
    try {
      let error: unknown;
      try {
        new S3Storage({ bucket: 'plain-name', region: 'us-east-1', accelerate: 'on' }).destroy();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      // It names the variable, not a config field the caller never set.
      expect((error as Error).message).toContain('custom endpoint (http://127.0.0.1:9000, from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)');
      expect((error as Error).message).toContain('Unset AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL');
      expect((error as Error).message).not.toContain('Remove endpoint');
      process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true';
      expect(() => new S3Storage({ bucket: 'plain-name', region: 'us-east-1', accelerate: 'on' }).destroy()).not.toThrow();
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3;
      delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
    }
  });

  test('defaults: off, 5-minute cool-down, no dual-stack', () => {
    expect(resolveS3StorageConfig({ bucket: BUCKET, region: 'eu-west-1' }, {})).toMatchObject({
      accelerate: 'off',
      accelerationCoolDownMs: 300_000,
      dualStack: false,
    });
  });

  test.each([
    [{ endpoint: 'http://127.0.0.1:9000' }, /custom endpoint \(http:\/\/127\.0\.0\.1:9000\).*no accelerate endpoint/],
    [{ forcePathStyle: true }, /virtual-hosted-style.*forcePathStyle/],
    [{ bucket: 'my.dotted.bucket' }, /without dots/],
  ])("accelerate: 'on' with %j is InvalidArgumentError explaining why", (extra, why) => {
    let error: unknown;
    try {
      new S3Storage({ bucket: BUCKET, region: 'eu-west-1', credentials, accelerate: 'on', ...extra });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('config.accelerate');
    expect((error as Error).message).toMatch(why);
  });

  test.each([
    [{ accelerate: 'yes' }, 'config.accelerate'],
    [{ accelerate: 10n }, 'config.accelerate'],
    [{ accelerationCoolDownMs: 10n }, 'config.accelerationCoolDownMs'],
    [{ accelerationCoolDownMs: -1 }, 'config.accelerationCoolDownMs'],
    [{ accelerationCoolDownMs: 1.5 }, 'config.accelerationCoolDownMs'],
    [{ accelerationCoolDownMs: 86_400_001 }, 'config.accelerationCoolDownMs'],
    [{ dualStack: 'yes' }, 'config.dualStack'],
    [{ dualStack: true, endpoint: 'http://127.0.0.1:9000' }, 'config.dualStack'],
    [{ useAccelerateEndpoint: true, accelerate: 'auto' }, 'config.useAccelerateEndpoint'],
    [{ acceleratedClient: {} }, 'config.acceleratedClient'],
  ])('%j is refused, naming %s', (extra, field) => {
    expect(() => resolveS3StorageConfig({ bucket: BUCKET, region: 'eu-west-1', ...(extra as Partial<S3StorageConfig>) }, {})).toThrow(
      expect.objectContaining({ field }),
    );
  });

  test("the deprecated useAccelerateEndpoint: true means accelerate: 'on'; acceleratedClient lifts the custom-endpoint refusal", () => {
    expect(resolveS3StorageConfig({ bucket: BUCKET, region: 'eu-west-1', useAccelerateEndpoint: true }, {}).accelerate).toBe('on');
    const acceleratedClient = new S3Client({ region: 'us-east-1' });
    const c = resolveS3StorageConfig({ bucket: BUCKET, endpoint: 'http://127.0.0.1:9000', accelerate: 'on', acceleratedClient }, {});
    expect(c).toMatchObject({ accelerate: 'on', customEndpoint: true, acceleratedClient });
    acceleratedClient.destroy();
  });
});
