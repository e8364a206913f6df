import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { NotificationConfigurationInput, RuleProblem, checkNotificationDestination, formatProblems, ruleProblem } from '../rules';
import { acknowledgeRule } from './acknowledge';

/** What S3 needs on the key of an encrypted SQS queue or SNS topic to deliver (and test) notifications. */
export const S3_NOTIFICATION_KMS_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'];

/** One addEventNotification call, as StorageBucket records it for the overlap check. */
export interface NotificationRecord {
  /** The call's position on the bucket, from 1, as messages name it (`addEventNotification #2`). */
  readonly index: number;
  /** The event type, e.g. `s3:ObjectCreated:*`. */
  readonly event: string;
  /** The key filters passed to the call. */
  readonly filters: readonly s3.NotificationKeyFilter[];
  /** Filled in when the destination is bound (at the call). */
  destination?: string;
  /** The destination is an SQS queue encrypted with the bucket's own key. */
  queueSharesBucketKey?: boolean;
}

const TYPE_LABEL: Record<number, string> = {
  [s3.BucketNotificationDestinationType.QUEUE]: 'SQS queue',
  [s3.BucketNotificationDestinationType.TOPIC]: 'SNS topic',
  [s3.BucketNotificationDestinationType.LAMBDA]: 'Lambda function',
};

/** Finds the queue, topic or function in the app whose ARN token is `arn`. */
export function findDestination(scope: IConstruct, arn: string): IConstruct | undefined {
  return scope.node.root.node
    .findAll()
    .find(
      (c) =>
        (c instanceof sqs.QueueBase && c.queueArn === arn) ||
        (c instanceof sns.TopicBase && c.topicArn === arn) ||
        (c instanceof lambda.FunctionBase && c.functionArn === arn),
    );
}

/** `SQS queue Stack/Queue`, or the ARN when the destination is not a construct of this app. */
export function describeDestination(scope: IConstruct, config: s3.BucketNotificationDestinationConfig): string {
  const found = findDestination(scope, config.arn);
  const label = TYPE_LABEL[config.type] ?? 'destination';
  if (found) return `${label} ${found.node.path}`;
  return `${label} ${Token.isUnresolved(config.arn) ? '(ARN known at deploy time)' : config.arn}`;
}

/** The KMS key of an SQS or SNS destination, when it has one. */
function destinationKey(destination: IConstruct | undefined): kms.IKey | undefined {
  if (destination instanceof sqs.QueueBase) return destination.encryptionMasterKey;
  if (destination instanceof sns.TopicBase) return destination.masterKey;
  return undefined;
}

/**
 * Lets S3 use the KMS key of an encrypted SQS queue or SNS topic, scoped to this account.
 * aws-cdk-lib does this for SQS, and for SNS only behind a feature flag; StorageBucket always does it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 */
export function allowS3ToUseDestinationKey(bucket: s3.IBucket, config: s3.BucketNotificationDestinationConfig): kms.IKey | undefined {
  if (config.type === s3.BucketNotificationDestinationType.LAMBDA) return undefined;
  const destination = findDestination(bucket, config.arn);
  // A destination S3 cannot deliver to (AWS managed key, FIFO) fails synth with the rule's fix.
  const problems = destinationProblems(bucket, destination);
  if (problems.length > 0) {
    bucket.node.addValidation({
      validate: () => [`${bucket.node.path}: notification destination ${destination?.node.path} would fail at deploy time:\n${formatProblems(problems)}`],
    });
    return undefined;
  }
  const key = destinationKey(destination);
  if (!key) return undefined;
  const result = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowS3BucketNotifications',
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: S3_NOTIFICATION_KMS_ACTIONS,
      resources: ['*'],
      // Scoped to the account, not to the bucket ARN: the destination key is often the bucket's own key, and
      // a key policy naming the bucket that the key encrypts is a circular dependency CloudFormation rejects.
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account } },
    }),
    /* allowNoOp */ true,
  );
  if (!result.statementAdded) {
    const warning = ruleProblem(
      'S3-NOTIFICATION-KMS-KEY-POLICY',
      `The customer managed key of ${destination?.node.path} is imported, so its key policy cannot be changed here`,
      undefined,
      `add a statement allowing s3.amazonaws.com ${S3_NOTIFICATION_KMS_ACTIONS.join(' and ')} to the key's policy where the key is defined, or S3 cannot deliver notifications`,
    );
    Annotations.of(bucket).addWarningV2(`bucketkit:${warning.ruleId}`, formatProblems([warning]));
  }
  return key;
}

