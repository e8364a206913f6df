import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { MAX_DELETE_OBJECTS_PER_REQUEST, MIB } from '../../../rules/limits';
import { InvalidArgumentError, ObjectNotFoundError, StorageError } from '../../errors';
import { toStorageError } from '../core/error-mapping';
import type {
  CopyOptions,
  CopyResult,
  DeleteManyOptions,
  DeleteManyResult,
  DeleteOptions,
  DeleteResult,
  DeleteTarget,
  GetOptions,
  GetResult,
  HeadOptions,
  ListOptions,
  ListPage,
  ObjectMetadata,
  PutBody,
  PutOptions,
  PutResult,
} from '../../types/objects';
import { openFileRange, prepareBody, readUpTo } from './body';
import type { S3Storage } from '../s3-storage';
import { mapSettledLimit } from '../core/concurrency';
import { customerKeyInput } from '../core/encryption';
import { checksumsOf, normalizeEtag, objectMetadataOf, parseContentRange, parseRestore } from '../core/mapping';
import { isCopyTooLarge, multipartCopy } from '../transfer/copy/multipart-copy';
import { uploadFromIterator } from '../transfer/upload/multipart-upload';
import { writeInput } from '../core/write-input';
import { assertWriteSupported } from '../compatibility/profile';
import { withDeleteMarkerDetection } from './delete-markers';
import {
  assertCopyOptions,
  assertKey,
  assertListOptions,
  assertPutOptions,
  assertReadOptions,
  assertSinglePutSize,
  mfaHeader,
  rangeHeader,
} from '../core/validation';

/** A stream of unknown length is buffered up to this size; if it ends within it, one PutObject sends it. */
export const PUT_STREAM_BUFFER_BYTES = 8 * MIB;

/** PutObject: one request, at most 5 GiB. A stream of unknown length larger than 8 MiB goes multipart. */
export async function putObject(storage: S3Storage, key: string, body: PutBody, options: PutOptions): Promise<PutResult> {
  assertKey(key);
  assertPutOptions(options);
  assertWriteSupported(await storage.compatibilityProfile(), options);
  const prepared = await prepareBody(body, options.contentLength);
  if (prepared.kind === 'unknown-length') {
    const { head, ended, rest } = await readUpTo(prepared.stream, PUT_STREAM_BUFFER_BYTES);
    if (!ended) return uploadFromIterator(storage, key, head, rest, options);
    return sendPut(storage, key, head, head.length, options, true);
  }
  switch (prepared.kind) {
    case 'bytes':
      assertSinglePutSize(prepared.bytes.length, 'body');
      return sendPut(storage, key, prepared.bytes, prepared.bytes.length, options, true);
    case 'stream':
      return sendPut(storage, key, prepared.stream, prepared.length, options, false);
    case 'file':
      assertSinglePutSize(prepared.length, 'body.filePath');
      return sendPut(storage, key, openFileRange(prepared.filePath), prepared.length, options, false);
  }
}

async function sendPut(storage: S3Storage, key: string, body: Uint8Array | Readable, length: number, options: PutOptions, replayable: boolean): Promise<PutResult> {
  const output = await storage.send(
    new PutObjectCommand({
      Bucket: storage.bucket,
      Key: key,
      Body: body,
      ContentLength: length,
      ChecksumAlgorithm: options.checksumAlgorithm ?? (usesObjectLock(options) ? OBJECT_LOCK_CHECKSUM : undefined),
      IfNoneMatch: options.ifNoneMatch,
      IfMatch: options.ifMatch,
      RequestPayer: storage.requestPayer,
      ...writeInput(options),
    }),
    { key, abortSignal: options.abortSignal, replayable },
  );
  return {
    etag: normalizeEtag(output.ETag),
    versionId: output.VersionId,
    size: output.Size ?? length,
    checksums: checksumsOf(output),
    serverSideEncryption: output.ServerSideEncryption,
  };
}

/**
 * S3 refuses a write that sets Object Lock retention or a legal hold without Content-MD5 or a flexible checksum
 * (MissingUploadObjectWithObjectLockHeaders), so such writes always carry one.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-object-lock-mode)
 */
