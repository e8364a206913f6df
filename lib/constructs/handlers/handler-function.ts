import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RuleProblem } from '../../rules';
import { acknowledgeRule } from '../acknowledge';
import { ValidationError } from '../errors';
import { annotate } from '../validation/checks';
import { HandlerName, findHandlerBundle } from './bundle';
import { HandlerGrants } from './permissions';
import { checkFunctionOptions } from './validation';

/** The runtime of every handler: the bundles are built for Node 22 (`npm run build`, esbuild `target: node22`). */
export const HANDLER_RUNTIME = lambda.Runtime.NODEJS_22_X;
/** Graviton: the bundles are plain JavaScript, and arm64 costs less per GB-second than x86_64. */
export const HANDLER_ARCHITECTURE = lambda.Architecture.ARM_64;
/** Days the created dead-letter queue keeps a failed event: SQS's longest retention. */
export const DEAD_LETTER_QUEUE_RETENTION = Duration.days(14);
/** How long the function's log group keeps logs, unless `logRetention` is given. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** Options every handler function takes (TransferFunction, RestoreFunction, ProbeFunction). */
export interface HandlerFunctionOptions {
  /**
   * How long one invocation may run, 1 second to 15 minutes. Work that does not fit returns a continuation.
   * @default - per function: TransferFunction 15 minutes, RestoreFunction 5 minutes, ProbeFunction 10 minutes
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB, 128 to 10,240. CPU and network bandwidth grow with it.
   * @default - per function: 512 MB (TransferFunction, ProbeFunction), 256 MB (RestoreFunction)
   */
  readonly memorySize?: number;
  /**
   * Concurrent executions reserved for this function; also its ceiling, so a burst of invocations cannot take
   * the account's whole pool. 0 throttles every invocation (a warning at synth).
   * @default - no reservation: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Where Lambda sends an asynchronous invocation that still fails after its retries.
   * @default - a queue created next to the function (`<id>DeadLetterQueue`): SSE-SQS, TLS only, 14 days
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * How many times Lambda retries a failed asynchronous invocation, 0 to 2. The handlers are idempotent, so a
   * retry never does the work twice.
   * @default 2 (Lambda's default)
   */
  readonly retryAttempts?: number;
  /**
   * How long Lambda keeps an asynchronous event it could not yet process, 1 minute to 6 hours.
   * @default Duration.hours(6) (Lambda's default)
   */
  readonly maxEventAge?: Duration;
  /**
   * How long CloudWatch Logs keeps the function's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the function's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The function's description.
   * @default - one sentence on what the handler does
   */
  readonly description?: string;
}

/** What a subclass tells {@link HandlerFunction} about itself. */
export interface HandlerSpec {
  /** Which pre-built bundle to deploy. */
  readonly name: HandlerName;
  /** The class name, for error messages. */
  readonly className: string;
  readonly defaultTimeout: Duration;
  readonly defaultMemoryMb: number;
  readonly description: string;
  /** Environment variables for the handler (names in docs/constructs.md). */
  readonly environment: Record<string, string>;
  /** The subclass's own problems with its props (prefixes, names). */
  readonly problems: readonly RuleProblem[];
}

/**
 * A `lambda.Function` that runs one of bucketkit's pre-built handlers (`dist/lambda/<name>/`) on nodejs22.x and
 * arm64, with its own least-privilege role (no managed policy), a log group with a retention, a dead-letter queue
 * for asynchronous invocations, and the async retry settings. Subclasses add their S3 and KMS grants through
 * {@link grants}.
 *
 * The role, the log group and the dead-letter queue are created before the function, so they are its siblings:
 * `<id>ServiceRole`, `<id>LogGroup` and `<id>DeadLetterQueue`.
 */
export abstract class HandlerFunction extends lambda.Function {
  /** The function's execution role: only the statements its grants add. */
  public readonly serviceRole: iam.Role;
  /** The function's log group. */
  public readonly functionLogGroup: logs.LogGroup;

  /** The grants of this function; every wildcard resource in them carries a reason. */
  protected readonly grants: HandlerGrants;

  /**
   * @throws ValidationError (bucketkit's) listing every problem with the props, and a missing bundle
   */
  protected constructor(scope: Construct, id: string, options: HandlerFunctionOptions, spec: HandlerSpec) {
    const bundle = findHandlerBundle(scope, spec.name);
    const problems = [...checkFunctionOptions(options), ...spec.problems, ...bundle.problems];
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new ValidationError(scope, `${spec.className} ${id}: invalid props`, errors);

    const role = new iam.Role(scope, `${id}ServiceRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${spec.className} ${id} (bucketkit): CloudWatch Logs for its log group, and its S3 and KMS grants`,
    });
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: options.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: options.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    logGroup.grantWrite(role);
    const deadLetterQueue =
      options.deadLetterQueue ??
      new sqs.Queue(scope, `${id}DeadLetterQueue`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DEAD_LETTER_QUEUE_RETENTION,
      });

    super(scope, id, {
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(bundle.directory),
      role,
      logGroup,
      timeout: options.timeout ?? spec.defaultTimeout,
      memorySize: options.memorySize ?? spec.defaultMemoryMb,
      reservedConcurrentExecutions: options.reservedConcurrentExecutions,
      deadLetterQueue,
      retryAttempts: options.retryAttempts,
      maxEventAge: options.maxEventAge,
      description: options.description ?? spec.description,
      // The bundles carry source maps: stack traces in the logs point at the TypeScript source.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...spec.environment },
    });
    this.serviceRole = role;
    this.functionLogGroup = logGroup;
    this.grants = new HandlerGrants(role);

    annotate(
      this,
      problems.filter((p) => p.severity === 'warning'),
    );
    acknowledgeRule(
      this,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the handler bundles are built for Node 22 (esbuild target node22) and tested on it; moving to a newer runtime is a deliberate upgrade of bucketkit, not drift.',
    );
    // At validation, after cross-stack references are resolved, so the acknowledged ids match cdk-nag's findings.
    let acknowledged = false;
    this.node.addValidation({
      validate: () => {
        if (!acknowledged) this.grants.acknowledgeWildcards(role);
        acknowledged = true;
        return [];
      },
    });
  }
}
