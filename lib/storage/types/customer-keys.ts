/**
 * SSE-C key management: a {@link CustomerKeyProvider} maps a key id to a 32-byte key, so objects can be written and
 * read by key id. bucketkit stores only the key id and the key's MD5 in the object's user metadata, never the key.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 */

/** What bucketkit passes to {@link CustomerKeyProvider.getKey} and {@link CustomerKeyProvider.keyIds}. */
export interface CustomerKeyRequest {
  /**
   * Aborted when the operation is cancelled (its `abortSignal`) or the provider has taken longer than the config's
   * `requestTimeoutMs`; pass it on to a KMS or secrets-manager call so it stops too.
   */
  readonly abortSignal: AbortSignal;
}

/**
 * Where SSE-C keys come from, by key id: a KMS-wrapped key store, a secrets manager, or {@link staticKeyProvider} in
 * tests. bucketkit calls it at most once per key id per operation (a `reencrypt` over a prefix is one operation).
 *
 * - `getKey` must return the same 32 bytes for a key id for as long as objects written with it exist: S3 keeps only
 *   a salted HMAC of the key, so a lost or changed key is a lost object. bucketkit detects a changed key from the MD5
 *   it stored (`EncryptionKeyMismatchError`).
 * - A provider that throws, returns anything but 32 bytes, or takes longer than `requestTimeoutMs` fails the operation
 *   with `CustomerKeyProviderError` naming the key id; nothing is sent with that key.
 */
export interface CustomerKeyProvider {
  /**
   * The 32-byte (256-bit) key for `keyId`.
   * @param keyId an id given in `encryption.keyId`, a read's `customerKeyId`, an object's `bk-sse-c-key-id` metadata, or one of `keyIds()`
   */
  getKey(keyId: string, request: CustomerKeyRequest): Uint8Array | Promise<Uint8Array>;
  /**
   * The key ids a read may try when it does not know an object's key id, newest first (the write key id of the config
   * is always tried first). A read of an SSE-C object costs one HEAD per key id tried until one opens it, so keep the
   * list short and retire keys with `reencrypt`.
   * @default - only the write key id (`encryption.keyId`) and a read's own `customerKeyId`
   */
  keyIds?(request: CustomerKeyRequest): readonly string[] | Promise<readonly string[]>;
}
