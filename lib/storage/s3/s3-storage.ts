/**
 * The facade: `S3Storage` composes the capability folders below it and holds no logic of its own beyond choosing
 * which one runs (for example, when a put becomes a multipart upload). Nothing in lib/storage imports this file but
 * the package's index.
 *
 * The transfer engines and the probes are loaded on first use (`import()`), so a handler that only reads objects
 * does not load them at cold start, and a bundler that splits code keeps them out of the entry chunk.
 */
import type {
  ObjectRestoreStatus,
  RestoreManyItem,
  RestoreManyOptions,
  RestoreOptions,
  RestoreResult,
  RestoreStatusOptions,
  RestoreTarget,
  SetStorageClassOptions,
  SetStorageClassResult,
  WaitForRestoreOptions,
} from '../types/archive';
import type { AuditEncryptionOptions, ReencryptOptions, ReencryptResult, VerifyEncryptionOptions, VerifyEncryptionResult } from '../types/encryption';
import type { Storage } from '../types/storage';
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
  ServerSideEncryption,
  HeadOptions,
  ListOptions,
  ListPage,
  ObjectMetadata,
  PutBody,
  PutOptions,
  PutResult,
} from '../types/objects';
import type {
  AbortIncompleteUploadsOptions,
  DownloadDestination,
  DownloadOptions,
  DownloadResult,
  IncompleteUpload,
  ListIncompleteUploadsOptions,
  UploadOptions,
  UploadResult,
  UploadSource,
} from '../types/transfer';
import { restoreObject, restoreStatus } from './archive/restore';
import { verifyEncryption } from './encryption/verify';
import type { RestoreStatusManyOptions } from './archive/status-many';
import type { S3StorageConfig } from './core/config';
import { S3StorageBase } from './s3-storage-base';
import { existsFor, headFor, withCopyKeysFor, withReadKeyFor, withRestoreKeysFor, withStorageClassKeyFor, withWriteKey } from './encryption/customer-keys';
import { prepareCopy, copyObject } from './objects/copy';
import { deleteObject, deleteObjects } from './objects/delete';
import { getObject, getObjectBuffer } from './objects/get';
import { listObjects } from './objects/list';
import { planPut } from './objects/put';
import { watchIfStream } from './objects/stream-guard';
import { abortIncompleteUploads, listIncompleteUploads } from './transfer/shared/uploads-admin';
import type { ListVersionsOptions, ListVersionsPage, PruneVersionsOptions, PruneVersionsResult, UndeleteOptions, UndeleteResult } from '../types/versioning';
import { listVersions } from './versioning/list-versions';
import { pruneVersions } from './versioning/prune';
import { restoreVersion, undelete, type RestoreVersionOptions } from './versioning/undelete';

/**
 * {@link Storage} on Amazon S3 and S3-compatible stores, bound to one bucket.
 *
 * @example
 * const storage = new S3Storage({ bucket: 'my-bucket', region: 'eu-west-1' });
 * await storage.put('hello.txt', 'hello', { contentType: 'text/plain' });
 * const text = await storage.getText('hello.txt');
 */
export class S3Storage extends S3StorageBase implements Storage {
  /**
   * @param config see {@link S3StorageConfig}
   * @throws InvalidArgumentError naming the field, for a bad config
   */
  public constructor(config: S3StorageConfig) {
    super(config);
  }

