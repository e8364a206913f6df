import { UpdateObjectEncryptionCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { AccessDeniedError, InvalidArgumentError, StorageError, UnsupportedFeatureError } from '../../errors';
import type { EncryptionState, ReencryptItem, ReencryptOptions, ReencryptResult } from '../../types/encryption';
import type { CopyOptions, CopyResult, StorageClassName } from '../../types/objects';
import { mapSettledLimit, inFlightLimit } from '../core/concurrency';
import type { S3Context } from '../core/context';
import { CUSTOMER_KEY_ID_METADATA, assertSseCTransport, customerKeyMd5, customerKeyOf, kmsKeyIdOf } from '../core/encryption';
import { resolveEncryption } from './customer-keys';
import type { CustomerKeyResolver } from './key-provider';
import { contentHeadersOf, keyMetadata, readResolver, selectCustomerKey, withoutKeyMetadata } from './key-selection';
import { assertEncryption, assertKey } from '../core/validation';
import { copyObject, copySource } from '../objects/copy';
import { listObjects } from '../objects/list';
import { encryptionProblems, encryptionStateOf, expectedStateOf, headWithKey } from './state';

/** The multipart copy engine, handed in by the facade (loaded on demand), for objects above 5 GiB. */
export type RunMultipartCopy = (key: string, source: string, options: CopyOptions) => Promise<CopyResult>;

/** What UpdateObjectEncryption takes as the new key: a full KMS key ARN. https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3UpdateObjectEncryptionSSEKMS.html */
const KMS_KEY_ARN = /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;
/** Source encryption types UpdateObjectEncryption accepts (not DSSE-KMS, SSE-C or unencrypted). */
const UPDATABLE_SOURCES = new Set<EncryptionState['type']>(['SSE-S3', 'SSE-KMS']);

function invalid(field: string, message: string): never {
  throw new InvalidArgumentError(`${field}: ${message}`, { field });
}

/** UpdateObjectEncryption applies: the target is SSE-KMS with a key ARN (it cannot produce SSE-S3, DSSE-KMS or SSE-C). */
function updatable(options: ReencryptOptions): boolean {
  const keyId = kmsKeyIdOf(options.to);
  return options.to.type === 'SSE-KMS' && keyId !== undefined && KMS_KEY_ARN.test(keyId);
}

function assertReencryptOptions(ctx: S3Context, options: ReencryptOptions): void {
  if (typeof options !== 'object' || options === null) invalid('options', 'must be { to, from?, concurrency?, dryRun?, method? }');
  if (options.to === undefined) invalid('to', 'is required: the encryption objects should end up with');
  assertEncryption(options.to, 'to');
  assertEncryption(options.from, 'from');
  if (options.to.type === 'SSE-C') assertSseCTransport(ctx.config, 'to');
  if (options.from?.type === 'SSE-C') assertSseCTransport(ctx.config, 'from');
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 1024))
    invalid('concurrency', 'must be an integer from 1 to 1024');
  if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean') invalid('dryRun', 'must be a boolean');
  if (options.method !== undefined && options.method !== 'copy' && options.method !== 'update') invalid('method', "must be 'copy' or 'update'");
  if (options.method === 'update' && ctx.config.customEndpoint)
    // moto 5.2 answers UpdateObjectEncryption as a PutObject and overwrites the object with the request XML (200).
    invalid(
      'method',
      "'update' (UpdateObjectEncryption) is for Amazon S3 only: on a custom endpoint a store may answer it as a PutObject and overwrite the object",
    );
  if (options.method === 'update' && !updatable(options))
    invalid('method', "'update' (UpdateObjectEncryption) moves objects to SSE-KMS with a key ARN only (to.keyId arn:aws:kms:<region>:<account>:key/<id>)");
}

