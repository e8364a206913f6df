/**
 * Types of the multipart transfer engine: `upload`, `download`, multipart `copy` and the clean-up calls.
 */
import type { Writable } from 'node:stream';
import type { ChecksumAlgorithmName } from '../../rules/checksums';
import type { PutOptions, PutResult } from './objects';

/** What an upload reads: a file (read by ranges, never whole), bytes, a stream of unknown length, or an async iterable. */
export type UploadSource = { readonly filePath: string } | Buffer | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>;

/**
 * The per-part integrity check an upload sends: a flexible checksum (`x-amz-checksum-*`: CRC32, CRC32C, SHA1, SHA256,
 * CRC64NVME), `Content-MD5`, or none. CRC64NVME makes a FULL_OBJECT multipart checksum, the others COMPOSITE.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
export type PartChecksum = ChecksumAlgorithmName | 'MD5' | 'NONE';

/** A snapshot of a transfer's progress. */
export interface TransferProgress {
  /** Bytes transferred so far, including parts or ranges done before a resume. */
  readonly transferredBytes: number;
  /** The total size, when known. */
  readonly totalBytes?: number;
  /** Parts (or ranges) finished. */
  readonly partsDone: number;
  /** The number of parts (or ranges), when known. */
  readonly totalParts?: number;
  /** Bytes per second sent in this run (resumed bytes excluded). */
  readonly bytesPerSecond: number;
  /** Milliseconds since this run started. */
  readonly elapsedMs: number;
}

/** One completed part, as an upload state records it. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
  /** The part's MD5, hex. */
  readonly md5?: string;
  /** The part's flexible checksum, base64, when one was sent. */
  readonly checksum?: string;
}

/** What a resumable upload records: enough to reconcile with ListParts and send only the missing parts. */
export interface UploadState {
  readonly version: 1;
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** The part layout: equal parts of this size, or the first size of a growing layout. */
  readonly partSizeBytes: number;
  readonly layout: 'fixed' | 'growing';
  readonly partChecksum: PartChecksum;
  /** What identifies the source: its size and mtime (a file), or a caller-supplied id. */
  readonly source: { readonly size?: number; readonly mtimeMs?: number; readonly id?: string };
  readonly parts: readonly UploadedPart[];
  /** ISO 8601. */
  readonly createdAt: string;
  /** The `bk-sse-c-key-id` of an SSE-C upload whose key came from a `CustomerKeyProvider` (never the key). @default - none */
  readonly customerKeyId?: string;
  /** Base64 MD5 of an SSE-C upload's key (never the key): a resume with another key is refused. @default - none */
  readonly customerKeyMd5?: string;
}

/** Where upload states live. Implement it to keep them in a database; {@link JsonFileUploadStateStore} is the default. */
export interface UploadStateStore {
  /** The saved state for this bucket and key, if any. */
  load(bucket: string, key: string): Promise<UploadState | undefined>;
  /** Saves (replaces) the state. Called after every part. */
  save(state: UploadState): Promise<void>;
  /** Forgets the state, after completion or abort. */
  remove(bucket: string, key: string): Promise<void>;
}

