/**
 * `bucketkit restore --engine step-functions s3://bucket/prefix --state-machine-arn <arn>`: starts an execution of a
 * `BulkRestore` state machine (a Distributed Map of s3:restoreObject) and follows it, with progress from its Map
 * Runs' item counts (ListMapRuns, DescribeMapRun), then prints the summary and where the ResultWriter put the
 * per-key results. `--csv-manifest-key` or `--inventory-manifest-key` restore the keys of a manifest instead of a
 * listing (the manifest lives in the construct's manifest bucket). The bucket is the one the construct was built
 * for. Ctrl-C (or `--wait-timeout-minutes`) stops following; the execution goes on.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { RestoreTier } from '../../lib/storage';
import { EXIT_FAILURE, EXIT_INCOMPLETE, EXIT_OK, UsageError } from './exit-codes';
import { RANGES, wholeNumberOption } from './numeric-options';
import { parseS3Url } from './s3-target';
import { stateMachineArnOf } from './engine-options';
import { renderTable } from './table';
import { taskReporterFor, type TaskProgressReporter } from './task-progress';

/** DescribeExecution / DescribeMapRun polls, by default, ms. */
export const DEFAULT_SFN_POLL_INTERVAL_MS = 2_000;
/**
 * Map Run reads (ListMapRuns, DescribeMapRun) that may fail in a row, after the SDK's own retries, before following
 * gives up: a progress read failing once does not stop the follow (moto answers ListMapRuns 500 right after
 * StartExecution now and then, docs/scale-out.md); the last counts are shown meanwhile.
 */
export const MAX_CONSECUTIVE_PROGRESS_FAILURES = 5;

/** The options `restore --engine step-functions` reads (raw strings from commander). */
export interface SfnRestoreRawOptions {
  readonly stateMachineArn?: string;
  readonly csvManifestKey?: string;
  readonly inventoryManifestKey?: string;
  readonly days: number;
  readonly tier?: RestoreTier;
  readonly region?: string;
  readonly waitTimeoutMinutes?: string;
  readonly pollIntervalMs?: string;
  readonly json?: boolean;
}

/** The validated request: the ARN, the execution input, and how to follow. */
export interface SfnRestoreRequest {
  readonly stateMachineArn: string;
  /** BulkRestore's execution input: one source, days and tier. */
  readonly input: { prefix?: string; csvManifestKey?: string; inventoryManifestKey?: string; days: number; tier: RestoreTier };
  readonly pollIntervalMs: number;
  readonly waitTimeoutMs?: number;
}

/** Validates the arguments (no request). @throws UsageError naming the option */
export function parseSfnRestore(url: string, raw: SfnRestoreRawOptions): SfnRestoreRequest {
  const { key: prefix } = parseS3Url(url, '<url>');
  const stateMachineArn = stateMachineArnOf(raw.stateMachineArn, "the BulkRestore construct's stateMachine.stateMachineArn");
  const manifests = [raw.csvManifestKey, raw.inventoryManifestKey].filter((k) => k !== undefined);
  if (manifests.length > 1) throw new UsageError('give --csv-manifest-key or --inventory-manifest-key, not both');
  if (manifests.length === 1 && prefix !== '')
    throw new UsageError(`<url>: with a manifest, give the bucket alone (s3://bucket), not a prefix (got ${JSON.stringify(url)})`);
  if (manifests.some((k) => k === '')) throw new UsageError('the manifest key is empty');
  const source =
    raw.csvManifestKey !== undefined
      ? { csvManifestKey: raw.csvManifestKey }
      : raw.inventoryManifestKey !== undefined
        ? { inventoryManifestKey: raw.inventoryManifestKey }
        : { prefix };
  const waitTimeoutMinutes = wholeNumberOption(raw.waitTimeoutMinutes, '--wait-timeout-minutes', RANGES.waitTimeoutMinutes);
  return {
    stateMachineArn,
    input: { ...source, days: raw.days, tier: raw.tier ?? 'Standard' },
    pollIntervalMs: wholeNumberOption(raw.pollIntervalMs, '--poll-interval-ms', RANGES.pollIntervalMs) ?? DEFAULT_SFN_POLL_INTERVAL_MS,
    waitTimeoutMs: waitTimeoutMinutes === undefined ? undefined : waitTimeoutMinutes * 60_000,
  };
}

/** Item counts summed over an execution's Map Runs. */
export interface MapRunCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
  readonly pending: number;
}

/** What the run ended with: printed as JSON with `--json`. */
export interface SfnRestoreOutcome {
  readonly executionArn: string;
  readonly status: string;
  readonly counts: MapRunCounts;
  /** The ResultWriter's manifest (s3://bucket/key), when the execution wrote one. */
  readonly results?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly timedOut: boolean;
}

