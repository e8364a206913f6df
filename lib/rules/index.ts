export { RuleProblem, formatProblems } from './problem';
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
  STORAGE_CLASSES,
  StorageClassName,
  INFREQUENT_ACCESS_CLASSES,
  ARCHIVE_CLASSES,
  MIN_DAYS_BEFORE_INFREQUENT_ACCESS,
  MIN_DAYS_AFTER_INFREQUENT_ACCESS,
  MIN_STORAGE_DURATION_DAYS,
  DEFAULT_MIN_TRANSITION_OBJECT_SIZE_BYTES,
  isTransitionAllowed,
  isStorageClass,
} from './storage-classes';
export {
  LifecycleTransitionInput,
  NoncurrentTransitionInput,
  LifecycleRuleInput,
  LifecycleConfigurationInput,
  LifecycleRuleCheckOptions,
  checkLifecycleRule,
  checkLifecycleConfiguration,
} from './lifecycle';
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
export { TRANSFER_ACCELERATION_UNSUPPORTED_REGION_PREFIXES, TransferAccelerationCheckInput, checkTransferAcceleration } from './acceleration';
