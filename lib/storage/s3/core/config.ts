import { inspect } from 'node:util';
import { PROVIDER_NAMES } from '../../../rules/providers';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { checkBucketName } from '../../../rules/bucket-name';
import { InvalidArgumentError } from '../../errors';
import type { CapabilityReport, ChecksumPolicy, ProviderName } from '../../types/compatibility';
import type { ServerSideEncryption } from '../../types/objects';
import type { CustomerKeyProvider } from '../../types/customer-keys';
import { resolveCaBundle } from './ca-bundle';
import { customerKeyOf, redactCustomerKey, redactKeyProvider } from './encryption';
import { assertEncryption, assertKeyProvider } from './validation';
import { AccelerationConfig, ResolvedAccelerationConfig, resolveAccelerationConfig } from './acceleration-config';

/** Default number of requests in flight per transfer, and of pooled sockets. */
export const DEFAULT_CONCURRENCY = 8;
/** Default total attempts per request (the first plus retries). */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Default time to establish a TCP connection. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
/** Default socket inactivity allowed during a request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** The region used to sign for a custom endpoint when none is given. */
export const DEFAULT_CUSTOM_ENDPOINT_REGION = 'us-east-1';

export type { ChecksumPolicy };

/** Configuration of {@link S3Storage}. One instance is bound to one bucket. */
export interface S3StorageConfig extends AccelerationConfig {
  /** The bucket. */
  readonly bucket: string;
  /**
   * The bucket's region.
   * @default - `AWS_REGION`, else the bucket's real region, learned from S3 (`x-amz-bucket-region`) on first use
   */
  readonly region?: string;
  /**
   * An S3-compatible endpoint, e.g. `http://127.0.0.1:9000` for MinIO. An endpoint the SDK takes from the environment
   * (`AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`;
   * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html) counts as a custom endpoint for every
   * default below.
   * @default - Amazon S3
   */
  readonly endpoint?: string;
  /**
   * Path-style addressing (`https://host/bucket/key`) instead of virtual-host style (`https://bucket.host/key`).
   * @default - true for a custom endpoint (in the config or the environment), false for Amazon S3
   */
  readonly forcePathStyle?: boolean;
  /**
   * Credentials, static or a provider.
   * @default - the SDK's default credential chain
   */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per request, including the first. @default 3 */
  readonly maxAttempts?: number;
  /** The SDK's retry strategy. @default 'standard' */
  readonly retryMode?: 'standard' | 'adaptive';
  /**
   * Time allowed to get a connected socket for a request, in ms: waiting for a free socket in the pool (see
   * `concurrency`) and the TCP (and TLS) connect. When it runs out the attempt fails with `TimeoutError` (retried up
   * to `maxAttempts`).
   * @default 5000
   */
  readonly connectionTimeoutMs?: number;
  /**
   * Socket inactivity allowed during a request, in ms: no byte sent or received for this long while the request is
   * sent or its answer (headers, then body) is read fails the attempt with `TimeoutError` (retried up to
   * `maxAttempts`); a GetObject body being read fails with it too. 0 turns it off. It is an idle limit, not a total:
   * a large transfer that keeps moving never hits it. From 6000 ms up the socket is watched from 3 s after the request
   * starts, so a request that stalls at once fails within `requestTimeoutMs` + 3 s.
   * @default 120000
   */
  readonly requestTimeoutMs?: number;
  /** Parallel requests per transfer; the keep-alive agent pools this many sockets. @default 8 */
  readonly concurrency?: number;
  /**
   * Worker threads that hash (MD5, SHA, CRC32/CRC32C/CRC64NVME) off the event loop during transfers; 0 hashes inline.
   * Started on first use, reused, never keeping the process alive, ended by `destroy()`. Inputs below a per-algorithm
   * size measured in docs/benchmarks.md ("Hashing") are hashed inline either way.
   * @default - the cores less one, at least 1 and at most 4 (`defaultHashWorkers()`)
   */
  readonly hashWorkers?: number;
  /**
   * When to send and validate flexible checksums.
   * @default - 'WHEN_SUPPORTED' on Amazon S3, 'WHEN_REQUIRED' on a custom endpoint, in the config or the environment (many stores reject streamed trailing checksums)
   */
  readonly checksumPolicy?: ChecksumPolicy;
  /** Send `x-amz-request-payer: requester` on every request, for Requester Pays buckets. @default false */
  readonly requestPayer?: boolean;
  /** @deprecated use `accelerate: 'on'` (see {@link AccelerationConfig}); `true` means that. @default false */
  readonly useAccelerateEndpoint?: boolean;
  /**
   * How to adapt to an S3-compatible store: `'auto'` probes the endpoint once (cached for an hour per endpoint) and
   * applies what it observed; a provider name applies a fixed profile with no probing; a report applies that report.
   * On Amazon S3 (no endpoint), `'auto'` uses the `'aws'` profile without probing.
   * @default - no adaptation beyond the checksum policy default
   */
  readonly compatibility?: 'auto' | ProviderName | CapabilityReport;
  /**
   * The encryption of every write (put, upload, copy, multipart copy, setStorageClass, restoreVersion) that sets none
   * itself. With SSE-C, reads (get, head, download) and copies from this bucket send the key too. The SSE-C key is kept
   * in a copy that prints as `[SSE-C key]` (JSON, `util.inspect`), never as bytes. SSE-C with `{ keyProvider, keyId }`
   * writes with the provider's key for `keyId` and records the id (`bk-sse-c-key-id`); reads then find each object's
   * key through `customerKeys` (which defaults to this provider).
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
   * @default - none: the bucket's default encryption applies
   */
  readonly encryption?: ServerSideEncryption;
  /**
   * Allow SSE-C over a plain-http `endpoint`. S3 refuses SSE-C over HTTP and a key sent in the clear must be treated as
   * compromised, so without this an SSE-C option on an http endpoint is `InvalidArgumentError`. For loopback test
   * servers only. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
   * @default false
   */
  readonly allowInsecureSseC?: boolean;
  /**
   * SSE-C keys by id, for reads: get, head, getBuffer, exists, download, the source of copy and multipart copy,
   * restoreVersion, setStorageClass and reencrypt find an object's key from the `bk-sse-c-key-id` metadata bucketkit
   * wrote. S3 answers a HEAD of an SSE-C object without its key with 400 and with a wrong key with 403, so the id cannot
   * be read first: a read without `customerKeyId` makes one HEAD per key id tried (the write `encryption.keyId`, then
   * `keyIds()`) until one opens the object, and reads an object that is not SSE-C without a key. See docs/encryption.md.
   * Cannot be combined with a static SSE-C `encryption.key` (give that key an id in the provider instead).
   * @default - `encryption.keyProvider` when `encryption` is SSE-C with a provider, else none
   */
  readonly customerKeys?: CustomerKeyProvider;
  /**
   * A ready S3 client, for tests and advanced users. Its own settings then win over the ones above
   * (region, endpoint, credentials, retries, timeouts, pooling, checksums) on the wire. bucketkit still takes the
   * store's rules (the default part check, the compatibility profile, acceleration, delete-marker detection) from
   * `endpoint`: a client built with an `endpoint` needs the same URL in this config, because the SDK keeps a client's
   * endpoint behind an async provider that cannot be read when the storage is built.
   * @throws InvalidArgumentError (`endpoint`) when the client has a custom endpoint and the config gives none
   * @default - a client built from this config
   */
  readonly client?: S3Client;
  /**
   * Certificate authorities (PEM: a file path, or the PEM itself) trusted for https instead of Node's roots, as the
   * AWS CLI's `ca_bundle`; for the clients bucketkit builds (core/ca-bundle.ts).
   * https://docs.aws.amazon.com/sdkref/latest/guide/feature-gen-config.html
   * @throws InvalidArgumentError (`caBundle`) when unreadable, not PEM, or given with a ready `client`
   * @default - the file `AWS_CA_BUNDLE` names, else Node's roots (and `NODE_EXTRA_CA_CERTS`)
   */
  readonly caBundle?: string | Uint8Array;
}

