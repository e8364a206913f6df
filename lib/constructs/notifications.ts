import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { NotificationConfigurationInput } from '../rules';

/** What S3 needs on the key of an encrypted SQS queue or SNS topic to deliver (and test) notifications. */
export const S3_NOTIFICATION_KMS_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'];

/** One addEventNotification call, as StorageBucket records it for the overlap check. */
export interface NotificationRecord {
  readonly index: number;
  readonly event: string;
  readonly filters: readonly s3.NotificationKeyFilter[];
  /** Filled in when the destination is bound (at the call). */
  destination?: string;
}

const TYPE_LABEL: Record<number, string> = {
  [s3.BucketNotificationDestinationType.QUEUE]: 'SQS queue',
  [s3.BucketNotificationDestinationType.TOPIC]: 'SNS topic',
  [s3.BucketNotificationDestinationType.LAMBDA]: 'Lambda function',
};

/** Finds the queue, topic or function in the app whose ARN token is `arn`. */
export function findDestination(scope: IConstruct, arn: string): IConstruct | undefined {
  return scope.node.root.node.findAll().find((c) =>
    (c instanceof sqs.QueueBase && c.queueArn === arn) || (c instanceof sns.TopicBase && c.topicArn === arn) || (c instanceof lambda.FunctionBase && c.functionArn === arn),
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
 * Lets S3 use the KMS key of an encrypted SQS queue or SNS topic, scoped to this bucket and account.
 * aws-cdk-lib does this for SQS, and for SNS only behind a feature flag; StorageBucket always does it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 */
export function allowS3ToUseDestinationKey(bucket: s3.IBucket, config: s3.BucketNotificationDestinationConfig): void {
  if (config.type === s3.BucketNotificationDestinationType.LAMBDA) return;
  const destination = findDestination(bucket, config.arn);
  const key = destinationKey(destination);
  if (!key) return;
  const result = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowS3BucketNotifications',
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: S3_NOTIFICATION_KMS_ACTIONS,
      resources: ['*'],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
      },
    }),
    /* allowNoOp */ true,
  );
  if (!result.statementAdded) {
    Annotations.of(bucket).addWarningV2(
      'bucketkit:S3-NOTIFICATION-KMS-KEY-POLICY',
      `The key of ${destination?.node.path} is imported, so its key policy cannot be changed here. Add a statement allowing s3.amazonaws.com ${S3_NOTIFICATION_KMS_ACTIONS.join(' and ')} on it, or S3 cannot deliver notifications.`,
    );
  }
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
