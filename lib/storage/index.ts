/**
 * `bucketkit/storage`: the run-time half. Import this, never `bucketkit`, from Lambda handlers and Node code.
 */
export {
  StorageError,
  StorageErrorOptions,
  StorageErrorCode,
  InvalidArgumentError,
  ObjectNotFoundError,
  BucketNotFoundError,
  AccessDeniedError,
  PreconditionFailedError,
  NotModifiedError,
  InvalidRangeError,
  ThrottledError,
  ServiceError,
  TimeoutError,
  ConflictError,
  InvalidObjectStateError,
  MultipartUploadError,
  IntegrityError,
  IntegrityErrorOptions,
  IntegrityCheck,
  UnsupportedFeatureError,
  AbortedError,
  UnknownStorageError,
  CallerStreamError,
  SocketPoolExhaustedError,
  EncryptionKeyMismatchError,
  CustomerKeyProviderError,
  HeldBody,
  AccelerationFallbackError,
  HashWorkerError,
} from './errors';
export { SOCKET_POOL_WARNING_CODE, SOCKET_POOL_WARNING_DELAY_MS } from './s3/core/body-tracker';
export { toStorageError, ErrorContext } from './s3/core/error-mapping';
export {
  PutBody,
  PutOptions,
  PutResult,
  GetOptions,
  GetResult,
  HeadOptions,
  ReadConditions,
  ObjectMetadata,
  ByteRange,
  DeleteOptions,
  DeleteResult,
  DeleteTarget,
  DeleteManyOptions,
  DeleteManyResult,
  ListOptions,
  ListPage,
  ObjectSummary,
  CopyOptions,
  CopyResult,
  StorageClassName,
  CannedAcl,
  ChecksumAlgorithmName,
  ServerSideEncryption,
  SseS3Encryption,
  SseKmsEncryption,
  DsseKmsEncryption,
  SseCEncryption,
  RestoreStatus,
  MultipartCopySettings,
} from './types/objects';
export { Storage } from './types/storage';
export {
  MfaToken,
  VersioningStatus,
  BucketVersioning,
  SetVersioningOptions,
  ListVersionsOptions,
  ListVersionsPage,
  ObjectVersion,
  UndeleteOptions,
  UndeleteResult,
  PruneVersionsOptions,
  PruneKeyOutcome,
  PruneVersionsResult,
} from './types/versioning';
export {
  EncryptionType,
  EncryptionState,
  VerifyEncryptionOptions,
  VerifyEncryptionResult,
  AuditEncryptionOptions,
  BucketEncryption,
  SetBucketEncryptionInput,
  ReencryptMethod,
  ReencryptOptions,
  ReencryptItem,
  ReencryptResult,
} from './types/encryption';
export { SSE_C_KEY_LENGTH_BYTES } from './s3/core/validation';
export { SSE_C_BLOCKED_HINT } from './s3/core/error-mapping';
export { RestoreVersionOptions } from './s3/versioning/undelete';
export { mergeVersions } from './s3/versioning/list-versions';
export { planKeyPrune } from './s3/versioning/prune';
export { S3Storage } from './s3/s3-storage';
export { S3Context, SendOptions, S3Command } from './s3/core/context';
export { buildS3Client } from './s3/core/client';
export {
  S3StorageConfig,
  ResolvedS3StorageConfig,
  ChecksumPolicy,
  resolveS3StorageConfig,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './s3/core/config';
export { PUT_STREAM_BUFFER_BYTES } from './s3/objects/put';
export {
  UploadSource,
  UploadOptions,
  UploadResult,
  UploadState,
  UploadStateStore,
  UploadedPart,
  PartChecksum,
  TransferProgress,
  IncompleteUpload,
  ListIncompleteUploadsOptions,
  AbortIncompleteUploadsOptions,
  DownloadDestination,
  DownloadOptions,
  DownloadResult,
  DownloadVerification,
} from './types/transfer';
export { JsonFileUploadStateStore, MemoryUploadStateStore, UPLOAD_STATE_SUFFIX } from './s3/transfer/shared/state';
export {
  DEFAULT_MULTIPART_THRESHOLD_BYTES,
  DEFAULT_TARGET_PART_SIZE_BYTES,
  DEFAULT_STREAM_FIRST_PART_SIZE_BYTES,
  PART_SIZE_ALIGNMENT_BYTES,
  PARTS_PER_SIZE_TIER,
  PartLayout,
  KnownSizeOptions,
  LayoutOptions,
  partSizeForKnownSize,
  partCountFor,
  fixedLayout,
  growingLayout,
  layoutFor,
  usesMultipart,
} from './s3/transfer/shared/part-size';
export {
  STREAM_PART_SIZE_BYTES,
  DEFAULT_RANGE_SIZE_BYTES,
  MAX_ALIGNED_RANGE_SIZE_BYTES,
  PARTIAL_SUFFIX,
  DOWNLOAD_STATE_SUFFIX,
  DEFAULT_COPY_PART_SIZE_BYTES,
} from './s3/transfer/shared/defaults';
export { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS, MAX_RETRY_DELAY_MS } from './s3/transfer/shared/control';
export { multipartEtag, compositeChecksum } from './s3/transfer/shared/checksums';
export {
  CapabilityStatus,
  Capability,
  UnknownReason,
  ProviderName,
  FEATURES,
  Feature,
  CapabilityReport,
  ProbeOptions,
  CompatibilityProfile,
} from './types/compatibility';
export { probeCapabilities, DEFAULT_PROBE_TIMEOUT_MS } from './s3/compatibility/probe-entry';
export { ProbeConfig } from './s3/compatibility/probes/context';
export { providerHint } from './s3/compatibility/provider-hint';
export { CapabilityCache } from './s3/compatibility/cache';
export { FIXED_PROFILES, DEGRADATIONS, profileFromReport } from './s3/compatibility/profile';
export {
  RestoreOptions,
  RestoreResult,
  RestoreStatusOptions,
  ObjectRestoreStatus,
  WaitForRestoreOptions,
  RestoreManyOptions,
  RestoreManyItem,
  RestoreTarget,
  SetStorageClassOptions,
  SetStorageClassResult,
} from './types/archive';
export { RestoreStatusManyOptions } from './s3/archive/status-many';
export { DEFAULT_RESTORE_POLL_INTERVAL_MS, MAX_RESTORE_POLL_INTERVAL_MS, DEFAULT_RESTORE_WAIT_TIMEOUT_MS } from './s3/archive/wait';
export { DEFAULT_RESTORE_CONCURRENCY, MAX_RESTORE_REQUESTS_PER_SECOND } from './s3/archive/restore-many';
export { RestoreLedger, LedgerEntry, LedgerState } from './s3/archive/ledger';
export { RestoreState, RESTORE_TIERS, parseRestoreHeader, restoreStateOf, restoreExpiryFor } from '../rules/restore';
export { RestoreTier } from '../rules/storage-classes';
export {
  NotificationDestination,
  NotificationEntry,
  BucketNotifications,
  AddNotificationInput,
  NotificationWriteOptions,
  RemoveNotificationOptions,
  S3EventRecord,
  ParseS3EventOptions,
} from './types/notifications';
// readNotifications, writeNotifications and their defaults: `bucketkit/storage/notifications` (./notifications.ts).
export {
  DEFAULT_NOTIFICATION_OWNER,
  NOTIFICATION_OWNER_SEPARATOR,
  NotificationChange,
  assertNotificationConfiguration,
  assertNotificationOwner,
  changeApplied,
  mergeNotifications,
  notificationEntryFor,
  notificationIdFor,
  notificationsFromSdk,
  notificationsToSdk,
  ownerOfNotificationId,
  sameNotificationEntry,
  sameNotifications,
} from './s3/bucket-config/notifications/model';
export { replaceOwnerNotifications } from './s3/bucket-config/notifications/model';
export { parseS3Event, compareSequencers, decodeS3EventKey, DEFAULT_MIN_S3_EVENT_VERSION } from './s3/bucket-config/notifications/parse-event';
export { AccelerationStatus, getAcceleration, setAcceleration } from './s3/bucket-config/acceleration';
export {
  AccelerationTraffic,
  AccelerationMetrics,
  AccelerationMetricsOptions,
  CompareAccelerationInput,
  CompareAccelerationResult,
  EndpointKind,
} from './types/acceleration';
export { AccelerateMode, AccelerationConfig, DEFAULT_ACCELERATION_COOL_DOWN_MS, MAX_ACCELERATION_COOL_DOWN_MS } from './s3/core/acceleration-config';
export { ACCELERATED_COMMANDS, FALLBACK_NETWORK_CODES, fallbackReason } from './s3/core/acceleration-router';
export { accelerationMetrics } from './s3/bucket-config/acceleration-metrics';
export {
  compareAcceleration,
  DEFAULT_COMPARE_SIZE_BYTES,
  DEFAULT_COMPARE_SAMPLES,
  DEFAULT_COMPARE_MIN_GAIN,
  DEFAULT_COMPARE_KEY_PREFIX,
  MAX_COMPARE_SAMPLES,
} from './s3/bucket-config/acceleration-compare';
export { CustomerKeyProvider, CustomerKeyRequest } from './types/customer-keys';
export { staticKeyProvider } from './s3/encryption/key-provider';
export { CUSTOMER_KEY_ID_METADATA, CUSTOMER_KEY_MD5_METADATA } from './s3/core/encryption';
export {
  StagedCopy,
  PartBatch,
  StartStagedCopyOptions,
  planPartBatches,
  startStagedCopy,
  copyStagedParts,
  completeStagedCopy,
  abortStagedCopy,
} from './s3/transfer/copy/staged-copy';
export { DEFAULT_PARTS_PER_BATCH, MAX_PART_BATCHES } from './s3/transfer/shared/defaults';