/** A validated config with every default filled in. */
export interface ResolvedS3StorageConfig extends ResolvedAccelerationConfig {
  readonly bucket: string;
  /** The region to start with; `regionSource` says where it came from. */
  readonly region: string;
  readonly regionSource: 'config' | 'environment' | 'custom-endpoint' | 'discover';
  readonly endpoint?: string;
  readonly customEndpoint: boolean;
  /**
   * The requests go to another endpoint than Amazon S3's: `endpoint`, or one configured in the environment
   * (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, which the SDK uses). A default upload's part check is then negotiated
   * (transfer/upload/checksum-negotiation.ts).
   */
  readonly otherThanAmazonS3: boolean;
  readonly forcePathStyle: boolean;
  /** Static credentials print their `secretAccessKey` and `sessionToken` as `[redacted]` (JSON, `util.inspect`). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly maxAttempts: number;
  readonly retryMode: 'standard' | 'adaptive';
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly concurrency: number;
  /** Hash workers; undefined: the pool's default. */
  readonly hashWorkers?: number;
  readonly checksumPolicy: ChecksumPolicy;
  readonly requestPayer: boolean;
  readonly useAccelerateEndpoint: boolean;
  /** True when the checksum policy was set in the config, so a compatibility profile must not change it. */
  readonly checksumPolicyExplicit: boolean;
  readonly compatibility?: 'auto' | ProviderName | CapabilityReport;
  readonly client?: S3Client;
  /** The default encryption of writes; an SSE-C key in it prints as `[SSE-C key]`. */
  readonly encryption?: ServerSideEncryption;
  readonly allowInsecureSseC: boolean;
  /** The PEM bundle https trusts instead of Node's roots (`caBundle` or `AWS_CA_BUNDLE`). */
  readonly caBundle?: Buffer;
  /** The SSE-C key provider of reads (`customerKeys`, else `encryption.keyProvider`); it prints as `[CustomerKeyProvider]`. */
  readonly customerKeys?: CustomerKeyProvider;
}

