export { HANDLER_BUNDLE_CONTEXT_KEY, HandlerName, defaultHandlerBundleDirectory } from './bundle';
export { HandlerFunction, HandlerFunctionOptions, HANDLER_RUNTIME, HANDLER_ARCHITECTURE, DEFAULT_LOG_RETENTION } from './handler-function';
export { TransferFunction, TransferFunctionProps, TRANSFER_ENVIRONMENT } from './transfer-function';
export { RestoreFunction, RestoreFunctionProps, RESTORE_ENVIRONMENT } from './restore-function';
export { ProbeFunction, ProbeFunctionProps, PROBE_ENVIRONMENT, DEFAULT_SCRATCH_BUCKET_PREFIX } from './probe-function';
export { NotificationsFunction, NotificationsFunctionProps } from './notifications-function';
export {
  TRANSFER_SOURCE_OBJECT_ACTIONS,
  TRANSFER_DESTINATION_OBJECT_ACTIONS,
  TRANSFER_DESTINATION_BUCKET_ACTIONS,
  LIST_BUCKET_ACTIONS,
  RESTORE_OBJECT_ACTIONS,
  PROBE_BUCKET_ACTIONS,
  PROBE_SCRATCH_BUCKET_ACTIONS,
  PROBE_SCRATCH_OBJECT_ACTIONS,
  KMS_READ_ACTIONS,
  KMS_WRITE_ACTIONS,
  NOTIFICATIONS_BUCKET_ACTIONS,
} from './permissions';
