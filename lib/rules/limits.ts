/**
 * S3's numeric limits, as named constants with their units.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html (multipart limits),
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html (keys),
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html (metadata),
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html (tags),
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html (batch delete).
 */
export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;
export const TIB = 1024 * GIB;

/** A key is 1 to 1,024 bytes of UTF-8. */
export const MAX_KEY_LENGTH_BYTES = 1024;
/** User-defined metadata: the UTF-8 bytes of every key and value, added up, at most 2 KB. */
export const MAX_USER_METADATA_BYTES = 2 * KIB;
/** At most 10 tags per object. */
export const MAX_OBJECT_TAGS = 10;
/** A tag key is at most 128 Unicode characters. */
export const MAX_TAG_KEY_LENGTH_CHARS = 128;
/** A tag value is at most 256 Unicode characters. */
export const MAX_TAG_VALUE_LENGTH_CHARS = 256;
/** A single PutObject or CopyObject is at most 5 GiB. */
export const MAX_SINGLE_PUT_SIZE_BYTES = 5 * GIB;
/** Every part but the last is at least 5 MiB. */
export const MIN_PART_SIZE_BYTES = 5 * MIB;
/** A part is at most 5 GiB. */
export const MAX_PART_SIZE_BYTES = 5 * GIB;
/** At most 10,000 parts, numbered 1..10,000. */
export const MAX_PARTS = 10_000;
/** An object is at most 5 TiB through the classic multipart limits (10,000 parts x 5 GiB caps it higher; S3 caps it here). */
export const MAX_OBJECT_SIZE_BYTES = 5 * TIB;
/** DeleteObjects takes at most 1,000 keys per request. */
export const MAX_DELETE_OBJECTS_PER_REQUEST = 1000;
/** ListObjectsV2 returns at most 1,000 keys per page. */
export const MAX_LIST_PAGE_SIZE = 1000;
