import type { MfaToken, StorageClassName } from './objects';

export type { MfaToken };

/**
 * A bucket's versioning state. `'Disabled'` is a bucket that was never versioned (GetBucketVersioning returns no
 * status); once enabled, a bucket can only be `'Enabled'` or `'Suspended'`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
 */
export type VersioningStatus = 'Enabled' | 'Suspended' | 'Disabled';

/** What {@link Storage.getVersioning} returns. */
export interface BucketVersioning {
  /** The versioning state. */
  readonly status: VersioningStatus;
  /** True when MFA delete is on: changing the state and deleting a version then need an MFA token. */
  readonly mfaDelete: boolean;
}

/** Options of `setVersioning`. */
export interface SetVersioningOptions {
  /** The MFA token; S3 requires it to change the state of a bucket with MFA delete, and to turn MFA delete on or off. @default - none */
  readonly mfa?: MfaToken;
  /** Turn MFA delete on (`true`) or off (`false`); needs `mfa` and the root account. @default - unchanged (not sent) */
  readonly mfaDelete?: boolean;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** Options of `listVersions`. */
export interface ListVersionsOptions {
  /** @default - all keys */
  readonly prefix?: string;
  /** Resume after this key (with `versionIdMarker`, after that version of it): a page's `nextKeyMarker`. @default - the first key */
  readonly keyMarker?: string;
  /** Resume after this version of `keyMarker`: a page's `nextVersionIdMarker`. Needs `keyMarker`. @default - none */
  readonly versionIdMarker?: string;
  /** Versions and delete markers per page, 1..1000. @default 1000 */
  readonly pageSize?: number;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** One entry of ListObjectVersions: an object version or a delete marker. */
export interface ObjectVersion {
  readonly key: string;
  /** The version id; `'null'` for an object written while versioning was off or suspended. */
  readonly versionId: string;
  /** True for the current version of the key (which may be a delete marker). */
  readonly isLatest: boolean;
  /** True for a delete marker (no data: `size` 0, no `etag`). */
  readonly isDeleteMarker: boolean;
  readonly lastModified?: Date;
  /** Bytes; 0 for a delete marker. */
  readonly size: number;
  /** The ETag without quotes; undefined for a delete marker. */
  readonly etag?: string;
  /** Undefined for a delete marker. */
  readonly storageClass?: StorageClassName | string;
}

/** One ListObjectVersions page. */
export interface ListVersionsPage {
  /**
   * Versions and delete markers in one list, in S3's order: by key, then newest first. S3 sends the two kinds
   * interleaved; the SDK parses them into two lists, which are merged back by key, `isLatest` and `lastModified`.
   */
  readonly versions: readonly ObjectVersion[];
  /** True when more pages follow. */
  readonly isTruncated: boolean;
  /** Pass as `keyMarker` to resume after this page. */
  readonly nextKeyMarker?: string;
  /** Pass as `versionIdMarker` to resume after this page. */
  readonly nextVersionIdMarker?: string;
}

/** What `undelete` did. */
export interface UndeleteResult {
  /** The version that is current now. */
  readonly current: ObjectVersion;
  /** The delete markers removed, newest first (empty when the key was not deleted). */
  readonly removedDeleteMarkers: readonly string[];
}

/** Options of `undelete`. */
export interface UndeleteOptions {
  /** MFA token; needed on a bucket with MFA delete (removing a marker is a versioned delete). @default - none */
  readonly mfa?: MfaToken;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** Options of `pruneVersions`. */
export interface PruneVersionsOptions {
  /** @default - all keys */
  readonly prefix?: string;
  /** Noncurrent versions to keep per key, newest first. @default 0 */
  readonly keepLatest?: number;
  /**
   * Delete a noncurrent version only when it became noncurrent (its successor was written) at least this many days
   * ago, as S3 Lifecycle's `NoncurrentDays` counts. @default - any age
   */
  readonly olderThanDays?: number;
  /** Report what would be deleted, and delete nothing. @default false */
  readonly dryRun?: boolean;
  /** MFA token; required when the bucket has MFA delete. @default - none */
  readonly mfa?: MfaToken;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** One key's outcome in `pruneVersions`. */
export interface PruneKeyOutcome {
  readonly key: string;
  /** Deleted (or, in a dry run, to be deleted) versions and delete markers. */
  readonly deleted: ReadonlyArray<{ readonly versionId: string; readonly isDeleteMarker: boolean }>;
  /** Versions left in place, the current one included. */
  readonly kept: number;
  /** Deletes S3 refused, with its code and message. */
  readonly errors: ReadonlyArray<{ readonly versionId: string; readonly code: string; readonly message: string }>;
}

/** What `pruneVersions` did. */
export interface PruneVersionsResult {
  readonly dryRun: boolean;
  /** Every key that had something to delete, in key order. */
  readonly keys: readonly PruneKeyOutcome[];
  /** Versions and markers deleted (or to be deleted, in a dry run). */
  readonly deletedCount: number;
  /** Deletes that failed. */
  readonly errorCount: number;
}
