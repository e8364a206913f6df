import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CostEstimate, RuleProblem, checkNotificationConfigurations, checkNotificationFilter, formatProblems } from '../rules';
import { BucketCostWorkload, estimateBucketCost } from './bucket-cost';
import { BucketkitNotifications, NotificationsHandler } from './bucket-notifications';
import { createAccessLogsBucket } from './access-logs';
import { withStorageBucketDefaults } from './bucket-defaults';
import type { StorageBucketProps } from './storage-bucket-props';
import { ValidationError } from './errors';
import { ProbeFunction, ProbeFunctionProps, RestoreFunction, RestoreFunctionProps, TransferFunction, TransferFunctionProps } from './handlers';
import { STORAGE_BUCKET_PROPERTY_INJECTION_ID, bucketConstructorUnderInjectionWrapper, injectStorageBucketProps } from './injection';
import { routeLogDeliveryToPolicy, routeTargetLogDelivery } from './log-delivery';
import {
  NotificationRecord,
  acknowledgeNotificationsHandler,
  allowS3ToUseDestinationKey,
  describeDestination,
  queueKeyCycleProblem,
  toRuleInput,
} from './notifications';
import { annotate, checkBucketResource } from './validation/checks';

export type { StorageBucketProps } from './storage-bucket-props';

/** `allowSseC: true` sets BlockedEncryptionTypes to NONE; an explicit list that blocks anything conflicts with it. */
function sseCBlocking(scope: Construct, id: string, props: StorageBucketProps): s3.BlockedEncryptionType[] | undefined {
  if (props.allowSseC !== true) return props.blockedEncryptionTypes;
  const given = props.blockedEncryptionTypes;
  if (given !== undefined && !(given.length === 1 && given[0].name === s3.BlockedEncryptionType.NONE.name)) {
    const fix = 'drop blockedEncryptionTypes (allowSseC sets [NONE]) or drop allowSseC';
    const value = given.map((t) => t.name);
    throw new ValidationError(scope, `${id}: allowSseC conflicts with blockedEncryptionTypes`, [
      {
        ruleId: 'StorageBucket.allowSseC',
        message: 'allowSseC: true allows SSE-C, but blockedEncryptionTypes blocks an encryption type',
        value,
        fix,
        severity: 'error',
      },
    ]);
  }
  return [s3.BlockedEncryptionType.NONE];
}

/**
 * An `s3.Bucket` with secure defaults that checks S3's own rules at synth: lifecycle transitions,
 * Intelligent-Tiering ranges, notification filter overlap and Transfer Acceleration. It collects every problem
 * and fails synth once, with each rule id, offending value and fix. Unresolved tokens are skipped.
 *
 * Switch from `s3.Bucket` by changing the class name: the props are the same. Property injectors registered for
 * `StorageBucket.PROPERTY_INJECTION_ID` and for `s3.Bucket.PROPERTY_INJECTION_ID` see the props you pass; the
 * defaults fill only what is still unset after them. As a server access log target it takes log delivery through
 * its bucket policy, whatever the app's feature flags (docs/constructs.md, "Differences from s3.Bucket").
 *
 * Problems found at synth are reported through CDK's validation phase, with every other construct's, in the
 * `ValidationError` aws-cdk-lib throws (`Errors.isValidationError` is true); {@link checkRules} returns them as
 * data. Problems found at a method call throw bucketkit's {@link ValidationError}, which carries the rule ids.
 */
export class StorageBucket extends s3.Bucket {
  /** The id a property injector uses to target StorageBucket only (`PropertyInjectors.of(scope).add(...)`). */
  public static override readonly PROPERTY_INJECTION_ID: string = STORAGE_BUCKET_PROPERTY_INJECTION_ID;

  /** The bucket server access logs go to, when logging is on. */
  public readonly accessLogsBucket?: s3.IBucket;

  private readonly notificationRecords: NotificationRecord[];
  private warningsReported: boolean;
  private readonly notificationsHandler: NotificationsHandler;
  private readonly notificationsSkipValidation: boolean;
  private bucketkitNotifications?: BucketkitNotifications;

