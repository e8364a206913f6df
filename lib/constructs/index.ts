export { StorageBucket, StorageBucketProps } from './storage-bucket';
export { BucketCostWorkload, estimateBucketCost, lifecycleRulesForCost } from './bucket-cost';
export { ValidationError } from './errors';
export { BucketRulesChecker, BucketRulesCheckerProps } from './bucket-rules-checker';
export { S3_NOTIFICATION_KMS_ACTIONS, acknowledgeNotificationsHandler } from './notifications';
export {
  DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER,
  DEFAULT_MINIMUM_TLS_VERSION,
  ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID,
} from './defaults';
export { acknowledgeRule } from './acknowledge';
export {
  HANDLER_BUNDLE_CONTEXT_KEY,
  HandlerName,
  HandlerFunction,
  HandlerFunctionOptions,
  TransferFunction,
  TransferFunctionProps,
  RestoreFunction,
  RestoreFunctionProps,
  ProbeFunction,
  ProbeFunctionProps,
  TRANSFER_ENVIRONMENT,
  RESTORE_ENVIRONMENT,
  PROBE_ENVIRONMENT,
  DEFAULT_SCRATCH_BUCKET_PREFIX,
} from './handlers';
export {
  BulkRestore,
  BulkRestoreProps,
  DEFAULT_RESTORE_DAYS,
  DEFAULT_RESTORE_TIER,
  DEFAULT_RESTORE_MAX_CONCURRENCY,
  DEFAULT_RESTORE_RESULTS_PREFIX,
  BULK_RESTORE_METRIC_NAMESPACE,
  CSV_MANIFEST_HEADERS,
  RESTORE_RETRYABLE_PATTERNS,
  RESTORE_IN_PROGRESS_PATTERNS,
  RESTORE_NOT_ARCHIVED_PATTERNS,
  RESTORE_BACKOFF_SECONDS,
  MAX_DISTRIBUTED_MAP_CONCURRENCY,
} from './scale-out';
export {
  NotificationsHandler,
  BucketkitNotifications,
  BucketkitNotificationsProps,
  BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE,
  notificationsOwner,
} from './bucket-notifications';
export { NotificationsFunction, NotificationsFunctionProps, NOTIFICATIONS_BUCKET_ACTIONS } from './handlers';
export {
  LargeObjectCopy,
  LargeObjectCopyProps,
  DEFAULT_COPY_MAX_CONCURRENCY,
  DEFAULT_COPY_PARTS_PER_BATCH,
  DEFAULT_COPY_PART_CONCURRENCY,
  LARGE_OBJECT_COPY_MAP_LABEL,
  LARGE_OBJECT_COPY_RETRYABLE_ERRORS,
  LARGE_OBJECT_COPY_PLAN_RETRYABLE_ERRORS,
  MAX_PART_COPY_CONCURRENCY,
} from './scale-out';
export {
  BatchOperationsRole,
  BatchOperationsRoleProps,
  BATCH_OPERATIONS_PRINCIPAL,
  BATCH_MANIFEST_READ_ACTIONS,
  BATCH_REPORT_WRITE_ACTIONS,
  BATCH_BUCKET_LOCATION_ACTIONS,
  BATCH_RESTORE_ACTIONS,
  BATCH_COPY_SOURCE_ACTIONS,
  BATCH_COPY_DESTINATION_ACTIONS,
  BATCH_INVOKE_ACTIONS,
  BATCH_KMS_READ_ACTIONS,
  BATCH_KMS_WRITE_ACTIONS,
} from './scale-out';
