/**
 * `bucketkit cp --engine step-functions s3://a/k s3://b/k --state-machine-arn <arn>`: the copy runs on AWS's engine,
 * a `LargeObjectCopy` state machine (docs/scale-out.md), and this process only starts the execution and follows it.
 *
 * Progress comes from the Distributed Map Run's item counts (DescribeMapRun `itemCounts`: batches of parts
 * succeeded of total), shown with the same reporter as a local copy, in parts and bytes when the source's size is
 * known (a HEAD, when the caller may read the source; the part layout is the plan's own code), else in batches. Ctrl-C stops following, not the execution: a stopped execution would
 * skip its abort step and leave the multipart upload open, so it is left to finish (or fail and abort) on its own.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html
 */
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import {
  AccessDeniedError,
  DEFAULT_COPY_PART_SIZE_BYTES,
  DEFAULT_PARTS_PER_BATCH,
  InvalidArgumentError,
  MAX_PART_BATCHES,
  ObjectNotFoundError,
  partCountFor,
  partSizeForKnownSize,
} from '../../lib/storage';
import { IncompleteError, UsageError } from './exit-codes';
import { stateMachineArnOf } from './engine-options';
import type { TransferProgress } from '../../lib/storage';
import { reporterFor, type ProgressReporter } from './progress';
import { isS3Url, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';

/** How often the execution and its Map Run are read, by default (ms). */
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

/** The options `cp` adds for engines. */
export interface EngineOptions {
  readonly engine?: string;
  readonly stateMachineArn?: string;
}

/** Runs `cp` on the engine `options.engine` names (only `step-functions` today). */
export function runEngineCp(
  src: string,
  dst: string,
  options: StepFunctionsCpOptions & EngineOptions,
  err: (s: string) => void,
): Promise<StepFunctionsCpOutcome> {
  return runStepFunctionsCp(src, dst, options, err);
}

/** Options of {@link runStepFunctionsCp}. */
export interface StepFunctionsCpOptions extends S3CommandOptions {
  /** The LargeObjectCopy state machine. */
  readonly stateMachineArn?: string;
  /** Part size in MiB (the execution input's `partSizeBytes`). @default - the handler's: 64 MiB, raised to fit 10,000 parts */
  readonly partSizeMib?: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** Stops following (the execution goes on). @default - none */
  readonly abortSignal?: AbortSignal;
  /** @default DEFAULT_POLL_INTERVAL_MS */
  readonly pollIntervalMs?: number;
  /**
   * Stop following after this many ms with an {@link IncompleteError} (exit 5); the execution goes on.
   * @default - follow until the execution ends
   */
  readonly waitTimeoutMs?: number;
  /** @default - an SFNClient on `AWS_ENDPOINT_URL_SFN` (else Step Functions itself) and `region` */
  readonly client?: SFNClient;
  /** @default - {@link reporterFor} on stderr */
  readonly reporter?: ProgressReporter;
}

/** What a Step Functions copy did: the fields of cp's own outcome (cp.ts `CpOutcome`) plus the execution. */
export interface StepFunctionsCpOutcome {
  readonly operation: 'copy';
  readonly engine: 'step-functions';
  readonly executionArn: string;
  readonly source: string;
  readonly destination: string;
  readonly sizeBytes?: number;
  readonly etag?: string;
  readonly versionId?: string;
  /** Parts of the multipart copy. */
  readonly parts?: number;
  readonly uploadId?: string;
}

/** A failed, timed-out or aborted execution, as the error class that gives the right exit code. */
export function executionError(status: string, error: string | undefined, cause: string | undefined, executionArn: string): Error {
  const message = `execution ${executionArn} ${status}: ${error ?? 'no error name'}${cause ? `: ${cause}` : ''}`;
  if (error === 'ObjectNotFoundError' || error === 'BucketNotFoundError') return new ObjectNotFoundError(message);
  if (error === 'AccessDeniedError') return new AccessDeniedError(message);
  if (error === 'ValidationError' || error === 'InvalidArgument' || error === 'InvalidArgumentError') return new InvalidArgumentError(message);
  return Object.assign(new Error(message), { name: 'ExecutionFailed' });
}

/**
 * The buckets (and parts per batch) a LargeObjectCopy definition is fixed to (its `Prepare` state), or undefined for
 * another definition.
 */
export function fixedBuckets(definition: string | undefined): { sourceBucket: string; destinationBucket: string; partsPerBatch?: number } | undefined {
  try {
    const parsed = JSON.parse(definition ?? '') as { States?: { Prepare?: { Parameters?: { fixed?: Record<string, unknown> } } } };
    const fixed = parsed.States?.Prepare?.Parameters?.fixed;
    if (typeof fixed?.sourceBucket !== 'string' || typeof fixed.destinationBucket !== 'string') return undefined;
    const buckets = { sourceBucket: fixed.sourceBucket, destinationBucket: fixed.destinationBucket };
    return typeof fixed.partsPerBatch === 'number' ? { ...buckets, partsPerBatch: fixed.partsPerBatch } : buckets;
  } catch {
    return undefined;
  }
}

/**
 * Starts a LargeObjectCopy execution for `src` to `dst` and follows it to the end.
 * @throws UsageError for a local path, an unknown engine option mix, a missing ARN or buckets the state machine does
 *   not copy between; the error of a failed execution (ObjectNotFoundError, AccessDeniedError, InvalidArgumentError
 *   or `ExecutionFailed`)
 */
export async function runStepFunctionsCp(src: string, dst: string, options: StepFunctionsCpOptions, err: (s: string) => void): Promise<StepFunctionsCpOutcome> {
  if (!isS3Url(src) || !isS3Url(dst)) throw new UsageError('--engine step-functions: <src> and <dst> must both be s3://bucket/key URLs');
  const stateMachineArn = stateMachineArnOf(options.stateMachineArn, 'a LargeObjectCopy state machine');
  const from = parseS3Url(src, '<src>');
  const to = parseS3Url(dst, '<dst>');
  if (from.key === '' || from.key.endsWith('/')) throw new UsageError(`<src>: ${src} names no object (cp copies one object)`);
  const key = to.key === '' || to.key.endsWith('/') ? `${to.key}${basename(from.key)}` : to.key;
  const client = options.client ?? new SFNClient({ region: options.region, endpoint: process.env.AWS_ENDPOINT_URL_SFN || undefined });
  const reporter = options.reporter ?? reporterFor('cp', { quiet: options.json === true || options.quiet === true, err });
  try {
    const machine = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const buckets = fixedBuckets(machine.definition);
    if (buckets && (buckets.sourceBucket !== from.bucket || buckets.destinationBucket !== to.bucket))
      throw new UsageError(
        `--state-machine-arn: this LargeObjectCopy copies from ${buckets.sourceBucket} to ${buckets.destinationBucket}, not ${from.bucket} to ${to.bucket}`,
      );
    const sizeBytes = await sourceSize(from, options);
    const partSizeBytes = options.partSizeMib === undefined ? undefined : options.partSizeMib * 1024 * 1024;
    const input = { sourceKey: from.key, destinationKey: key, ...(partSizeBytes === undefined ? {} : { partSizeBytes }) };
    // A name of our own (Step Functions makes one when none is given; moto does not), unique and at most 80 characters.
    const name = `bucketkit-cp-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    if (!executionArn) throw new Error('StartExecution returned no executionArn');
    if (!options.json && !options.quiet) err(`cp: started ${executionArn}`);
    const done = await follow(client, executionArn, layoutOf(sizeBytes, partSizeBytes, buckets?.partsPerBatch), reporter, options);
    const output = JSON.parse(done.output ?? '{}') as {
      destination?: { etag?: string; versionId?: string };
      sizeBytes?: number;
      partCount?: number;
      uploadId?: string;
    };
    return {
      operation: 'copy',
      engine: 'step-functions',
      executionArn,
      source: src,
      destination: `s3://${to.bucket}/${key}`,
      sizeBytes: output.sizeBytes ?? sizeBytes,
      etag: output.destination?.etag?.replace(/"/g, ''),
      versionId: output.destination?.versionId === 'null' ? undefined : output.destination?.versionId,
      parts: output.partCount,
      uploadId: output.uploadId,
    };
  } finally {
    reporter.finish();
    if (!options.client) client.destroy();
  }
}

/** The source's size for the byte estimate, when this caller may HEAD it; undefined otherwise (progress in batches only). */
async function sourceSize(from: { bucket: string; key: string }, options: S3CommandOptions): Promise<number | undefined> {
  const storage = openStorage(from.bucket, options);
  try {
    return (await storage.head(from.key)).size;
  } catch {
    return undefined;
  } finally {
    storage.destroy();
  }
}

/**
 * The plan's part count and the size, for progress in parts and bytes: the same layout code the plan runs
 * (`partSizeForKnownSize`, 64 MiB aimed for); undefined when the size is unknown or the part size does not fit (the
 * execution reports that itself).
 */
function layoutOf(sizeBytes: number | undefined, partSizeBytes: number | undefined, partsPerBatch = DEFAULT_PARTS_PER_BATCH): CopyLayout | undefined {
  if (sizeBytes === undefined) return undefined;
  try {
    const size = partSizeForKnownSize(sizeBytes, partSizeBytes === undefined ? { targetPartSizeBytes: DEFAULT_COPY_PART_SIZE_BYTES } : { partSizeBytes });
    const partCount = partCountFor(sizeBytes, size);
    // As planPartBatches raises it, to keep at most MAX_PART_BATCHES batches.
    return { sizeBytes, partCount, partsPerBatch: Math.max(partsPerBatch, Math.ceil(partCount / MAX_PART_BATCHES)) };
  } catch {
    return undefined;
  }
}

/** The plan's layout as the CLI works it out: size, part count, parts per batch. */
export interface CopyLayout {
  readonly sizeBytes: number;
  readonly partCount: number;
  readonly partsPerBatch: number;
}

/**
 * Progress from a Map Run's counts: batches (of `partsPerBatch` parts but the last) succeeded of total, shown as parts
 * and bytes when the layout is known, else as batches with no bytes.
 */
export function progressOf(counts: { succeeded?: number; total?: number }, layout: CopyLayout | undefined, elapsedMs: number): TransferProgress {
  const total = counts.total ?? 0;
  const succeeded = counts.succeeded ?? 0;
  if (!layout) return { transferredBytes: 0, partsDone: succeeded, totalParts: total, bytesPerSecond: 0, elapsedMs };
  const partsDone = succeeded >= total ? layout.partCount : Math.min(layout.partCount, succeeded * layout.partsPerBatch);
  const transferredBytes = Math.round((layout.sizeBytes * partsDone) / layout.partCount);
  return {
    transferredBytes,
    totalBytes: layout.sizeBytes,
    partsDone,
    totalParts: layout.partCount,
    bytesPerSecond: elapsedMs > 0 ? (transferredBytes * 1000) / elapsedMs : 0,
    elapsedMs,
  };
}

/** Polls the execution and its Map Run until the execution ends; resolves with a SUCCEEDED description. */
async function follow(client: SFNClient, executionArn: string, layout: CopyLayout | undefined, reporter: ProgressReporter, options: StepFunctionsCpOptions) {
  const started = Date.now();
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = options.waitTimeoutMs === undefined ? Infinity : started + options.waitTimeoutMs;
  let mapRunArn: string | undefined;
  for (;;) {
    if (options.abortSignal?.aborted)
      throw Object.assign(new Error(`stopped following ${executionArn}; the execution goes on (it aborts its upload itself if it fails)`), {
        name: 'Interrupted',
      });
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    mapRunArn ??= (await client.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
    if (mapRunArn) {
      const counts = (await client.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
      if (counts?.total) reporter.update(progressOf(counts, layout, Date.now() - started));
    }
    if (execution.status === 'SUCCEEDED') return execution;
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE')
      throw executionError(execution.status ?? 'UNKNOWN', execution.error, execution.cause, executionArn);
    if (Date.now() + interval > deadline)
      throw new IncompleteError(`stopped following ${executionArn} at --wait-timeout-minutes; the execution goes on (${execution.status})`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      options.abortSignal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