export const OBJECT_LOCK_CHECKSUM = 'CRC32';

/** True when a write sets any Object Lock field. */
export function usesObjectLock(options: Pick<PutOptions, 'objectLockMode' | 'objectLockRetainUntil' | 'objectLockLegalHold'>): boolean {
  return options.objectLockMode !== undefined || options.objectLockRetainUntil !== undefined || options.objectLockLegalHold !== undefined;
}

function readInput(storage: S3Storage, key: string, options: GetOptions) {
  return {
    Bucket: storage.bucket,
    Key: key,
    VersionId: options.versionId,
    PartNumber: options.partNumber,
    IfMatch: options.ifMatch,
    IfNoneMatch: options.ifNoneMatch,
    IfModifiedSince: options.ifModifiedSince,
    IfUnmodifiedSince: options.ifUnmodifiedSince,
    ChecksumMode: options.checksumMode ? ('ENABLED' as const) : undefined,
    RequestPayer: storage.requestPayer,
    ...customerKeyInput(options.customerKey),
  };
}

/** GetObject: a stream plus typed metadata. For a range, `size` is the object's total size. */
export async function getObject(storage: S3Storage, key: string, options: GetOptions): Promise<GetResult> {
  assertKey(key);
  assertReadOptions(options);
  const output = await withDeleteMarkerDetection(storage, key, options.versionId, () =>
    storage.send(new GetObjectCommand({ ...readInput(storage, key, options), Range: options.range ? rangeHeader(options.range) : undefined }), {
      key,
      abortSignal: options.abortSignal,
    }),
  );
  const contentRange = parseContentRange(output.ContentRange);
  const contentLength = output.ContentLength ?? 0;
  const body = output.Body as Readable | undefined;
  return {
    ...objectMetadataOf(key, output, contentRange && !Number.isNaN(contentRange.total) ? contentRange.total : contentLength),
    body: body ?? Readable.from([]),
    contentLength,
    contentRange,
  };
}

/** GetObject into memory. */
export async function getObjectBuffer(storage: S3Storage, key: string, options: GetOptions): Promise<Buffer> {
  const { body } = await getObject(storage, key, options);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch (error) {
    throw toStorageError(error, { bucket: storage.bucket, key });
  }
  return Buffer.concat(chunks);
}

/** HeadObject. A key whose latest version is a delete marker throws `ObjectNotFoundError` with `deleteMarker: true`. */
export async function headObject(storage: S3Storage, key: string, options: HeadOptions): Promise<ObjectMetadata> {
  assertKey(key);
  assertReadOptions(options);
  const output = await withDeleteMarkerDetection(storage, key, options.versionId, () =>
    storage.send(new HeadObjectCommand(readInput(storage, key, options)), { key, abortSignal: options.abortSignal }),
  );
  return objectMetadataOf(key, output);
}