/** Answers that mean the store has no UpdateObjectEncryption: fall back to the copy for the rest of the run. */
function notImplemented(error: unknown): boolean {
  if (error instanceof UnsupportedFeatureError) return true;
  if (!(error instanceof StorageError)) return false;
  return error.httpStatus === 405 || error.httpStatus === 501 || error.s3Code === 'MethodNotAllowed' || error.s3Code === 'NotImplemented';
}

interface Run {
  readonly ctx: S3Context;
  /** The options with provider keys in `to` / `from` resolved to bytes. */
  readonly options: ReencryptOptions;
  /** The key id of a `to: { type: 'SSE-C', keyProvider, keyId }` target, written to `bk-sse-c-key-id`. */
  readonly toKeyId?: string;
  /** Finds each object's SSE-C key through the config's provider when `from` has no key. */
  readonly resolver?: CustomerKeyResolver;
  readonly runMultipartCopy: RunMultipartCopy;
  /** UpdateObjectEncryption is tried (and turned off for the run when the store does not implement it). */
  update: boolean;
}

interface Found {
  readonly head: HeadObjectCommandOutput;
  readonly underTarget: boolean;
  /** The object's SSE-C key, when the provider found it (the copy-source key). */
  readonly sourceKey?: Uint8Array;
}

/**
 * HEAD with the `from` key; for an SSE-C move, a 403 there and a success with the `to` key means "already done".
 * Without a `from` key and with a provider, the object's own key is found from its `bk-sse-c-key-id`.
 */
async function headForMove(run: Run, key: string): Promise<Found> {
  const { ctx, options } = run;
  const fromKey = customerKeyOf(options.from);
  if (fromKey === undefined && run.resolver !== undefined && options.from === undefined) {
    const selected = await selectCustomerKey(ctx, run.resolver, { key, abortSignal: options.abortSignal });
    if (selected === undefined) return { head: await headWithKey(ctx, key, undefined, { abortSignal: options.abortSignal }), underTarget: false };
    const toKey = customerKeyOf(options.to);
    // A store that ignores SSE-C (moto) reports no SSE-C headers: the key found stands for what HEAD would report.
    const head = { ...selected.head, SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: customerKeyMd5(selected.key) };
    return { head, sourceKey: selected.key, underTarget: toKey !== undefined && customerKeyMd5(toKey) === customerKeyMd5(selected.key) };
  }
  try {
    const head = await headWithKey(ctx, key, fromKey, { abortSignal: options.abortSignal });
    return { head, underTarget: false };
  } catch (error) {
    const toKey = customerKeyOf(options.to);
    if (!(error instanceof AccessDeniedError) || fromKey === undefined || toKey === undefined) throw error;
    return { head: await headWithKey(ctx, key, toKey, { abortSignal: options.abortSignal }), underTarget: true };
  }
}

