/**
 * `bucketkit/storage/notifications`: reading and writing a bucket's whole notification configuration as free
 * functions (the notifications custom-resource handler uses them). Not re-exported from `bucketkit/storage`: a
 * static re-export there pinned this module, which the S3Storage facade loads on first use, into every handler's
 * cold start (docs/architecture.md, "Handler bundles"). `S3Storage`'s notification methods are unchanged.
 */
export {
  DEFAULT_NOTIFICATION_MAX_ATTEMPTS,
  DEFAULT_NOTIFICATION_SETTLE_MS,
  readNotifications,
  writeNotifications,
} from './s3/bucket-config/notifications/notifications';