  /**
   * @param scope - the parent construct; the log bucket, when created, is its child `<id>AccessLogs`
   * @param id - the construct id
   * @param props - `s3.BucketProps` and StorageBucket's own options; unset values get the secure defaults
   * @throws ValidationError (aws-cdk-lib's) for settings aws-cdk-lib refuses, as `s3.Bucket` does
   */
  public constructor(scope: Construct, id: string, props: StorageBucketProps = {}) {
    const resolved = withStorageBucketDefaults(injectStorageBucketProps(scope, id, props));
    const logging = resolved.serverAccessLogs ?? true;
    const accessLogsBucket =
      resolved.serverAccessLogsBucket ??
      (logging
        ? createAccessLogsBucket(scope, `${id}AccessLogs`, {
            removalPolicy: resolved.removalPolicy ?? RemovalPolicy.RETAIN,
            // Only where it is valid: otherwise s3.Bucket's own error is raised below, on this bucket.
            autoDeleteObjects: resolved.removalPolicy === RemovalPolicy.DESTROY ? resolved.autoDeleteObjects : undefined,
          })
        : undefined);

    const notificationsHandler = checkNotificationsHandler(scope, id, resolved);
    const { notificationsHandler: _handler, ...bucketProps } = resolved;
    const restoreTarget = routeTargetLogDelivery(accessLogsBucket);
    try {
      super(scope, id, {
        ...bucketProps,
        // With bucketkit's handler, EventBridge is turned on below, through it, not through aws-cdk-lib's resource.
        eventBridgeEnabled: notificationsHandler === NotificationsHandler.CDK ? resolved.eventBridgeEnabled : undefined,
        blockedEncryptionTypes: sseCBlocking(scope, id, resolved),
        serverAccessLogsBucket: accessLogsBucket,
      });
    } finally {
      restoreTarget();
    }
    this.accessLogsBucket = accessLogsBucket;
    this.notificationRecords = [];
    this.warningsReported = false;
    this.notificationsHandler = notificationsHandler;
    this.notificationsSkipValidation = resolved.notificationsSkipDestinationValidation === true;
    if (notificationsHandler === NotificationsHandler.BUCKETKIT && resolved.eventBridgeEnabled === true) this.enableEventBridgeNotification();

    this.node.addValidation({ validate: () => this.validateRules() });
  }

  /**
   * Same signature as `s3.Bucket.addEventNotification`. Also records the configuration for the overlap check at
   * synth, and lets S3 use the KMS key of an encrypted SQS or SNS destination. The destination's own grants (queue
   * policy, topic policy, Lambda permission for s3.amazonaws.com with the bucket's ARN and account) come from its
   * `bind`, as with `s3.Bucket`; the entry is applied by the resource `notificationsHandler` chooses.
   */
  public override addEventNotification(event: s3.EventType, dest: s3.IBucketNotificationDestination, ...filters: s3.NotificationKeyFilter[]): void {
    const record: NotificationRecord = { index: this.notificationRecords.length + 1, event, filters };
    // aws-cdk-lib throws on a second prefix or suffix rule with a terser message: report ours first, with the fix.
    const input = toRuleInput(record);
    const shape = input ? checkNotificationFilter(input).filter((p) => p.ruleId === 'S3-NOTIFICATION-FILTER-DUPLICATE') : [];
    if (shape.length > 0) throw new ValidationError(this, 'invalid notification filter', shape);

    const recording: s3.IBucketNotificationDestination = {
      bind: (scope, target) => {
        const config = dest.bind(scope, target);
        record.destination = describeDestination(this, config);
        const key = allowS3ToUseDestinationKey(this, config);
        record.queueSharesBucketKey = config.type === s3.BucketNotificationDestinationType.QUEUE && key !== undefined && key === this.encryptionKey;
        return config;
      },
    };
    if (this.notificationsHandler === NotificationsHandler.CDK) {
      super.addEventNotification(event, recording, ...filters);
      acknowledgeNotificationsHandler(this);
    } else {
      this.bucketkitNotificationsResource().add(event, recording.bind(this, this), filters);
    }
    this.notificationRecords.push(record);
  }

  /**
   * Sends every event of this bucket to Amazon EventBridge, as `s3.Bucket` does. With bucketkit's handler the setting
   * is turned on at deploy and left as found when the stack is deleted (other stacks' rules may depend on it).
   */
  public override enableEventBridgeNotification(): void {
    // s3.Bucket's constructor calls this for `eventBridgeEnabled` before the field is set: only in CDK mode, where the
    // prop is passed on (bucketkit mode calls it after construction).
    if (this.notificationsHandler !== NotificationsHandler.BUCKETKIT) super.enableEventBridgeNotification();
    else this.bucketkitNotificationsResource().enableEventBridge();
  }

  private bucketkitNotificationsResource(): BucketkitNotifications {
    // Not `Notifications`, aws-cdk-lib's id: CloudFormation refuses a new ServiceToken or type on the same logical id.
    this.bucketkitNotifications ??= new BucketkitNotifications(this, 'BucketkitNotifications', {
      bucket: this,
      skipDestinationValidation: this.notificationsSkipValidation,
    });
    return this.bucketkitNotifications;
  }

  /**
   * Deploys the bundled transfer handler next to this bucket, as the copy source: a {@link TransferFunction} with
   * read on this bucket (under `sourcePrefixes`) and write on `destinationBucket` (this bucket by default).
   * @param id - the function's construct id, in this bucket's scope (its role, log group and queue beside it)
   * @param props - everything but `sourceBucket`
   */
  public addTransferFunction(id: string, props: Omit<TransferFunctionProps, 'sourceBucket'> = {}): TransferFunction {
    return new TransferFunction(this.node.scope as Construct, id, { ...props, sourceBucket: this });
  }

