import { KIB } from './limits';

/**
 * S3 storage classes by the names the lifecycle API uses.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
 */
export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const;

/** One of {@link STORAGE_CLASSES}. */
export type StorageClassName = (typeof STORAGE_CLASSES)[number];

/** The infrequent-access classes that need 30 days before a transition into them and 30 days before leaving them. */
export const INFREQUENT_ACCESS_CLASSES: readonly string[] = ['STANDARD_IA', 'ONEZONE_IA'];

/** The archive classes every other class may transition into. */
export const ARCHIVE_CLASSES: readonly string[] = ['GLACIER', 'DEEP_ARCHIVE'];

/** An object must spend this many days in S3 before it can move to STANDARD_IA or ONEZONE_IA. */
export const MIN_DAYS_BEFORE_INFREQUENT_ACCESS = 30;

/** Within one rule, GLACIER/DEEP_ARCHIVE (or ONEZONE_IA after STANDARD_IA) come at least this many days after an IA transition. */
export const MIN_DAYS_AFTER_INFREQUENT_ACCESS = 30;

/**
 * Minimum storage duration charged per class, in days. Objects removed or transitioned earlier are billed for the rest.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-configuration-costs
 */
export const MIN_STORAGE_DURATION_DAYS: Readonly<Record<string, number>> = {
  STANDARD_IA: 30,
  ONEZONE_IA: 30,
  GLACIER_IR: 90,
  GLACIER: 90,
  DEEP_ARCHIVE: 180,
};

/**
 * Since September 2024, lifecycle configurations by default do not transition objects smaller than 128 KiB
 * (`all_storage_classes_128K`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-configuration-constraints
 */
export const DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES = 128 * KIB;

/**
 * The supported lifecycle transitions (the "waterfall").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html#lifecycle-general-considerations-transition-sc
 *
 * - STANDARD (and REDUCED_REDUNDANCY) can go to any class but STANDARD and REDUCED_REDUNDANCY;
 * - any class can go to GLACIER or DEEP_ARCHIVE, but nothing leaves DEEP_ARCHIVE and GLACIER goes only to DEEP_ARCHIVE;
 * - STANDARD_IA can go to INTELLIGENT_TIERING, ONEZONE_IA or GLACIER_IR;
 * - INTELLIGENT_TIERING can go to ONEZONE_IA (and GLACIER_IR);
 * - ONEZONE_IA and GLACIER_IR go only to the archive classes.
 */
const ALLOWED_TARGETS: Readonly<Record<string, readonly string[]>> = {
  STANDARD: ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  REDUCED_REDUNDANCY: ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  STANDARD_IA: ['INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  INTELLIGENT_TIERING: ['ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  ONEZONE_IA: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER_IR: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER: ['DEEP_ARCHIVE'],
  DEEP_ARCHIVE: [],
};

/** Whether a lifecycle rule may move objects from `from` to `to`. */
export function isTransitionAllowed(from: string, to: string): boolean {
  return (ALLOWED_TARGETS[from] ?? []).includes(to);
}

/** Whether `name` is a storage class S3 knows. */
export function isStorageClass(name: string): name is StorageClassName {
  return (STORAGE_CLASSES as readonly string[]).includes(name);
}
