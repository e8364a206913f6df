import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  RuleProblem,
  checkBucketName,
  checkIntelligentTieringConfiguration,
  checkLifecycleConfiguration,
  checkNotificationConfigurations,
  checkNotificationDestination,
  checkTransferAcceleration,
  formatProblems,
} from '../../rules';
import {
  intelligentTieringFromTemplate,
  lifecycleFromTemplate,
  notificationDestinationsFromTemplate,
  notificationsFromTemplate,
  renderResource,
} from './template';

/** CloudFormation type of the custom resource aws-cdk-lib's s3.Bucket uses for notifications. */
export const BUCKET_NOTIFICATIONS_RESOURCE_TYPE = 'Custom::S3BucketNotifications';

/**
 * Every S3 rule that can be checked on a rendered AWS::S3::Bucket: the name (and acceleration's no-dots rule),
 * the acceleration region, the lifecycle configuration, Intelligent-Tiering archive ranges and the bucket's
 * own NotificationConfiguration.
 */
export function checkBucketResource(bucket: CfnResource): RuleProblem[] {
  const { properties } = renderResource(bucket);
  const problems: RuleProblem[] = [];
  const accelerate = properties.AccelerateConfiguration;
  const accelerated = typeof accelerate === 'object' && accelerate !== null && (accelerate as Record<string, unknown>).AccelerationStatus === 'Enabled';
  const name = typeof properties.BucketName === 'string' && !Token.isUnresolved(properties.BucketName) ? properties.BucketName : undefined;
  if (name !== undefined) problems.push(...checkBucketName(name, { transferAcceleration: accelerated }));
  if (accelerated) {
    const region = Stack.of(bucket).region;
    // The name was checked above; only the region is left.
    problems.push(...checkTransferAcceleration({ region: Token.isUnresolved(region) ? undefined : region }));
  }
  const lifecycle = lifecycleFromTemplate(properties);
  if (lifecycle) problems.push(...checkLifecycleConfiguration(lifecycle));
  for (const config of intelligentTieringFromTemplate(properties)) problems.push(...checkIntelligentTieringConfiguration(config));
  problems.push(...checkNotificationConfigurations(notificationsFromTemplate(properties.NotificationConfiguration, 'bucket')));
  problems.push(...notificationDestinationsFromTemplate(bucket, properties.NotificationConfiguration, 'bucket').flatMap(checkNotificationDestination));
  return problems;
}

/**
 * The overlap and filter rules on the Custom::S3BucketNotifications resource of an s3.Bucket, and the destination
 * rules (AWS managed key, FIFO, region) for queues and topics of the same stack.
 */
export function checkNotificationsResource(resource: CfnResource): RuleProblem[] {
  const { properties } = renderResource(resource);
  return [
    ...checkNotificationConfigurations(notificationsFromTemplate(properties.NotificationConfiguration, 'custom-resource')),
    ...notificationDestinationsFromTemplate(resource, properties.NotificationConfiguration, 'custom-resource').flatMap(checkNotificationDestination),
  ];
}

/** Reports problems on a construct: errors with addError, warnings with addWarningV2 (acknowledgeable by rule id). */
export function annotate(scope: IConstruct, problems: readonly RuleProblem[]): void {
  for (const problem of problems) {
    if (problem.severity === 'error') Annotations.of(scope).addError(formatProblems([problem]));
    else Annotations.of(scope).addWarningV2(`bucketkit:${problem.ruleId}`, formatProblems([problem]));
  }
}
