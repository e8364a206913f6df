/**
 * S3 Batch Operations' "Invoke AWS Lambda function": the invocation schemas 1.0 (bucket ARN) and 2.0 (bucket name,
 * `job.userArguments`), and the response with one result code per task.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_LambdaInvokeOperation.html (UserArguments: at most 10
 * entries, keys 1-64 characters, values at most 1,024)
 */
import { EventReader, describe } from './event';
import { ValidationError } from './errors';

/** The per-task result codes: `TemporaryFailure` is redriven by the job, `PermanentFailure` is reported as failed. */
export type BatchResultCode = 'Succeeded' | 'TemporaryFailure' | 'PermanentFailure';

/** The invocation schema versions accepted. */
export const BATCH_SCHEMA_VERSIONS = ['1.0', '2.0'] as const;

/** Batch Operations keeps at most this much of a result string in its completion report; longer ones are cut. */
export const MAX_RESULT_STRING_CHARS = 1024;

/** One task: an object of the manifest. */
export interface BatchTask {
  readonly taskId: string;
  /** The bucket name (from `s3BucketArn` in 1.0, `s3BucketName` in 2.0). */
  readonly bucket: string;
  /** The object key, URL-decoded (the manifest's keys arrive URL-encoded). */
  readonly key: string;
  readonly versionId?: string;
}

/** A parsed Batch Operations invocation. */
export interface BatchInvocation {
  readonly invocationSchemaVersion: (typeof BATCH_SCHEMA_VERSIONS)[number];
  readonly invocationId: string;
  readonly jobId?: string;
  /** `job.userArguments` (2.0 only; empty for 1.0). */
  readonly userArguments: Readonly<Record<string, string>>;
  readonly tasks: readonly BatchTask[];
}

/** The response Batch Operations expects. */
export interface BatchResponse {
  readonly invocationSchemaVersion: string;
  readonly treatMissingKeysAs: BatchResultCode;
  readonly invocationId: string;
  readonly results: readonly { readonly taskId: string; readonly resultCode: BatchResultCode; readonly resultString: string }[];
}

/** True when `event` has the shape of a Batch Operations invocation (it may still be malformed). */
export function isBatchEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'invocationSchemaVersion' in event;
}

/** Reads a Batch Operations invocation. @throws ValidationError naming the field, e.g. `tasks[0].s3BucketArn` */
export function parseBatchEvent(event: unknown): BatchInvocation {
  const r = EventReader.of(event);
  const version = r.optionalEnum('invocationSchemaVersion', BATCH_SCHEMA_VERSIONS);
  if (version === undefined) throw new ValidationError('invocationSchemaVersion', 'is required');
  const invocationId = r.string('invocationId');
  const job = r.optionalObject('job');
  const userArguments: Record<string, string> = {};
  const args = job?.optionalObject('userArguments');
  if (args) {
    if (version !== '2.0') throw new ValidationError('job.userArguments', 'needs invocationSchemaVersion 2.0');
    const raw = (event as { job: { userArguments: Record<string, unknown> } }).job.userArguments;
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== 'string') throw new ValidationError(`job.userArguments.${k}`, `must be a string (got ${describe(v)})`);
      userArguments[k] = v;
    }
  }
  const tasks = r.array('tasks', 1000, (value, field) => parseTask(value, field, version));
  return { invocationSchemaVersion: version, invocationId, jobId: job?.optionalString('id'), userArguments, tasks };
}

function parseTask(value: unknown, field: string, version: '1.0' | '2.0'): BatchTask {
  EventReader.of(value, field); // must be an object
  const inner = new EventReader(value as Record<string, unknown>, `${field}.`);
  const taskId = inner.string('taskId');
  const bucket = version === '1.0' ? bucketFromArn(inner.string('s3BucketArn'), inner.field('s3BucketArn')) : inner.string('s3BucketName');
  const rawKey = inner.string('s3Key');
  let key: string;
  try {
    key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    throw new ValidationError(inner.field('s3Key'), 'is not valid URL encoding');
  }
  return { taskId, bucket, key, versionId: inner.optionalString('s3VersionId') };
}

/** The bucket name of `arn:aws:s3:::name` (or `arn:aws:s3:region:account:name`). */
function bucketFromArn(arn: string, field: string): string {
  const match = /^arn:aws[a-z-]*:s3:[^:]*:[^:]*:([^:/]+)$/.exec(arn);
  if (!match) throw new ValidationError(field, `must be an S3 bucket ARN such as arn:aws:s3:::my-bucket (got ${JSON.stringify(arn.slice(0, 80))})`);
  return match[1];
}

/** A result string cut to {@link MAX_RESULT_STRING_CHARS}. */
export function resultString(text: string): string {
  return text.length <= MAX_RESULT_STRING_CHARS ? text : `${text.slice(0, MAX_RESULT_STRING_CHARS - 3)}...`;
}
