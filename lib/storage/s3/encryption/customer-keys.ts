/**
 * SSE-C keys from a `CustomerKeyProvider`, applied before an operation runs: the facade passes each call's options
 * through one of these, and the operation below sees a plain SSE-C key (bytes that never print). Writes resolve
 * `{ keyProvider, keyId }` and add the `bk-sse-c-key-id` / `bk-sse-c-key-md5` metadata; reads find the object's key
 * with {@link selectCustomerKey}. Without a provider the options pass through the static-key defaults unchanged.
 */
import { InvalidArgumentError, ObjectNotFoundError } from '../../errors';
import type { SetStorageClassOptions } from '../../types/archive';
import type { CopyOptions, HeadOptions, ObjectMetadata, ServerSideEncryption } from '../../types/objects';
import type { S3Context } from '../core/context';
import {
  CUSTOMER_KEY_ID_METADATA,
  CUSTOMER_KEY_MD5_METADATA,
  assertSseCTransport,
  customerKeyMd5,
  keyProviderOf,
  withCopyKeys,
  withReadKey,
  withWriteEncryption,
} from '../core/encryption';
import { assertCustomerKeyId, assertEncryption, assertKey, assertReadOptions } from '../core/validation';
import { objectMetadataOf } from '../core/mapping';
import { METADATA_OPTIONS } from '../objects/copy';
import { headObject } from '../objects/get';
import { CustomerKeyResolver } from './key-provider';
import { contentHeadersOf, headWith, keyMetadata, readResolver, selectCustomerKey, withoutKeyMetadata, type SelectedCustomerKey } from './key-selection';

interface Signalled {
  readonly abortSignal?: AbortSignal;
}

function isOptions<T>(value: T): value is T & object {
  return typeof value === 'object' && value !== null;
}

/**
 * A `{ keyProvider, keyId }` SSE-C option resolved to `{ key }` (the provider asked once, with the config's
 * `requestTimeoutMs`), with the key id; anything else is returned as is.
 * @throws InvalidArgumentError for a bad option; CustomerKeyProviderError naming the key id; AbortedError
 */
export async function resolveEncryption(
  ctx: S3Context,
  encryption: ServerSideEncryption | undefined,
  abortSignal: AbortSignal | undefined,
  field = 'encryption',
  shared?: CustomerKeyResolver,
): Promise<{ encryption: ServerSideEncryption | undefined; keyId?: string }> {
  const provider = keyProviderOf(encryption);
  if (provider === undefined || encryption?.type !== 'SSE-C') return { encryption };
  assertEncryption(encryption, field);
  assertSseCTransport(ctx.config, field);
  const keyId = encryption.keyId as string;
  const resolver = shared?.serves(provider) ? shared : new CustomerKeyResolver(provider, ctx.config.requestTimeoutMs, abortSignal);
  const key = await resolver.key(keyId);
  return { encryption: { type: 'SSE-C', key }, keyId };
}

/** Write options (put, upload, resumeUpload) with the default encryption filled in and a provider key resolved, plus its metadata. */
export async function withWriteKey<T extends Signalled & { readonly encryption?: ServerSideEncryption; readonly metadata?: Readonly<Record<string, string>> }>(
  ctx: S3Context,
  options: T,
): Promise<T> {
  const written = withWriteEncryption(ctx.config, options);
  if (!isOptions(written)) return written;
  const { encryption, keyId } = await resolveEncryption(ctx, written.encryption, written.abortSignal);
  if (keyId === undefined || encryption?.type !== 'SSE-C' || encryption.key === undefined) return written;
  return { ...written, encryption, metadata: { ...withoutKeyMetadata(written.metadata), ...keyMetadata(keyId, encryption.key) } };
}

/** Finds the key of `key` through the config's provider (a named `keyId` first), or undefined without a provider or for a non-SSE-C object. */
async function selectFor(
  ctx: S3Context,
  target: { bucket?: string; key: string; versionId?: string; keyId?: string; abortSignal?: AbortSignal },
  field: string,
  resolver = readResolver(ctx, target.abortSignal),
): Promise<SelectedCustomerKey | undefined> {
  if (target.keyId !== undefined) assertCustomerKeyId(target.keyId, field);
  if (resolver === undefined) {
    if (target.keyId !== undefined) throw new InvalidArgumentError(`${field}: needs config.customerKeys (or encryption { keyProvider, keyId })`, { field });
    return undefined;
  }
  assertSseCTransport(ctx.config, 'customerKeys');
  if (target.versionId !== undefined && (typeof target.versionId !== 'string' || target.versionId.length === 0))
    throw new InvalidArgumentError('versionId: must be a non-empty string', { field: 'versionId' });
  return selectCustomerKey(ctx, resolver, target);
}