/** True if HEAD finds the object, false on 404; anything else throws. */
export async function objectExists(storage: S3Storage, key: string, options: HeadOptions): Promise<boolean> {
  try {
    await headObject(storage, key, options);
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}

/** DeleteObject, with version, MFA and governance bypass. */
export async function deleteObject(storage: S3Storage, key: string, options: DeleteOptions): Promise<DeleteResult> {
  assertKey(key);
  if (options.versionId !== undefined && (typeof options.versionId !== 'string' || options.versionId.length === 0)) {
    throw new InvalidArgumentError('versionId: must be a non-empty string', { field: 'versionId' });
  }
  const output = await storage.send(
    new DeleteObjectCommand({
      Bucket: storage.bucket,
      Key: key,
      VersionId: options.versionId,
      MFA: mfaHeader(options.mfa),
      BypassGovernanceRetention: options.bypassGovernanceRetention || undefined,
      RequestPayer: storage.requestPayer,
    }),
    { key, abortSignal: options.abortSignal },
  );
  return { versionId: output.VersionId, deleteMarker: output.DeleteMarker };
}

/**
 * DeleteObjects in batches of 1,000, several batches in flight. Every key is validated before anything is sent,
 * and every key ends up in `deleted` or `errors`: a failed batch reports its error against each of its keys.
 */
export async function deleteObjects(storage: S3Storage, targets: Iterable<DeleteTarget>, options: DeleteManyOptions): Promise<DeleteManyResult> {
  const objects = [...targets].map((t, i) => {
    const target = typeof t === 'string' ? { key: t } : t;
    assertKey(target?.key, `targets[${i}].key`);
    return { Key: target.key, VersionId: target.versionId };
  });
  const mfa = mfaHeader(options.mfa);
  const batches: (typeof objects)[] = [];
  for (let i = 0; i < objects.length; i += MAX_DELETE_OBJECTS_PER_REQUEST) batches.push(objects.slice(i, i + MAX_DELETE_OBJECTS_PER_REQUEST));

  const deleted: DeleteManyResult['deleted'][number][] = [];
  const errors: DeleteManyResult['errors'][number][] = [];
  const settled = await mapSettledLimit(batches, storage.config.concurrency, (batch) =>
    storage.send(
      new DeleteObjectsCommand({
        Bucket: storage.bucket,
        Delete: { Objects: batch, Quiet: false },
        MFA: mfa,
        BypassGovernanceRetention: options.bypassGovernanceRetention || undefined,
        RequestPayer: storage.requestPayer,
      }),
      { abortSignal: options.abortSignal },
    ),
  );
  settled.forEach((result, i) => {
    if (result.status === 'rejected') {
      const error = toStorageError(result.reason, { bucket: storage.bucket });
      for (const o of batches[i]) errors.push({ key: o.Key, versionId: o.VersionId, code: error.s3Code ?? error.code, message: error.message, error });
      return;
    }
    for (const d of result.value.Deleted ?? []) {
      deleted.push({ key: d.Key ?? '', versionId: d.VersionId, deleteMarker: d.DeleteMarker, deleteMarkerVersionId: d.DeleteMarkerVersionId });
    }
    for (const e of result.value.Errors ?? []) {
      const error = toStorageError({ name: e.Code, Code: e.Code, message: e.Message }, { bucket: storage.bucket, key: e.Key });
      // Some servers leave VersionId out of an error entry; when the batch asked for that key once, it is that version.
      const asked = batches[i].filter((o) => o.Key === e.Key);
      const versionId = e.VersionId ?? (asked.length === 1 ? asked[0].VersionId : undefined);
      errors.push({ key: e.Key ?? '', versionId, code: e.Code ?? 'Unknown', message: e.Message ?? '', error });
    }
  });
  return { deleted, errors };
}

/** ListObjectsV2, page by page. Keys are requested URL-encoded so that any key survives the XML, then decoded. */
export async function* listObjects(storage: S3Storage, options: ListOptions): AsyncIterableIterator<ListPage> {
  assertListOptions(options);
  let token: string | undefined;
  do {
    const output = await storage.send(
      new ListObjectsV2Command({
        Bucket: storage.bucket,
        Prefix: options.prefix,
        Delimiter: options.delimiter,
        StartAfter: token ? undefined : options.startAfter,
        MaxKeys: options.pageSize,
        ContinuationToken: token,
        EncodingType: 'url',
        RequestPayer: storage.requestPayer,
      }),
      { abortSignal: options.abortSignal },
    );
    const decode = output.EncodingType === 'url' ? decodeListKey : (s: string) => s;
    yield {
      objects: (output.Contents ?? []).map((o) => ({
        key: decode(o.Key ?? ''),
        size: o.Size ?? 0,
        etag: normalizeEtag(o.ETag),
        lastModified: o.LastModified,
        storageClass: o.StorageClass ?? 'STANDARD',
        checksumAlgorithms: o.ChecksumAlgorithm,
        restore: o.RestoreStatus ? { ongoing: o.RestoreStatus.IsRestoreInProgress ?? false, expiry: o.RestoreStatus.RestoreExpiryDate } : parseRestore(undefined),
      })),
      commonPrefixes: (output.CommonPrefixes ?? []).map((p) => decode(p.Prefix ?? '')),
      isTruncated: output.IsTruncated ?? false,
    };
    token = output.IsTruncated ? output.NextContinuationToken : undefined;
    if (output.IsTruncated && !token) {
      throw new StorageError('ListObjectsV2 said the listing is truncated but returned no continuation token', { bucket: storage.bucket });
    }
  } while (token);
}

/** S3 URL-encodes listed keys as form data: `+` stands for a space. */
function decodeListKey(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** The `x-amz-copy-source` value: bucket and URL-encoded key, with `?versionId=` when given. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  return `${bucket}/${encodedKey}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
}

const METADATA_OPTIONS = ['contentType', 'cacheControl', 'contentDisposition', 'contentEncoding', 'contentLanguage', 'expires', 'metadata', 'websiteRedirectLocation'] as const;

/** CopyObject: server-side, up to 5 GiB; larger sources, or `multipart: true`, go through parallel UploadPartCopy. */
export async function copyObject(storage: S3Storage, sourceKey: string, destinationKey: string, options: CopyOptions): Promise<CopyResult> {
  assertKey(sourceKey, 'sourceKey');
  assertKey(destinationKey, 'destinationKey');
  assertCopyOptions(options);
  assertWriteSupported(await storage.compatibilityProfile(), options);
  const sourceBucket = options.sourceBucket ?? storage.bucket;
  if (options.sourceBucket !== undefined && sourceBucket.length === 0) throw new InvalidArgumentError('sourceBucket: must not be empty', { field: 'sourceBucket' });
  const replacesMetadata = METADATA_OPTIONS.some((o) => options[o] !== undefined);
  const conditions = options.sourceConditions ?? {};
  const sourceKeyInput = customerKeyInput(options.sourceCustomerKey);
  const source = copySource(sourceBucket, sourceKey, options.sourceVersionId);
  if (options.multipart === true) return multipartCopy(storage, sourceKey, destinationKey, source, options);
  const output = await storage.send(
    new CopyObjectCommand({
      Bucket: storage.bucket,
      Key: destinationKey,
      CopySource: source,
      MetadataDirective: options.metadataDirective ?? (replacesMetadata ? 'REPLACE' : 'COPY'),
      TaggingDirective: options.taggingDirective ?? (options.tags !== undefined ? 'REPLACE' : 'COPY'),
      CopySourceIfMatch: conditions.ifMatch,
      CopySourceIfNoneMatch: conditions.ifNoneMatch,
      CopySourceIfModifiedSince: conditions.ifModifiedSince,
      CopySourceIfUnmodifiedSince: conditions.ifUnmodifiedSince,
      CopySourceSSECustomerAlgorithm: sourceKeyInput.SSECustomerAlgorithm,
      CopySourceSSECustomerKey: sourceKeyInput.SSECustomerKey,
      CopySourceSSECustomerKeyMD5: sourceKeyInput.SSECustomerKeyMD5,
      ChecksumAlgorithm: options.checksumAlgorithm,
      IfNoneMatch: options.ifNoneMatch,
      RequestPayer: storage.requestPayer,
      ...writeInput(options),
    }),
    { key: destinationKey, abortSignal: options.abortSignal },
  ).catch((error: unknown) => {
    // Above 5 GiB S3 refuses CopyObject: copy with parallel UploadPartCopy instead.
    if (options.multipart !== false && isCopyTooLarge(error)) return undefined;
    throw error;
  });
  if (output === undefined) return multipartCopy(storage, sourceKey, destinationKey, source, options);
  return {
    etag: normalizeEtag(output.CopyObjectResult?.ETag),
    versionId: output.VersionId,
    // Some stores (Ceph RGW) leave x-amz-copy-source-version-id out; the version asked for is the one copied.
    sourceVersionId: output.CopySourceVersionId ?? options.sourceVersionId,
    lastModified: output.CopyObjectResult?.LastModified,
    checksums: checksumsOf(output.CopyObjectResult ?? {}),
  };
}
