/**
 * The events of the transfer handler's staged-copy actions, which the `LargeObjectCopy` state machine drives
 * (docs/scale-out.md); the actions themselves are in staged.ts, loaded on first use:
 *
 * - `plan-copy`: HEAD the source, plan the parts (the engine's `partSizeForKnownSize`), CreateMultipartUpload, and
 *   return the copy record and the batches of part numbers;
 * - `copy-part-batch`: UploadPartCopy of one batch, each part pinned to the planned source ETag;
 * - `complete-copy`: ListParts, check every part, CompleteMultipartUpload, check the result's size and ETag;
 * - `abort-copy`: AbortMultipartUpload (idempotent).
 *
 * This file reads the events: a bad one is a ValidationError naming the field, before any request.
 */
import { MAX_KEY_LENGTH_BYTES, MAX_OBJECT_SIZE_BYTES, MAX_PARTS, MAX_PART_SIZE_BYTES, MIN_PART_SIZE_BYTES, WRITABLE_STORAGE_CLASSES } from 'bucketkit/rules';
import { DEFAULT_PARTS_PER_BATCH, type PartBatch, type ServerSideEncryption, type StagedCopy, type StartStagedCopyOptions } from 'bucketkit/storage';
import { EventReader, ValidationError } from '../shared';
import { DEFAULT_TRANSFER_CONCURRENCY, MAX_TRANSFER_CONCURRENCY } from './event';

/** The staged-copy actions. */
export const STAGED_COPY_ACTIONS = ['plan-copy', 'copy-part-batch', 'complete-copy', 'abort-copy'] as const;
/** One of {@link STAGED_COPY_ACTIONS}. */
export type StagedCopyAction = (typeof STAGED_COPY_ACTIONS)[number];

/** The copy record the stages pass along: `bucketkit/storage`'s {@link StagedCopy} plus the destination bucket. */
export interface StagedCopyRecord extends StagedCopy {
  readonly destinationBucket: string;
}

/** A validated staged-copy event. */
export type StagedCopyEvent =
  | {
      readonly action: 'plan-copy';
      readonly sourceBucket: string;
      readonly sourceKey: string;
      readonly destinationBucket: string;
      readonly destinationKey: string;
      readonly partsPerBatch: number;
      readonly options: StartStagedCopyOptions;
    }
  | { readonly action: 'copy-part-batch'; readonly copy: StagedCopyRecord; readonly batch: PartBatch; readonly concurrency: number }
  | { readonly action: 'complete-copy'; readonly copy: StagedCopyRecord }
  | { readonly action: 'abort-copy'; readonly destinationBucket: string; readonly destinationKey: string; readonly uploadId: string };

const BUCKET = { maxLength: 255, pattern: /^[A-Za-z0-9._-]+$/, hint: 'must be a bucket name (letters, digits, dots, hyphens, underscores)' };
const KEY = { maxLength: MAX_KEY_LENGTH_BYTES };
const ID = { maxLength: 1024 };
const ENCRYPTION_TYPES = ['SSE-S3', 'SSE-KMS', 'DSSE-KMS'] as const;

/** True when `event` is a staged-copy event (it has an `action`). */
export function isStagedCopyEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && !Array.isArray(event) && 'action' in event;
}

