/**
 * The Transfer Acceleration and dual-stack part of `S3StorageConfig`, and its validation (run at construction, before
 * any request). Kept apart from config.ts so that file stays small.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { checkBucketName } from '../../../rules/bucket-name';
import { InvalidArgumentError } from '../../errors';

/**
 * When requests use the S3 Transfer Acceleration endpoint (`<bucket>.s3-accelerate.amazonaws.com`):
 * - `'off'`: never.
 * - `'on'`: always for the operations that can be accelerated (see `ACCELERATED_COMMANDS` in
 *   `core/acceleration-router.ts`: object reads and writes, multipart uploads); refused at construction when it can
 *   never work (a custom endpoint, path-style addressing, a bucket name with dots).
 * - `'auto'`: the bucket's setting is read once per instance (GetBucketAccelerateConfiguration, cached) and the
 *   endpoint is used only when it is `Enabled` and the name allows it. With a custom `endpoint` (MinIO, Ceph, moto)
 *   or path-style addressing it never accelerates and reads nothing: those stores have no accelerate endpoint.
 */
export type AccelerateMode = 'off' | 'on' | 'auto';

/** Default cool-down after a fallback from the accelerate endpoint: 5 minutes. */
export const DEFAULT_ACCELERATION_COOL_DOWN_MS = 5 * 60 * 1000;
/** The longest cool-down accepted: one day. */
export const MAX_ACCELERATION_COOL_DOWN_MS = 24 * 60 * 60 * 1000;

/** The acceleration and dual-stack fields of {@link S3StorageConfig}. */
export interface AccelerationConfig {
  /**
   * Use S3 Transfer Acceleration: see {@link AccelerateMode}. bucketkit keeps two SDK clients, regional and
   * accelerated (built on first use), and picks one per operation, so bucket creation, deletion and listing,
   * ListBuckets, bucket configuration and copies (cross-Region ones cannot be accelerated) always go to the regional
   * endpoint. An accelerated request that fails with `InvalidRequest` (acceleration not configured) or a DNS or
   * connection error is replayed once on the regional endpoint, and acceleration then stays off for
   * `accelerationCoolDownMs`. See docs/acceleration.md.
   * @default 'off'
   */
  readonly accelerate?: AccelerateMode;
  /**
   * How long, in ms, the accelerate endpoint stays unused after a request fell back from it to the regional one.
   * From 0 (retry acceleration on the next request) to 86,400,000 (a day).
   * @default 300000 (5 minutes)
   */
  readonly accelerationCoolDownMs?: number;
  /**
   * Use the dual-stack (IPv4 and IPv6) endpoints: `s3.dualstack.<region>.amazonaws.com`, and
   * `<bucket>.s3-accelerate.dualstack.amazonaws.com` when accelerating (the SDK's `useDualstackEndpoint`). Amazon S3
   * only: refused with a custom `endpoint`, which the SDK cannot combine with it.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/dual-stack-endpoints.html
   * @default false
   */
  readonly dualStack?: boolean;
  /**
   * A ready SDK client for the accelerated path, for tests and benchmarks (pointing it at a relay or a refusing port)
   * and advanced users. When given, `accelerate` is not refused for a custom endpoint or path-style addressing: this
   * client's own settings decide where accelerated requests go. It is never destroyed by bucketkit.
   * @default - a client built from this config with `useAccelerateEndpoint: true` (also when `client` is given)
   */
  readonly acceleratedClient?: S3Client;
  /**
   * @deprecated use `accelerate: 'on'`, which sends only operations that can be accelerated to the accelerate
   * endpoint. `true` means `accelerate: 'on'`.
   * @default false
   */
  readonly useAccelerateEndpoint?: boolean;
}

/** The acceleration fields of a resolved config. */
export interface ResolvedAccelerationConfig {
  /** The mode; `'on'` also when the deprecated `useAccelerateEndpoint` was `true`. */
  readonly accelerate: AccelerateMode;
  /** The cool-down after a fallback, ms. */
  readonly accelerationCoolDownMs: number;
  /** Whether both clients use the dual-stack endpoints. */
  readonly dualStack: boolean;
  /** The caller's accelerated client, if one was given. */
  readonly acceleratedClient?: S3Client;
}

/** A bad value as shown in an error; never throws (a BigInt or a cycle has no JSON). */
function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function fail(field: string, message: string): never {
  throw new InvalidArgumentError(`config.${field}: ${message}`, { field: `config.${field}` });
}

