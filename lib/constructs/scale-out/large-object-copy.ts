import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ValidationError } from '../errors';
import { TransferFunction } from '../handlers/transfer-function';
import { acknowledgeFunctionInvoke, acknowledgeScaleOutFindings, stateMachineLogs } from './common';
import { checkLargeObjectCopyProps } from './validation';

/** Child workflows (each one transfer handler invocation copying one batch) at once, by default. */
export const DEFAULT_COPY_MAX_CONCURRENCY = 50;
/**
 * Parts one child copies, by default (the handler's `DEFAULT_PARTS_PER_BATCH`): 10 UploadPartCopy requests of at most
 * 5 GiB each, 4 at a time, stay well inside the function's 15 minutes. The plan raises it so that there are at most
 * 2,000 batches, which keeps the batch list (about 45 bytes each) far below Step Functions' 256 KiB state payload.
 */
export const DEFAULT_COPY_PARTS_PER_BATCH = 10;
/** UploadPartCopy requests one invocation runs at once, by default (the handler's `DEFAULT_TRANSFER_CONCURRENCY`). */
export const DEFAULT_COPY_PART_CONCURRENCY = 4;
/** The Map Run label of the copy (Step Functions allows at most 40 characters and no spaces). */
export const LARGE_OBJECT_COPY_MAP_LABEL = 'LargeObjectCopyParts';
/**
 * Errors retried with backoff in every task: throttling and 5xx from S3 as the transfer handler names them (it throws
 * only retryable storage errors; permanent ones come back as a `Failed` result), and Lambda's own service errors.
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
export const LARGE_OBJECT_COPY_RETRYABLE_ERRORS: readonly string[] = [
  'ThrottledError',
  'ServiceError',
  'TimeoutError',
  'MultipartUploadError',
  'UnknownStorageError',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];
/**
 * What the plan retries: only errors raised before the upload could exist (a throttled invoke never ran the function;
 * a storage error the handler throws comes from HEAD or from a Create whose lost answers it cleaned up itself), so a
 * retried plan never leaves a first upload behind.
 */
export const LARGE_OBJECT_COPY_PLAN_RETRYABLE_ERRORS: readonly string[] = ['ThrottledError', 'ServiceError', 'TimeoutError', 'Lambda.TooManyRequestsException'];

/** Properties of {@link LargeObjectCopy}. */
export interface LargeObjectCopyProps {
  /** The bucket objects are copied from. The created transfer function may only read objects here. */
  readonly sourceBucket: s3.IBucket;
  /** The bucket objects are copied to. The created transfer function may only write (and abort its uploads) here. */
  readonly destinationBucket: s3.IBucket;
  /**
   * The transfer handler to invoke. It must be able to read `sourceBucket` and write `destinationBucket` as a
   * `TransferFunction` for those buckets can.
   * @default - a new `TransferFunction` for the two buckets (15-minute timeout)
   */
  readonly transferFunction?: lambda.IFunction;
  /** Child workflows at once (1 to 10,000). @default DEFAULT_COPY_MAX_CONCURRENCY */
  readonly maxConcurrency?: number;
  /** Parts per child (1 to 10,000; raised to keep at most 2,000 batches). @default DEFAULT_COPY_PARTS_PER_BATCH */
  readonly partsPerBatch?: number;
  /** UploadPartCopy requests per child at once (1 to 32). @default DEFAULT_COPY_PART_CONCURRENCY */
  readonly partConcurrency?: number;
  /** Retention of the state machine's logs. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Copies one object of any size up to 5 TiB within or between buckets, on Step Functions: the transfer handler plans
 * the parts (the engine's own part-size code) and creates the multipart upload; a Distributed Map copies the batches
 * of parts (UploadPartCopy pinned to the source's ETag), each child one handler invocation; the handler completes
 * the upload and checks the result. Any failure after the plan aborts the upload, then fails the execution.
 *
 * Execution input: `{ "sourceKey", "destinationKey"?, "sourceVersionId"?, "storageClass"?, "partSizeBytes"?,
 * "encryption"?: { "type": "SSE-S3" | "SSE-KMS" | "DSSE-KMS", "keyId"?, "bucketKey"? } }`. A bad input fails the
 * execution with `InvalidArgument` or `ValidationError` and a cause naming the field, before any upload exists.
 * See docs/scale-out.md. https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 */
export class LargeObjectCopy extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The transfer handler its tasks invoke. */
  public readonly transferFunction: lambda.IFunction;

