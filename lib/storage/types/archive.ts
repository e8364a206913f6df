import type { RestoreState } from '../../rules/restore';
import type { RestoreTier } from '../../rules/storage-classes';

/** Options of `S3Storage.restore`. */
export interface RestoreOptions {
  /**
   * How long the restored copy stays, in whole days (1 or more). Required for GLACIER and DEEP_ARCHIVE; must be left
   * out for INTELLIGENT_TIERING objects in an archive access tier (they move back to Frequent Access).
   */
  readonly days?: number;
  /** The retrieval tier. Expedited is refused for DEEP_ARCHIVE before sending. @default 'Standard' */
  readonly tier?: RestoreTier;
  /** Restore this version instead of the current one. @default - the current version */
  readonly versionId?: string;
  /** Fall back to Standard once when S3 answers 503 GlacierExpeditedRetrievalNotAvailable. @default true */
  readonly fallbackToStandard?: boolean;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** What `S3Storage.restore` did. */
export interface RestoreResult {
  /**
   * - `started`: 202, a restore began (or a running one was upgraded to a faster tier);
   * - `already-restored`: 200, the copy was already there and its expiry was extended;
   * - `in-progress`: 409 RestoreAlreadyInProgress;
   * - `not-archived`: the object needs no restore (its class is read directly, or S3 answered InvalidObjectState /
   *   ObjectAlreadyInActiveTierError).
   */
  readonly status: 'started' | 'already-restored' | 'in-progress' | 'not-archived';
  /** The tier the request that counted used. */
  readonly tier: RestoreTier;
  /** True when Expedited was not available (503) and the restore went at Standard instead. */
  readonly fellBackToStandard?: boolean;
  /** For `already-restored`: the new expiry, by S3's rule (request time + days, rounded up to midnight UTC). */
  readonly expiresAt?: Date;
  /** The object's storage class, from HEAD. */
  readonly storageClass: string;
}

/** Options of `S3Storage.restoreStatus`. */
export interface RestoreStatusOptions {
  /** @default - the current version */
  readonly versionId?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** An object's restore status, from HEAD's `x-amz-storage-class`, `x-amz-restore` and `x-amz-archive-status`. */
export interface ObjectRestoreStatus {
  /** The object's key. */
  readonly key: string;
  /** Where the object stands; see `RestoreState` in `bucketkit/rules`. */
  readonly state: RestoreState;
  /** The object's class (a restored object keeps GLACIER or DEEP_ARCHIVE). */
  readonly storageClass: string;
  /** When the restored copy goes away (state `restored`). */
  readonly expiresAt?: Date;
  /** `x-amz-archive-status` of an INTELLIGENT_TIERING object: ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS. */
  readonly archiveStatus?: string;
  /** The version, when the bucket is versioned. */
  readonly versionId?: string;
}

/** Options of `S3Storage.waitForRestore`. */
export interface WaitForRestoreOptions {
  /** The first wait between polls, ms; each next wait is 1.5 times longer, up to `maxPollIntervalMs`. @default 60_000 */
  readonly pollIntervalMs?: number;
  /** The longest wait between polls, ms. @default 900_000 (15 minutes) */
  readonly maxPollIntervalMs?: number;
  /** Give up after this many ms with `TimeoutError`. @default 172_800_000 (48 hours, the longest Bulk restore of DEEP_ARCHIVE) */
  readonly timeoutMs?: number;
  /** Rejects with `AbortedError` when aborted, at once (also in the middle of a wait). */
  readonly signal?: AbortSignal;
  /** Called after every poll. */
  readonly onProgress?: (status: ObjectRestoreStatus, polls: number) => void;
  /** @default - the current version */
  readonly versionId?: string;
}

/** Options of `S3Storage.restoreMany`. */
export interface RestoreManyOptions {
  /** How long each restored copy stays, whole days, 1 or more (required for GLACIER and DEEP_ARCHIVE). */
  readonly days?: number;
  /** @default 'Standard' */
  readonly tier?: RestoreTier;
  /** Requests in flight at once, 1 to 1,000. @default 32 */
  readonly concurrency?: number;
  /** Requests per second at most (S3 allows 1,000 restores/s per account). @default 1000 */
  readonly maxRequestsPerSecond?: number;
  /** Fall back to Standard once for a key when S3 answers 503 GlacierExpeditedRetrievalNotAvailable. @default true */
  readonly fallbackToStandard?: boolean;
  /**
   * A ledger file (JSON lines). Each key is written to it before its RestoreObject is sent and again with the result,
   * so a run that is killed and started again with the same file sends no RestoreObject twice for a key: keys with a
   * result are skipped, and keys that were sent but have no result are checked with HEAD first.
   * @default - no ledger
   */
  readonly stateFile?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** One key's outcome in `S3Storage.restoreMany`. */
export interface RestoreManyItem {
  readonly key: string;
  readonly versionId?: string;
  /** `skipped`: the ledger (or HEAD, after a crash) says this key was already requested. `failed`: see `error`. */
  readonly status: RestoreResult['status'] | 'skipped' | 'failed';
  /** The tier asked for, or the tier the request that counted used (Standard after a fallback). */
  readonly tier: RestoreTier;
  /** True when Expedited was not available (503) and this key's restore went at Standard instead. */
  readonly fellBackToStandard?: boolean;
  /** The error of a failed key. */
  readonly error?: Error;
}

/** A key with an optional version, for `S3Storage.restoreMany`. */
export interface RestoreTarget {
  readonly key: string;
  readonly versionId?: string;
}

/** Options of `S3Storage.setStorageClass`. */
export interface SetStorageClassOptions {
  /** Copy this version (in a versioned bucket the copy becomes the new current version). @default - the current version */
  readonly versionId?: string;
  /** Use multipart copy (UploadPartCopy) even below 5 GiB. @default false: only above 5 GiB */
  readonly multipart?: boolean;
  /** The object's SSE-C key: it reads the object and encrypts the copy. @default - the config's SSE-C key, or the one `customerKeys` finds */
  readonly customerKey?: Uint8Array;
  /** The id of the object's SSE-C key in the config's `customerKeys` provider. @default - found from the object */
  readonly customerKeyId?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** What `S3Storage.setStorageClass` did. */
export interface SetStorageClassResult {
  readonly key: string;
  /** The class before and after. */
  readonly from: string;
  readonly to: string;
  /** The version the copy created (versioned buckets). */
  readonly versionId?: string;
  /** True in a versioned bucket: the copy is a new version and the old one keeps its class. */
  readonly newVersionCreated: boolean;
  /** True when the copy went through UploadPartCopy (above 5 GiB, or `multipart: true`). */
  readonly multipart: boolean;
}
