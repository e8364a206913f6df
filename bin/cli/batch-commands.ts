/**
 * `bucketkit restore --batch` and `bucketkit cp --batch`: list the prefix into CSV manifests, then create S3 Batch
 * Operations jobs (batch-job.ts) and print their ids; `--wait` follows them.
 *
 * - restore: one `S3InitiateRestoreObject` job over the GLACIER and DEEP_ARCHIVE objects (Standard or Bulk only:
 *   Batch Operations has no Expedited). The job reports Complete once the requests are made, not when the copies
 *   are readable: follow with `bucketkit restore-status`.
 * - cp: one `S3PutObjectCopy` job for the objects up to 5 GiB (Batch Operations' Copy limit) and, with
 *   `--function-arn`, one `LambdaInvoke` job (schema 2.0, `userArguments` destinationBucket/destinationPrefix) that
 *   drives bucketkit's transfer handler for the larger ones. Without a function, a larger object refuses the run
 *   before anything is written. The destination key is the destination prefix + the source key, as Batch
 *   Operations' Copy names it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-copy-object.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-initiate-restore-object.html
 */
import type { JobOperation } from '@aws-sdk/client-s3-control';
import type { Command } from 'commander';
import { MAX_SINGLE_PUT_SIZE_BYTES } from '../../lib/rules';
import type { RestoreTier } from '../../lib/storage';
import { EXIT_FAILURE, EXIT_INCOMPLETE, EXIT_OK, IncompleteError, UsageError } from './exit-codes';
import { LocalManifests, manifestObjectKey, type UploadedManifest } from './batch-manifest';
import {
  addBatchOptions,
  controlClient,
  createJob,
  createJobInput,
  parseBatchOptions,
  waitForJob,
  type BatchJobOptions,
  type BatchJobOutcome,
  type BatchRawOptions,
} from './batch-job';
import { formatBytes, openStorage, parseS3Url, type S3CommandOptions, type S3Url } from './s3-target';
import { taskReporterFor } from './task-progress';

/** Batch Operations' Copy copies objects up to this size; larger ones need the LambdaInvoke job. */
export const BATCH_COPY_MAX_OBJECT_SIZE_BYTES = MAX_SINGLE_PUT_SIZE_BYTES;
/** The classes a Batch restore job is for (an object in another class fails its task). */
export const BATCH_RESTORE_CLASSES: readonly string[] = ['GLACIER', 'DEEP_ARCHIVE'];
/** A Lambda function ARN, as CreateJob's LambdaInvoke takes it (qualifier optional). */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?$/;

/** One job created. */
export interface CreatedJob {
  readonly jobId: string;
  readonly operation: string;
  readonly objects: number;
  readonly bytes: number;
  readonly manifest: string;
  readonly outcome?: BatchJobOutcome;
}

/** What a `--batch` command did: printed as JSON with `--json`. */
export interface BatchRunResult {
  readonly jobs: readonly CreatedJob[];
  /** Objects not in any manifest, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
  readonly report: string;
}

/** Where command output goes. */
export interface BatchIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly json?: boolean;
}

