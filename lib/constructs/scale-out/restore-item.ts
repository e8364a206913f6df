/**
 * The child workflow of {@link BulkRestore}: one RestoreObject through the AWS SDK service integration (no Lambda),
 * with S3's "already in progress" and "not archived" answers counted as successes and throttling retried with
 * backoff. https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/**
 * Patterns (matched against the error name and its cause) of RestoreObject failures a child retries after a backoff
 * wait: S3's throttling and transient 5xx answers. The SDK integration names an error `S3.<Code>Exception` (or
 * `S3.S3Exception` when S3's model lacks the code) and ends the cause with `(Service: S3, Status Code: 503, ...)`, so
 * the status code is matched as well. https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export const RESTORE_RETRYABLE_PATTERNS: readonly string[] = [
  'SlowDown',
  'Throttl',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'Status Code: 500',
  'Status Code: 503',
];
/** Patterns of "a restore is already running": RestoreObject answers 409 RestoreAlreadyInProgress (its only 409). */
export const RESTORE_IN_PROGRESS_PATTERNS: readonly string[] = ['RestoreAlreadyInProgress', 'restore is already in progress', 'Status Code: 409'];
/**
 * Patterns of "nothing to restore": 403 ObjectAlreadyInActiveTierError (the object is not in an archive class) and
 * 403 InvalidObjectState. https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
 */
export const RESTORE_NOT_ARCHIVED_PATTERNS: readonly string[] = ['ObjectAlreadyInActiveTierError', 'InvalidObjectState'];
/** Waits between throttled attempts, in seconds (exponential, then capped); the child gives up after the last. */
export const RESTORE_BACKOFF_SECONDS: readonly number[] = [1, 2, 4, 8, 16, 32, 32, 32];

/** What {@link restoreItemProcessor} needs. */
export interface RestoreItemOptions {
  /** The bucket whose objects are restored: the one resource `s3:RestoreObject` is granted on. */
  readonly bucket: s3.IBucket;
  /** Distinguishes the state names of this processor from the others in the same state machine. */
  readonly suffix: string;
}

/** True when the caught error's name or cause contains one of `patterns`. */
const errorMatches = (patterns: readonly string[]) =>
  sfn.Condition.or(...patterns.flatMap((p) => ['$.error.Error', '$.error.Cause'].map((field) => sfn.Condition.stringMatches(field, `*${p}*`))));

/**
 * The child states. Input: {@link restoreItemInput} plus `bucket`, `key` and `versionId` (empty for the latest
 * version). Output: `{ bucket, key, versionId, status }`, `status` being `requested` (S3 answered 202 or 200),
 * `in-progress` (409) or `not-archived`; any other error fails the child with S3's error name and cause.
 */
export function restoreItemProcessor(scope: Construct, options: RestoreItemOptions): sfn.IChainable {
  const s = options.suffix;
  const restore = (id: string, versioned: boolean) =>
    new tasks.CallAwsService(scope, id, {
      service: 's3',
      action: 'restoreObject',
      iamResources: [options.bucket.arnForObjects('*')],
      iamAction: 's3:RestoreObject',
      parameters: {
        Bucket: sfn.JsonPath.stringAt('$.bucket'),
        Key: sfn.JsonPath.stringAt('$.key'),
        ...(versioned ? { VersionId: sfn.JsonPath.stringAt('$.versionId') } : {}),
        RestoreRequest: { Days: sfn.JsonPath.numberAt('$.days'), GlacierJobParameters: { Tier: sfn.JsonPath.stringAt('$.tier') } },
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
  const outcome = (id: string, status: string) =>
    new sfn.Pass(scope, id, {
      parameters: { bucket: sfn.JsonPath.stringAt('$.bucket'), key: sfn.JsonPath.stringAt('$.key'), versionId: sfn.JsonPath.stringAt('$.versionId'), status },
    });
  const requested = outcome(`Restore requested ${s}`, 'requested');
  const latest = restore(`RestoreObject ${s}`, false);
  const version = restore(`RestoreObject version ${s}`, true);
  const which = new sfn.Choice(scope, `Version given? ${s}`)
    .when(sfn.Condition.and(sfn.Condition.isPresent('$.versionId'), sfn.Condition.not(sfn.Condition.stringEquals('$.versionId', ''))), version)
    .otherwise(latest);
  const maxAttempts = RESTORE_BACKOFF_SECONDS.length;
  const backoff = new sfn.Pass(scope, `Back off ${s}`, {
    parameters: {
      bucket: sfn.JsonPath.stringAt('$.bucket'),
      key: sfn.JsonPath.stringAt('$.key'),
      versionId: sfn.JsonPath.stringAt('$.versionId'),
      days: sfn.JsonPath.numberAt('$.days'),
      tier: sfn.JsonPath.stringAt('$.tier'),
      attempt: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.attempt'), 1),
      backoffSeconds: sfn.JsonPath.listAt('$.backoffSeconds'),
      waitSeconds: sfn.JsonPath.arrayGetItem(sfn.JsonPath.listAt('$.backoffSeconds'), sfn.JsonPath.numberAt('$.attempt')),
    },
  });
  const wait = new sfn.Wait(scope, `Wait before retry ${s}`, { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
  const failed = new sfn.Fail(scope, `Restore failed ${s}`, { errorPath: '$.error.Error', causePath: '$.error.Cause' });
  const classify = new sfn.Choice(scope, `Classify error ${s}`)
    .when(errorMatches(RESTORE_NOT_ARCHIVED_PATTERNS), outcome(`Not archived ${s}`, 'not-archived'))
    .when(errorMatches(RESTORE_IN_PROGRESS_PATTERNS), outcome(`Already in progress ${s}`, 'in-progress'))
    .when(
      sfn.Condition.and(
        sfn.Condition.or(sfn.Condition.stringEquals('$.error.Error', 'States.Timeout'), errorMatches(RESTORE_RETRYABLE_PATTERNS)),
        sfn.Condition.numberLessThan('$.attempt', maxAttempts),
      ),
      backoff.next(wait.next(which)),
    )
    .otherwise(failed);
  for (const task of [latest, version]) {
    task.addCatch(classify, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    task.next(requested);
  }
  return which;
}

/** The fields every item starts with besides its bucket, key and version: the restore request and the retry state. */
export function restoreItemInput(): Record<string, unknown> {
  return {
    days: sfn.JsonPath.numberAt('$.days'),
    tier: sfn.JsonPath.stringAt('$.tier'),
    attempt: 0,
    // Carried with the item: Wait's SecondsPath needs an integer, picked by States.ArrayGetItem.
    backoffSeconds: [...RESTORE_BACKOFF_SECONDS],
  };
}