  public constructor(scope: Construct, id: string, props: LargeObjectCopyProps) {
    super(scope, id);
    const problems = checkLargeObjectCopyProps(props);
    if (problems.length > 0) throw new ValidationError(this, 'invalid LargeObjectCopy properties', problems);
    this.transferFunction =
      props.transferFunction ??
      new TransferFunction(this, 'Transfer', {
        sourceBucket: props.sourceBucket,
        destinationBucket: props.destinationBucket,
        description: 'bucketkit LargeObjectCopy: plans, copies batches of parts, completes or aborts a multipart copy',
      });
    const fn = this.transferFunction;
    // Each task keeps only the handler's answer, under `resultPath` (`.result`), and retries with backoff.
    const invoke = (name: string, payload: sfn.TaskInput, retryable: readonly string[], resultPath: string, attempts = 6) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload,
        retryOnServiceExceptions: false,
        resultSelector: { 'result.$': '$.Payload' },
        resultPath,
      }).addRetry({ errors: [...retryable], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: attempts, maxDelay: Duration.seconds(60) });
    const failed = (path: string) => sfn.Condition.and(sfn.Condition.isPresent(`${path}.status`), sfn.Condition.stringEquals(`${path}.status`, 'Failed'));
    const failWith = (name: string, path: string) =>
      new sfn.Fail(this, name, { errorPath: sfn.JsonPath.stringAt(`${path}.errorType`), causePath: sfn.JsonPath.stringAt(`${path}.errorMessage`) });

    // Input: the fixed fields (the buckets this construct was built for) win over anything the input says.
    const prepare = new sfn.Pass(this, 'Prepare', {
      parameters: {
        fixed: {
          action: 'plan-copy',
          sourceBucket: props.sourceBucket.bucketName,
          destinationBucket: props.destinationBucket.bucketName,
          partsPerBatch: props.partsPerBatch ?? DEFAULT_COPY_PARTS_PER_BATCH,
        },
        input: sfn.JsonPath.entirePayload,
      },
    });
    const checkInput = new sfn.Choice(this, 'Check input')
      .when(
        sfn.Condition.or(sfn.Condition.isNotPresent('$.input.sourceKey'), sfn.Condition.isNotString('$.input.sourceKey')),
        new sfn.Fail(this, 'Invalid sourceKey', { error: 'InvalidArgument', cause: 'sourceKey: must be the key (a string) of the object to copy' }),
      )
      .when(
        sfn.Condition.or(sfn.Condition.isPresent('$.input.sourceBucket'), sfn.Condition.isPresent('$.input.destinationBucket')),
        new sfn.Fail(this, 'Invalid bucket', { error: 'InvalidArgument', cause: 'sourceBucket: the buckets are fixed by the construct; give keys only' }),
      );
    const plan = invoke(
      'Plan',
      sfn.TaskInput.fromJsonPathAt(sfn.JsonPath.jsonMerge(sfn.JsonPath.objectAt('$.input'), sfn.JsonPath.objectAt('$.fixed'))),
      LARGE_OBJECT_COPY_PLAN_RETRYABLE_ERRORS,
      '$.plan',
    );
    // No upload exists when the plan fails: nothing to abort.
    plan.addCatch(new sfn.Fail(this, 'Plan failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }), { resultPath: '$.error' });

    // Abort, then fail with the error that led here ($.error: { Error, Cause }). The abort is idempotent.
    const abort = invoke(
      'Abort',
      sfn.TaskInput.fromObject({
        action: 'abort-copy',
        destinationBucket: sfn.JsonPath.stringAt('$.plan.result.copy.destinationBucket'),
        destinationKey: sfn.JsonPath.stringAt('$.plan.result.copy.destinationKey'),
        uploadId: sfn.JsonPath.stringAt('$.plan.result.copy.uploadId'),
      }),
      LARGE_OBJECT_COPY_RETRYABLE_ERRORS,
      '$.abort',
      10,
    );
    const abortFailed = new sfn.Fail(this, 'Abort failed', {
      error: 'AbortFailed',
      cause:
        'the multipart upload could not be aborted; the bucket lifecycle rule (AbortIncompleteMultipartUpload) must remove it (upload id in the execution history)',
    });
    abort.addCatch(abortFailed, { resultPath: '$.abortError' });
    const copyFailed = new sfn.Fail(this, 'Copy failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
    abort.next(new sfn.Choice(this, 'Aborted?').when(failed('$.abort.result'), abortFailed).otherwise(copyFailed));

    // The children: one invocation per batch; a Failed result fails the child with the handler's error and message.
    const copyBatch = invoke(
      'Copy batch',
      sfn.TaskInput.fromObject({
        action: 'copy-part-batch',
        copy: sfn.JsonPath.objectAt('$.copy'),
        firstPartNumber: sfn.JsonPath.numberAt('$.firstPartNumber'),
        lastPartNumber: sfn.JsonPath.numberAt('$.lastPartNumber'),
        concurrency: props.partConcurrency ?? DEFAULT_COPY_PART_CONCURRENCY,
      }),
      LARGE_OBJECT_COPY_RETRYABLE_ERRORS,
      '$',
    );
    const batchDone = new sfn.Pass(this, 'Batch copied', {
      parameters: { firstPartNumber: sfn.JsonPath.numberAt('$.result.firstPartNumber'), lastPartNumber: sfn.JsonPath.numberAt('$.result.lastPartNumber') },
    });
    const child = copyBatch.next(new sfn.Choice(this, 'Batch copied?').when(failed('$.result'), failWith('Batch failed', '$.result')).otherwise(batchDone));

    const copyParts = new ZeroToleranceMap(this, 'Copy parts', {
      itemsPath: sfn.JsonPath.stringAt('$.plan.result.batches'),
      itemSelector: {
        copy: sfn.JsonPath.objectAt('$.plan.result.copy'),
        firstPartNumber: sfn.JsonPath.numberAt('$$.Map.Item.Value.firstPartNumber'),
        lastPartNumber: sfn.JsonPath.numberAt('$$.Map.Item.Value.lastPartNumber'),
      },
      maxConcurrency: props.maxConcurrency ?? DEFAULT_COPY_MAX_CONCURRENCY,
      // A child runs one invocation of up to 15 minutes: longer than an Express workflow may run (5 minutes).
      mapExecutionType: sfn.StateMachineType.STANDARD,
      label: LARGE_OBJECT_COPY_MAP_LABEL,
      resultPath: sfn.JsonPath.DISCARD,
    });
    copyParts.itemProcessor(child);
    copyParts.addCatch(abort, { resultPath: '$.error' });

    const complete = invoke(
      'Complete',
      sfn.TaskInput.fromObject({ action: 'complete-copy', copy: sfn.JsonPath.objectAt('$.plan.result.copy') }),
      LARGE_OBJECT_COPY_RETRYABLE_ERRORS,
      '$.complete',
    );
    complete.addCatch(abort, { resultPath: '$.error' });
    const completeFailed = new sfn.Pass(this, 'Complete failed', {
      parameters: { Error: sfn.JsonPath.stringAt('$.complete.result.errorType'), Cause: sfn.JsonPath.stringAt('$.complete.result.errorMessage') },
      resultPath: '$.error',
    }).next(abort);
    const done = new sfn.Pass(this, 'Copied', {
      parameters: {
        destination: sfn.JsonPath.objectAt('$.complete.result.destination'),
        sizeBytes: sfn.JsonPath.numberAt('$.complete.result.sizeBytes'),
        partCount: sfn.JsonPath.numberAt('$.complete.result.partCount'),
        uploadId: sfn.JsonPath.stringAt('$.plan.result.copy.uploadId'),
      },
    });

    const definition = prepare.next(
      checkInput.otherwise(
        plan.next(
          new sfn.Choice(this, 'Planned?')
            .when(failed('$.plan.result'), failWith('Plan rejected', '$.plan.result'))
            .otherwise(copyParts.next(complete).next(new sfn.Choice(this, 'Completed?').when(failed('$.complete.result'), completeFailed).otherwise(done))),
        ),
      ),
    );
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: stateMachineLogs(logGroup),
      comment: 'bucketkit LargeObjectCopy: plan, a Distributed Map of UploadPartCopy batches, complete; abort on failure',
    });
    acknowledgeScaleOutFindings(this.stateMachine, [], [LARGE_OBJECT_COPY_MAP_LABEL]);
    acknowledgeFunctionInvoke(this.stateMachine, fn.functionArn);
  }

  /** Lets `grantee` start executions and follow them (DescribeExecution, ListMapRuns, DescribeMapRun). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    this.stateMachine.grantRead(grantee);
    return this.stateMachine.grantStartExecution(grantee);
  }
}

/**
 * A Distributed Map that writes `ToleratedFailureCount: 0` into its definition: aws-cdk-lib leaves a 0 out (it is
 * Step Functions' default), and a copy must say that no failed batch is tolerated, whatever the default becomes.
 */
class ZeroToleranceMap extends sfn.DistributedMap {
  public override toStateJson(queryLanguage?: sfn.QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), ToleratedFailureCount: 0 };
  }
}
