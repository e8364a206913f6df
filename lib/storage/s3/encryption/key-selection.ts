import { HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { AccessDeniedError, EncryptionKeyMismatchError, InvalidArgumentError, StorageError } from '../../errors';
import type { CopyOptions } from '../../types/objects';
import type { S3Context } from '../core/context';
import { CUSTOMER_KEY_ID_METADATA, CUSTOMER_KEY_MD5_METADATA, customerKeyInput, customerKeyMd5, keyProviderOf } from '../core/encryption';
import { CustomerKeyResolver } from './key-provider';

/** The key a read picked for an object, and the HEAD answer that confirmed it. */
export interface SelectedCustomerKey {
  /** The object's key id (its `bk-sse-c-key-id`, or the id whose key opened it). */
  readonly keyId: string;
  /** The key bytes (they print as `[SSE-C key]`). */
  readonly key: Uint8Array;
  readonly head: HeadObjectCommandOutput;
}

/** Where an object is, and which key id a caller named for it. */
export interface KeyTarget {
  readonly bucket?: string;
  readonly key: string;
  readonly versionId?: string;
  /** The key id the caller named (`customerKeyId`): only that id is tried. */
  readonly keyId?: string;
  readonly abortSignal?: AbortSignal;
}

/** A resolver over the config's read provider (`customerKeys`), or undefined when the config has none. */
export function readResolver(ctx: S3Context, abortSignal: AbortSignal | undefined): CustomerKeyResolver | undefined {
  const provider = ctx.config.customerKeys;
  return provider === undefined ? undefined : new CustomerKeyResolver(provider, ctx.config.requestTimeoutMs, abortSignal);
}

/** The key ids a read tries, in order: the one named, else the config's write key id, then the provider's `keyIds()`. */
async function candidates(ctx: S3Context, resolver: CustomerKeyResolver, target: KeyTarget): Promise<string[]> {
  if (target.keyId !== undefined) return [target.keyId];
  const writeKeyId = keyProviderOf(ctx.config.encryption) === undefined ? undefined : (ctx.config.encryption as { keyId?: string }).keyId;
  const ids = [...new Set([...(writeKeyId === undefined ? [] : [writeKeyId]), ...(await resolver.keyIds())])];
  if (ids.length === 0)
    throw new InvalidArgumentError(
      `customerKeyId: no SSE-C key id to read ${target.key} with: pass customerKeyId, set encryption { keyProvider, keyId }, or give the provider keyIds()`,
      { field: 'customerKeyId' },
    );
  return ids;
}

/** HEAD of `target` (in its own bucket) with an SSE-C key when given. */
export function headWith(ctx: S3Context, target: KeyTarget, customerKey: Uint8Array | undefined): Promise<HeadObjectCommandOutput> {
  return ctx.send(
    new HeadObjectCommand({
      Bucket: target.bucket ?? ctx.bucket,
      Key: target.key,
      VersionId: target.versionId,
      RequestPayer: ctx.requestPayer,
      ...customerKeyInput(customerKey),
    }),
    { key: target.key, abortSignal: target.abortSignal },
  );
}

/**
 * Finds an object's SSE-C key through the provider. S3 answers a HEAD of an SSE-C object with 400 when no key is sent
 * and 403 when the key is wrong, so the `bk-sse-c-key-id` metadata cannot be read first: each candidate key id is
 * tried with one HEAD until one opens the object (a 403 moves on). A store that ignores SSE-C (moto) opens it with
 * any key; the metadata then names the right id. The key the provider gives for the object's id is checked against
 * the `bk-sse-c-key-md5` written with it. A 400 is ambiguous (S3: the object is not SSE-C; Ceph RGW: a wrong key), so
 * the first one is settled by one HEAD without a key.
 *
 * @returns the key, or undefined when the object is not SSE-C (S3 answers 400 to a key it does not need; a store that
 *   ignores SSE-C reports neither SSE-C nor a key id): the read then goes without a key
 * @throws EncryptionKeyMismatchError naming the key id when the provider's key differs from the one written, or every
 *   key id tried was refused (403)
 * @throws CustomerKeyProviderError, AbortedError from the provider; ObjectNotFoundError and other S3 errors as mapped
 */
export async function selectCustomerKey(ctx: S3Context, resolver: CustomerKeyResolver, target: KeyTarget): Promise<SelectedCustomerKey | undefined> {
  const tried: string[] = [];
  let refused: StorageError | undefined;
  let isSseC = false;
  for (const candidate of await candidates(ctx, resolver, target)) {
    const key = await resolver.key(candidate);
    tried.push(candidate);
    let head: HeadObjectCommandOutput;
    try {
      head = await headWith(ctx, target, key);
    } catch (error) {
      if (error instanceof AccessDeniedError) {
        refused = error;
        continue;
      }
      // 400 to a HEAD with a key: on S3 the encryption parameters do not apply (the object is not SSE-C); Ceph RGW
      // also answers a wrong key with 400. One HEAD without a key tells them apart: it succeeds on an object that is
      // not SSE-C, and answers 400 (a key is required) on an SSE-C object, whose key this candidate was not.
      if (error instanceof StorageError && error.httpStatus === 400) {
        if (!isSseC) {
          const plain = await headWith(ctx, target, undefined).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (plain === undefined) return undefined;
          if (!(plain instanceof StorageError && plain.httpStatus === 400)) throw plain;
          isSseC = true;
        }
        refused = error;
        continue;
      }
      throw error;
    }
    return confirm(resolver, target, candidate, key, head, tried);
  }
  throw new EncryptionKeyMismatchError(
    `${target.key}: none of the SSE-C key ids tried (${tried.join(', ')}) opens it: the store refused each (403: a wrong key, or access denied; 400 on Ceph RGW: a wrong key); pass customerKeyId or add the key id to the provider's keyIds()`,
    { bucket: target.bucket ?? ctx.bucket, key: target.key, keyIdsTried: tried, cause: refused, httpStatus: refused?.httpStatus ?? 403 },
  );
}

/** Checks a HEAD that a candidate key answered against the key id and MD5 bucketkit stored in the metadata. */
async function confirm(
  resolver: CustomerKeyResolver,
  target: KeyTarget,
  candidate: string,
  candidateKey: Uint8Array,
  head: HeadObjectCommandOutput,
  tried: readonly string[],
): Promise<SelectedCustomerKey | undefined> {
  const storedId = head.Metadata?.[CUSTOMER_KEY_ID_METADATA];
  const storedMd5 = head.Metadata?.[CUSTOMER_KEY_MD5_METADATA];
  if (storedId === undefined && !head.SSECustomerAlgorithm) return undefined;
  const keyId = storedId ?? candidate;
  if (target.keyId !== undefined && storedId !== undefined && storedId !== target.keyId && storedMd5 !== customerKeyMd5(candidateKey)) {
    throw new EncryptionKeyMismatchError(`${target.key} was written with SSE-C key id ${storedId}, not ${target.keyId}`, {
      key: target.key,
      keyId: storedId,
      keyIdsTried: tried,
    });
  }
  const key = keyId === candidate ? candidateKey : await resolver.key(keyId);
  if (storedMd5 !== undefined && storedMd5 !== customerKeyMd5(key)) {
    throw new EncryptionKeyMismatchError(
      `${target.key} was written with SSE-C key id ${keyId} (key MD5 ${storedMd5}), but the key provider now returns a different key for ${keyId}; give the provider the original key for that id`,
      { key: target.key, keyId, keyIdsTried: keyId === candidate ? tried : [...tried, keyId] },
    );
  }
  return { keyId, key, head };
}

/** The `bk-sse-c-key-*` metadata of a write with provider key `keyId`. */
export function keyMetadata(keyId: string, key: Uint8Array): Record<string, string> {
  return { [CUSTOMER_KEY_ID_METADATA]: keyId, [CUSTOMER_KEY_MD5_METADATA]: customerKeyMd5(key) };
}

/** User metadata without bucketkit's `bk-sse-c-key-*` entries (a copy to another key or type must not keep them). */
export function withoutKeyMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const { [CUSTOMER_KEY_ID_METADATA]: _id, [CUSTOMER_KEY_MD5_METADATA]: _md5, ...rest } = metadata ?? {};
  return rest;
}

/** The content headers of a HEAD answer, as copy options (for a copy that must replace the metadata). */
export function contentHeadersOf(head: HeadObjectCommandOutput): Partial<CopyOptions> {
  const headers: Partial<Record<keyof CopyOptions, unknown>> = {
    contentType: head.ContentType,
    cacheControl: head.CacheControl,
    contentDisposition: head.ContentDisposition,
    contentEncoding: head.ContentEncoding,
    contentLanguage: head.ContentLanguage,
    expires: head.Expires,
    websiteRedirectLocation: head.WebsiteRedirectLocation,
  };
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Partial<CopyOptions>;
}
