/**
 * A ready client (`config.client`) and `config.endpoint` must name the same store: the client sends the requests, and
 * the endpoint decides the store's rules. The client's endpoint sits behind an async provider, so the session checks
 * this once, before its first request, rather than when the storage is built.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '../../errors';

/** What the SDK's endpoint provider resolves to (EndpointV1). */
interface ResolvedEndpoint {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly path?: string;
}

/**
 * Resolves when `client` sends to `endpoint` (compared as URLs: a trailing slash or a default port is no difference),
 * or when the client's endpoint cannot be read.
 * @throws InvalidArgumentError (`config.endpoint`) naming both URLs when they differ
 */
export async function assertSameEndpoint(client: S3Client, endpoint: string): Promise<void> {
  const provider = (client.config as { endpoint?: () => Promise<ResolvedEndpoint> }).endpoint;
  if (typeof provider !== 'function') return;
  const e = await provider();
  if (!e?.hostname) return;
  const theirs = `${e.protocol ?? 'https:'}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path ?? ''}`.replace(/\/$/, '');
  if (new URL(theirs).href === new URL(endpoint).href) return;
  throw new InvalidArgumentError(
    `config.endpoint: is ${endpoint}, but config.client sends to ${theirs}; give the client's endpoint (bucketkit takes the store's rules from config.endpoint)`,
    { field: 'config.endpoint' },
  );
}
