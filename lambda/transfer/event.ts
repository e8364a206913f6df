/**
 * The transfer handler's event: a server-side copy of one object, within a bucket or across buckets and regions,
 * optionally carrying the continuation a previous invocation returned.
 */
import {
  MAX_KEY_LENGTH_BYTES,
  MAX_PARTS,
  MAX_PART_SIZE_BYTES,
  MIN_PART_SIZE_BYTES,
  WRITABLE_STORAGE_CLASSES,
  type WritableStorageClass,
} from 'bucketkit/rules';
import { EventReader, MAX_LAMBDA_TIMEOUT_MS, ValidationError, type BatchTask } from '../shared';

/** Parts copied at once by default. */
export const DEFAULT_TRANSFER_CONCURRENCY = 4;
/** Parts copied at once at most. */
export const MAX_TRANSFER_CONCURRENCY = 32;
/**
 * Stop starting parts when less than this much time is left (ms), and return a continuation. It must cover the
 * slowest part copy in flight plus CompleteMultipartUpload. @default 30 s of Lambda's 900 s maximum.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const DEFAULT_MIN_REMAINING_TIME_MS = 30_000;

const BUCKET = { maxLength: 255, pattern: /^[A-Za-z0-9._-]+$/, hint: 'must be a bucket name (letters, digits, dots, hyphens, underscores)' };
const REGION = { maxLength: 32, pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, hint: 'must be a region name such as eu-west-1' };
const KEY = { maxLength: MAX_KEY_LENGTH_BYTES };

/** Where a multipart copy stands between invocations. Returned by the handler; pass it back unchanged. */
export interface TransferContinuation {
  /** The destination's multipart upload. */
  readonly uploadId: string;
  /** The source's ETag when the copy started; every UploadPartCopy is pinned to it (`x-amz-copy-source-if-match`). */
  readonly sourceETag: string;
  /** The source version copied, when the bucket is versioned. */
  readonly sourceVersionId?: string;
  /** The source's size in bytes. */
  readonly sizeBytes: number;
  /** The part size of this upload (the last part may be smaller). */
  readonly partSizeBytes: number;
  /** Parts copied so far: `[partNumber, etag]`, in any order. */
  readonly parts: readonly (readonly [number, string])[];
}

/** A validated transfer event. */
export interface TransferEvent {
  /** @default - the function's BUCKETKIT_SOURCE_BUCKET */
  readonly sourceBucket: string;
  readonly sourceKey: string;
  /** @default - the latest version */
  readonly sourceVersionId?: string;
  /** The source bucket's region. @default - the function's region (AWS_REGION) */
  readonly sourceRegion?: string;
  /** @default - the function's BUCKETKIT_DESTINATION_BUCKET, else sourceBucket */
  readonly destinationBucket: string;
  /** @default - sourceKey (then the buckets must differ) */
  readonly destinationKey: string;
  /** The destination bucket's region; copy requests go there. @default - the function's region */
  readonly destinationRegion?: string;
  /** @default - the source's class for CopyObject, STANDARD for a multipart copy (S3's defaults) */
  readonly storageClass?: WritableStorageClass;
  /** Always copy with UploadPartCopy, even at 5 GiB or less. @default false (multipart only past 5 GiB) */
  readonly multipart: boolean;
  /** @default - 64 MiB, raised to stay within 10,000 parts */
  readonly partSizeBytes?: number;
  /** @default DEFAULT_TRANSFER_CONCURRENCY */
  readonly concurrency: number;
  /** @default DEFAULT_MIN_REMAINING_TIME_MS */
  readonly minRemainingTimeMs: number;
  /**
   * Return a continuation when the copy cannot finish in this invocation. `false` (S3 Batch Operations, which cannot
   * pass one back): abort the upload instead and fail. @default true
   */
  readonly continuations: boolean;
  /** The state returned by the previous invocation. */
  readonly continuation?: TransferContinuation;
}

const FIELDS = [
  'sourceBucket',
  'sourceKey',
  'sourceVersionId',
  'sourceRegion',
  'destinationBucket',
  'destinationKey',
  'destinationRegion',
  'storageClass',
  'multipart',
  'partSizeBytes',
  'concurrency',
  'minRemainingTimeMs',
  'continuations',
  'continuation',
];

