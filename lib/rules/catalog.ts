/**
 * The catalogue of rule ids: every id a check in bucketkit can report, with its title, severity and the AWS page
 * that states the rule. Checks name ids only as literals of {@link RuleId} (the compiler refuses any other string),
 * and `docs/rules.md` is generated from this list (`node --import tsx scripts/gen-rules-doc.ts`).
 *
 * Imports nothing: `lib/rules` stays pure.
 */

/** The part of S3 a rule belongs to; `docs/rules.md` has one section per area. */
export type RuleArea = 'bucket-name' | 'acceleration' | 'object' | 'lifecycle' | 'intelligent-tiering' | 'notifications' | 'handlers' | 'scale-out';

/** `error`: S3 (or CloudFormation) rejects the configuration or request. `warning`: it works, but costs or surprises. */
export type RuleSeverity = 'error' | 'warning';

/** One row of {@link RULE_CATALOG}. */
export interface RuleDefinition {
  /** The stable id, as reported in `RuleProblem.ruleId`, e.g. `S3-LIFECYCLE-IA-MIN-DAYS`. */
  readonly id: string;
  /** What the rule says, in one line. */
  readonly title: string;
  /** The severity every problem with this id has. */
  readonly severity: RuleSeverity;
  /** Where the rule belongs. */
  readonly area: RuleArea;
  /** The AWS documentation page that states the rule (an aws-cdk or AWS CLI issue where AWS does not say it). */
  readonly docUrl: string;
}

const UG = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/';
const API = 'https://docs.aws.amazon.com/AmazonS3/latest/API/';