/**
 * Read options (get, head, exists, download) with the object's SSE-C key: the caller's `customerKey`, else the one
 * the config's provider finds (`customerKeyId`, else the candidates), else the config's static key.
 */
export async function withReadKeyFor<T extends Signalled & { readonly customerKey?: Uint8Array; readonly customerKeyId?: string; readonly versionId?: string }>(
  ctx: S3Context,
  key: string,
  options: T,
): Promise<T> {
  const base = withReadKey(ctx.config, options);
  if (!isOptions(base) || base.customerKey !== undefined || ctx.config.customerKeys === undefined) {
    if (isOptions(base) && base.customerKeyId !== undefined && base.customerKey === undefined)
      throw new InvalidArgumentError('customerKeyId: needs config.customerKeys (or encryption { keyProvider, keyId })', { field: 'customerKeyId' });
    return base;
  }
  assertKey(key);
  assertReadOptions(base);
  const { customerKeyId, ...rest } = base;
  // A missing object: the read itself answers (with its own 404 details, or false for exists).
  const selected = await selectFor(ctx, { key, versionId: base.versionId, keyId: customerKeyId, abortSignal: base.abortSignal }, 'customerKeyId').catch(
    (error: unknown) => {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    },
  );
  return (selected === undefined ? rest : { ...rest, customerKey: selected.key }) as unknown as T;
}

/**
 * Copy options with the source's key found through the provider and the destination's provider key resolved. A copy
 * that would keep the source's metadata (`COPY`) while the destination key differs is turned into `REPLACE` with the
 * source's own content headers and metadata, with the `bk-sse-c-key-*` entries of the new key (or none).
 */
export async function withCopyKeysFor(ctx: S3Context, sourceKey: string, options: CopyOptions): Promise<CopyOptions> {
  const base = withCopyKeys(ctx.config, options);
  if (!isOptions(base)) return base;
  const { sourceCustomerKeyId, ...rest } = base;
  let out: CopyOptions = rest;
  let selected: SelectedCustomerKey | undefined;
  const resolver = readResolver(ctx, base.abortSignal);
  if (base.sourceCustomerKey === undefined && (ctx.config.customerKeys !== undefined || sourceCustomerKeyId !== undefined)) {
    assertKey(sourceKey, 'sourceKey');
    const target = { bucket: base.sourceBucket, key: sourceKey, versionId: base.sourceVersionId, keyId: sourceCustomerKeyId, abortSignal: base.abortSignal };
    selected = await selectFor(ctx, target, 'sourceCustomerKeyId', resolver);
    if (selected !== undefined) out = { ...out, sourceCustomerKey: selected.key };
  }
  const { encryption, keyId } = await resolveEncryption(ctx, out.encryption, out.abortSignal, 'encryption', resolver);
  out = { ...out, encryption };
  const newMetadata = keyId !== undefined && encryption?.type === 'SSE-C' && encryption.key !== undefined ? keyMetadata(keyId, encryption.key) : {};
  const sourceHasKeyMetadata = selected?.head.Metadata?.[CUSTOMER_KEY_ID_METADATA] !== undefined;
  if (keyId === undefined && !sourceHasKeyMetadata) return out;
  if (out.metadataDirective === 'REPLACE' || METADATA_OPTIONS.some((o) => out[o] !== undefined))
    return { ...out, metadata: { ...withoutKeyMetadata(out.metadata), ...newMetadata } };
  const head =
    selected?.head ??
    (await headWith(ctx, { bucket: out.sourceBucket, key: sourceKey, versionId: out.sourceVersionId, abortSignal: out.abortSignal }, out.sourceCustomerKey));
  // Same key as the source: COPY keeps the right metadata already.
  if (selected !== undefined && keyId !== undefined && customerKeyMd5(selected.key) === newMetadata[CUSTOMER_KEY_MD5_METADATA]) return out;
  return { ...out, ...contentHeadersOf(head), metadata: { ...withoutKeyMetadata(head.Metadata), ...newMetadata }, metadataDirective: 'REPLACE' };
}