async function moveOne(run: Run, key: string): Promise<ReencryptItem> {
  const { ctx, options } = run;
  const { head, underTarget, sourceKey } = await headForMove(run, key);
  const before = encryptionStateOf(head);
  const target = expectedStateOf(options.to);
  if (underTarget || encryptionProblems(before, target).length === 0) return { key, outcome: 'skipped', before, reason: 'already under the target encryption' };
  if (options.from !== undefined) {
    const differences = encryptionProblems(before, expectedStateOf(options.from));
    if (differences.length > 0) return { key, outcome: 'skipped', before, reason: `not under from: ${differences.join('; ')}` };
  }
  if (options.dryRun) return { key, outcome: 'reencrypted', before, reason: 'dry run: nothing changed' };
  if (run.update && UPDATABLE_SOURCES.has(before.type)) {
    try {
      await ctx.send(
        new UpdateObjectEncryptionCommand({
          Bucket: ctx.bucket,
          Key: key,
          VersionId: head.VersionId,
          RequestPayer: ctx.requestPayer,
          ObjectEncryption: { SSEKMS: { KMSKeyArn: kmsKeyIdOf(options.to), BucketKeyEnabled: target.bucketKey } },
        }),
        { key, abortSignal: options.abortSignal },
      );
      return { key, outcome: 'reencrypted', method: 'update', versionId: head.VersionId, before };
    } catch (error) {
      if (!notImplemented(error)) throw error;
      run.update = false; // the store has no UpdateObjectEncryption: copy this and every later object
    }
  }
  // CopyObject onto itself: metadata and tags copied, the class kept explicitly (CopyObject would write STANDARD), and
  // If-Match on the ETag read so an object replaced meanwhile is not overwritten with the old bytes.
  const copyOptions: CopyOptions = {
    sourceVersionId: head.VersionId,
    metadataDirective: 'COPY',
    taggingDirective: 'COPY',
    ...metadataForMove(run, head),
    storageClass: head.StorageClass as StorageClassName | undefined,
    encryption: options.to,
    sourceCustomerKey: sourceKey ?? customerKeyOf(options.from),
    sourceConditions: head.ETag ? { ifMatch: head.ETag } : undefined,
    abortSignal: options.abortSignal,
  };
  const source = copySource(ctx.bucket, key, head.VersionId);
  const copied = await copyObject(ctx, key, source, copyOptions);
  const method = copied !== undefined ? 'copy' : 'multipart-copy';
  const versionId = copied !== undefined ? copied.versionId : (await run.runMultipartCopy(key, source, copyOptions)).versionId;
  return checkedCopy(run, { key, outcome: 'reencrypted', method, versionId, before });
}

/**
 * A copy is reported re-encrypted only once a HEAD of what it wrote shows the target encryption: a store may take the
 * destination's encryption headers and write the object without them (Ceph RGW 16 writes it unencrypted), so the
 * answer to the copy alone proves nothing. What the store does not report is not held against it (MinIO never reports
 * the Bucket Key flag; an SSE-C key's MD5 may be missing; a store that reports no SSE-C headers at all, like moto). A copy that did not take is a `failed` item, with
 * `UnsupportedFeatureError` (`feature: 'copy-encryption'`), its `method` and the version it wrote.
 */
async function checkedCopy(run: Run, item: ReencryptItem): Promise<ReencryptItem> {
  const { ctx, options } = run;
  const head = await headWithKey(ctx, item.key, customerKeyOf(options.to), { versionId: item.versionId, abortSignal: options.abortSignal });
  const after = encryptionStateOf(head);
  const expected = expectedStateOf(options.to);
  // A read with the SSE-C key answered without any encryption header: the store does not report SSE-C at all (moto
  // ignores SSE-C everywhere, docs/compatibility.md), so this answer can neither prove nor refute the copy. Amazon S3
  // and MinIO report SSE-C on such a read and refuse a key for an object that has none.
  if (expected.type === 'SSE-C' && after.type === 'none') return item;
  const problems = encryptionProblems(after, reportedPartOf(expected, after));
  if (problems.length === 0) return item;
  const reason = `the store copied ${item.key} but did not apply the target encryption (${problems.join('; ')}), so it is not re-encrypted; S3-compatible stores may ignore a copy's encryption headers`;
  return {
    ...item,
    outcome: 'failed',
    reason,
    error: new UnsupportedFeatureError(reason, { feature: 'copy-encryption', bucket: ctx.bucket, key: item.key }),
  };
}

/** The expected state without the fields the store left out of its answer (compared only when reported). */
function reportedPartOf(expected: EncryptionState, actual: EncryptionState): EncryptionState {
  return {
    ...expected,
    bucketKey: actual.bucketKey === undefined ? undefined : expected.bucketKey,
    customerKeyMd5: actual.customerKeyMd5 === undefined ? undefined : expected.customerKeyMd5,
  };
}

/**
 * The copy keeps the metadata (`COPY`) unless the `bk-sse-c-key-*` entries must change: to a provider key they name
 * the new key id, to anything else they go. Then it is `REPLACE` with the object's own content headers and metadata.
 */