const REDACTED_SECRET = '[redacted]';

/**
 * Static credentials whose `secretAccessKey` and `sessionToken` print as `[redacted]` in JSON, `util.inspect` and
 * Jest snapshots; the SDK still reads the real values from the properties. A provider function is returned as is.
 */
function redactCredentials(
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined,
): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
  if (credentials === undefined || typeof credentials === 'function') return credentials;
  const shown = (): Record<string, unknown> => ({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: REDACTED_SECRET,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: REDACTED_SECRET }),
    ...(credentials.expiration === undefined ? {} : { expiration: credentials.expiration }),
  });
  const copy = { ...credentials };
  Object.defineProperty(copy, 'toJSON', { value: shown, enumerable: false });
  Object.defineProperty(copy, inspect.custom, { value: () => shown(), enumerable: false });
  return copy;
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$|^[a-z0-9-]+$/;

function fail(field: string, message: string, value?: unknown): never {
  const shown = value === undefined ? '' : ` (got ${show(value)})`;
  throw new InvalidArgumentError(`config.${field}: ${message}${shown}`, { field: `config.${field}` });
}

/**
 * A bad value as shown in an error: JSON where it has one, else a short description. Never throws, so a BigInt, a
 * symbol, a function, a cycle or a throwing `toJSON` still yields the `InvalidArgumentError`, not a `TypeError`.
 */
function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n, a BigInt`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // A BigInt inside an object, a cycle, a throwing getter or toJSON: described below.
  }
  try {
    return `a value with no JSON form (${Object.prototype.toString.call(value)})`;
  } catch {
    return 'a value with no JSON form';
  }
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

/**
 * Validates a config and fills in defaults. Throws {@link InvalidArgumentError} naming the first bad field.
 * Reads `AWS_REGION` from `env` when no region is configured, and the endpoint the SDK would take from `env`
 * (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`) when none is configured.
 */
