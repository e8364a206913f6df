import { inspect } from 'node:util';
import { AbortedError, CustomerKeyProviderError, InvalidArgumentError } from '../../errors';
import type { CustomerKeyProvider, CustomerKeyRequest } from '../../types/customer-keys';
import { redactKeyBytes, sameKeyProvider } from '../core/encryption';
import { SSE_C_KEY_LENGTH_BYTES, assertCustomerKey, assertCustomerKeyId } from '../core/validation';

/**
 * An in-memory {@link CustomerKeyProvider} over `{ keyId: key }`, for tests, examples and keys a program already
 * holds. `keyIds()` lists the ids in the order given (put the newest first). The keys are copied and the provider
 * prints its ids only (`staticKeyProvider([a, b])`), never a key, in JSON and `util.inspect`.
 * @throws InvalidArgumentError naming the key id when an id is not 1-128 printable ASCII characters or a key is not 32 bytes
 */
export function staticKeyProvider(keys: Readonly<Record<string, Uint8Array>>): CustomerKeyProvider {
  if (typeof keys !== 'object' || keys === null) throw new InvalidArgumentError('keys: must map key ids to 32-byte keys', { field: 'keys' });
  const table = new Map<string, Uint8Array>();
  for (const [keyId, key] of Object.entries(keys)) {
    assertCustomerKeyId(keyId, 'keys');
    assertCustomerKey(key, `keys[${JSON.stringify(keyId)}]`);
    table.set(keyId, redactKeyBytes(key));
  }
  const ids = [...table.keys()];
  const shown = `staticKeyProvider(${JSON.stringify(ids)})`;
  const provider: CustomerKeyProvider = {
    getKey(keyId: string): Uint8Array {
      const key = table.get(keyId);
      if (key === undefined) throw new Error(`no key with id ${JSON.stringify(keyId)} (known: ${ids.join(', ')})`);
      return key;
    },
    keyIds: () => ids,
  };
  Object.defineProperty(provider, 'toJSON', { value: () => shown, enumerable: false });
  Object.defineProperty(provider, inspect.custom, { value: () => shown, enumerable: false });
  return provider;
}

/**
 * One operation's view of a {@link CustomerKeyProvider}: each key id is asked for once (the promise is cached, so
 * parallel reads of a `reencrypt` share it), every answer is checked to be 32 bytes, and a provider that does not
 * settle is cut off after `timeoutMs` or when `abortSignal` fires. Keys come back as bytes that never print.
 */
export class CustomerKeyResolver {
  private readonly keys = new Map<string, Promise<Uint8Array>>();
  private ids?: Promise<readonly string[]>;

  /**
   * @param timeoutMs the longest a provider call may take (the config's `requestTimeoutMs`); 0 turns the limit off
   * @param abortSignal the operation's signal
   */
  public constructor(
    private readonly provider: CustomerKeyProvider,
    private readonly timeoutMs: number,
    private readonly abortSignal?: AbortSignal,
  ) {}

  /** True when this resolver asks `provider` (so an operation asks it once per key id, for reads and writes alike). */
  public serves(provider: CustomerKeyProvider | undefined): boolean {
    return sameKeyProvider(this.provider, provider);
  }

  /**
   * The key for `keyId`.
   * @throws CustomerKeyProviderError naming the key id when the provider throws, times out or returns a non-32-byte value
   * @throws AbortedError when the operation is cancelled meanwhile
   */
  public key(keyId: string): Promise<Uint8Array> {
    let key = this.keys.get(keyId);
    if (key === undefined) {
      key = this.call(keyId, (request) => this.provider.getKey(keyId, request)).then((value) => {
        if (!(value instanceof Uint8Array) || value.length !== SSE_C_KEY_LENGTH_BYTES) {
          const got = value instanceof Uint8Array ? `${value.length} bytes` : value === null ? 'null' : typeof value;
          throw new CustomerKeyProviderError(
            `SSE-C key provider returned ${got} for key id ${JSON.stringify(keyId)}, not a ${SSE_C_KEY_LENGTH_BYTES}-byte (256-bit) key; nothing was sent with it`,
            { keyId, retryable: false },
          );
        }
        return redactKeyBytes(value);
      });
      this.keys.set(keyId, key);
    }
    return key;
  }

  /** The provider's `keyIds()`, asked once; empty when it has none. @throws CustomerKeyProviderError, AbortedError as for {@link key} */
  public keyIds(): Promise<readonly string[]> {
    const list = this.provider.keyIds;
    if (list === undefined) return Promise.resolve([]);
    this.ids ??= this.call('(keyIds)', (request) => list.call(this.provider, request)).then((ids) => {
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
        throw new CustomerKeyProviderError('SSE-C key provider keyIds() did not return an array of key ids', { keyId: '(keyIds)', retryable: false });
      return ids as readonly string[];
    });
    return this.ids;
  }

  /** Runs one provider call against the timeout and the operation's signal; the provider's own signal aborts with them. */
  private call<T>(keyId: string, run: (request: CustomerKeyRequest) => T | Promise<T>): Promise<T> {
    const controller = new AbortController();
    const outer = this.abortSignal;
    if (outer?.aborted) return Promise.reject(new AbortedError(`cancelled before the SSE-C key provider was asked for key id ${JSON.stringify(keyId)}`));
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        finish();
        controller.abort();
        reject(new AbortedError(`cancelled while the SSE-C key provider was asked for key id ${JSON.stringify(keyId)}`));
      };
      outer?.addEventListener('abort', onAbort, { once: true });
      if (this.timeoutMs > 0) {
        timer = setTimeout(() => {
          finish();
          controller.abort();
          reject(
            new CustomerKeyProviderError(
              `SSE-C key provider did not answer for key id ${JSON.stringify(keyId)} within ${this.timeoutMs} ms (requestTimeoutMs); nothing was sent`,
              { keyId, retryable: true },
            ),
          );
        }, this.timeoutMs);
      }
      Promise.resolve()
        .then(() => run({ abortSignal: controller.signal }))
        .then(
          (value) => {
            finish();
            resolve(value);
          },
          (error: unknown) => {
            finish();
            reject(
              new CustomerKeyProviderError(`SSE-C key provider failed for key id ${JSON.stringify(keyId)}; nothing was sent with that key`, {
                keyId,
                cause: error,
                retryable: true,
              }),
            );
          },
        );
    });
  }
}