function metadataForMove(run: Run, head: HeadObjectCommandOutput): Partial<CopyOptions> {
  const toKey = customerKeyOf(run.options.to);
  const added = run.toKeyId !== undefined && toKey !== undefined ? keyMetadata(run.toKeyId, toKey) : {};
  if (run.toKeyId === undefined && head.Metadata?.[CUSTOMER_KEY_ID_METADATA] === undefined) return {};
  return { ...contentHeadersOf(head), metadata: { ...withoutKeyMetadata(head.Metadata), ...added }, metadataDirective: 'REPLACE' };
}

async function moveAll(run: Run, keys: readonly string[], concurrency: number): Promise<ReencryptItem[]> {
  const settled = await mapSettledLimit(keys, concurrency, (key) => moveOne(run, key));
  return settled.map((s, i) =>
    s.status === 'fulfilled' ? s.value : { key: keys[i], outcome: 'failed', reason: (s.reason as Error).message, error: s.reason as Error },
  );
}

/**
 * Moves objects to another encryption type or key, in place, and reports per key. Each object is read with HEAD:
 * one already under `to` is skipped (so a run that was stopped can simply be run again), one not under `from` (when
 * given) is skipped with the difference; the rest are re-encrypted with UpdateObjectEncryption (no data copy; Amazon
 * S3, SSE-S3/SSE-KMS to SSE-KMS with a key ARN) or CopyObject onto themselves (multipart copy above 5 GiB), keeping
 * metadata, tags, content headers and storage class. In a versioned bucket a copy is a new current version. A copy is
 * `reencrypted` only once a HEAD of what it wrote shows the target encryption; a store that ignored the copy's
 * encryption headers gives a `failed` item (`UnsupportedFeatureError`, `feature: 'copy-encryption'`). SSE-C to a
 * new customer key: `from` carries the old key (the copy-source key), `to` the new one.
 *
 * KMS key rotation needs none of this: a rotated key keeps its old material for decryption.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/update-sse-encryption.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 *
 * @param target one key, or `{ prefix }` for every object under it (listed page by page)
 * @throws InvalidArgumentError for a bad key or option, before any request; per-object failures are `failed` items
 */
export async function reencrypt(
  ctx: S3Context,
  target: string | { readonly prefix: string },
  options: ReencryptOptions,
  runMultipartCopy: RunMultipartCopy,
): Promise<ReencryptResult> {
  if (typeof target === 'string') assertKey(target);
  else if (typeof target !== 'object' || target === null || typeof target.prefix !== 'string')
    invalid('target', 'must be a key or { prefix } (an empty prefix for the whole bucket)');
  assertReencryptOptions(ctx, options);
  const resolver = readResolver(ctx, options.abortSignal);
  const to = await resolveEncryption(ctx, options.to, options.abortSignal, 'to', resolver);
  const from = await resolveEncryption(ctx, options.from, options.abortSignal, 'from', resolver);
  const run: Run = {
    ctx,
    options: { ...options, to: to.encryption ?? options.to, from: from.encryption },
    toKeyId: to.keyId,
    resolver,
    runMultipartCopy,
    update: (options.method ?? (ctx.config.customEndpoint ? 'copy' : 'update')) === 'update' && updatable(options),
  };
  const concurrency = inFlightLimit(options.concurrency, ctx.config);
  const items: ReencryptItem[] = [];
  if (typeof target === 'string') items.push(...(await moveAll(run, [target], 1)));
  else {
    for await (const page of listObjects(ctx, { prefix: target.prefix || undefined, abortSignal: options.abortSignal })) {
      items.push(
        ...(await moveAll(
          run,
          page.objects.map((o) => o.key),
          concurrency,
        )),
      );
    }
  }
  const count = (outcome: ReencryptItem['outcome']): number => items.filter((i) => i.outcome === outcome).length;
  return { items, reencrypted: count('reencrypted'), skipped: count('skipped'), failed: count('failed'), dryRun: options.dryRun === true };
}
