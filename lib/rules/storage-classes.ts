import { KIB } from './limits';

// The ONE table of S3 storage classes. Every list of classes in bucketkit derives from it.
// Names: the `StorageClass` enum of @aws-sdk/client-s3 3.1173.0 (models/enums.d.ts), which is S3's API model.
// Sources, cited per column below:
// - Classes, minimum durations and billable sizes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare
// - PUT x-amz-storage-class: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#AmazonS3-PutObject-request-header-StorageClass
// - Lifecycle targets and waterfall: https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
// - Restore tiers: https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
// - Directory buckets: https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-buckets-overview.html

/** A RestoreObject retrieval tier. https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html */
export type RestoreTier = 'Expedited' | 'Standard' | 'Bulk';

/**
 * Where a class lives: `general-purpose` buckets, `directory` buckets (S3 Express One Zone), S3 on `outposts`,
 * Snow Family devices (`snow`), or a class S3 only `reports` for data it does not store itself (FSx file systems
 * behind an access point, AWS Backup).
 */
export type StorageClassScope = 'general-purpose' | 'directory' | 'outposts' | 'snow' | 'reports';

/** One row of {@link STORAGE_CLASS_TABLE}. */
export interface StorageClassInfo {
  /** S3's API name, e.g. `GLACIER_IR`. */
  readonly name: string;
  /** The product name AWS uses, e.g. "S3 Glacier Instant Retrieval". */
  readonly title: string;
  /** Where the class lives. */
  readonly scope: StorageClassScope;
  /** Accepted in `x-amz-storage-class` on PutObject, CopyObject and CreateMultipartUpload (in its scope). */
  readonly writable: boolean;
  /** A lifecycle `Transition` / `NoncurrentVersionTransition` may target it (the SDK's `TransitionStorageClass`). */
  readonly lifecycleTarget: boolean;
  /** The classes a lifecycle rule may move objects of this class to (the waterfall); empty when none. */
  readonly transitionsTo: readonly string[];
  /** Objects need RestoreObject before GET (GLACIER, DEEP_ARCHIVE). */
  readonly archive: boolean;
  /** Days billed at least, whatever happens to the object earlier. 0: no minimum. */
  readonly minStorageDays: number;
  /** Bytes billed at least per object. 0: no minimum. */
  readonly minBillableObjectSizeBytes: number;
  /** Bytes of index and metadata billed per archived object on top of its size (8 KiB at STANDARD + 32 KiB at the class rate). 0: none. */
  readonly perObjectOverheadBytes: number;
  /** RestoreObject tiers for an object of this class; empty when it is read directly. */
  readonly restoreTiers: readonly RestoreTier[];
  /** Only directory buckets store it (S3 Express One Zone). */
  readonly directoryBucketOnly: boolean;
  /** Availability Zones the data is stored in: 1 for the One Zone classes, 3 or more for the others; 0 when not an AWS Region class. */
  readonly availabilityZones: number;
}