/** Options of {@link Storage.upload}. `ifNoneMatch` / `ifMatch` apply to the PutObject or to CompleteMultipartUpload. */
export interface UploadOptions extends Omit<PutOptions, 'contentLength'> {
  /** A known size is sent in one PutObject up to this size, multipart above it. @default 100 MiB */
  readonly multipartThresholdBytes?: number;
  /** Part size aimed for; raised as needed to stay within 10,000 parts. Also the first part size for a stream. @default 16 MiB (8 MiB for a stream) */
  readonly targetPartSizeBytes?: number;
  /** Use exactly this part size. @default - computed from the size */
  readonly partSizeBytes?: number;
  /** The store needs equal parts (e.g. Cloudflare R2): a stream of unknown length then uses fixed parts, capping it at 10,000 parts. @default false */
  readonly equalParts?: boolean;
  /** The source's size, for a stream of known length. @default - a file is stat'ed, bytes are counted, a stream is unknown */
  readonly sizeBytes?: number;
  /**
   * Parts in flight at once. Memory is about `concurrency x partSize` plus a constant. At most the storage's `concurrency` (the sockets its client pools; more would only wait for one, and the wait counts against `connectionTimeoutMs`).
   * @default - the storage's `concurrency`
   */
  readonly concurrency?: number;
  /**
   * The per-part integrity check. With `checksumAlgorithm` set, every part carries that algorithm (S3 checks each part
   * against the one declared on CreateMultipartUpload); `partChecksum` may then only be the same algorithm or `MD5`
   * (Content-MD5 as well), else {@link InvalidArgumentError} before any request.
   * @default - `checksumAlgorithm` when set; else 'CRC32' on Amazon S3. On any other endpoint (`endpoint`, or
   * `AWS_ENDPOINT_URL_S3`), whatever the checksum policy: 'CRC32' when the store proves it checks CRC32, else 'MD5'
   * (Content-MD5, which every S3-compatible store checks): CreateMultipartUpload declares CRC32, and a store that echoes
   * it is sent part 1 as one byte with a wrong CRC32, which it must refuse (`BadDigest` on Amazon S3,
   * `XAmzContentChecksumMismatch` on MinIO); a store that takes it (moto) gets a fresh upload
   * with Content-MD5 parts, one that ignores the declaration (Ceph RGW 16) Content-MD5 parts on the same upload. One
   * one-byte request per upload; none when a compatibility profile says the store has no flexible checksums. A resume
   * keeps the check its upload began with. https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
   */
  readonly partChecksum?: PartChecksum;
  /** Attempts per part, on top of the SDK's own retries, for retryable errors. @default 4 */
  readonly maxPartAttempts?: number;
  /** Base of the exponential back-off between part attempts, with full jitter. @default 250 */
  readonly retryBaseDelayMs?: number;
  /** Check the completed object: the multipart ETag computed from the part MD5s (MD5-based ETags only), or the composite checksum. @default true */
  readonly verify?: boolean;
  /** Keep the uploaded parts when the upload fails, so it can be resumed. @default false (abort: no orphaned parts) */
  readonly leavePartsOnError?: boolean;
  /** When `abortSignal` fires, keep the upload and its state for a resume instead of aborting it. @default false */
  readonly leaveResumableOnAbort?: boolean;
  /** Resume from a saved state when there is one. @default true */
  readonly resume?: boolean;
  /** Where the upload state lives. @default - a JSON sidecar `<file>.bucketkit-upload.json` for a file source; none for other sources */
  readonly stateStore?: UploadStateStore;
  /** Identifies a non-file source across runs, so its upload can be resumed (with `stateStore`). @default - none */
  readonly sourceId?: string;
  /**
   * Called after every part with the progress so far; an upload in one PutObject is one part, and from a file its
   * bytes are also reported as the request reads them (at most every 200 ms, `partsDone` 0 until it is answered).
   * @default - none
   */
  readonly onProgress?: (progress: TransferProgress) => void;
}

/** What an upload produced. */
export interface UploadResult extends PutResult {
  /** The multipart upload id, or undefined for a single PutObject. */
  readonly uploadId?: string;
  readonly partsCount: number;
  /** Parts found already uploaded (resumed) and not sent again. */
  readonly partsResumed: number;
  /** How the object was checked after completion. */
  readonly verifiedBy: 'multipart-etag' | 'md5-etag' | 'composite-checksum' | 'none';
}

/** An open multipart upload, as ListMultipartUploads shows it. */
export interface IncompleteUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated?: Date;
  readonly storageClass?: string;
}