  /**
   * Deploys the bundled restore handler for this bucket: a {@link RestoreFunction} with s3:RestoreObject on its
   * objects (under `prefixes`).
   * @param id - the function's construct id, in this bucket's scope
   * @param props - everything but `bucket`
   */
  public addRestoreFunction(id: string, props: Omit<RestoreFunctionProps, 'bucket'> = {}): RestoreFunction {
    return new RestoreFunction(this.node.scope as Construct, id, { ...props, bucket: this });
  }

  /**
   * Deploys the bundled probe handler, reporting on this bucket: a {@link ProbeFunction} with read-only access to
   * this bucket's settings, its own scratch buckets, and this bucket's KMS key for the SSE-KMS probe.
   * @param id - the function's construct id, in this bucket's scope
   * @param props - everything but `bucket`
   */
  public addProbeFunction(id: string, props: Omit<ProbeFunctionProps, 'bucket'> = {}): ProbeFunction {
    return new ProbeFunction(this.node.scope as Construct, id, { ...props, bucket: this });
  }

  /**
   * What S3 would charge for a workload in this bucket, month by month, before deploying: `estimateStorageCost` from
   * `bucketkit/rules` on this bucket's own lifecycle rules as they will synthesize (objects start in STANDARD). Pure:
   * nothing is sent. Worked examples and sources: docs/costs.md.
   * @param workload - the objects (`{ sizeBytes, count }` groups), `months`, and optionally region, requests, restores
   * @throws InvalidArgumentError (from `bucketkit/rules`) naming the field of the workload that is wrong
   */
  public estimateCost(workload: BucketCostWorkload): CostEstimate {
    return estimateBucketCost(this.node.defaultChild as s3.CfnBucket, workload);
  }

  /** Every S3 rule problem of this bucket as it will synthesize, warnings included. */
  public checkRules(): RuleProblem[] {
    const inputs = this.notificationRecords.map(toRuleInput).filter((i) => i !== undefined);
    return [
      ...checkBucketResource(this.node.defaultChild as s3.CfnBucket),
      ...checkNotificationConfigurations(inputs),
      ...this.notificationRecords.filter((r) => r.queueSharesBucketKey).map(queueKeyCycleProblem),
    ];
  }

  private validateRules(): string[] {
    const problems = this.checkRules();
    // Synthesizing twice (tests often do) must not report the same warning twice.
    if (!this.warningsReported)
      annotate(
        this,
        problems.filter((p) => p.severity === 'warning'),
      );
    this.warningsReported = true;
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length === 0) return [];
    return [`StorageBucket has ${errors.length} problem${errors.length === 1 ? '' : 's'} that would fail at deploy time:\n${formatProblems(errors)}`];
  }
}

/** The handler the props choose; `notificationsHandlerRole` belongs to aws-cdk-lib's handler only. */
function checkNotificationsHandler(scope: Construct, id: string, props: StorageBucketProps): NotificationsHandler {
  const handler = props.notificationsHandler ?? NotificationsHandler.BUCKETKIT;
  if (!Object.values(NotificationsHandler).includes(handler)) {
    throw new ValidationError(scope, `${id}: invalid notificationsHandler`, [
      {
        ruleId: 'StorageBucket.notificationsHandler',
        message: `notificationsHandler must be NotificationsHandler.BUCKETKIT or NotificationsHandler.CDK`,
        value: String(handler),
        fix: 'use the NotificationsHandler enum',
        severity: 'error',
      },
    ]);
  }
  if (handler === NotificationsHandler.BUCKETKIT && props.notificationsHandlerRole !== undefined) {
    throw new ValidationError(scope, `${id}: notificationsHandlerRole needs notificationsHandler: NotificationsHandler.CDK`, [
      {
        ruleId: 'StorageBucket.notificationsHandlerRole',
        message: "notificationsHandlerRole is the role of aws-cdk-lib's notifications handler; bucketkit's handler has its own least-privilege role",
        value: props.notificationsHandlerRole.node.path,
        fix: "drop notificationsHandlerRole, or set notificationsHandler: NotificationsHandler.CDK to keep aws-cdk-lib's handler (which replaces the whole configuration)",
        severity: 'error',
      },
    ]);
  }
  return handler;
}

// s3.Bucket's property-injection wrapper is skipped: StorageBucket has applied the injectors already.
const BUCKET_WITHOUT_INJECTION_WRAPPER = bucketConstructorUnderInjectionWrapper();
if (BUCKET_WITHOUT_INJECTION_WRAPPER) Object.setPrototypeOf(StorageBucket, BUCKET_WITHOUT_INJECTION_WRAPPER);
routeLogDeliveryToPolicy(StorageBucket.prototype);