/** The catalogue rows without severity (see {@link WARNING_RULE_IDS}). */
// Wrapped in a pure call so that a bundler may drop the rows (titles, links) when only ruleSeverity is used.
// One rule per line, so the catalogue reads as a table:
// prettier-ignore
const RULE_ROWS = /* @__PURE__ */ (() =>
  [
  // Bucket names
  { id: 'S3-BUCKET-NAME-TYPE', area: 'bucket-name', title: 'A bucket name is a string', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-LENGTH', area: 'bucket-name', title: 'A bucket name is 3 to 63 characters long', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-CHARS', area: 'bucket-name', title: 'A bucket name holds only lowercase letters, numbers, dots and hyphens', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-EDGES', area: 'bucket-name', title: 'A bucket name begins and ends with a letter or number', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-ADJACENT-DOTS', area: 'bucket-name', title: 'A bucket name has no two adjacent periods', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-IP', area: 'bucket-name', title: 'A bucket name is not formatted as an IP address', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-RESERVED-PREFIX', area: 'bucket-name', title: 'A bucket name does not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)', docUrl: `${UG}bucketnamingrules.html` },
  { id: 'S3-BUCKET-NAME-RESERVED-SUFFIX', area: 'bucket-name', title: 'A bucket name does not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)', docUrl: `${UG}bucketnamingrules.html` },
  // Transfer Acceleration
  { id: 'S3-ACCELERATE-BUCKET-NAME-DOTS', area: 'acceleration', title: 'Transfer Acceleration needs a DNS-compliant bucket name without dots', docUrl: `${UG}transfer-acceleration.html` },
  { id: 'S3-ACCELERATE-REGION', area: 'acceleration', title: 'Transfer Acceleration is not offered in the China regions, GovCloud or the isolated partitions', docUrl: `${UG}transfer-acceleration.html` },
  // Objects
  { id: 'S3-KEY-TYPE', area: 'object', title: 'An object key is a string', docUrl: `${UG}object-keys.html` },
  { id: 'S3-KEY-EMPTY', area: 'object', title: 'An object key is not empty', docUrl: `${UG}object-keys.html` },
  { id: 'S3-KEY-LENGTH', area: 'object', title: 'An object key is at most 1,024 bytes of UTF-8', docUrl: `${UG}object-keys.html` },
  { id: 'S3-KEY-UTF8', area: 'object', title: 'An object key is well-formed UTF-16 (no lone surrogate), so it has a UTF-8 encoding', docUrl: `${UG}object-keys.html` },
  { id: 'S3-METADATA-NAME', area: 'object', title: 'A user metadata name is an HTTP header token', docUrl: `${UG}UsingMetadata.html` },
  { id: 'S3-METADATA-VALUE', area: 'object', title: 'A user metadata value is printable US-ASCII', docUrl: `${UG}UsingMetadata.html` },
  { id: 'S3-METADATA-SIZE', area: 'object', title: 'User metadata is at most 2 KB (names and values, UTF-8)', docUrl: `${UG}UsingMetadata.html` },
  { id: 'S3-TAGS-COUNT', area: 'object', title: 'An object has at most 10 tags', docUrl: `${UG}object-tagging.html` },
  { id: 'S3-TAG-KEY-LENGTH', area: 'object', title: 'A tag key is 1 to 128 Unicode characters', docUrl: `${UG}object-tagging.html` },
  { id: 'S3-TAG-VALUE-LENGTH', area: 'object', title: 'A tag value is a string of at most 256 Unicode characters', docUrl: `${UG}object-tagging.html` },
  { id: 'S3-TAG-CHARS', area: 'object', title: 'Tags use letters, numbers, spaces and + - = . _ : / @ only', docUrl: `${UG}object-tagging.html` },
  { id: 'S3-TAG-AWS-PREFIX', area: 'object', title: 'A tag key does not start with aws:', docUrl: `${UG}object-tagging.html` },
  // Lifecycle: the configuration and each rule's shape
  { id: 'S3-LIFECYCLE-RULE-COUNT', area: 'lifecycle', title: 'A lifecycle configuration has at most 1,000 rules', docUrl: `${API}API_LifecycleConfiguration.html` },
  { id: 'S3-LIFECYCLE-RULE-ID-LENGTH', area: 'lifecycle', title: 'A lifecycle rule id is at most 255 characters', docUrl: `${API}API_LifecycleRule.html` },
  { id: 'S3-LIFECYCLE-RULE-ID-DUPLICATE', area: 'lifecycle', title: 'Lifecycle rule ids are unique within a configuration', docUrl: `${UG}intro-lifecycle-rules.html` },
  { id: 'S3-LIFECYCLE-NO-ACTION', area: 'lifecycle', title: 'A lifecycle rule has at least one action (transition, expiration or abort)', docUrl: `${UG}intro-lifecycle-rules.html` },
  { id: 'S3-LIFECYCLE-PREFIX-AND-FILTER', area: 'lifecycle', title: 'A lifecycle rule has a rule-level Prefix or a Filter, not both', docUrl: `${API}API_LifecycleRule.html` },
  { id: 'S3-LIFECYCLE-FILTER-SHAPE', area: 'lifecycle', title: 'A lifecycle Filter has exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And', docUrl: `${API}API_LifecycleRuleFilter.html` },
  { id: 'S3-LIFECYCLE-ABORT-MPU-FILTER', area: 'lifecycle', title: 'AbortIncompleteMultipartUpload is not allowed in a rule filtered by tags or object size', docUrl: `${UG}intro-lifecycle-filters.html` },
  { id: 'S3-LIFECYCLE-DELETE-MARKER-FILTER', area: 'lifecycle', title: 'ExpiredObjectDeleteMarker is not allowed in a rule filtered by tags or object size', docUrl: `${UG}intro-lifecycle-filters.html` },
  { id: 'S3-LIFECYCLE-DELETE-MARKER-WITH-EXPIRATION', area: 'lifecycle', title: 'ExpiredObjectDeleteMarker is not allowed with Expiration Days or Date in the same rule', docUrl: `${API}API_LifecycleExpiration.html` },
  // Lifecycle: numbers and dates
  { id: 'S3-LIFECYCLE-EXPIRATION-DAYS', area: 'lifecycle', title: 'Expiration Days is a whole number greater than 0', docUrl: `${API}API_LifecycleExpiration.html` },
  { id: 'S3-LIFECYCLE-TRANSITION-DAYS', area: 'lifecycle', title: 'Transition Days (and NoncurrentDays) is a whole number of 0 or more', docUrl: `${API}API_Transition.html` },
  { id: 'S3-LIFECYCLE-NONCURRENT-EXPIRATION-DAYS', area: 'lifecycle', title: 'NoncurrentVersionExpiration NoncurrentDays is a whole number greater than 0', docUrl: `${API}API_NoncurrentVersionExpiration.html` },
  { id: 'S3-LIFECYCLE-NONCURRENT-VERSIONS-TO-RETAIN', area: 'lifecycle', title: 'NewerNoncurrentVersions is a whole number from 1 to 100', docUrl: `${API}API_NoncurrentVersionExpiration.html` },
  { id: 'S3-LIFECYCLE-ABORT-MPU-DAYS', area: 'lifecycle', title: 'AbortIncompleteMultipartUpload DaysAfterInitiation is a whole number greater than 0', docUrl: `${API}API_AbortIncompleteMultipartUpload.html` },
  { id: 'S3-LIFECYCLE-DATE-FORMAT', area: 'lifecycle', title: 'A transition or expiration Date is an ISO 8601 date', docUrl: `${API}API_LifecycleExpiration.html` },
  { id: 'S3-LIFECYCLE-DATE-MIDNIGHT', area: 'lifecycle', title: 'A transition or expiration Date is at midnight UTC', docUrl: `${API}API_LifecycleExpiration.html` },
  { id: 'S3-LIFECYCLE-DATE-DAYS-MIX', area: 'lifecycle', title: 'A rule uses Date everywhere or Days everywhere, never both', docUrl: `${UG}intro-lifecycle-rules.html` },
  { id: 'S3-LIFECYCLE-OBJECT-SIZE-VALUE', area: 'lifecycle', title: 'ObjectSizeGreaterThan and ObjectSizeLessThan are whole numbers of bytes, 0 or more', docUrl: `${API}API_LifecycleRuleFilter.html` },
  { id: 'S3-LIFECYCLE-OBJECT-SIZE-RANGE', area: 'lifecycle', title: 'ObjectSizeLessThan is greater than ObjectSizeGreaterThan', docUrl: `${UG}intro-lifecycle-filters.html` },
  { id: 'S3-LIFECYCLE-OBJECT-SIZE-DEFAULT-MINIMUM', area: 'lifecycle', title: 'A rule that only matches objects under 128 KiB transitions nothing under the default all_storage_classes_128K', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  // Lifecycle: storage classes and the waterfall
  { id: 'S3-LIFECYCLE-STORAGE-CLASS', area: 'lifecycle', title: 'A transition names an S3 storage class', docUrl: `${API}API_Transition.html` },
  { id: 'S3-LIFECYCLE-TRANSITION-TARGET', area: 'lifecycle', title: 'A transition targets STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-TRANSITION-DUPLICATE-CLASS', area: 'lifecycle', title: 'Each transition of a rule targets a different storage class', docUrl: `${UG}intro-lifecycle-rules.html` },
  { id: 'S3-LIFECYCLE-IA-MIN-DAYS', area: 'lifecycle', title: 'Transitions to STANDARD_IA or ONEZONE_IA come 30 days or more after creation', docUrl: `${API}API_Transition.html` },
  { id: 'S3-LIFECYCLE-NONCURRENT-IA-MIN-DAYS', area: 'lifecycle', title: 'Noncurrent transitions to STANDARD_IA or ONEZONE_IA come 30 noncurrent days or more', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-TRANSITION-ORDER', area: 'lifecycle', title: 'Transitions follow the waterfall (never back to a warmer class)', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-NONCURRENT-TRANSITION-ORDER', area: 'lifecycle', title: 'Noncurrent transitions follow the waterfall', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-IA-GAP', area: 'lifecycle', title: 'GLACIER, DEEP_ARCHIVE (or ONEZONE_IA after STANDARD_IA) come 30 days or more after an IA transition', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-NONCURRENT-IA-GAP', area: 'lifecycle', title: 'The same 30-day gap after IA, for noncurrent transitions', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-EXPIRATION-ORDER', area: 'lifecycle', title: 'Expiration comes later than every transition', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-NONCURRENT-EXPIRATION-ORDER', area: 'lifecycle', title: 'NoncurrentVersionExpiration comes later than every noncurrent transition', docUrl: `${UG}lifecycle-transition-general-considerations.html` },
  { id: 'S3-LIFECYCLE-MIN-STORAGE-DURATION', area: 'lifecycle', title: 'Objects leave a class before its minimum storage duration and are billed for the rest', docUrl: `${UG}storage-class-intro.html#sc-compare` },
  { id: 'S3-LIFECYCLE-NONCURRENT-MIN-STORAGE-DURATION', area: 'lifecycle', title: 'Noncurrent versions leave a class before its minimum storage duration', docUrl: `${UG}storage-class-intro.html#sc-compare` },
  // Intelligent-Tiering
  { id: 'S3-INTELLIGENT-TIERING-ACCESS-TIER', area: 'intelligent-tiering', title: 'A tiering names ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS', docUrl: `${UG}intelligent-tiering-managing.html` },
  { id: 'S3-INTELLIGENT-TIERING-DUPLICATE-TIER', area: 'intelligent-tiering', title: 'Each access tier appears at most once in a configuration', docUrl: `${UG}intelligent-tiering-managing.html` },
  { id: 'S3-INTELLIGENT-TIERING-ARCHIVE-ACCESS-DAYS', area: 'intelligent-tiering', title: 'ARCHIVE_ACCESS takes 90 to 730 days', docUrl: `${UG}intelligent-tiering-managing.html` },
  { id: 'S3-INTELLIGENT-TIERING-DEEP-ARCHIVE-ACCESS-DAYS', area: 'intelligent-tiering', title: 'DEEP_ARCHIVE_ACCESS takes 180 to 730 days', docUrl: `${UG}intelligent-tiering-managing.html` },
  // Notifications
  { id: 'S3-NOTIFICATION-NO-EVENTS', area: 'notifications', title: 'A notification configuration names at least one event type', docUrl: `${API}API_QueueConfiguration.html` },
  { id: 'S3-NOTIFICATION-EVENT-NAME', area: 'notifications', title: 'Event types are names S3 knows (s3:ObjectCreated:*, ...)', docUrl: `${UG}notification-how-to-event-types-and-destinations.html` },
  { id: 'S3-NOTIFICATION-FILTER-NAME', area: 'notifications', title: 'A filter rule is named prefix or suffix', docUrl: `${API}API_FilterRule.html` },
  { id: 'S3-NOTIFICATION-FILTER-DUPLICATE', area: 'notifications', title: 'A filter has at most one prefix rule and one suffix rule', docUrl: `${UG}notification-how-to-filtering.html` },
  { id: 'S3-NOTIFICATION-FILTER-WILDCARD', area: 'notifications', title: 'Filter values are literal: no * wildcard', docUrl: `${UG}notification-how-to-filtering.html` },
  { id: 'S3-NOTIFICATION-OVERLAP', area: 'notifications', title: 'Two configurations for overlapping event types do not have overlapping prefixes and suffixes', docUrl: `${UG}notification-how-to-filtering.html` },
  { id: 'S3-NOTIFICATION-FIFO-DESTINATION', area: 'notifications', title: 'The destination is a standard SQS queue or SNS topic, not FIFO', docUrl: `${UG}notification-how-to-event-types-and-destinations.html` },
  { id: 'S3-NOTIFICATION-DESTINATION-REGION', area: 'notifications', title: 'The destination is in the bucket\'s region', docUrl: `${UG}notification-how-to-event-types-and-destinations.html` },
  { id: 'S3-NOTIFICATION-DESTINATION-AWS-MANAGED-KEY', area: 'notifications', title: 'An SSE-KMS queue or topic uses a customer managed key: the AWS managed alias/aws/sqs and alias/aws/sns keys cannot grant S3', docUrl: `${UG}grant-destinations-permissions-to-s3.html` },
  { id: 'S3-NOTIFICATION-KMS-KEY-POLICY', area: 'notifications', title: 'An imported customer managed key needs a statement allowing s3.amazonaws.com kms:GenerateDataKey* and kms:Decrypt', docUrl: `${UG}grant-destinations-permissions-to-s3.html` },
  { id: 'BUCKETKIT-NOTIFICATION-QUEUE-KEY-CYCLE', area: 'notifications', title: 'An SQS destination is not encrypted with the bucket\'s own key (a CloudFormation circular dependency)', docUrl: 'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-s3-notifications/lib/sqs.ts' },
  // Handler functions (TransferFunction, RestoreFunction, ProbeFunction)
  { id: 'BUCKETKIT-HANDLER-BUNDLE-MISSING', area: 'handlers', title: 'The pre-built handler bundle (dist/lambda/<name>/index.js) exists: it is built with the package, never at synth', docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html' },
  { id: 'BUCKETKIT-HANDLER-TIMEOUT', area: 'handlers', title: 'A function timeout is 1 to 900 seconds', docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html' },
  { id: 'BUCKETKIT-HANDLER-MEMORY', area: 'handlers', title: 'Function memory is a whole number of MB from 128 to 10,240', docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html' },
  { id: 'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY', area: 'handlers', title: 'Reserved concurrency is a whole number, 0 or more', docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html' },
  { id: 'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY-ZERO', area: 'handlers', title: 'Reserved concurrency 0 throttles every invocation of the function', docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html' },
  { id: 'BUCKETKIT-HANDLER-RETRY-ATTEMPTS', area: 'handlers', title: 'Asynchronous invocations are retried 0 to 2 times', docUrl: 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html' },
  { id: 'BUCKETKIT-HANDLER-MAX-EVENT-AGE', area: 'handlers', title: 'An asynchronous event is kept 60 seconds to 6 hours', docUrl: 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html' },
  { id: 'BUCKETKIT-HANDLER-PREFIX', area: 'handlers', title: 'A prefix scope is a literal, non-empty key prefix of at most 1,024 bytes, without the IAM wildcards * and ? or a policy variable ${...}', docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html' },
  // Scale-out constructs (BulkRestore, LargeObjectCopy)
  { id: 'BUCKETKIT-SCALE-OUT-MAX-CONCURRENCY', area: 'scale-out', title: 'A Distributed Map runs 1 to 10,000 child workflows at once', docUrl: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html' },
  { id: 'BUCKETKIT-SCALE-OUT-TOLERATED-FAILURES', area: 'scale-out', title: 'A Distributed Map tolerates 0 to 100 percent of failed items', docUrl: 'https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html' },
  { id: 'BUCKETKIT-SCALE-OUT-RESTORE-DAYS', area: 'scale-out', title: 'A restored copy stays a whole number of days, 1 or more', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html' },
  { id: 'BUCKETKIT-SCALE-OUT-RESULTS-PREFIX', area: 'scale-out', title: 'A results prefix is a key prefix of at most 924 bytes that does not start with /', docUrl: 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html' },
  { id: 'BUCKETKIT-SCALE-OUT-PARTS-PER-BATCH', area: 'scale-out', title: 'A LargeObjectCopy batch copies 1 to 10,000 parts (S3 allows 10,000 parts per upload)', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html' },
  { id: 'BUCKETKIT-SCALE-OUT-PART-CONCURRENCY', area: 'scale-out', title: 'A transfer handler invocation copies 1 to 32 parts at once', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html' },
  // S3 Batch Operations (BatchOperationsRole)
  { id: 'BUCKETKIT-BATCH-ROLE-OPERATION', area: 'scale-out', title: 'A Batch Operations role is for at least one operation: restore, copy or invoke', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html' },
  { id: 'BUCKETKIT-BATCH-ROLE-COPY', area: 'scale-out', title: 'A Batch Operations copy role names both the source and the destination bucket', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html' },
  { id: 'BUCKETKIT-BATCH-ROLE-PREFIX', area: 'scale-out', title: 'A manifest or report prefix is a key prefix: no leading /, no *, at most 1,024 bytes', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html' },
  ] as const satisfies readonly Omit<RuleDefinition, 'severity'>[])();

/** Every rule id of {@link RULE_CATALOG}, as a type: a check that names an id outside it does not compile. */
export type RuleId = (typeof RULE_ROWS)[number]['id'];

/**
 * The rules whose problems are warnings (it works, but costs or surprises); every other rule is an error. This is
 * the one home of severity: run-time code (lib/storage) asks {@link ruleSeverity} and so never loads the titles and
 * links of the whole catalogue (a bundler drops {@link RULE_CATALOG} when only the severity is used).
 */
export const WARNING_RULE_IDS: readonly RuleId[] = [
  'S3-ACCELERATE-REGION',
  'S3-LIFECYCLE-OBJECT-SIZE-DEFAULT-MINIMUM',
  'S3-LIFECYCLE-MIN-STORAGE-DURATION',
  'S3-LIFECYCLE-NONCURRENT-MIN-STORAGE-DURATION',
  'S3-NOTIFICATION-KMS-KEY-POLICY',
  'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY-ZERO',
];

/** The severity of a rule's problems: `warning` for {@link WARNING_RULE_IDS}, else `error`. */
export function ruleSeverity(id: RuleId): RuleSeverity {
  return WARNING_RULE_IDS.includes(id) ? 'warning' : 'error';
}

/**
 * Every rule id, in the order `docs/rules.md` lists them, with its title, area, AWS page and severity.
 * Sources: the Amazon S3 User Guide (https://docs.aws.amazon.com/AmazonS3/latest/userguide/) and API reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/), one page per row in `docUrl`.
 */
export const RULE_CATALOG: readonly (RuleDefinition & { readonly id: RuleId })[] = /* @__PURE__ */ RULE_ROWS.map((row) => ({
  ...row,
  severity: ruleSeverity(row.id),
}));

/** Every rule id, in catalogue order. */
export const RULE_IDS: readonly RuleId[] = /* @__PURE__ */ RULE_ROWS.map((rule) => rule.id);

const BY_ID: ReadonlyMap<string, RuleDefinition> = /* @__PURE__ */ new Map(/* @__PURE__ */ RULE_CATALOG.map((rule) => [rule.id, rule]));

/** Whether `id` is a catalogued rule id. */
export function isRuleId(id: unknown): id is RuleId {
  return typeof id === 'string' && BY_ID.has(id);
}

/** The catalogue row of `id`. */
export function ruleDefinition(id: RuleId): RuleDefinition {
  return BY_ID.get(id) as RuleDefinition;
}