/** Reads a staged-copy event. @throws ValidationError naming the field */
export function parseStagedCopyEvent(event: unknown): StagedCopyEvent {
  const r = EventReader.of(event);
  const action = r.optionalEnum('action', STAGED_COPY_ACTIONS);
  if (action === undefined) throw new ValidationError('action', `is required (one of ${STAGED_COPY_ACTIONS.join(', ')})`);
  const env = process.env;
  switch (action) {
    case 'plan-copy': {
      r.only([
        'action',
        'sourceBucket',
        'sourceKey',
        'sourceVersionId',
        'destinationBucket',
        'destinationKey',
        'partSizeBytes',
        'partsPerBatch',
        'storageClass',
        'encryption',
      ]);
      const sourceBucket = r.has('sourceBucket') || !env.BUCKETKIT_SOURCE_BUCKET ? r.string('sourceBucket', BUCKET) : env.BUCKETKIT_SOURCE_BUCKET;
      const sourceKey = r.string('sourceKey', KEY);
      const destinationBucket = r.optionalString('destinationBucket', BUCKET) ?? (env.BUCKETKIT_DESTINATION_BUCKET || sourceBucket);
      const destinationKey = r.optionalString('destinationKey', KEY) ?? sourceKey;
      if (sourceBucket === destinationBucket && sourceKey === destinationKey)
        throw new ValidationError('destinationKey', 'the destination must differ from the source (same bucket and key)');
      return {
        action,
        sourceBucket,
        sourceKey,
        destinationBucket,
        destinationKey,
        partsPerBatch: r.integer('partsPerBatch', 1, MAX_PARTS, DEFAULT_PARTS_PER_BATCH),
        options: {
          sourceBucket,
          sourceVersionId: r.optionalString('sourceVersionId', ID),
          partSizeBytes: r.has('partSizeBytes') ? r.integer('partSizeBytes', MIN_PART_SIZE_BYTES, MAX_PART_SIZE_BYTES) : undefined,
          storageClass: r.optionalEnum('storageClass', WRITABLE_STORAGE_CLASSES),
          encryption: readEncryption(r.optionalObject('encryption')),
        },
      };
    }
    case 'copy-part-batch': {
      r.only(['action', 'copy', 'firstPartNumber', 'lastPartNumber', 'concurrency']);
      const copy = readCopy(r);
      const first = r.integer('firstPartNumber', 1, copy.partCount);
      const last = r.integer('lastPartNumber', first, copy.partCount);
      return {
        action,
        copy,
        batch: { firstPartNumber: first, lastPartNumber: last },
        concurrency: r.integer('concurrency', 1, MAX_TRANSFER_CONCURRENCY, DEFAULT_TRANSFER_CONCURRENCY),
      };
    }
    case 'complete-copy':
      r.only(['action', 'copy']);
      return { action, copy: readCopy(r) };
    case 'abort-copy':
      r.only(['action', 'destinationBucket', 'destinationKey', 'uploadId']);
      return {
        action,
        destinationBucket: r.string('destinationBucket', BUCKET),
        destinationKey: r.string('destinationKey', KEY),
        uploadId: r.string('uploadId', ID),
      };
  }
}

function readEncryption(e: EventReader | undefined): ServerSideEncryption | undefined {
  if (!e) return undefined;
  e.only(['type', 'keyId', 'bucketKey']);
  if (e.has('type') && e.string('type') === 'SSE-C')
    throw new ValidationError(e.field('type'), 'SSE-C is not accepted: its key would be stored in the execution history (use SSE-S3, SSE-KMS or DSSE-KMS)');
  const type = e.optionalEnum('type', ENCRYPTION_TYPES);
  if (type === undefined) throw new ValidationError(e.field('type'), `is required: one of ${ENCRYPTION_TYPES.join(', ')}`);
  if (type === 'SSE-S3') {
    if (e.has('keyId') || e.has('bucketKey')) throw new ValidationError(e.field('keyId'), 'SSE-S3 takes no keyId or bucketKey');
    return { type };
  }
  const keyId = e.optionalString('keyId', { maxLength: 2048 });
  return type === 'SSE-KMS' ? { type, keyId, bucketKey: e.has('bucketKey') ? e.boolean('bucketKey', false) : undefined } : { type, keyId };
}

function readCopy(r: EventReader): StagedCopyRecord {
  const c = r.optionalObject('copy');
  if (!c) throw new ValidationError('copy', 'is required (the copy record plan-copy returned)');
  c.only([
    'sourceBucket',
    'sourceKey',
    'sourceVersionId',
    'sourceETag',
    'destinationBucket',
    'destinationKey',
    'uploadId',
    'sizeBytes',
    'partSizeBytes',
    'partCount',
  ]);
  const sizeBytes = c.integer('sizeBytes', 0, MAX_OBJECT_SIZE_BYTES);
  const partSizeBytes = c.integer('partSizeBytes', MIN_PART_SIZE_BYTES, MAX_PART_SIZE_BYTES);
  const expected = Math.max(1, Math.ceil(sizeBytes / partSizeBytes));
  const partCount = c.integer('partCount', 1, MAX_PARTS);
  if (partCount !== expected)
    throw new ValidationError(c.field('partCount'), `must be ${expected} for ${sizeBytes} bytes in parts of ${partSizeBytes} (got ${partCount})`);
  return {
    sourceBucket: c.string('sourceBucket', BUCKET),
    sourceKey: c.string('sourceKey', KEY),
    sourceVersionId: c.optionalString('sourceVersionId', ID),
    sourceETag: c.string('sourceETag', ID),
    destinationBucket: c.string('destinationBucket', BUCKET),
    destinationKey: c.string('destinationKey', KEY),
    uploadId: c.string('uploadId', ID),
    sizeBytes,
    partSizeBytes,
    partCount,
  };
}
