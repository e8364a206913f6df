// `bucketkit/rules`: S3's rules as pure data and functions. Imports nothing outside this folder.
export { RULE_CATALOG, RULE_IDS, RuleArea, RuleDefinition, RuleId, RuleSeverity, isRuleId, ruleDefinition, ruleSeverity, WARNING_RULE_IDS } from './catalog';
export { RuleProblem, formatProblems, ruleProblem } from './problem';
export { BucketNameCheckOptions, checkBucketName } from './bucket-name';
export { checkObjectKey, checkUserMetadata, checkObjectTags } from './object';
export {
  KIB,
  MIB,
  GIB,
  TIB,
  MAX_KEY_LENGTH_BYTES,
  MAX_USER_METADATA_BYTES,
  MAX_OBJECT_TAGS,
  MAX_TAG_KEY_LENGTH_CHARS,
  MAX_TAG_VALUE_LENGTH_CHARS,
  MAX_SINGLE_PUT_SIZE_BYTES,
  MIN_PART_SIZE_BYTES,
  MAX_PART_SIZE_BYTES,
  MAX_PARTS,
  MAX_OBJECT_SIZE_BYTES,
  MAX_DELETE_OBJECTS_PER_REQUEST,
  MAX_LIST_PAGE_SIZE,
} from './limits';
export {
  STORAGE_CLASS_TABLE,
  StorageClassInfo,
  StorageClassScope,
  RestoreTier,
  StorageClass,
  StorageClassName,
  WritableStorageClass,
  LifecycleTransitionStorageClass,
  ArchiveStorageClass,
  ALL_STORAGE_CLASSES,
  STORAGE_CLASSES,
  WRITABLE_STORAGE_CLASSES,
  LIFECYCLE_TRANSITION_STORAGE_CLASSES,
  INFREQUENT_ACCESS_CLASSES,
  ARCHIVE_CLASSES,
  MIN_DAYS_BEFORE_INFREQUENT_ACCESS,
  MIN_DAYS_AFTER_INFREQUENT_ACCESS,
  MIN_STORAGE_DURATION_DAYS,
  MIN_BILLABLE_OBJECT_SIZE_BYTES,
  DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES,
  INTELLIGENT_TIERING_RESTORE_TIERS,
  storageClassInfo,
  isStorageClass,
  isKnownStorageClass,
  isWritableStorageClass,
  isArchiveClass,
  restoreTiersFor,
  isTransitionAllowed,
} from './storage-classes';
export { PROVIDER_TABLE, ProviderInfo, ProviderName, PROVIDER_NAMES, isProviderName } from './providers';
export {
  CHECKSUM_TABLE,
  ChecksumInfo,
  ChecksumType,
  ChecksumAlgorithmName,
  IntegrityCheckName,
  CHECKSUM_ALGORITHMS,
  INTEGRITY_CHECKS,
  isChecksumAlgorithm,
  checksumInfo,
  base64Length,
} from './checksums';
export {
  LifecycleTransitionInput,
  NoncurrentTransitionInput,
  LifecycleTagFilterInput,
  LifecycleRuleFilterInput,
  LifecycleRuleInput,
  LifecycleConfigurationInput,
  LifecycleRuleCheckOptions,
  MAX_LIFECYCLE_RULES,
  checkLifecycleRule,
  checkLifecycleConfiguration,
} from './lifecycle';
export { MAX_LIFECYCLE_RULE_ID_LENGTH_CHARS, MAX_NEWER_NONCURRENT_VERSIONS } from './lifecycle-shape';
export {
  INTELLIGENT_TIERING_ARCHIVE_DAYS,
  IntelligentTieringTieringInput,
  IntelligentTieringConfigurationInput,
  checkIntelligentTieringConfiguration,
} from './intelligent-tiering';
export {
  NotificationConfigurationInput,
  eventTypesOverlap,
  prefixesOverlap,
  suffixesOverlap,
  checkNotificationFilter,
  checkNotificationConfigurations,
} from './notifications';
export {
  NOTIFICATION_EVENT_TYPES,
  NotificationEventType,
  NotificationDestinationInput,
  isAwsManagedKmsKey,
  checkNotificationDestination,
} from './notification-destinations';
export { TRANSFER_ACCELERATION_UNSUPPORTED_REGION_PREFIXES, TransferAccelerationCheckInput, checkTransferAcceleration } from './acceleration';
export { InvalidArgumentError } from './errors';
export {
  RESTORE_TIERS,
  DEFAULT_RESTORE_TIER,
  RestoreState,
  RestoreHeader,
  RestoreStateInput,
  RestoreRequestProblem,
  RestoreRequestInput,
  parseRestoreHeader,
  restoreStateOf,
  restoreExpiryFor,
  isIntelligentTieringArchived,
  checkRestoreRequest,
} from './restore';
export {
  PriceTable,
  StoragePriceBand,
  RestoreTierPrice,
  PRICE_TABLES,
  US_EAST_1_PRICES,
  EU_WEST_1_PRICES,
  AP_SOUTHEAST_2_PRICES,
  WorkloadObjects,
  CostTransitionInput,
  CostLifecycleRule,
  WorkloadRestore,
  StorageWorkload,
  CostCategory,
  CostLine,
  CostEstimate,
  estimateStorageCost,
  BYTES_PER_GB,
  ARCHIVE_STANDARD_OVERHEAD_BYTES,
  ARCHIVE_CLASS_OVERHEAD_BYTES,
  INTELLIGENT_TIERING_MONITORING_MIN_BYTES,
  DEFAULT_DAYS_PER_MONTH,
} from './pricing';
export {
  AccelerationEdgeClass,
  TransferAccelerationPriceTable,
  TRANSFER_ACCELERATION_PRICES,
  AccelerationCostInput,
  AccelerationCostEstimate,
  estimateAccelerationCost,
} from './pricing';