/**
 * Validates the acceleration fields. `'on'` is refused where the SDK or S3 would refuse it at the first request:
 * the SDK's endpoint rules throw "A custom endpoint cannot be combined with S3 Accelerate" and "Path-style addressing
 * cannot be used with S3 Accelerate", and S3 accelerates only DNS-compliant names without dots.
 * @throws InvalidArgumentError naming the field
 */
export function resolveAccelerationConfig(
  config: AccelerationConfig & { readonly bucket: string; readonly endpoint?: string },
  resolved: { readonly customEndpoint: boolean; readonly forcePathStyle: boolean; readonly endpointFromEnvironment?: boolean },
): ResolvedAccelerationConfig {
  // The endpoint as the user set it: the config's field, or the environment variable the SDK reads.
  const endpointShown = resolved.endpointFromEnvironment ? `${config.endpoint}, from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL` : config.endpoint;
  const removeIt = resolved.endpointFromEnvironment
    ? 'Unset AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (or set AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true)'
    : 'Remove endpoint';
  const { accelerate: given, useAccelerateEndpoint } = config;
  if (given !== undefined && given !== 'off' && given !== 'on' && given !== 'auto') fail('accelerate', `must be 'off', 'on' or 'auto' (got ${shown(given)})`);
  if (useAccelerateEndpoint !== undefined && typeof useAccelerateEndpoint !== 'boolean') fail('useAccelerateEndpoint', 'must be a boolean');
  if (useAccelerateEndpoint === true && given !== undefined && given !== 'on') {
    fail('useAccelerateEndpoint', `true means accelerate: 'on', which contradicts accelerate: '${given}'; give accelerate only`);
  }
  const accelerate: AccelerateMode = given ?? (useAccelerateEndpoint ? 'on' : 'off');
  const cool = config.accelerationCoolDownMs;
  if (cool !== undefined && (typeof cool !== 'number' || !Number.isInteger(cool) || cool < 0 || cool > MAX_ACCELERATION_COOL_DOWN_MS)) {
    fail('accelerationCoolDownMs', `must be an integer from 0 to ${MAX_ACCELERATION_COOL_DOWN_MS} (got ${shown(cool)})`);
  }
  if (config.dualStack !== undefined && typeof config.dualStack !== 'boolean') fail('dualStack', 'must be a boolean');
  const dualStack = config.dualStack ?? false;
  if (dualStack && resolved.customEndpoint) {
    fail('dualStack', `the dual-stack endpoints are Amazon S3's; a custom endpoint (${endpointShown}) cannot be combined with them (the SDK refuses the pair)`);
  }
  const acceleratedClient = config.acceleratedClient;
  if (
    acceleratedClient !== undefined &&
    (typeof acceleratedClient !== 'object' || acceleratedClient === null || typeof acceleratedClient.send !== 'function')
  ) {
    fail('acceleratedClient', 'must be an S3Client');
  }
  if (accelerate === 'on') {
    // A refusal names the field the user set: accelerate, or the deprecated useAccelerateEndpoint.
    const field = given === undefined ? 'useAccelerateEndpoint' : 'accelerate';
    const why = `S3 Transfer Acceleration has its own endpoint (<bucket>.s3-accelerate.amazonaws.com), so ${field === 'accelerate' ? "accelerate: 'on'" : 'useAccelerateEndpoint: true'}`;
    if (acceleratedClient === undefined && resolved.customEndpoint) {
      fail(
        field,
        `${why} cannot be combined with a custom endpoint (${endpointShown}); S3-compatible stores have no accelerate endpoint. ${removeIt}, or use accelerate: 'off' (or 'auto', which never accelerates there)`,
      );
    }
    if (acceleratedClient === undefined && resolved.forcePathStyle) {
      fail(field, `${why} needs virtual-hosted-style requests; it cannot be combined with forcePathStyle: true`);
    }
    const problems = checkBucketName(config.bucket, { transferAcceleration: true }).filter((p) => p.ruleId === 'S3-ACCELERATE-BUCKET-NAME-DOTS');
    if (problems.length > 0) fail(field, `${why} cannot be used for bucket ${config.bucket}: ${problems.map((p) => `${p.message} (${p.fix})`).join('; ')}`);
  }
  return { accelerate, accelerationCoolDownMs: cool ?? DEFAULT_ACCELERATION_COOL_DOWN_MS, dualStack, acceleratedClient };
}
