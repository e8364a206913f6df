/**
 * Public types of run-time event notifications (`listNotifications`, `addNotification`, `removeNotification`,
 * `setEventBridge`) and of `parseS3Event`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html
 */

/** Where S3 sends the events: an SQS queue, an SNS topic or a Lambda function, by ARN. */
export interface NotificationDestination {
  /** `'sqs'` (QueueConfiguration), `'sns'` (TopicConfiguration) or `'lambda'` (LambdaFunctionConfiguration). */
  readonly type: 'sqs' | 'sns' | 'lambda';
  /**
   * The queue, topic or function ARN. It must be in the bucket's region, and not a FIFO queue or topic. On MinIO, an
   * `sqs` destination is a target configured on the server, `arn:minio:sqs::<id>:<type>` (e.g. a webhook); MinIO
   * refuses SNS and Lambda destinations (`UnsupportedFeatureError`). docs/notifications.md, "MinIO".
   */
  readonly arn: string;
}

/** One notification configuration of a bucket, whoever created it. */
export interface NotificationEntry {
  /** The configuration's `Id`. Ids that bucketkit creates are `<owner>.<name>`. */
  readonly id: string;
  /** The owner named by the id's `<owner>.` prefix, when the id has one. @default - undefined (not created by bucketkit) */
  readonly owner?: string;
  readonly destination: NotificationDestination;
  /** Event types, e.g. `s3:ObjectCreated:*`. */
  readonly events: readonly string[];
  /** The key prefix filter. @default - none */
  readonly prefix?: string;
  /** The key suffix filter. @default - none */
  readonly suffix?: string;
}

/** A bucket's whole notification configuration, as read. */
export interface BucketNotifications {
  readonly entries: readonly NotificationEntry[];
  /** True when `EventBridgeConfiguration` is set (every event also goes to the default EventBridge bus). */
  readonly eventBridge: boolean;
}

/** What `addNotification` takes. */
export interface AddNotificationInput {
  /**
   * The name of the entry under its owner: the stored `Id` is `<owner>.<id>` (an id that already starts with
   * `<owner>.` is kept as it is). 1..200 characters of `A-Z a-z 0-9 . _ -`. An existing entry of the same owner and
   * id is replaced.
   * @default - a random name
   */
  readonly id?: string;
  readonly destination: NotificationDestination;
  /** One or more S3 event types (`NOTIFICATION_EVENT_TYPES` in `bucketkit/rules`), e.g. `s3:ObjectCreated:*`. */
  readonly events: readonly string[];
  /** Only keys that start with this. No wildcards. @default - every key */
  readonly prefix?: string;
  /** Only keys that end with this. No wildcards. @default - every key */
  readonly suffix?: string;
}

/** Options of every notification write. */
export interface NotificationWriteOptions {
  /**
   * The owner: the `<owner>.` prefix of the ids this call creates and may remove. 1..64 characters of
   * `A-Z a-z 0-9 _ -`. A deploy-time stack uses its own owner, so run-time and deploy-time entries never touch
   * each other.
   * @default 'bucketkit'
   */
  readonly owner?: string;
  /**
   * How many read-merge-write rounds to try when another writer changes the configuration at the same time.
   * @default 8
   */
  readonly maxAttempts?: number;
  /**
   * How long to wait after the PUT before reading the configuration back to check that no concurrent writer
   * overwrote it, in ms. S3 has no conditional write on this subresource; the read-back catches a writer whose PUT
   * lands within this window.
   * @default 200
   */
  readonly settleMs?: number;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
  /**
   * Send `x-amz-skip-destination-validation`, so S3 does not check that it may publish to or invoke each
   * destination (CDK's `notificationsSkipDestinationValidation`).
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
   * @default false
   */
  readonly skipDestinationValidation?: boolean;
}

/** Options of `removeNotification`. */
export interface RemoveNotificationOptions extends NotificationWriteOptions {
  /** Remove an entry of another owner (or with no owner) too. @default false */
  readonly force?: boolean;
}

/** One S3 event, whatever envelope it came in. */
export interface S3EventRecord {
  /** Without the `s3:` prefix, e.g. `ObjectCreated:Put`; for EventBridge, the `detail-type`, e.g. `Object Created`. */
  readonly eventName: string;
  /** `'notification'` (S3 event notification record) or `'eventbridge'` (EventBridge event). */
  readonly source: 'notification' | 'eventbridge';
  /** The record's `eventVersion`, e.g. `2.1`; undefined for EventBridge. */
  readonly eventVersion?: string;
  readonly eventTime?: Date;
  readonly region?: string;
  readonly bucket: string;
  /** The object key, decoded (`+` is a space, `%2F` is `/`). */
  readonly key: string;
  readonly size?: number;
  readonly etag?: string;
  readonly versionId?: string;
  /** Orders events of one key: compare with `compareSequencers`. */
  readonly sequencer?: string;
  /** The notification configuration's Id that matched. */
  readonly configurationId?: string;
}

/** Options of `parseS3Event`. */
export interface ParseS3EventOptions {
  /**
   * The lowest `eventVersion` accepted, `major.minor`. A record with another major version, or a lower minor one,
   * is `InvalidArgumentError`. https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
   * @default '2.0'
   */
  readonly minEventVersion?: string;
}
