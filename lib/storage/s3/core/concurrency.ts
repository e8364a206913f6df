/**
 * Runs `worker` over `items` with at most `limit` in flight, in order of start; resolves when every one settled.
 * Rejections are returned per item, never thrown, so no partial success is lost.
 */
export async function mapSettledLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await worker(items[index], index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, run));
  return results;
}

/**
 * The requests an operation keeps in flight: what it asked for (`asked`), at most the storage's `concurrency`, which
 * is the number of sockets its client pools per endpoint. More would only wait for a socket, and that wait counts
 * against `connectionTimeoutMs`: on a slow but healthy link, a download with `concurrency: 8` on a storage with
 * `concurrency: 2` failed with "Socket timed out without establishing a connection" (a fresh-user trial).
 * @default - the storage's `concurrency` when `asked` is undefined
 */
export function inFlightLimit(asked: number | undefined, config: { readonly concurrency: number }): number {
  return Math.min(asked ?? config.concurrency, config.concurrency);
}
