/**
 * Runs one invocation of a handler: its own event, or an S3 Batch Operations invocation (one result per task), with
 * the error policy of errors.ts. Each handler's core function is `(event, deps) => runInvocation(SPEC, event, deps)`.
 */
import type { StorageError } from 'bucketkit/storage';
import { isBatchEvent, parseBatchEvent, resultString, type BatchResponse, type BatchResultCode, type BatchTask } from './batch';
import { resolveDeps, type HandlerDeps } from './context';
import { dispositionOf, failureResult, type FailureResult } from './errors';

/** What makes a handler: how to read its event, how to turn a Batch task into one, and what to do. */
export interface HandlerSpec<E, R> {
  /** The handler's name, on every log line. */
  readonly name: string;
  /** Reads and validates the handler's own event. @throws ValidationError naming the field */
  parse(event: unknown): E;
  /** The handler's own event for one Batch Operations task (before `parse`), from the task and `job.userArguments`. */
  fromBatchTask(task: BatchTask, userArguments: Readonly<Record<string, string>>): unknown;
  /** Does the work. Throws a `StorageError` on failure (the policy decides), never for a bad event. */
  run(event: E, deps: Required<HandlerDeps>): Promise<R>;
  /** A finished result as a Batch task outcome (e.g. a copy that needs a continuation is not `Succeeded`). */
  batchOutcome(result: R): { resultCode: BatchResultCode; resultString: string };
}

/**
 * One invocation: a Batch Operations invocation (schema 1.0 or 2.0) when the event says so, else the handler's own
 * event. Own event: a bad event or a permanent `StorageError` is returned as a {@link FailureResult}; a retryable one
 * is rethrown. Batch: each task gets `Succeeded`, `TemporaryFailure` (retryable) or `PermanentFailure`.
 */
export async function runInvocation<E, R>(spec: HandlerSpec<E, R>, event: unknown, deps: HandlerDeps): Promise<R | FailureResult | BatchResponse> {
  const d = resolveDeps(deps);
  if (isBatchEvent(event)) return runBatch(spec, event, d);
  let parsed: E;
  try {
    parsed = spec.parse(event);
  } catch (error) {
    return handleError(error, d, 'event rejected');
  }
  try {
    const result = await spec.run(parsed, d);
    d.log.info('done', { status: (result as { status?: string }).status });
    return result;
  } catch (error) {
    return handleError(error, d, 'failed');
  }
}

function handleError(error: unknown, d: Required<HandlerDeps>, what: string): FailureResult {
  const disposition = dispositionOf(error);
  const e = error as StorageError;
  d.log[disposition === 'fail' ? 'warn' : 'error'](what, {
    error: { name: e?.name, message: e?.message, s3Code: e?.s3Code, retryable: e?.retryable },
    disposition,
  });
  if (disposition === 'fail') return failureResult(e);
  throw error;
}

async function runBatch<E, R>(spec: HandlerSpec<E, R>, event: unknown, d: Required<HandlerDeps>): Promise<BatchResponse | FailureResult> {
  let invocation;
  try {
    invocation = parseBatchEvent(event);
  } catch (error) {
    return handleError(error, d, 'batch event rejected');
  }
  const results: BatchResponse['results'][number][] = [];
  for (const task of invocation.tasks) {
    const outcome = await runTask(spec, task, invocation.userArguments, d);
    d.log.info('batch task', { taskId: task.taskId, bucket: task.bucket, key: task.key, resultCode: outcome.resultCode });
    results.push({ taskId: task.taskId, resultCode: outcome.resultCode, resultString: resultString(outcome.resultString) });
  }
  return {
    invocationSchemaVersion: invocation.invocationSchemaVersion,
    treatMissingKeysAs: 'PermanentFailure',
    invocationId: invocation.invocationId,
    results,
  };
}

async function runTask<E, R>(
  spec: HandlerSpec<E, R>,
  task: BatchTask,
  args: Readonly<Record<string, string>>,
  d: Required<HandlerDeps>,
): Promise<{ resultCode: BatchResultCode; resultString: string }> {
  try {
    const parsed = spec.parse(spec.fromBatchTask(task, args));
    return spec.batchOutcome(await spec.run(parsed, d));
  } catch (error) {
    const disposition = dispositionOf(error);
    const e = error as Error;
    if (disposition === 'bug') d.log.error('task failed with an unexpected error', { taskId: task.taskId, error: { name: e?.name, message: e?.message } });
    return { resultCode: disposition === 'retry' ? 'TemporaryFailure' : 'PermanentFailure', resultString: `${e?.name}: ${e?.message}` };
  }
}