const ALL_TARGETS = ['STANDARD_IA', 'INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
const NONE = [] as const;
const ARCHIVE_TIERS = ['Expedited', 'Standard', 'Bulk'] as const;
const DEEP_ARCHIVE_TIERS = ['Standard', 'Bulk'] as const;

/**
 * Every S3 storage class, one row each.
 *
 * - `minStorageDays`: 30 for STANDARD_IA and ONEZONE_IA, 90 for GLACIER_IR and GLACIER, 180 for DEEP_ARCHIVE
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare).
 * - `minBillableObjectSizeBytes`: 128 KiB for STANDARD_IA, ONEZONE_IA and GLACIER_IR (same page).
 * - `perObjectOverheadBytes`: 40 KiB for GLACIER and DEEP_ARCHIVE, 8 KiB of it at the STANDARD rate (same page, footnotes).
 * - `restoreTiers`: GLACIER takes Expedited, Standard and Bulk; DEEP_ARCHIVE only Standard and Bulk
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html).
 * - `transitionsTo`: the waterfall
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-general-considerations-transition-sc).
 * - `writable`: the PutObject `x-amz-storage-class` values
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#AmazonS3-PutObject-request-header-StorageClass);
 *   the FSx and AWS Backup classes are reported for data S3 does not store (FSx file systems behind an access point,
 *   https://docs.aws.amazon.com/fsx/latest/OpenZFSGuide/s3accesspoints-for-FSx.html), so bucketkit never sends them.
 * - EXPRESS_ONEZONE is for directory buckets only
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-buckets-overview.html).
 */
// One class per line, so the table reads as a table:
// prettier-ignore
export const STORAGE_CLASS_TABLE = [
  { name: 'STANDARD', title: 'S3 Standard', scope: 'general-purpose', writable: true, lifecycleTarget: false, transitionsTo: ALL_TARGETS, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'REDUCED_REDUNDANCY', title: 'Reduced Redundancy (not recommended)', scope: 'general-purpose', writable: true, lifecycleTarget: false, transitionsTo: ALL_TARGETS, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'STANDARD_IA', title: 'S3 Standard-Infrequent Access', scope: 'general-purpose', writable: true, lifecycleTarget: true, transitionsTo: ['INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'], archive: false, minStorageDays: 30, minBillableObjectSizeBytes: 128 * KIB, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'ONEZONE_IA', title: 'S3 One Zone-Infrequent Access', scope: 'general-purpose', writable: true, lifecycleTarget: true, transitionsTo: ['GLACIER', 'DEEP_ARCHIVE'], archive: false, minStorageDays: 30, minBillableObjectSizeBytes: 128 * KIB, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 1 },
  { name: 'INTELLIGENT_TIERING', title: 'S3 Intelligent-Tiering', scope: 'general-purpose', writable: true, lifecycleTarget: true, transitionsTo: ['ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'], archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'GLACIER_IR', title: 'S3 Glacier Instant Retrieval', scope: 'general-purpose', writable: true, lifecycleTarget: true, transitionsTo: ['GLACIER', 'DEEP_ARCHIVE'], archive: false, minStorageDays: 90, minBillableObjectSizeBytes: 128 * KIB, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'GLACIER', title: 'S3 Glacier Flexible Retrieval', scope: 'general-purpose', writable: true, lifecycleTarget: true, transitionsTo: ['DEEP_ARCHIVE'], archive: true, minStorageDays: 90, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 40 * KIB, restoreTiers: ARCHIVE_TIERS, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'DEEP_ARCHIVE', title: 'S3 Glacier Deep Archive', scope: 'general-purpose', writable: true, lifecycleTarget: true, transitionsTo: NONE, archive: true, minStorageDays: 180, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 40 * KIB, restoreTiers: DEEP_ARCHIVE_TIERS, directoryBucketOnly: false, availabilityZones: 3 },
  { name: 'EXPRESS_ONEZONE', title: 'S3 Express One Zone', scope: 'directory', writable: true, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: true, availabilityZones: 1 },
  { name: 'OUTPOSTS', title: 'S3 on Outposts', scope: 'outposts', writable: true, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 0 },
  { name: 'SNOW', title: 'S3 compatible storage on Snow Family devices', scope: 'snow', writable: true, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 0 },
  { name: 'FSX_OPENZFS', title: 'Amazon FSx for OpenZFS (through an S3 access point)', scope: 'reports', writable: false, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 0 },
  { name: 'FSX_ONTAP', title: 'Amazon FSx for NetApp ONTAP (through an S3 access point)', scope: 'reports', writable: false, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 0 },
  { name: 'AWS_BACKUP_WARM', title: 'AWS Backup warm storage', scope: 'reports', writable: false, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 0 },
  { name: 'AWS_BACKUP_LOW_COST_WARM', title: 'AWS Backup low-cost warm storage', scope: 'reports', writable: false, lifecycleTarget: false, transitionsTo: NONE, archive: false, minStorageDays: 0, minBillableObjectSizeBytes: 0, perObjectOverheadBytes: 0, restoreTiers: NONE, directoryBucketOnly: false, availabilityZones: 0 },
] as const satisfies readonly StorageClassInfo[];

type Row = (typeof STORAGE_CLASS_TABLE)[number];

/** Every storage class name S3's API knows (all rows of {@link STORAGE_CLASS_TABLE}). */
export type StorageClass = Row['name'];
/** The classes of general purpose buckets in AWS Regions: what lifecycle rules and the compatibility probes use. */
export type StorageClassName = Extract<Row, { scope: 'general-purpose' }>['name'];
/** The classes a write may ask for (PutObject, CopyObject, CreateMultipartUpload). */
export type WritableStorageClass = Extract<Row, { writable: true }>['name'];
/** The classes a lifecycle transition may target. */
export type LifecycleTransitionStorageClass = Extract<Row, { lifecycleTarget: true }>['name'];
/** The classes whose objects need RestoreObject before GET. */
export type ArchiveStorageClass = Extract<Row, { archive: true }>['name'];

const names = <T extends StorageClass>(keep: (row: Row) => boolean): readonly T[] =>
  Object.freeze(STORAGE_CLASS_TABLE.filter(keep).map((row) => row.name as T));

/** Every storage class name, in table order. */
export const ALL_STORAGE_CLASSES: readonly StorageClass[] = names(() => true);
/** The general purpose bucket classes by the names the lifecycle API uses: STANDARD ... DEEP_ARCHIVE (8 classes). */
export const STORAGE_CLASSES: readonly StorageClassName[] = names((row) => row.scope === 'general-purpose');
/** Every class `x-amz-storage-class` accepts on a write, in any scope (11 classes; not the FSx and AWS Backup ones). */
export const WRITABLE_STORAGE_CLASSES: readonly WritableStorageClass[] = names((row) => row.writable);
/** The classes a lifecycle transition may target (the SDK's `TransitionStorageClass`). */
export const LIFECYCLE_TRANSITION_STORAGE_CLASSES: readonly LifecycleTransitionStorageClass[] = names((row) => row.lifecycleTarget);
/** The infrequent-access classes that need 30 days before a transition into them and 30 days before leaving them. */
export const INFREQUENT_ACCESS_CLASSES: readonly string[] = Object.freeze(['STANDARD_IA', 'ONEZONE_IA']);
/** The archive classes: objects need RestoreObject before GET; every class may transition into them. */
export const ARCHIVE_CLASSES: readonly ArchiveStorageClass[] = names((row) => row.archive);

/**
 * An object must spend this many days in S3 before it can move to STANDARD_IA or ONEZONE_IA (days, 30).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html
 */
export const MIN_DAYS_BEFORE_INFREQUENT_ACCESS = 30;

/**
 * Within one rule, GLACIER/DEEP_ARCHIVE (or ONEZONE_IA after STANDARD_IA) come at least this many days after an IA
 * transition (days, 30).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-configuration-constraints
 */
export const MIN_DAYS_AFTER_INFREQUENT_ACCESS = 30;

/**
 * Minimum storage duration charged per class, in days; only classes that have one. Objects removed or transitioned
 * earlier are billed for the rest.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare
 */
export const MIN_STORAGE_DURATION_DAYS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(STORAGE_CLASS_TABLE.filter((row) => row.minStorageDays > 0).map((row) => [row.name, row.minStorageDays])),
);

