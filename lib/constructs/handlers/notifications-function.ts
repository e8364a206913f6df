import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HandlerFunction, HandlerFunctionOptions } from './handler-function';
import { NOTIFICATIONS_BUCKET_ACTIONS } from './permissions';

/** Props of {@link NotificationsFunction}. */
export interface NotificationsFunctionProps extends HandlerFunctionOptions {
  /** The one bucket whose notification configuration the function merges. */
  readonly bucket: s3.IBucket;
}

/**
 * The bundled notifications handler (`dist/lambda/notifications/`): the CloudFormation custom-resource handler
 * behind `Custom::BucketkitNotifications`, which `StorageBucket` creates for its event notifications. It reads the
 * bucket's notification configuration, merges this stack's entries by owner-prefixed id and writes it back, with
 * the run-time API's code (docs/notifications.md, "At deploy time").
 *
 * Grants (nothing else): s3:GetBucketNotification and s3:PutBucketNotification on `bucket` only, and writing its own
 * log group. One function per bucket, so that its role names one bucket.
 */
export class NotificationsFunction extends HandlerFunction {
  /** The bucket the function configures. */
  public readonly bucket: s3.IBucket;

  /**
   * @param scope - the parent; the role, log group and dead-letter queue are its children `<id>ServiceRole`,
   *   `<id>LogGroup` and `<id>DeadLetterQueue`
   * @param id - the construct id
   * @param props - the bucket and function options
   * @throws ValidationError (bucketkit's) listing every problem: function options, a missing bundle
   */
  public constructor(scope: Construct, id: string, props: NotificationsFunctionProps) {
    super(scope, id, props, {
      name: 'notifications',
      className: 'NotificationsFunction',
      // A read, a merge and a write take seconds; the handler answers CloudFormation 10 s before this.
      defaultTimeout: Duration.minutes(2),
      defaultMemoryMb: 256,
      description: "bucketkit notifications: merges this stack's event notifications into the bucket's configuration, keeping every other owner's",
      environment: {},
      problems: [],
    });
    this.bucket = props.bucket;
    this.grants.bucket(props.bucket, undefined, NOTIFICATIONS_BUCKET_ACTIONS);
  }
}
