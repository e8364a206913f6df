/** The plain-data shapes the lifecycle checks read (CDK's `s3.LifecycleRule` fields, read as data). */
/** A transition of current versions, by days after creation or on a date. */
export interface LifecycleTransitionInput {
  /** The target class, by its API name (`STANDARD_IA`, `GLACIER`, ...). */
  readonly storageClass: string;
  /** Days after creation; a whole number, 0 or more. Undefined when unknown (for example an unresolved CDK token). */
  readonly days?: number;
  /** ISO 8601 date at midnight UTC, e.g. `2030-01-01T00:00:00.000Z`. */
  readonly date?: string;
}

/** A transition of noncurrent versions. */
export interface NoncurrentTransitionInput {
  /** The target class, by its API name. */
  readonly storageClass: string;
  /** Days after the version became noncurrent; a whole number, 0 or more. */
  readonly noncurrentDays?: number;
  /** `NewerNoncurrentVersions`: how many newer noncurrent versions are kept out of the transition, 1 to 100. */
  readonly newerNoncurrentVersions?: number;
}

/** A tag a lifecycle rule filters on. */
export interface LifecycleTagFilterInput {
  /** The tag key. */
  readonly key: string;
  /** The tag value. */
  readonly value: string;
}

/**
 * The `Filter` of a rule in the S3 API's shape (PutBucketLifecycleConfiguration), for inputs read from the API.
 * CloudFormation has no Filter element (it builds one from the rule's flat properties), so CDK inputs leave it out.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRuleFilter.html
 */
export interface LifecycleRuleFilterInput {
  /** `Filter.Prefix`. */
  readonly prefix?: string;
  /** `Filter.Tag`. */
  readonly tag?: LifecycleTagFilterInput;
  /** `Filter.ObjectSizeGreaterThan`, bytes. */
  readonly objectSizeGreaterThan?: number;
  /** `Filter.ObjectSizeLessThan`, bytes. */
  readonly objectSizeLessThan?: number;
  /** `Filter.And`: several predicates that must all match. */
  readonly and?: {
    readonly prefix?: string;
    readonly tags?: readonly LifecycleTagFilterInput[];
    /** Bytes. */
    readonly objectSizeGreaterThan?: number;
    /** Bytes. */
    readonly objectSizeLessThan?: number;
  };
}

/** One lifecycle rule, independent of the CDK and the SDK. Every field may be absent. */
export interface LifecycleRuleInput {
  /** The rule id, at most 255 characters, unique in the configuration. @default - none; messages use the position */
  readonly id?: string;
  /** `Status: Enabled`. S3 validates disabled rules too. @default true */
  readonly enabled?: boolean;
  /** The rule-level (legacy) `Prefix`, or CloudFormation's `Prefix`. */
  readonly prefix?: string;
  /** Tags the rule filters on (CloudFormation `TagFilters`). @default - none */
  readonly tagFilters?: readonly LifecycleTagFilterInput[];
  /** The API-shaped `Filter`, when the rule comes from the S3 API. @default - none */
  readonly filter?: LifecycleRuleFilterInput;
  /** Transitions of current versions. */
  readonly transitions?: readonly LifecycleTransitionInput[];
  /** `Expiration.Days`: a whole number greater than 0. */
  readonly expirationDays?: number;
  /** `Expiration.Date`: ISO 8601 at midnight UTC. */
  readonly expirationDate?: string;
  /** `Expiration.ExpiredObjectDeleteMarker`. Not with Days or Date, nor with a tag or size filter. */
  readonly expiredObjectDeleteMarker?: boolean;
  /** Transitions of noncurrent versions. */
  readonly noncurrentVersionTransitions?: readonly NoncurrentTransitionInput[];
  /** `NoncurrentVersionExpiration.NoncurrentDays`: a whole number greater than 0. */
  readonly noncurrentVersionExpirationDays?: number;
  /** `NoncurrentVersionExpiration.NewerNoncurrentVersions`: versions to keep, 1 to 100. */
  readonly noncurrentVersionsToRetain?: number;
  /** `AbortIncompleteMultipartUpload.DaysAfterInitiation`: a whole number greater than 0. Not with a tag or size filter. */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Filter on size, in bytes: a whole number, 0 or more. */
  readonly objectSizeGreaterThan?: number;
  /** Filter on size, in bytes: a whole number, greater than objectSizeGreaterThan. */
  readonly objectSizeLessThan?: number;
  /**
   * Some action is present but its value is unknown (an unresolved CDK token), so the no-action check is skipped.
   * @default false
   */
  readonly actionsUnknown?: boolean;
}

/**
 * A bucket's lifecycle configuration: at most 1,000 rules with unique ids.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleConfiguration.html
 */
export interface LifecycleConfigurationInput {
  /** The rules. */
  readonly rules: readonly LifecycleRuleInput[];
  /**
   * `all_storage_classes_128K` (the default since September 2024) or `varies_by_storage_class`.
   * @default 'all_storage_classes_128K'
   */
  readonly transitionDefaultMinimumObjectSize?: string;
}

/** Options for {@link checkLifecycleRule}. */
export interface LifecycleRuleCheckOptions {
  /** The bucket's TransitionDefaultMinimumObjectSize. @default 'all_storage_classes_128K' */
  readonly transitionDefaultMinimumObjectSize?: string;
  /** How the rule is named in messages. @default the rule id, or 'lifecycle rule' */
  readonly label?: string;
}
