import { Duration } from 'aws-cdk-lib';

/** StorageBucket's secure defaults, as named constants. */

/** Incomplete multipart uploads are aborted after this many days. */
export const DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;
/** {@link DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS} as a `Duration`, the default of `abortIncompleteMultipartUploadAfter`. */
export const DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER = Duration.days(DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS);

/** Requests over TLS older than 1.2 are denied by the bucket policy. */
export const DEFAULT_MINIMUM_TLS_VERSION = 1.2;

/** Id of the lifecycle rule StorageBucket adds to abort incomplete multipart uploads. */
export const ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID = 'abort-incomplete-multipart-uploads';
