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
} from './objects';
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
} from './transfer';

/**
 * Storage bound to one bucket. {@link S3Storage} implements it for Amazon S3 and S3-compatible stores.
 */
export interface Storage {
  /** The bucket this storage reads and writes. */
  readonly bucket: string;
  /** Writes an object in one request (at most 5 GiB). */
  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult>;
  /** Reads an object, or a range of it, as a stream. */
  get(key: string, options?: GetOptions): Promise<GetResult>;
  /** Reads an object, or a range of it, into memory. */
  getBuffer(key: string, options?: GetOptions): Promise<Buffer>;
  /** Reads an object as UTF-8 text. */
  getText(key: string, options?: GetOptions): Promise<string>;
  /** Reads an object's metadata. */
  head(key: string, options?: HeadOptions): Promise<ObjectMetadata>;
  /** True if the object exists; false on 404; other failures throw. */
  exists(key: string, options?: HeadOptions): Promise<boolean>;
  /** Deletes an object or one version of it. */
  delete(key: string, options?: DeleteOptions): Promise<DeleteResult>;
  /** Deletes many keys in batches of 1,000; reports each key's outcome and never throws away partial success. */
  deleteMany(targets: Iterable<DeleteTarget>, options?: DeleteManyOptions): Promise<DeleteManyResult>;
  /** Lists objects page by page (ListObjectsV2). */
  list(options?: ListOptions): AsyncIterableIterator<ListPage>;
  /** Copies an object server-side. */
  copy(sourceKey: string, destinationKey: string, options?: CopyOptions): Promise<CopyResult>;
  /** Uploads a file, bytes or a stream: one PutObject below the threshold, else a parallel, resumable multipart upload. */
  upload(key: string, source: UploadSource, options?: UploadOptions): Promise<UploadResult>;
  /** Continues an existing multipart upload: sends only the parts ListParts does not show. */
  resumeUpload(uploadId: string, key: string, source: UploadSource, options?: UploadOptions): Promise<UploadResult>;
  /**
   * Downloads an object with parallel ranged GETs pinned by `If-Match`, to a file (atomically, resumably) or a Writable.
   * @throws InvalidArgumentError before any request: a bad option (`rangeSizeBytes` 1 byte to 5 GiB), or a file
   *   destination that is a directory or whose directory does not exist (field `destination`)
   * @throws CallerStreamError (field `destination`) when the file cannot be opened or renamed, or the Writable fails
   * @throws ConflictError (retryable) when another download to the same file is running, in this process or another
   *   on this host: a download to a file holds `<path>.partial.lock` while it runs (a lock left by a killed process is
   *   taken over, so a resume still works)
   * @throws ObjectNotFoundError, PreconditionFailedError (the object changed), IntegrityError, AbortedError
   */
  download(key: string, destination: DownloadDestination, options?: DownloadOptions): Promise<DownloadResult>;
  /** Lists the bucket's open multipart uploads. */
  listIncompleteUploads(options?: ListIncompleteUploadsOptions): Promise<IncompleteUpload[]>;
  /** Aborts open multipart uploads, optionally only those older than a date. */
  abortIncompleteUploads(options?: AbortIncompleteUploadsOptions): Promise<IncompleteUpload[]>;
}
