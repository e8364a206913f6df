/**
 * S3 Batch Operations jobs from the CLI: the options every `--batch` command shares (validated before any request),
 * the CreateJob request, and `--wait` (DescribeJob until the job ends, with progress from its ProgressSummary).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html
 */
import { randomUUID } from 'node:crypto';
import {
  CreateJobCommand,
  DescribeJobCommand,
  S3ControlClient,
  type CreateJobCommandInput,
  type JobDescriptor,
  type JobOperation,
} from '@aws-sdk/client-s3-control';
import { Option, type Command } from 'commander';
import { UsageError } from './exit-codes';
import type { UploadedManifest } from './batch-manifest';
import { CSV_MANIFEST_FIELDS, CSV_MANIFEST_FORMAT } from './batch-manifest';
import { RANGES, wholeNumberOption } from './numeric-options';
import { parseS3Url, type S3Url } from './s3-target';
import type { TaskProgressReporter } from './task-progress';

/** Job priority by default (CreateJob: 0 to 2,147,483,647; higher runs first). */
export const DEFAULT_BATCH_PRIORITY = 10;
/** The largest priority CreateJob accepts. */
export const MAX_BATCH_PRIORITY = RANGES.batchPriority.max;
/** DescribeJob polls with `--wait`, by default, ms. */
export const DEFAULT_BATCH_POLL_INTERVAL_MS = 5_000;
/** Job states after which nothing changes. */
export const BATCH_TERMINAL_STATUSES: readonly string[] = ['Complete', 'Failed', 'Cancelled'];
/** An IAM role ARN (CreateJob `RoleArn`). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** What every `--batch` command takes, validated. */
export interface BatchJobOptions {
  readonly roleArn: string;
  readonly accountId: string;
  /** Where manifests are written (bucket, key prefix). */
  readonly manifest: S3Url;
  /** Where the completion report goes (bucket, key prefix). */
  readonly report: S3Url;
  readonly reportScope: 'AllTasks' | 'FailedTasksOnly';
  readonly priority: number;
  /** Hold the job in `Suspended` until it is confirmed (console or UpdateJobStatus). */
  readonly confirmationRequired: boolean;
  /** Follow the job with DescribeJob until it ends. */
  readonly wait: boolean;
  /** Give up waiting after this many ms (the job goes on). @default - no limit */
  readonly waitTimeoutMs?: number;
  readonly pollIntervalMs: number;
  /** The S3 Control region. @default - the SDK's (AWS_REGION) */
  readonly region?: string;
}

/** The raw strings commander hands over for the `--batch` options. */
export interface BatchRawOptions {
  readonly roleArn?: string;
  readonly accountId?: string;
  readonly manifest?: string;
  readonly report?: string;
  readonly reportScope?: string;
  readonly priority?: string;
  readonly confirm?: boolean;
  readonly wait?: boolean;
  readonly waitTimeoutMinutes?: string;
  readonly pollIntervalMs?: string;
  readonly region?: string;
}

/** Adds the `--batch` family of options to a command. */
export function addBatchOptions(command: Command): Command {
  return command
    .option('--batch', 'create an S3 Batch Operations job instead of sending the requests from here')
    .option('--role-arn <arn>', '--batch: the IAM role the job runs as (the BatchOperationsRole construct provides one)')
    .option('--manifest <s3url>', '--batch: where to write the CSV manifest, s3://bucket/prefix/')
    .option('--report <s3url>', '--batch: where the completion report goes, s3://bucket/prefix/ (default: the manifest location)')
    .addOption(new Option('--report-scope <scope>', '--batch: the tasks the report lists (default: AllTasks)').choices(['AllTasks', 'FailedTasksOnly']))
    .option('--priority <n>', `--batch: job priority, 0 to ${MAX_BATCH_PRIORITY} (default ${DEFAULT_BATCH_PRIORITY})`)
    .option('--confirm', '--batch: create the job suspended; it runs once confirmed (console or UpdateJobStatus)')
    .option('--account-id <id>', "--batch: the job's account (default: the role ARN's account)")
    .option('--wait', '--batch: follow the job until it ends, with progress')
    .option(
      '--wait-timeout-minutes <n>',
      'with --batch --wait: stop waiting for the job after this long; with --engine step-functions (which always follows its execution): ' +
        `stop following it after this long, ${RANGES.waitTimeoutMinutes.min} to ${RANGES.waitTimeoutMinutes.max} minutes. The work goes on; exit 5`,
    )
    .addOption(new Option('--poll-interval-ms <n>', 'DescribeJob interval with --wait').hideHelp());
}

