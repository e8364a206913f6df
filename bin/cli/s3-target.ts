/**
 * What the S3 commands share: `s3://bucket/key` URLs, the `--endpoint` / `--region` options, the storage they open
 * and human-readable sizes.
 *
 * The endpoint is `--endpoint`, else `AWS_ENDPOINT_URL_S3` (the SDK's service-specific variable), else Amazon S3.
 * Credentials come from the SDK's default chain.
 */
import type { Command } from 'commander';
import { checkBucketName } from '../../lib/rules';
import { InvalidArgumentError, S3Storage } from '../../lib/storage';
import { UsageError } from './exit-codes';

/** A parsed `s3://bucket/key` URL; `key` is '' for `s3://bucket` and `s3://bucket/`. */
export interface S3Url {
  readonly bucket: string;
  readonly key: string;
}

/** The `--endpoint` and `--region` options of an S3 command. */
export interface S3CommandOptions {
  readonly endpoint?: string;
  readonly region?: string;
}

/** True for an `s3://` URL (any case of the scheme). */
export function isS3Url(value: string): boolean {
  return /^s3:\/\//i.test(value);
}

/**
 * Parses `s3://bucket/key` (`form` is how the message shows the expected URL). @throws UsageError naming `what` when the value is not an s3:// URL, has no bucket or a
 * bucket name S3's naming rules refuse (the library's own rule, `checkBucketName`, checked here so the error names
 * the argument rather than the library's `config.bucket`)
 */
export function parseS3Url(value: string, what: string, form = 's3://bucket/key'): S3Url {
  if (!isS3Url(value)) throw new UsageError(`${what}: expected an ${form} URL (got ${JSON.stringify(value)})`);
  const rest = value.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket.length === 0) throw new UsageError(`${what}: the URL names no bucket (got ${JSON.stringify(value)})`);
  const problems = checkBucketName(bucket);
  if (problems.length > 0) throw new UsageError(`${what}: bucket name ${JSON.stringify(bucket)}: ${problems.map((p) => p.message).join('; ')}`);
  return { bucket, key };
}

/** Adds `--endpoint` and `--region` to a command. */
export function addS3Options(command: Command): Command {
  return command
    .option('--endpoint <url>', 'an S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3, else Amazon S3)')
    .option('--region <region>', 'the region (default: AWS_REGION, else the bucket region S3 reports)');
}

/** The endpoint a command uses: `--endpoint`, else `AWS_ENDPOINT_URL_S3`, else undefined (Amazon S3). */
export function endpointOf(options: S3CommandOptions): string | undefined {
  return options.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || undefined);
}

/** Where each S3Storage config field the CLI fills comes from, for usage errors in CLI terms. */
const CONFIG_SOURCES: Readonly<Record<string, (options: S3CommandOptions) => string>> = {
  'config.endpoint': (o) => (o.endpoint === undefined ? 'AWS_ENDPOINT_URL_S3' : '--endpoint'),
  'config.region': (o) => (o.region === undefined ? 'AWS_REGION' : '--region'),
  'config.bucket': () => 'the bucket',
};

/**
 * An S3Storage on `bucket` with the command's endpoint and region; credentials from the SDK chain.
 * @throws UsageError naming the option (or variable) when the library's config validation refuses a value
 */
export function openStorage(bucket: string, options: S3CommandOptions): S3Storage {
  try {
    return new S3Storage({ bucket, endpoint: endpointOf(options), region: options.region });
  } catch (error) {
    const source = error instanceof InvalidArgumentError && error.field !== undefined ? CONFIG_SOURCES[error.field] : undefined;
    if (source === undefined) throw error;
    throw new UsageError(`${source(options)}: ${error instanceof Error ? error.message.replace(/^config\.\w+: /, '') : String(error)}`);
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `bytes` in binary units with one decimal, e.g. `200.0 MiB`; whole bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
