// `bucketkit`: the deploy-time constructs, and S3's rules as pure functions.
export {
  StorageBucket,
  StorageBucketProps,
  ValidationError,
  BucketRulesChecker,
  BucketRulesCheckerProps,
  S3_NOTIFICATION_KMS_ACTIONS,
  DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  DEFAULT_ABORT_INCOMPLETE_MULTIPART_UPLOAD_AFTER,
  DEFAULT_MINIMUM_TLS_VERSION,
  ABORT_INCOMPLETE_MULTIPART_UPLOADS_RULE_ID,
  acknowledgeRule,
  acknowledgeNotificationsHandler,
} from './constructs';
export {
  RuleProblem,
  formatProblems,
  checkBucketName,
  checkLifecycleRule,
  checkLifecycleConfiguration,
  checkIntelligentTieringConfiguration,
  checkNotificationConfigurations,
  checkNotificationFilter,
  checkTransferAcceleration,
  isTransitionAllowed,
} from './rules';
