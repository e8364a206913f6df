/** Shared by the handler unit tests: a mocked S3 client, storages on it, a fake clock and error factories. */
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3Storage, type S3StorageConfig } from '../../lib/storage';
import { Logger, type HandlerDeps, type InvocationContext } from '../../lambda/shared';

export const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
export const s3 = mockClient(client);

/** Deps whose storages all use the mocked client, with a log collected in `lines`. */
export function testDeps(context: InvocationContext = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 600_000 }): HandlerDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    context,
    log: new Logger({ requestId: context.awsRequestId }, (l) => lines.push(l), 'debug'),
    storage: (config: S3StorageConfig) =>
      new S3Storage({ ...config, region: config.region ?? 'us-east-1', client, maxAttempts: 1, checksumPolicy: 'WHEN_REQUIRED' }),
    lines,
  };
}

/** A context whose remaining time drops by `stepMs` at every call of `tick()`. */
export function fakeClock(startMs: number): InvocationContext & { tick(ms: number): void } {
  let remaining = startMs;
  return { awsRequestId: 'req-clock', getRemainingTimeInMillis: () => remaining, tick: (ms) => (remaining -= ms) };
}

/** An SDK-like service error, as the client rejects with. */
export function s3Error(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'RID' } });
}

/** Every S3 command the mocked client received. */
export const sentCommands = (): string[] => s3.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