/** A bucket-and-prefix URL: the prefix, when given, ends in `/` or is used as is. */
function locationOption(value: string | undefined, option: string): S3Url {
  if (value === undefined) throw new UsageError(`--batch needs ${option} s3://bucket/prefix/`);
  return parseS3Url(value, option);
}

/**
 * Validates the `--batch` options (no request is sent). @throws UsageError naming the option: a missing or malformed
 * role ARN, manifest or report URL, account id, priority or timeout
 */
export function parseBatchOptions(raw: BatchRawOptions): BatchJobOptions {
  if (raw.roleArn === undefined) throw new UsageError('--batch needs --role-arn arn:aws:iam::<account>:role/<name> (see the BatchOperationsRole construct)');
  const role = ROLE_ARN.exec(raw.roleArn);
  if (!role) throw new UsageError(`--role-arn: expected an IAM role ARN such as arn:aws:iam::123456789012:role/batch (got ${JSON.stringify(raw.roleArn)})`);
  const accountId = raw.accountId ?? role[1];
  if (!/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id: expected 12 digits (got ${JSON.stringify(accountId)})`);
  const manifest = locationOption(raw.manifest, '--manifest');
  const report = raw.report === undefined ? manifest : parseS3Url(raw.report, '--report');
  const scope = raw.reportScope ?? 'AllTasks';
  if (scope !== 'AllTasks' && scope !== 'FailedTasksOnly') throw new UsageError(`--report-scope: AllTasks or FailedTasksOnly (got ${JSON.stringify(scope)})`);
  const timeout = wholeNumberOption(raw.waitTimeoutMinutes, '--wait-timeout-minutes', RANGES.waitTimeoutMinutes);
  if (timeout !== undefined && !raw.wait) throw new UsageError('--wait-timeout-minutes needs --wait');
  return {
    roleArn: raw.roleArn,
    accountId,
    manifest,
    report,
    reportScope: scope,
    priority: wholeNumberOption(raw.priority, '--priority', RANGES.batchPriority) ?? DEFAULT_BATCH_PRIORITY,
    confirmationRequired: raw.confirm === true,
    wait: raw.wait === true,
    waitTimeoutMs: timeout === undefined ? undefined : timeout * 60_000,
    pollIntervalMs: wholeNumberOption(raw.pollIntervalMs, '--poll-interval-ms', RANGES.pollIntervalMs) ?? DEFAULT_BATCH_POLL_INTERVAL_MS,
    region: raw.region,
  };
}

/** The bucket ARN CreateJob wants for a report or copy target (`arn:aws:s3:::bucket`). */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** The CreateJob request for one operation over one uploaded CSV manifest. */
export function createJobInput(options: BatchJobOptions, operation: JobOperation, manifest: UploadedManifest, description: string): CreateJobCommandInput {
  return {
    AccountId: options.accountId,
    ConfirmationRequired: options.confirmationRequired,
    Operation: operation,
    Manifest: {
      Spec: { Format: CSV_MANIFEST_FORMAT, Fields: [...CSV_MANIFEST_FIELDS] },
      Location: { ObjectArn: `${bucketArn(manifest.bucket)}/${manifest.key}`, ETag: manifest.etag },
    },
    Report: {
      Enabled: true,
      Bucket: bucketArn(options.report.bucket),
      Prefix: options.report.key === '' ? undefined : options.report.key.replace(/\/$/, ''),
      Format: 'Report_CSV_20180820',
      ReportScope: options.reportScope,
    },
    Priority: options.priority,
    RoleArn: options.roleArn,
    ClientRequestToken: randomUUID(),
    Description: description.slice(0, 256),
  };
}

/** An S3 Control client in the job's region (the endpoint from the SDK's own settings, e.g. AWS_ENDPOINT_URL_S3_CONTROL). */
export function controlClient(options: BatchJobOptions): S3ControlClient {
  return new S3ControlClient({ region: options.region });
}

/** Creates the job; returns its id. */
export async function createJob(client: S3ControlClient, input: CreateJobCommandInput): Promise<string> {
  const { JobId } = await client.send(new CreateJobCommand(input));
  if (!JobId) throw new Error('CreateJob returned no JobId');
  return JobId;
}

/** What `--wait` ends with. */
export interface BatchJobOutcome {
  readonly jobId: string;
  readonly status: string;
  readonly total?: number;
  readonly succeeded: number;
  readonly failed: number;
  /** FailureReasons and StatusUpdateReason, as S3 gives them. */
  readonly reasons: readonly string[];
  /** True when `--wait-timeout-minutes` passed before the job ended. */
  readonly timedOut: boolean;
}

function outcomeOf(job: JobDescriptor, jobId: string, timedOut: boolean): BatchJobOutcome {
  const p = job.ProgressSummary;
  return {
    jobId,
    status: job.Status ?? 'unknown',
    total: p?.TotalNumberOfTasks,
    succeeded: p?.NumberOfTasksSucceeded ?? 0,
    failed: p?.NumberOfTasksFailed ?? 0,
    reasons: [
      ...(job.FailureReasons ?? []).map((r) => `${r.FailureCode ?? 'failure'}: ${r.FailureReason ?? ''}`.trim()),
      ...(job.StatusUpdateReason ? [job.StatusUpdateReason] : []),
    ],
    timedOut,
  };
}

/**
 * Polls DescribeJob every `pollIntervalMs` until the job is Complete, Failed or Cancelled (or `waitTimeoutMs` has
 * passed), reporting ProgressSummary; a `Suspended` job awaiting confirmation is said once through `notice`.
 */
export async function waitForJob(
  client: S3ControlClient,
  options: Pick<BatchJobOptions, 'accountId' | 'pollIntervalMs' | 'waitTimeoutMs'>,
  jobId: string,
  reporter: TaskProgressReporter,
  notice: (line: string) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = Date.now,
): Promise<BatchJobOutcome> {
  const deadline = options.waitTimeoutMs === undefined ? Infinity : now() + options.waitTimeoutMs;
  let toldSuspended = false;
  try {
    for (;;) {
      const { Job } = await client.send(new DescribeJobCommand({ AccountId: options.accountId, JobId: jobId }));
      const job = Job ?? {};
      const p = job.ProgressSummary;
      const elapsed = p?.Timers?.ElapsedTimeInActiveSeconds;
      const finished = (p?.NumberOfTasksSucceeded ?? 0) + (p?.NumberOfTasksFailed ?? 0);
      reporter.update({
        status: job.Status ?? 'unknown',
        total: p?.TotalNumberOfTasks,
        succeeded: p?.NumberOfTasksSucceeded ?? 0,
        failed: p?.NumberOfTasksFailed ?? 0,
        tasksPerSecond: elapsed ? finished / elapsed : undefined,
      });
      if (job.Status === 'Suspended' && !toldSuspended) {
        toldSuspended = true;
        notice(`job ${jobId} is Suspended: it waits for confirmation (S3 console, or aws s3control update-job-status --requested-job-status Ready)`);
      }
      if (job.Status && BATCH_TERMINAL_STATUSES.includes(job.Status)) return outcomeOf(job, jobId, false);
      if (now() + options.pollIntervalMs > deadline) return outcomeOf(job, jobId, true);
      await sleep(options.pollIntervalMs);
    }
  } finally {
    reporter.finish();
  }
}