/**
 * `head` through the config's provider: the HEAD that opened the object with its key is the answer, so a plain head
 * costs no second request. Options that change what HEAD returns (conditions, `partNumber`, `checksumMode`) go through
 * {@link withReadKeyFor} and a HEAD of their own.
 */
export async function headFor(ctx: S3Context, key: string, options: HeadOptions, detectDeleteMarker = true): Promise<ObjectMetadata> {
  const plain =
    isOptions(options) &&
    options.customerKey === undefined &&
    options.partNumber === undefined &&
    options.checksumMode === undefined &&
    [options.ifMatch, options.ifNoneMatch, options.ifModifiedSince, options.ifUnmodifiedSince].every((c) => c === undefined);
  if (!plain || ctx.config.customerKeys === undefined) return headObject(ctx, key, await withReadKeyFor(ctx, key, options), detectDeleteMarker);
  assertKey(key);
  assertReadOptions(options);
  const { customerKeyId, ...rest } = options;
  const target = { key, versionId: options.versionId, keyId: customerKeyId, abortSignal: options.abortSignal };
  const selected = await selectFor(ctx, target, 'customerKeyId').catch((error: unknown) => {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  });
  // Not SSE-C, or missing: a HEAD of its own gives the answer (and the delete-marker details of a 404).
  return selected === undefined ? headObject(ctx, key, rest, detectDeleteMarker) : objectMetadataOf(key, selected.head);
}

/**
 * `exists` through {@link headFor}: false on 404, without the ListObjectVersions that tells a delete marker from a
 * missing key (the answer is false either way).
 */
export async function existsFor(ctx: S3Context, key: string, options: HeadOptions): Promise<boolean> {
  try {
    await headFor(ctx, key, options, false);
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}

/** restoreVersion options: the version's key found through the provider; the copy keeps that key (and its metadata). */
export async function withRestoreKeysFor<
  T extends Signalled & { readonly encryption?: ServerSideEncryption; readonly sourceCustomerKey?: Uint8Array; readonly sourceCustomerKeyId?: string },
>(ctx: S3Context, key: string, versionId: string, options: T): Promise<T> {
  if (!isOptions(options) || (ctx.config.customerKeys === undefined && options.sourceCustomerKeyId === undefined)) return withCopyKeys(ctx.config, options);
  assertKey(key);
  const { sourceCustomerKeyId, ...rest } = options;
  const resolver = readResolver(ctx, options.abortSignal);
  const selected =
    options.sourceCustomerKey === undefined
      ? await selectFor(ctx, { key, versionId, keyId: sourceCustomerKeyId, abortSignal: options.abortSignal }, 'sourceCustomerKeyId', resolver)
      : undefined;
  const sourceCustomerKey = options.sourceCustomerKey ?? selected?.key;
  const asked = await resolveEncryption(ctx, options.encryption, options.abortSignal, 'encryption', resolver);
  // The copy keeps the version's metadata (COPY), so it must keep the key its bk-sse-c-key-id names.
  if (asked.keyId !== undefined && (selected === undefined || customerKeyMd5(selected.key) !== customerKeyMd5((asked.encryption as { key: Uint8Array }).key)))
    throw new InvalidArgumentError(
      `encryption: restoreVersion keeps the version's SSE-C key (its bk-sse-c-key-id metadata is copied); restore it, then move it to key id ${asked.keyId} with reencrypt`,
      { field: 'encryption' },
    );
  const encryption: ServerSideEncryption | undefined =
    sourceCustomerKey !== undefined ? { type: 'SSE-C', key: sourceCustomerKey } : keyProviderOf(options.encryption) ? undefined : options.encryption;
  return { ...rest, sourceCustomerKey, encryption } as unknown as T;
}

/** setStorageClass options with the object's key found through the provider (the copy keeps that key and its metadata). */
export async function withStorageClassKeyFor(ctx: S3Context, key: string, options: SetStorageClassOptions): Promise<SetStorageClassOptions> {
  if (!isOptions(options) || options.customerKey !== undefined || (ctx.config.customerKeys === undefined && options.customerKeyId === undefined))
    return options;
  assertKey(key);
  const { customerKeyId, ...rest } = options;
  const selected = await selectFor(ctx, { key, versionId: options.versionId, keyId: customerKeyId, abortSignal: options.abortSignal }, 'customerKeyId');
  return selected === undefined ? rest : { ...rest, customerKey: selected.key };
}