/** Options of {@link Storage.listIncompleteUploads}. */
export interface ListIncompleteUploadsOptions {
  /** @default - every key */
  readonly prefix?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** Options of {@link Storage.abortIncompleteUploads}. */
export interface AbortIncompleteUploadsOptions extends ListIncompleteUploadsOptions {
  /** Abort only uploads initiated before this date. @default - every upload */
  readonly olderThan?: Date;
}

/** Where a download goes: a file path (written via `<path>.partial`, renamed when complete) or a Writable, in order. */
export type DownloadDestination = string | { readonly filePath: string } | Writable;

/** Options of {@link Storage.download}. */
export interface DownloadOptions {
  /** @default - the latest version */
  readonly versionId?: string;
  /** The SSE-C key of the object. @default - none */
  readonly customerKey?: Uint8Array;
  /** The id of the object's SSE-C key in the config's `customerKeys` provider. @default - found from the object */
  readonly customerKeyId?: string;
  /**
   * Bytes per ranged GET, 1 byte to 5 GiB (each range is held in memory). Unset, ranges follow the object's parts
   * when they are known and not larger than 64 MiB, which the multipart-ETag and per-part checks need; a size that
   * does not match the parts leaves only the size (and a full-object CRC) to check. @default 16 MiB
   */
  readonly rangeSizeBytes?: number;
  /**
   * Ranged GETs in flight at once. At most the storage's `concurrency` (the sockets its client pools; more would only wait for one, and the wait counts against `connectionTimeoutMs`).
   * @default - the storage's `concurrency`
   */
  readonly concurrency?: number;
  /** Attempts per range, on top of the SDK's retries, for retryable errors. @default 4 */
  readonly maxRangeAttempts?: number;
  /** Base of the exponential back-off between range attempts, with full jitter. @default 250 */
  readonly retryBaseDelayMs?: number;
  /** Resume from `<path>.partial` and its state sidecar when they match the object. @default true */
  readonly resume?: boolean;
  /** Check the bytes: size always, and the strongest cheap check the object allows (see {@link DownloadVerification}). @default true */
  readonly verify?: boolean;
  /** When `abortSignal` fires, keep `<path>.partial` and its state for a resume. @default true */
  readonly leaveResumableOnAbort?: boolean;
  /** @default - none */
  readonly onProgress?: (progress: TransferProgress) => void;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/**
 * How a download's bytes were checked, beyond their size, in order of preference. The object's checksums come from
 * HEAD with `ChecksumMode: ENABLED`; every range is hashed off the event loop (the hash pool, `hashWorkers`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 *
 * - `part-checksums`: the object has a COMPOSITE checksum, the ranges are its parts, and each range was checked as it
 *   arrived against its part's checksum (all parts' from one GetObjectAttributes `ObjectParts` where the store lists
 *   them, else HEAD `?partNumber=N` with `ChecksumMode: ENABLED`), before it was recorded as done (a download to a
 *   file writes the bytes to `<path>.partial` as they arrive); a range that fails is fetched again, and written
 *   again. The parts' checksums, combined, equal the object's.
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 * - `composite-checksum`: as above, but the store gave no per-part checksums: the ranges' checksums, combined as S3
 *   does (the checksum of the concatenated part checksums, `-N`), equal the object's.
 * - `full-object-crc`: the object has a FULL_OBJECT CRC32, CRC32C or CRC64NVME (S3's default for new objects since
 *   2025, and any single-part object with one): the ranges' CRCs, combined mathematically (CRC combine), equal it.
 *   Any range size works and nothing is read twice.
 * - `multipart-etag`: the ranges are the parts of a multipart object whose ETag is MD5-based: the MD5 of their MD5s.
 * - `md5-etag`: the ETag is the MD5 of the whole object (a single-part upload without SSE-KMS or SSE-C).
 * - `none`: nothing above applies (`reason` says why); only the size was checked.
 */
export type DownloadVerification =
  | { readonly kind: 'part-checksums'; readonly algorithm: 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' }
  | { readonly kind: 'composite-checksum'; readonly algorithm: 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' }
  | { readonly kind: 'full-object-crc'; readonly algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME' }
  | { readonly kind: 'multipart-etag' }
  | { readonly kind: 'md5-etag' }
  | { readonly kind: 'none'; readonly reason: string };

/** What a download produced. */
export interface DownloadResult {
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly ranges: number;
  readonly rangesResumed: number;
  /** The check that passed: see {@link DownloadVerification}. */
  readonly verification: DownloadVerification;
  /** The same, as one word: `verification.kind`, with `'size'` for `none`. */
  readonly verifiedBy: 'part-checksums' | 'composite-checksum' | 'full-object-crc' | 'multipart-etag' | 'md5-etag' | 'size';
}
