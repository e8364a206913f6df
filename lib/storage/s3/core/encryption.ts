import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { InvalidArgumentError } from '../../errors';
import type { CustomerKeyProvider } from '../../types/customer-keys';
import type { ServerSideEncryption } from '../../types/objects';

/** The user metadata (`x-amz-meta-bk-sse-c-key-id`) naming the provider key id an SSE-C object was written with. */
export const CUSTOMER_KEY_ID_METADATA = 'bk-sse-c-key-id';
/** The user metadata holding the base64 MD5 of the SSE-C key an object was written with (never the key). */
export const CUSTOMER_KEY_MD5_METADATA = 'bk-sse-c-key-md5';

/** The SSE request fields of PutObject, CreateMultipartUpload and CopyObject. */
export interface SseWriteInput {
  ServerSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** The SSE-C fields every request on an SSE-C object carries (GET, HEAD, UploadPart, ...). */
export interface SseCustomerInput {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** Base64 of the MD5 of the raw key bytes, as `x-amz-server-side-encryption-customer-key-MD5` carries it (RFC 1321). */
export function customerKeyMd5(key: Uint8Array): string {
  return createHash('md5')
    .update(Buffer.from(key.buffer, key.byteOffset, key.byteLength))
    .digest('base64');
}

/** SSE-C headers for a 256-bit key: the base64 key and the base64 MD5 of its bytes. */
export function customerKeyInput(key: Uint8Array | undefined): SseCustomerInput {
  if (key === undefined) return {};
  const bytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: bytes.toString('base64'),
    SSECustomerKeyMD5: customerKeyMd5(bytes),
  };
}

/** The SSE-C key of an encryption option (`key`, or the deprecated `customerKey`), else undefined. */
export function customerKeyOf(encryption: ServerSideEncryption | undefined): Uint8Array | undefined {
  return encryption?.type === 'SSE-C' ? (encryption.key ?? encryption.customerKey) : undefined;
}

/** The KMS key id of an SSE-KMS or DSSE-KMS option (`keyId`, or the deprecated `kmsKeyId`). */
export function kmsKeyIdOf(encryption: ServerSideEncryption | undefined): string | undefined {
  return encryption?.type === 'SSE-KMS' || encryption?.type === 'DSSE-KMS' ? (encryption.keyId ?? encryption.kmsKeyId) : undefined;
}

function contextHeader(context: Readonly<Record<string, string>> | undefined): string | undefined {
  return context ? Buffer.from(JSON.stringify(context)).toString('base64') : undefined;
}

/** SSE request fields for a write. */
export function sseWriteInput(encryption: ServerSideEncryption | undefined): SseWriteInput {
  if (encryption === undefined) return {};
  switch (encryption.type) {
    case 'SSE-S3':
      return { ServerSideEncryption: 'AES256' };
    case 'SSE-KMS':
      return {
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: kmsKeyIdOf(encryption),
        SSEKMSEncryptionContext: contextHeader(encryption.context),
        BucketKeyEnabled: encryption.bucketKey ?? encryption.bucketKeyEnabled,
      };
    case 'DSSE-KMS':
      return { ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: kmsKeyIdOf(encryption), SSEKMSEncryptionContext: contextHeader(encryption.context) };
    case 'SSE-C':
      // A provider option must be resolved to its key first (encryption/customer-keys.ts): never write it as plaintext.
      if (customerKeyOf(encryption) === undefined)
        throw new InvalidArgumentError('encryption: an SSE-C key provider was not resolved to a key', { field: 'encryption' });
      return customerKeyInput(customerKeyOf(encryption));
  }
}

/** The key provider of an SSE-C `{ keyProvider, keyId }` option, else undefined. */
export function keyProviderOf(encryption: ServerSideEncryption | undefined): CustomerKeyProvider | undefined {
  return encryption?.type === 'SSE-C' ? encryption.keyProvider : undefined;
}

/** The config fields the encryption defaults read (a subset of `ResolvedS3StorageConfig`). */
export interface EncryptionConfig {
  readonly bucket: string;
  readonly endpoint?: string;
  readonly encryption?: ServerSideEncryption;
  readonly allowInsecureSseC: boolean;
}

const REDACTED = '[SSE-C key]';

/** Key bytes that print as `[SSE-C key]` in JSON, `util.inspect`, string conversion and Jest snapshots. */
class RedactedKeyBytes extends Uint8Array {
  public toJSON(): string {
    return REDACTED;
  }
  public override toString(): string {
    return REDACTED;
  }
  public [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * The same encryption option with an SSE-C key copied into bytes that never print (`[SSE-C key]`), so a config or
 * result that holds it can be logged or serialized. Anything else is returned as is.
 */
export function redactCustomerKey(encryption: ServerSideEncryption | undefined): ServerSideEncryption | undefined {
  if (encryption?.type === 'SSE-C' && encryption.keyProvider !== undefined)
    return { type: 'SSE-C', keyProvider: redactKeyProvider(encryption.keyProvider), keyId: encryption.keyId };
  const key = customerKeyOf(encryption);
  if (key === undefined || key instanceof RedactedKeyBytes) return encryption;
  return { type: 'SSE-C', key: redactKeyBytes(key) };
}

/** A copy of key bytes that prints as `[SSE-C key]` (JSON, `util.inspect`, string conversion, Jest snapshots). */
export function redactKeyBytes(key: Uint8Array): Uint8Array {
  if (key instanceof RedactedKeyBytes) return key;
  const copy = new RedactedKeyBytes(key.length);
  copy.set(key);
  return copy;
}

const PROVIDER_SHOWN = '[CustomerKeyProvider]';
const INNER_PROVIDER = Symbol('bucketkit.innerKeyProvider');

/** True when `a` and `b` are the same provider, either of them possibly wrapped by {@link redactKeyProvider}. */
export function sameKeyProvider(a: CustomerKeyProvider | undefined, b: CustomerKeyProvider | undefined): boolean {
  const inner = (p: CustomerKeyProvider | undefined) => (p as { [INNER_PROVIDER]?: CustomerKeyProvider } | undefined)?.[INNER_PROVIDER] ?? p;
  return a !== undefined && inner(a) === inner(b);
}

/**
 * A provider that delegates to `provider` and prints as `[CustomerKeyProvider]` (JSON, `util.inspect`), so a config
 * that holds one never serializes the provider's own fields (an in-memory provider may hold keys).
 */
export function redactKeyProvider(provider: CustomerKeyProvider | undefined): CustomerKeyProvider | undefined {
  if (provider === undefined || (provider as { [PROVIDER_SHOWN]?: true })[PROVIDER_SHOWN]) return provider;
  const wrapped: CustomerKeyProvider = {
    getKey: (keyId, request) => provider.getKey(keyId, request),
    keyIds: provider.keyIds === undefined ? undefined : (request) => provider.keyIds?.(request) ?? [],
  };
  for (const [name, value] of [
    [PROVIDER_SHOWN, true],
    [INNER_PROVIDER, provider],
    ['toJSON', () => PROVIDER_SHOWN],
    [inspect.custom, () => PROVIDER_SHOWN],
  ] as const)
    Object.defineProperty(wrapped, name, { value, enumerable: false });
  return wrapped;
}

/**
 * Refuses SSE-C over a plain-http endpoint unless the config allows it (loopback test servers): S3 rejects SSE-C over
 * HTTP, and a key sent in the clear is compromised. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 * @throws InvalidArgumentError naming `field`; the key is never echoed
 */
export function assertSseCTransport(config: Pick<EncryptionConfig, 'endpoint' | 'allowInsecureSseC'>, field: string): void {
  if (config.endpoint?.startsWith('http:') && !config.allowInsecureSseC) {
    throw new InvalidArgumentError(
      `${field}: SSE-C over plain http (${config.endpoint}) sends the key in the clear and S3 refuses it; use https, or set allowInsecureSseC: true in the config for a loopback test server`,
      { field },
    );
  }
}

function isOptions(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Write options with the config's default encryption filled in (`options.encryption` wins), SSE-C refused on plain
 * http. Options that are not an object are returned unchanged, for the operation's own validation to reject.
 */
export function withWriteEncryption<T extends { readonly encryption?: ServerSideEncryption }>(config: EncryptionConfig, options: T): T {
  if (!isOptions(options)) return options;
  const encryption = options.encryption ?? config.encryption;
  if (encryption?.type === 'SSE-C') assertSseCTransport(config, 'encryption');
  return encryption === options.encryption ? options : { ...options, encryption };
}

/** Read options with the SSE-C key of the config's default encryption filled in (`options.customerKey` wins). */
export function withReadKey<T extends { readonly customerKey?: Uint8Array }>(config: EncryptionConfig, options: T): T {
  if (!isOptions(options)) return options;
  const customerKey = options.customerKey ?? customerKeyOf(config.encryption);
  if (customerKey !== undefined) assertSseCTransport(config, 'customerKey');
  return customerKey === options.customerKey ? options : { ...options, customerKey };
}

/**
 * Copy options with the config's default encryption for the destination and, for a source in this bucket, its SSE-C
 * key as the copy-source key (the `x-amz-copy-source-server-side-encryption-customer-*` trio).
 */
export function withCopyKeys<T extends { readonly encryption?: ServerSideEncryption; readonly sourceCustomerKey?: Uint8Array; readonly sourceBucket?: string }>(
  config: EncryptionConfig,
  options: T,
): T {
  const written = withWriteEncryption(config, options);
  if (!isOptions(written)) return written;
  const sameBucket = written.sourceBucket === undefined || written.sourceBucket === config.bucket;
  const sourceCustomerKey = written.sourceCustomerKey ?? (sameBucket ? customerKeyOf(config.encryption) : undefined);
  if (sourceCustomerKey !== undefined) assertSseCTransport(config, 'sourceCustomerKey');
  return sourceCustomerKey === written.sourceCustomerKey ? written : { ...written, sourceCustomerKey };
}