/** Reads a transfer event. @throws ValidationError naming the field */
export function parseTransferEvent(event: unknown): TransferEvent {
  const r = EventReader.of(event);
  r.only(FIELDS);
  // TransferFunction (lib/constructs/handlers) sets these to the buckets it granted access to.
  const sourceBucket = r.has('sourceBucket') || !process.env.BUCKETKIT_SOURCE_BUCKET ? r.string('sourceBucket', BUCKET) : process.env.BUCKETKIT_SOURCE_BUCKET;
  const sourceKey = r.string('sourceKey', KEY);
  const destinationBucket = r.optionalString('destinationBucket', BUCKET) ?? (process.env.BUCKETKIT_DESTINATION_BUCKET || sourceBucket);
  const destinationKey = r.optionalString('destinationKey', KEY) ?? sourceKey;
  if (sourceBucket === destinationBucket && sourceKey === destinationKey) {
    throw new ValidationError(
      r.has('destinationKey') ? 'destinationKey' : 'destinationBucket',
      'the destination must differ from the source (same bucket and key)',
    );
  }
  const parsed: TransferEvent = {
    sourceBucket,
    sourceKey,
    sourceVersionId: r.optionalString('sourceVersionId', { maxLength: 1024 }),
    sourceRegion: r.optionalString('sourceRegion', REGION),
    destinationBucket,
    destinationKey,
    destinationRegion: r.optionalString('destinationRegion', REGION),
    storageClass: r.optionalEnum('storageClass', WRITABLE_STORAGE_CLASSES),
    multipart: r.boolean('multipart', false),
    partSizeBytes: r.has('partSizeBytes') ? r.integer('partSizeBytes', MIN_PART_SIZE_BYTES, MAX_PART_SIZE_BYTES) : undefined,
    concurrency: r.integer('concurrency', 1, MAX_TRANSFER_CONCURRENCY, DEFAULT_TRANSFER_CONCURRENCY),
    minRemainingTimeMs: r.integer('minRemainingTimeMs', 0, MAX_LAMBDA_TIMEOUT_MS, DEFAULT_MIN_REMAINING_TIME_MS),
    continuations: r.boolean('continuations', true),
  };
  const c = r.optionalObject('continuation');
  return c ? { ...parsed, continuation: parseContinuation(c) } : parsed;
}

function parseContinuation(c: EventReader): TransferContinuation {
  c.only(['uploadId', 'sourceETag', 'sourceVersionId', 'sizeBytes', 'partSizeBytes', 'parts']);
  const sizeBytes = c.integer('sizeBytes', 1, Number.MAX_SAFE_INTEGER);
  const partSizeBytes = c.integer('partSizeBytes', MIN_PART_SIZE_BYTES, MAX_PART_SIZE_BYTES);
  const total = Math.ceil(sizeBytes / partSizeBytes);
  if (total > MAX_PARTS) throw new ValidationError(c.field('partSizeBytes'), `gives ${total} parts for ${sizeBytes} bytes; S3 allows ${MAX_PARTS}`);
  const seen = new Set<number>();
  const parts = c.array(
    'parts',
    MAX_PARTS,
    (value, field) => {
      if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'string' || value[1].length === 0) {
        throw new ValidationError(field, 'must be [partNumber, etag]');
      }
      const n = value[0];
      if (!Number.isInteger(n) || n < 1 || n > total || seen.has(n))
        throw new ValidationError(field, `part number must be a new integer from 1 to ${total} (got ${String(n)})`);
      seen.add(n);
      return [n, value[1]] as const;
    },
    { minItems: 0 },
  );
  return {
    uploadId: c.string('uploadId', { maxLength: 1024 }),
    sourceETag: c.string('sourceETag', { maxLength: 1024 }),
    sourceVersionId: c.optionalString('sourceVersionId', { maxLength: 1024 }),
    sizeBytes,
    partSizeBytes,
    parts,
  };
}

/**
 * The event for one S3 Batch Operations task: the task's object is the source. The destination comes from
 * `job.userArguments` (schema 2.0: `destinationBucket`, `destinationPrefix`, `destinationRegion`, `storageClass`)
 * or, for schema 1.0, from the function's environment (`BUCKETKIT_DESTINATION_BUCKET`, `BUCKETKIT_DESTINATION_PREFIX`,
 * `BUCKETKIT_DESTINATION_REGION`). Batch Operations cannot pass a continuation back, so `continuations` is false.
 */
export function transferEventFromBatchTask(task: BatchTask, args: Readonly<Record<string, string>>): unknown {
  const env = process.env;
  const prefix = args.destinationPrefix ?? env.BUCKETKIT_DESTINATION_PREFIX ?? '';
  return {
    sourceBucket: task.bucket,
    sourceKey: task.key,
    sourceVersionId: task.versionId,
    destinationBucket: args.destinationBucket ?? env.BUCKETKIT_DESTINATION_BUCKET,
    destinationKey: `${prefix}${task.key}`,
    destinationRegion: args.destinationRegion ?? env.BUCKETKIT_DESTINATION_REGION,
    storageClass: args.storageClass,
    continuations: false,
  };
}