/** The queue's or topic's `KmsMasterKeyId` as a string (token parts shown as `*`), and whether it is FIFO. */
function destinationProblems(bucket: s3.IBucket, destination: IConstruct | undefined): RuleProblem[] {
  const child = destination?.node.defaultChild;
  if (!(child instanceof sqs.CfnQueue) && !(child instanceof sns.CfnTopic)) return [];
  const keyId = child.kmsMasterKeyId;
  const fifo = child instanceof sqs.CfnQueue ? child.fifoQueue : child.fifoTopic;
  return checkNotificationDestination({
    name: `${child instanceof sqs.CfnQueue ? 'SQS queue' : 'SNS topic'} ${destination?.node.path}`,
    type: child instanceof sqs.CfnQueue ? 'queue' : 'topic',
    kmsMasterKeyId: typeof keyId === 'string' ? keyId.replace(/\$\{Token\[[^\]]*\]\}/g, '*') : undefined,
    fifo: fifo === true,
    bucketRegion: Token.isUnresolved(Stack.of(bucket).region) ? undefined : Stack.of(bucket).region,
  });
}

/**
 * An SQS destination encrypted with the bucket's own key cannot deploy: aws-cdk-lib's SqsDestination grants
 * s3.amazonaws.com the key with an `aws:SourceArn` condition naming the bucket, and the bucket names the key
 * for its encryption, so CloudFormation sees a circular dependency.
 */
export function queueKeyCycleProblem(record: NotificationRecord): RuleProblem {
  return ruleProblem(
    'BUCKETKIT-NOTIFICATION-QUEUE-KEY-CYCLE',
    `addEventNotification #${record.index} (${record.event} to ${record.destination}): the queue is encrypted with the bucket's own KMS key, which makes a circular dependency between the key policy and the bucket`,
    record.destination,
    'encrypt the queue with a different KMS key than the bucket (one key for messaging, one for data)',
  );
}

/** A recorded call as the rules see it. Calls with unresolved filter values are left out. */
export function toRuleInput(record: NotificationRecord): NotificationConfigurationInput | undefined {
  const filterRules: { name: string; value: string }[] = [];
  for (const filter of record.filters) {
    for (const name of ['prefix', 'suffix'] as const) {
      const value = filter[name];
      if (value === undefined) continue;
      if (Token.isUnresolved(value)) return undefined;
      filterRules.push({ name, value });
    }
  }
  return {
    name: `addEventNotification #${record.index} (${record.event} to ${record.destination ?? 'a destination'})`,
    events: [record.event],
    filterRules,
  };
}

/** The id aws-cdk-lib gives the stack-wide singleton Lambda behind Custom::S3BucketNotifications. */
export const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * aws-cdk-lib's notifications handler (one per stack) runs with the AWSLambdaBasicExecutionRole managed policy.
 * It is aws-cdk-lib's code, not ours; record why that is acceptable so cdk-nag's AwsSolutions-IAM4 finding
 * carries a reason instead of failing every stack with notifications.
 */
export function acknowledgeNotificationsHandler(scope: IConstruct): void {
  const handler = Stack.of(scope).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (!handler) return;
  acknowledgeRule(
    handler,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "aws-cdk-lib's BucketNotificationsHandler singleton; the managed policy only allows writing its own CloudWatch Logs. Pass notificationsHandlerRole to replace the role.",
  );
}
