export { StorageBucket, StorageBucketProps } from './storage-bucket';
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