/**
 * Minimum billable object size per class, in bytes; only classes that have one (128 KiB).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare
 */
export const MIN_BILLABLE_OBJECT_SIZE_BYTES: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(STORAGE_CLASS_TABLE.filter((row) => row.minBillableObjectSizeBytes > 0).map((row) => [row.name, row.minBillableObjectSizeBytes])),
);

/**
 * Since September 2024, lifecycle configurations by default do not transition objects smaller than 128 KiB
 * (`all_storage_classes_128K`). Bytes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-configuration-constraints
 */
export const DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES = 128 * KIB;

/**
 * Restore tiers for the Intelligent-Tiering archive access tiers (as `x-amz-archive-status` reports them):
 * ARCHIVE_ACCESS as GLACIER, DEEP_ARCHIVE_ACCESS as DEEP_ARCHIVE.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 */
export const INTELLIGENT_TIERING_RESTORE_TIERS: Readonly<Record<'ARCHIVE_ACCESS' | 'DEEP_ARCHIVE_ACCESS', readonly RestoreTier[]>> = Object.freeze({
  ARCHIVE_ACCESS: ARCHIVE_TIERS,
  DEEP_ARCHIVE_ACCESS: DEEP_ARCHIVE_TIERS,
});

const BY_NAME: ReadonlyMap<string, StorageClassInfo> = new Map(STORAGE_CLASS_TABLE.map((row) => [row.name, row]));

/** The table row of `name`, or undefined when S3 has no such class. */
export function storageClassInfo(name: string): StorageClassInfo | undefined {
  return typeof name === 'string' ? BY_NAME.get(name) : undefined;
}

/** Whether `name` is one of the general purpose classes ({@link STORAGE_CLASSES}). */
export function isStorageClass(name: string): name is StorageClassName {
  return storageClassInfo(name)?.scope === 'general-purpose';
}

/** Whether `name` is any class S3's API knows ({@link ALL_STORAGE_CLASSES}). */
export function isKnownStorageClass(name: string): name is StorageClass {
  return storageClassInfo(name) !== undefined;
}

/** Whether a write may ask for `name` ({@link WRITABLE_STORAGE_CLASSES}). */
export function isWritableStorageClass(name: string): name is WritableStorageClass {
  return storageClassInfo(name)?.writable === true;
}

/** Whether objects of `name` need RestoreObject before GET (GLACIER, DEEP_ARCHIVE). */
export function isArchiveClass(name: string): name is ArchiveStorageClass {
  return storageClassInfo(name)?.archive === true;
}

/**
 * The RestoreObject tiers allowed for an object, by its storage class and, for INTELLIGENT_TIERING, its
 * `x-amz-archive-status` (ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS). Empty when the object is read directly.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 */
export function restoreTiersFor(storageClass: string, archiveStatus?: string): readonly RestoreTier[] {
  if (storageClass === 'INTELLIGENT_TIERING' && (archiveStatus === 'ARCHIVE_ACCESS' || archiveStatus === 'DEEP_ARCHIVE_ACCESS')) {
    return INTELLIGENT_TIERING_RESTORE_TIERS[archiveStatus];
  }
  return storageClassInfo(storageClass)?.restoreTiers ?? [];
}

/**
 * Whether a lifecycle rule may move objects from `from` to `to` (the waterfall).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-general-considerations-transition-sc
 */
export function isTransitionAllowed(from: string, to: string): boolean {
  return (storageClassInfo(from)?.transitionsTo ?? []).includes(to);
}