/** Sums DescribeMapRun `itemCounts` (failed counts failed, timed-out and aborted items). */
export async function mapRunCounts(client: SFNClient, executionArn: string): Promise<MapRunCounts> {
  const counts = { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListMapRunsCommand({ executionArn, nextToken }));
    for (const run of page.mapRuns ?? []) {
      const { itemCounts: c } = await client.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
      counts.total += c?.total ?? 0;
      counts.succeeded += c?.succeeded ?? 0;
      counts.failed += (c?.failed ?? 0) + (c?.timedOut ?? 0) + (c?.aborted ?? 0);
      counts.running += c?.running ?? 0;
      counts.pending += c?.pending ?? 0;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return counts;
}

/** Starts the execution and follows it until it leaves RUNNING (or the timeout passes). */
export async function runSfnRestore(
  request: SfnRestoreRequest,
  client: SFNClient,
  reporter: TaskProgressReporter,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = Date.now,
): Promise<SfnRestoreOutcome> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn: request.stateMachineArn, name: `bucketkit-restore-${randomUUID()}`, input: JSON.stringify(request.input) }),
  );
  if (!executionArn) throw new Error('StartExecution returned no executionArn');
  const deadline = request.waitTimeoutMs === undefined ? Infinity : now() + request.waitTimeoutMs;
  let counts: MapRunCounts = { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  let failures = 0;
  try {
    for (;;) {
      const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      try {
        counts = await mapRunCounts(client, executionArn);
        failures = 0;
      } catch (error) {
        if (++failures >= MAX_CONSECUTIVE_PROGRESS_FAILURES) throw error;
      }
      const status = execution.status ?? 'UNKNOWN';
      reporter.update({ status, total: counts.total || undefined, succeeded: counts.succeeded, failed: counts.failed });
      const timedOut = status === 'RUNNING' && now() + request.pollIntervalMs > deadline;
      // The final counts must be read, not carried over from an earlier poll.
      if ((status !== 'RUNNING' && failures === 0) || timedOut) {
        return { executionArn, status, counts, results: resultsOf(execution.output), error: execution.error, cause: execution.cause, timedOut };
      }
      await sleep(request.pollIntervalMs);
    }
  } finally {
    reporter.finish();
  }
}

/** `s3://bucket/key` of the ResultWriter manifest in an execution's output, if any. */
function resultsOf(output: string | undefined): string | undefined {
  if (!output) return undefined;
  try {
    const details = (JSON.parse(output) as { ResultWriterDetails?: { Bucket?: string; Key?: string } }).ResultWriterDetails;
    return details?.Bucket && details.Key ? `s3://${details.Bucket}/${details.Key}` : undefined;
  } catch {
    return undefined;
  }
}

/** The printed summary. */
export function formatSfnRestore(o: SfnRestoreOutcome): string {
  const table = renderTable(
    ['Items', 'Count'],
    [
      ['total', String(o.counts.total)],
      ['succeeded', String(o.counts.succeeded)],
      ['failed', String(o.counts.failed)],
      ...(o.counts.running + o.counts.pending > 0 ? [['running or pending', String(o.counts.running + o.counts.pending)]] : []),
    ],
    [1],
  );
  return [
    `execution ${o.executionArn}: ${o.status}${o.timedOut ? ' (still running; stopped following)' : ''}`,
    table,
    ...(o.results ? [`per-key results: ${o.results}`] : []),
    ...(o.error ? [`error: ${o.error}${o.cause ? `: ${o.cause}` : ''}`] : []),
  ].join('\n');
}

/** 0 when the execution succeeded with no failed item, 5 when still running at the timeout, 1 otherwise. */
export function sfnRestoreExitCode(o: SfnRestoreOutcome): number {
  if (o.timedOut) return EXIT_INCOMPLETE;
  return o.status === 'SUCCEEDED' && o.counts.failed === 0 ? EXIT_OK : EXIT_FAILURE;
}

/** Validates, runs and prints; returns the exit code. */
export async function sfnRestoreCommand(url: string, raw: SfnRestoreRawOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const request = parseSfnRestore(url, raw);
  const client = new SFNClient({ region: raw.region });
  try {
    const reporter = taskReporterFor('restore (step-functions)', { quiet: raw.json === true, err });
    const outcome = await runSfnRestore(request, client, reporter);
    out(raw.json ? JSON.stringify(outcome, null, 2) : formatSfnRestore(outcome));
    return sfnRestoreExitCode(outcome);
  } finally {
    client.destroy();
  }
}
