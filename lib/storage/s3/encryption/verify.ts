import { InvalidArgumentError, ObjectNotFoundError } from '../../errors';
import type { AuditEncryptionOptions, VerifyEncryptionOptions, VerifyEncryptionResult } from '../../types/encryption';
import type { ServerSideEncryption } from '../../types/objects';
import { mapSettledLimit, inFlightLimit } from '../core/concurrency';
import type { S3Context } from '../core/context';
import { assertSseCTransport, customerKeyOf } from '../core/encryption';
import { assertEncryption, assertKey, assertListOptions } from '../core/validation';
import { listObjects } from '../objects/list';
import { resolveEncryption } from './customer-keys';
import { encryptionProblems, encryptionStateOf, expectedStateOf, headWithKey } from './state';

function assertExpected(ctx: S3Context, expected: ServerSideEncryption): void {
  if (expected === undefined) throw new InvalidArgumentError('expected: is required (the encryption objects should have)', { field: 'expected' });
  assertEncryption(expected, 'expected');
  if (expected.type === 'SSE-C') assertSseCTransport(ctx.config, 'expected');
}

/**
 * Compares one object's encryption, from one HEAD, with what is expected. SSE-C: the HEAD carries the expected key
 * (an SSE-C object answers HEAD only with its key, 403 with another) and the MD5 S3 returns is compared; no key
 * appears in the result (`expected.customerKeyMd5` instead). https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 * @throws InvalidArgumentError for a bad key or expectation, before any request
 * @throws ObjectNotFoundError; AccessDeniedError (for SSE-C: the object is under another key)
 */
export async function verifyEncryption(
  ctx: S3Context,
  key: string,
  expected: ServerSideEncryption,
  options: VerifyEncryptionOptions = {},
): Promise<VerifyEncryptionResult> {
  assertKey(key);
  assertExpected(ctx, expected);
  expected = (await resolveEncryption(ctx, expected, options.abortSignal, 'expected')).encryption ?? expected;
  const head = await headWithKey(ctx, key, customerKeyOf(expected), options);
  return resultOf(key, head.VersionId, encryptionStateOf(head), expected);
}

function resultOf(
  key: string,
  versionId: string | undefined,
  actual: VerifyEncryptionResult['actual'],
  expected: ServerSideEncryption,
): VerifyEncryptionResult {
  const wanted = expectedStateOf(expected);
  const problems = encryptionProblems(actual, wanted);
  return { key, versionId, ok: problems.length === 0, actual, expected: wanted, problems };
}

/**
 * Streams every object under `prefix` whose encryption differs from `expected` (one HEAD each, `concurrency` in
 * flight, one ListObjectsV2 page held at a time, so a prefix of any size runs in bounded memory). An object whose
 * HEAD fails is yielded with `actual.type` `'unknown'` and the error; one deleted between the listing and its HEAD is
 * left out. Objects that match are not yielded.
 * @throws InvalidArgumentError for bad options, before any request
 */
export async function* auditEncryption(ctx: S3Context, options: AuditEncryptionOptions): AsyncIterableIterator<VerifyEncryptionResult> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options: must be { prefix?, expected, concurrency? }', { field: 'options' });
  assertExpected(ctx, options.expected);
  assertListOptions({ prefix: options.prefix, pageSize: options.pageSize });
  const asked = options.concurrency ?? ctx.config.concurrency;
  if (!Number.isInteger(asked) || asked < 1 || asked > 1024)
    throw new InvalidArgumentError('concurrency: must be an integer from 1 to 1024', { field: 'concurrency' });
  const concurrency = inFlightLimit(asked, ctx.config);
  const expected = (await resolveEncryption(ctx, options.expected, options.abortSignal, 'expected')).encryption ?? options.expected;
  const customerKey = customerKeyOf(expected);
  for await (const page of listObjects(ctx, { prefix: options.prefix, pageSize: options.pageSize, abortSignal: options.abortSignal })) {
    const checked = await mapSettledLimit(page.objects, concurrency, async (object) => {
      const head = await headWithKey(ctx, object.key, customerKey, { abortSignal: options.abortSignal });
      return resultOf(object.key, head.VersionId, encryptionStateOf(head), expected);
    });
    for (const [index, settled] of checked.entries()) {
      if (settled.status === 'fulfilled') {
        if (!settled.value.ok) yield settled.value;
        continue;
      }
      const error = settled.reason as Error;
      if (error instanceof ObjectNotFoundError) continue;
      if (options.abortSignal?.aborted) throw error;
      const failed = resultOf(page.objects[index].key, undefined, { type: 'unknown' }, expected);
      yield { ...failed, ok: false, problems: [`HEAD failed: ${error.message}`], error };
    }
  }
}