function withSlash(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

async function submit(
  options: BatchJobOptions,
  s3: S3CommandOptions,
  manifests: LocalManifests,
  jobs: readonly { group: string; operation: JobOperation; label: string }[],
  description: string,
  io: BatchIo,
): Promise<CreatedJob[]> {
  const manifestStorage = openStorage(options.manifest.bucket, s3);
  const client = controlClient(options);
  const created: CreatedJob[] = [];
  try {
    for (const job of jobs) {
      if (manifests.count(job.group) === 0) continue;
      const key = manifestObjectKey(withSlash(options.manifest.key), job.label, job.group);
      const uploaded: UploadedManifest = await manifests.upload(job.group, manifestStorage, options.manifest.bucket, key);
      const jobId = await createJob(client, createJobInput(options, job.operation, uploaded, `${description} (${job.label})`));
      const entry = {
        jobId,
        operation: job.label,
        objects: uploaded.count,
        bytes: manifests.bytes.get(job.group) ?? 0,
        manifest: `s3://${uploaded.bucket}/${uploaded.key}`,
      };
      // Said at once (on stderr with --json), so a job id is never lost when a later step fails.
      const line = `job ${jobId}: ${job.label} of ${entry.objects} object(s), ${formatBytes(entry.bytes)} (manifest ${entry.manifest})`;
      (io.json ? io.err : io.out)(line);
      created.push(entry);
    }
    if (!options.wait) return created;
    const followed: CreatedJob[] = [];
    for (const job of created) {
      const reporter = taskReporterFor(`job ${job.jobId}`, { quiet: io.json === true, err: io.err });
      followed.push({ ...job, outcome: await waitForJob(client, options, job.jobId, reporter, io.err) });
    }
    return followed;
  } finally {
    client.destroy();
    manifestStorage.destroy();
  }
}

function result(jobs: CreatedJob[], manifests: LocalManifests, options: BatchJobOptions): BatchRunResult {
  return { jobs, skipped: Object.fromEntries(manifests.skipped), report: `s3://${options.report.bucket}/${options.report.key}` };
}

/** The Batch restore job's tier: Standard or Bulk. @throws UsageError for Expedited */
export function batchRestoreTier(tier: RestoreTier | undefined): 'STANDARD' | 'BULK' {
  if (tier === 'Expedited') throw new UsageError('--tier: Batch Operations restores with Standard or Bulk only (Expedited: run without --batch)');
  return tier === 'Bulk' ? 'BULK' : 'STANDARD';
}

/** `restore --batch`: see the file comment. Every argument is checked before the first request. */
export async function runBatchRestore(
  url: string,
  raw: BatchRawOptions & S3CommandOptions & { days: number; tier?: RestoreTier },
  io: BatchIo,
): Promise<BatchRunResult> {
  const source = parseS3Url(url, '<url>');
  const tier = batchRestoreTier(raw.tier);
  const options = parseBatchOptions(raw);
  const storage = openStorage(source.bucket, raw);
  let manifests: LocalManifests;
  try {
    manifests = await LocalManifests.list(storage, source.bucket, source.key, (o) =>
      BATCH_RESTORE_CLASSES.includes(o.storageClass) ? 'restore' : { skip: `${o.storageClass}: not archived` },
    );
  } finally {
    storage.destroy();
  }
  try {
    const operation: JobOperation = { S3InitiateRestoreObject: { ExpirationInDays: raw.days, GlacierJobTier: tier } };
    const jobs = await submit(options, raw, manifests, [{ group: 'restore', operation, label: 'restore' }], `bucketkit restore ${url}`, io);
    return result(jobs, manifests, options);
  } finally {
    await manifests.dispose();
  }
}

/** `cp --batch`: see the file comment. @throws UsageError for a bad argument, or objects over 5 GiB and no --function-arn */
export async function runBatchCopy(
  src: string,
  dst: string,
  raw: BatchRawOptions & S3CommandOptions & { functionArn?: string },
  io: BatchIo,
): Promise<BatchRunResult> {
  const from = parseS3Url(src, '<src>');
  const to: S3Url = parseS3Url(dst, '<dst>');
  if (raw.functionArn !== undefined && !FUNCTION_ARN.test(raw.functionArn))
    throw new UsageError(
      `--function-arn: expected a Lambda function ARN such as arn:aws:lambda:us-east-1:123456789012:function:transfer (got ${JSON.stringify(raw.functionArn)})`,
    );
  if (to.key.length > 1024) throw new UsageError('<dst>: the destination prefix is longer than 1,024 characters');
  const options = parseBatchOptions(raw);
  const storage = openStorage(from.bucket, raw);
  let manifests: LocalManifests;
  try {
    manifests = await LocalManifests.list(storage, from.bucket, from.key, (o) => (o.size <= BATCH_COPY_MAX_OBJECT_SIZE_BYTES ? 'copy' : 'large'));
  } finally {
    storage.destroy();
  }
  try {
    const large = manifests.count('large');
    if (large > 0 && raw.functionArn === undefined)
      throw new UsageError(
        `${large} object(s) under ${src} are over 5 GiB (${formatBytes(manifests.bytes.get('large') ?? 0)}), which Batch Operations' Copy cannot copy: ` +
          "give --function-arn with bucketkit's transfer function (a LambdaInvoke job copies them), or copy them with `bucketkit cp` one by one. Nothing was written.",
      );
    const jobs = [
      { group: 'copy', label: 'copy', operation: { S3PutObjectCopy: { TargetResource: `arn:aws:s3:::${to.bucket}`, TargetKeyPrefix: to.key || undefined } } },
      {
        group: 'large',
        label: 'lambda-copy',
        operation: {
          LambdaInvoke: {
            FunctionArn: raw.functionArn,
            InvocationSchemaVersion: '2.0',
            UserArguments: { destinationBucket: to.bucket, ...(to.key ? { destinationPrefix: to.key } : {}) },
          },
        },
      },
    ];
    return result(await submit(options, raw, manifests, jobs, `bucketkit cp ${src} ${dst}`, io), manifests, options);
  } finally {
    await manifests.dispose();
  }
}

/** Prints the result (JSON or lines) and returns the exit code: 1 when a job failed or has failed tasks, 5 on a wait timeout. */
export function reportBatchRun(r: BatchRunResult, io: BatchIo): number {
  if (io.json) io.out(JSON.stringify(r, null, 2));
  else {
    if (r.jobs.length === 0) io.out('no objects to process: no job created');
    for (const [reason, n] of Object.entries(r.skipped)) io.out(`skipped ${n} object(s): ${reason}`);
    for (const j of r.jobs) {
      const o = j.outcome;
      if (!o) continue;
      io.out(
        `job ${j.jobId}: ${o.status}${o.timedOut ? ' (still running; stopped waiting)' : ''}, ${o.succeeded} succeeded, ${o.failed} failed of ${o.total ?? '?'}`,
      );
      for (const reason of o.reasons) io.out(`  ${reason}`);
    }
    if (r.jobs.length > 0) io.out(`completion reports: ${r.report}`);
  }
  const outcomes = r.jobs.map((j) => j.outcome).filter((o): o is BatchJobOutcome => o !== undefined);
  if (outcomes.some((o) => (!o.timedOut && o.status !== 'Complete') || o.failed > 0)) return EXIT_FAILURE;
  if (outcomes.some((o) => o.timedOut)) return EXIT_INCOMPLETE;
  return EXIT_OK;
}

/** Adds `cp`'s `--batch` options: the shared ones and `--function-arn`. */
export function addCpBatchOptions(command: Command): Command {
  return addBatchOptions(command).option(
    '--function-arn <arn>',
    "--batch: bucketkit's transfer function, which a LambdaInvoke job drives for the objects over 5 GiB",
  );
}

/** `cp --batch`, run and printed. @throws Error when a job failed or has failed tasks; IncompleteError (exit 5) when one is still running at the timeout */
export async function cpBatchCommand(
  src: string,
  dst: string,
  raw: BatchRawOptions & S3CommandOptions & { functionArn?: string; json?: boolean },
  io: BatchIo,
): Promise<void> {
  const code = reportBatchRun(await runBatchCopy(src, dst, raw, io), io);
  if (code === EXIT_INCOMPLETE) throw new IncompleteError('cp --batch: stopped waiting; the job(s) go on');
  if (code !== EXIT_OK) throw new Error('cp --batch: a job failed or has failed tasks (see the completion report)');
}