  public async put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    const plan = await planPut(this.session, key, body, (options = await withWriteKey(this.session, options)));
    if (plan.kind === 'single') return plan.send();
    const { uploadFromIterator } = await import('./transfer/upload/upload');
    return uploadFromIterator(this.session, key, plan.head, plan.rest, options);
  }

  public async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    return getObject(this.session, key, await withReadKeyFor(this.session, key, options));
  }

  public async getBuffer(key: string, options: GetOptions = {}): Promise<Buffer> {
    return getObjectBuffer(this.session, key, await withReadKeyFor(this.session, key, options));
  }

  public async getText(key: string, options: GetOptions = {}): Promise<string> {
    return (await getObjectBuffer(this.session, key, await withReadKeyFor(this.session, key, options))).toString('utf8');
  }

  public head(key: string, options: HeadOptions = {}): Promise<ObjectMetadata> {
    return headFor(this.session, key, options);
  }

  public exists(key: string, options: HeadOptions = {}): Promise<boolean> {
    return existsFor(this.session, key, options);
  }

  public delete(key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    return deleteObject(this.session, key, options);
  }

  public deleteMany(targets: Iterable<DeleteTarget>, options: DeleteManyOptions = {}): Promise<DeleteManyResult> {
    return deleteObjects(this.session, targets, options);
  }

  public list(options: ListOptions = {}): AsyncIterableIterator<ListPage> {
    return listObjects(this.session, options);
  }

  /** CopyObject up to 5 GiB; a larger source, or `multipart: true`, goes through parallel UploadPartCopy. */
  public async copy(sourceKey: string, destinationKey: string, options: CopyOptions = {}): Promise<CopyResult> {
    options = await withCopyKeysFor(this.session, sourceKey, options);
    const source = await prepareCopy(this.session, sourceKey, destinationKey, options);
    if (options.multipart !== true) {
      const copied = await copyObject(this.session, destinationKey, source, options);
      if (copied !== undefined) return copied;
    }
    const { multipartCopy } = await import('./transfer/copy/multipart-copy');
    return multipartCopy(this.session, sourceKey, destinationKey, source, options);
  }

  public async upload(key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
    watchIfStream(source); // an error while the engine loads must not crash the process
    const { uploadObject } = await import('./transfer/upload/upload');
    return uploadObject(this.session, key, source, await withWriteKey(this.session, options));
  }

  public async resumeUpload(uploadId: string, key: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
    watchIfStream(source);
    const { resumeUpload } = await import('./transfer/upload/upload');
    return resumeUpload(this.session, uploadId, key, source, await withWriteKey(this.session, options));
  }

  public async download(key: string, destination: DownloadDestination, options: DownloadOptions = {}): Promise<DownloadResult> {
    watchIfStream(destination);
    const { downloadObject } = await import('./transfer/download/download');
    return downloadObject(this.session, key, destination, await withReadKeyFor(this.session, key, options));
  }

  public listIncompleteUploads(options: ListIncompleteUploadsOptions = {}): Promise<IncompleteUpload[]> {
    return listIncompleteUploads(this.session, options);
  }

  public abortIncompleteUploads(options: AbortIncompleteUploadsOptions = {}): Promise<IncompleteUpload[]> {
    return abortIncompleteUploads(this.session, options);
  }

  /** ListObjectVersions page by page: versions and delete markers in one ordered list; resumable from the markers. */
  public listVersions(options: ListVersionsOptions = {}): AsyncIterableIterator<ListVersionsPage> {
    return listVersions(this.session, options);
  }

  /** Removes the delete marker(s) on top of `key`; returns the version now current. @throws ObjectNotFoundError if nothing to bring back */
  public undelete(key: string, options: UndeleteOptions = {}): Promise<UndeleteResult> {
    return undelete(this.session, key, options);
  }

  /** Copies an old version to the top of its key, keeping its metadata, tags, storage class and SSE-S3/KMS settings. */
  public async restoreVersion(key: string, versionId: string, options: RestoreVersionOptions = {}): Promise<CopyResult> {
    return restoreVersion(this.session, key, versionId, await withRestoreKeysFor(this.session, key, versionId, options));
  }

  /** Deletes noncurrent versions and orphaned delete markers in batches of 1,000 (never a current version); per-key report. */
  public pruneVersions(options: PruneVersionsOptions = {}): Promise<PruneVersionsResult> {
    return pruneVersions(this.session, options);
  }

  // Archive and restore (lib/storage/s3/archive): the facade only delegates.

  /** Restores an archived object; see `archive/restore.ts` for the statuses and errors. */
  public restore(key: string, options: RestoreOptions = {}): Promise<RestoreResult> {
    return restoreObject(this.session, key, options);
  }

  /** An object's restore state from one HEAD (`x-amz-restore`, `x-amz-archive-status`). */
  public restoreStatus(key: string, options: RestoreStatusOptions = {}): Promise<ObjectRestoreStatus> {
    return restoreStatus(this.session, key, options);
  }

  /** Polls with backoff until the object is restored; rejects with TimeoutError or AbortedError. */
  public async waitForRestore(key: string, options: WaitForRestoreOptions = {}): Promise<ObjectRestoreStatus> {
    const { waitForRestore } = await import('./archive/wait');
    return waitForRestore(this.session, key, options);
  }

  /** Restores many objects (a prefix, or keys), streaming one result per key; resumable with `stateFile`. */
  public async *restoreMany(
    keysOrPrefix: string | Iterable<string | RestoreTarget> | AsyncIterable<string | RestoreTarget>,
    options: RestoreManyOptions = {},
  ): AsyncIterableIterator<RestoreManyItem> {
    const { restoreMany } = await import('./archive/restore-many');
    yield* restoreMany(this.session, keysOrPrefix, options);
  }

  /** The restore state of every object under a prefix (ListObjectsV2 RestoreStatus, HEAD where the store lacks it). */
  public async *restoreStatusMany(prefix: string, options: RestoreStatusManyOptions = {}): AsyncIterableIterator<ObjectRestoreStatus> {
    const { restoreStatusMany } = await import('./archive/status-many');
    yield* restoreStatusMany(this.session, prefix, options);
  }

  /** Changes an object's class in place by copy (multipart above 5 GiB), keeping metadata, tags and encryption. */
  public async setStorageClass(key: string, storageClass: string, options: SetStorageClassOptions = {}): Promise<SetStorageClassResult> {
    const { setStorageClass } = await import('./archive/set-storage-class');
    return setStorageClass(this.session, key, storageClass, await withStorageClassKeyFor(this.session, key, options), async (source, copyOptions) => {
      const { multipartCopy } = await import('./transfer/copy/multipart-copy');
      return multipartCopy(this.session, key, key, source, copyOptions);
    });
  }

  /** Compares one object's encryption (one HEAD) with `expected`: `{ ok, actual, expected, problems }`, no key material. */
  public verifyEncryption(key: string, expected: ServerSideEncryption, options: VerifyEncryptionOptions = {}): Promise<VerifyEncryptionResult> {
    return verifyEncryption(this.session, key, expected, options);
  }

  /** Streams every object under a prefix whose encryption differs from `expected` (bounded memory, any size). */
  public async *auditEncryption(options: AuditEncryptionOptions): AsyncIterableIterator<VerifyEncryptionResult> {
    const { auditEncryption } = await import('./encryption/verify');
    yield* auditEncryption(this.session, options);
  }

  /**
   * Moves objects to another encryption in place (UpdateObjectEncryption or copy), skipping those already under it; a
   * copy counts only once a HEAD shows the target encryption (else a `failed` item, `UnsupportedFeatureError`).
   * See `reencrypt` in encryption/reencrypt.ts and docs/encryption.md.
   */
  public async reencrypt(target: string | { readonly prefix: string }, options: ReencryptOptions): Promise<ReencryptResult> {
    const { reencrypt } = await import('./encryption/reencrypt');
    return reencrypt(this.session, target, options, async (key, source, copyOptions) => {
      const { multipartCopy } = await import('./transfer/copy/multipart-copy');
      return multipartCopy(this.session, key, key, source, copyOptions);
    });
  }
}
