import { createHash } from 'node:crypto';
import { Aspects, CustomResource, IAspect, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { NotificationsFunction } from './handlers/notifications-function';

/**
 * Which custom resource applies a {@link StorageBucket}'s event notifications (`addEventNotification`,
 * `eventBridgeEnabled`).
 */
export enum NotificationsHandler {
  /**
   * bucketkit's own handler (`Custom::BucketkitNotifications`, `lambda/notifications`): it reads the bucket's
   * configuration, merges this stack's entries by owner-prefixed id and writes it back, so a deploy, an update or a
   * stack deletion changes only this stack's entries. Entries of other stacks, of the run-time API and made by hand
   * survive, and so does the EventBridge setting unless this stack turns it on.
   */
  BUCKETKIT = 'bucketkit',
  /**
   * aws-cdk-lib's `Custom::S3BucketNotifications`: for a bucket created in the stack it replaces the whole
   * configuration, wiping every entry it did not make (aws-cdk #30607, #29004). For migrations only.
   */
  CDK = 'cdk',
}

/** The CloudFormation type of bucketkit's notifications resource. */
export const BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE = 'Custom::BucketkitNotifications';
/** The owner prefix is this long at most (the run-time API's owner rule: 1..64 of `A-Z a-z 0-9 _ -`). */
const MAX_OWNER_LENGTH = 64;

/**
 * The owner of a bucket's deploy-time entries: `<stack name, cut to 40>-<10 hex of SHA-256 of stack name and
 * construct path>`. Stable for as long as the stack and the bucket's construct path are; two buckets or two stacks
 * never share one.
 */
export function notificationsOwner(bucket: IConstruct): string {
  const stack = Stack.of(bucket);
  const name = Token.isUnresolved(stack.stackName) ? 'stack' : stack.stackName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40);
  const hash = createHash('sha256')
    .update(`${Token.isUnresolved(stack.stackName) ? '' : stack.stackName}\n${bucket.node.path}`)
    .digest('hex');
  return `${name}-${hash.slice(0, 10)}`.slice(0, MAX_OWNER_LENGTH);
}

/** One declared notification as the handler reads it (`ResourceProperties.Notifications[]`). */
interface DeclaredNotification {
  readonly Type: 'sqs' | 'sns' | 'lambda';
  readonly Arn: string;
  readonly Events: string[];
  readonly Prefix?: string;
  readonly Suffix?: string;
}

const TYPE: Record<number, DeclaredNotification['Type']> = {
  [s3.BucketNotificationDestinationType.QUEUE]: 'sqs',
  [s3.BucketNotificationDestinationType.TOPIC]: 'sns',
  [s3.BucketNotificationDestinationType.LAMBDA]: 'lambda',
};

/** Props of {@link BucketkitNotifications}. */
export interface BucketkitNotificationsProps {
  /** The bucket; the function's role may read and write its notification configuration only. */
  readonly bucket: s3.Bucket;
  /** Send `x-amz-skip-destination-validation` with the PUT. @default false */
  readonly skipDestinationValidation?: boolean;
}

/**
 * The `Custom::BucketkitNotifications` resource of one bucket and its {@link NotificationsFunction}, created by
 * `StorageBucket` on the first notification. Like aws-cdk-lib's `BucketNotifications`, the resource depends on the
 * bucket policy (S3 refuses a PutBucketNotificationConfiguration concurrent with a PutBucketPolicy, aws-cdk #27600)
 * and on what each destination's `bind` returns (the Lambda permission, the queue and its policy).
 */
export class BucketkitNotifications extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The handler function. */
  public readonly handler: NotificationsFunction;
  /** The owner prefix of this bucket's deploy-time entries. */
  public readonly owner: string;

  private readonly notifications: DeclaredNotification[] = [];
  private eventBridge = false;

  /**
   * @param scope - the bucket
   * @param id - the construct id (`BucketkitNotifications`: not aws-cdk-lib's `Notifications`, whose logical id
   *   CloudFormation would refuse to give a new ServiceToken or type)
   * @param props - the bucket and the PUT options
   */
  public constructor(scope: Construct, id: string, props: BucketkitNotificationsProps) {
    super(scope, id);
    this.owner = notificationsOwner(props.bucket);
    this.handler = new NotificationsFunction(this, 'Handler', { bucket: props.bucket });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.handler.functionArn,
      resourceType: BUCKETKIT_NOTIFICATIONS_RESOURCE_TYPE,
      properties: {
        BucketName: props.bucket.bucketName,
        Owner: this.owner,
        Notifications: Lazy.any({ produce: () => [...this.notifications] }, { omitEmptyArray: false }),
        EventBridge: Lazy.string({ produce: () => (this.eventBridge ? 'true' : undefined) }),
        ...(props.skipDestinationValidation ? { SkipDestinationValidation: 'true' } : {}),
      },
    });
    const bucket = props.bucket;
    const resource = this.resource;
    // As aws-cdk-lib does: the policy may be created after the first notification, so look for it at synth.
    const dependOnPolicy: IAspect = {
      visit(node) {
        if (node === resource && bucket.policy) node.node.addDependency(bucket.policy);
      },
    };
    Aspects.of(this).add(dependOnPolicy);
  }

  /** Records one notification; `config` is what the destination's `bind` returned. */
  public add(event: s3.EventType, config: s3.BucketNotificationDestinationConfig, filters: readonly s3.NotificationKeyFilter[]): void {
    if (config.dependencies) this.resource.node.addDependency(...config.dependencies);
    const prefix = filters.find((f) => f.prefix !== undefined)?.prefix;
    const suffix = filters.find((f) => f.suffix !== undefined)?.suffix;
    this.notifications.push({
      Type: TYPE[config.type],
      Arn: config.arn,
      Events: [event],
      ...(prefix !== undefined ? { Prefix: prefix } : {}),
      ...(suffix !== undefined ? { Suffix: suffix } : {}),
    });
  }

  /** This stack turns EventBridge on (and leaves it as found when the resource is deleted). */
  public enableEventBridge(): void {
    this.eventBridge = true;
  }
}