export function resolveS3StorageConfig(config: S3StorageConfig, env: NodeJS.ProcessEnv = process.env): ResolvedS3StorageConfig {
  if (typeof config !== 'object' || config === null) fail('', 'a config object is required', config);
  const problems = checkBucketName(config.bucket);
  if (problems.length > 0) fail('bucket', problems.map((p) => p.message).join('; '), config.bucket);

  let endpoint: string | undefined;
  if (config.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(config.endpoint);
    } catch {
      fail('endpoint', 'must be an absolute http(s) URL', config.endpoint);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('endpoint', 'must use http or https', config.endpoint);
    if (url.username || url.password) fail('endpoint', 'must not embed credentials; pass config.credentials instead');
    endpoint = url.toString().replace(/\/$/, '');
  }
  const customEndpoint = endpoint !== undefined;
  if (!customEndpoint && clientHasCustomEndpoint(config.client)) {
    fail(
      'endpoint',
      "is required with a client built with an endpoint: give the client's endpoint URL here too, or bucketkit applies Amazon S3's rules to that store",
    );
  }

  // The SDK also takes an endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (configured endpoints): that is another
  // store than Amazon S3 just as well, and gets the same defaults (region, path style, checksums, part checks), and
  // acceleration is refused for it too, here rather than at the first request.
  const envEndpoint = endpoint === undefined ? configuredEndpointFromEnv(env) : undefined;
  const otherThanAmazonS3 = customEndpoint || envEndpoint !== undefined;

  let region: string;
  let regionSource: ResolvedS3StorageConfig['regionSource'];
  if (config.region !== undefined) {
    if (typeof config.region !== 'string' || !REGION.test(config.region)) fail('region', 'is not a region name such as us-east-1', config.region);
    region = config.region;
    regionSource = 'config';
  } else if (env.AWS_REGION) {
    region = env.AWS_REGION;
    regionSource = 'environment';
  } else if (otherThanAmazonS3) {
    region = DEFAULT_CUSTOM_ENDPOINT_REGION;
    regionSource = 'custom-endpoint';
  } else {
    region = 'us-east-1';
    regionSource = 'discover';
  }

  const maxAttempts = config.maxAttempts === undefined ? DEFAULT_MAX_ATTEMPTS : integerIn('maxAttempts', config.maxAttempts, 1, 20);
  const retryMode = config.retryMode ?? 'standard';
  if (retryMode !== 'standard' && retryMode !== 'adaptive') fail('retryMode', "must be 'standard' or 'adaptive'", retryMode);
  const connectionTimeoutMs =
    config.connectionTimeoutMs === undefined ? DEFAULT_CONNECTION_TIMEOUT_MS : integerIn('connectionTimeoutMs', config.connectionTimeoutMs, 1, 600_000);
  const requestTimeoutMs =
    config.requestTimeoutMs === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : integerIn('requestTimeoutMs', config.requestTimeoutMs, 0, 3_600_000);
  const concurrency = config.concurrency === undefined ? DEFAULT_CONCURRENCY : integerIn('concurrency', config.concurrency, 1, 1024);
  const hashWorkers = config.hashWorkers === undefined ? undefined : integerIn('hashWorkers', config.hashWorkers, 0, 64);
  const checksumPolicy = config.checksumPolicy ?? (otherThanAmazonS3 ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED');
  if (checksumPolicy !== 'WHEN_SUPPORTED' && checksumPolicy !== 'WHEN_REQUIRED')
    fail('checksumPolicy', "must be 'WHEN_SUPPORTED' or 'WHEN_REQUIRED'", checksumPolicy);
  if (config.forcePathStyle !== undefined && typeof config.forcePathStyle !== 'boolean') fail('forcePathStyle', 'must be a boolean', config.forcePathStyle);
  if (config.requestPayer !== undefined && typeof config.requestPayer !== 'boolean') fail('requestPayer', 'must be a boolean', config.requestPayer);
  const useAccelerateEndpoint = config.useAccelerateEndpoint ?? false;
  const forcePathStyle = config.forcePathStyle ?? otherThanAmazonS3;
  const acceleration = resolveAccelerationConfig(
    { ...config, endpoint: endpoint ?? envEndpoint },
    { customEndpoint: otherThanAmazonS3, forcePathStyle, endpointFromEnvironment: envEndpoint !== undefined },
  );
  const providers = ['auto', ...PROVIDER_NAMES];
  if (
    config.compatibility !== undefined &&
    !(typeof config.compatibility === 'object' && config.compatibility !== null && 'features' in config.compatibility) &&
    !providers.includes(config.compatibility as string)
  ) {
    fail('compatibility', `must be 'auto', a provider name (${providers.slice(1).join(', ')}) or a CapabilityReport`, config.compatibility);
  }
  if (config.credentials !== undefined) {
    const c = config.credentials as { accessKeyId?: unknown; secretAccessKey?: unknown };
    if (typeof config.credentials !== 'function' && (typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string')) {
      // Never echo the values: they are secrets.
      fail('credentials', 'must be { accessKeyId, secretAccessKey, sessionToken? } strings or a credential provider function');
    }
  }
  if (config.allowInsecureSseC !== undefined && typeof config.allowInsecureSseC !== 'boolean')
    fail('allowInsecureSseC', 'must be a boolean', config.allowInsecureSseC);
  const allowInsecureSseC = config.allowInsecureSseC ?? false;
  // Never echo the encryption option: an SSE-C key is a secret (assertEncryption names the field only).
  assertEncryption(config.encryption, 'config.encryption');
  if (config.customerKeys !== undefined) assertKeyProvider(config.customerKeys, 'config.customerKeys');
  if (config.customerKeys !== undefined && customerKeyOf(config.encryption) !== undefined)
    fail(
      'customerKeys',
      'cannot be combined with a static SSE-C encryption.key: give that key an id in the provider and set encryption to { keyProvider, keyId }',
    );
  if (config.encryption?.type === 'SSE-C' && endpoint?.startsWith('http:') && !allowInsecureSseC) {
    fail(
      'encryption',
      `SSE-C over plain http (${endpoint}) sends the key in the clear and S3 refuses it; use https, or set allowInsecureSseC: true for a loopback test server`,
    );
  }
  return {
    bucket: config.bucket,
    region,
    regionSource,
    endpoint,
    customEndpoint,
    otherThanAmazonS3,
    forcePathStyle,
    credentials: redactCredentials(config.credentials),
    maxAttempts,
    retryMode,
    connectionTimeoutMs,
    requestTimeoutMs,
    concurrency,
    hashWorkers,
    checksumPolicy,
    requestPayer: config.requestPayer ?? false,
    useAccelerateEndpoint,
    checksumPolicyExplicit: config.checksumPolicy !== undefined,
    compatibility: config.compatibility,
    client: config.client,
    encryption: redactCustomerKey(config.encryption),
    allowInsecureSseC,
    caBundle: resolveCaBundle(config.caBundle, env, config.client !== undefined),
    ...acceleration,
    customerKeys: redactKeyProvider(config.customerKeys ?? (config.encryption?.type === 'SSE-C' ? config.encryption.keyProvider : undefined)),
  };
}

/**
 * True when `client` was built with an `endpoint` (the SDK's resolved `isCustomEndpoint`). Its URL itself sits behind
 * an async provider, so it cannot be read here.
 */
function clientHasCustomEndpoint(client: S3Client | undefined): boolean {
  return (client?.config as { isCustomEndpoint?: unknown } | undefined)?.isCustomEndpoint === true;
}

/**
 * The endpoint the SDK reads from the environment when the config gives none: `AWS_ENDPOINT_URL_S3`, else
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function configuredEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}
