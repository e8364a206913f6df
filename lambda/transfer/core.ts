/**
 * `transfer(event, deps)`: the transfer handler's core. A server-side copy of one object: CopyObject up to 5 GiB,
 * a multipart copy (UploadPartCopy) past 5 GiB or with `multipart: true`, across invocations when it must be
 * (multipart.ts). Accepts its own event (event.ts) or an S3 Batch Operations invocation.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (5 GiB limit of one CopyObject)
 */
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { MAX_SINGLE_PUT_SIZE_BYTES } from 'bucketkit/rules';
import { DEFAULT_COPY_PART_SIZE_BYTES, partSizeForKnownSize, StorageError, type S3Storage } from 'bucketkit/storage';
import { runInvocation, type BatchResponse, type FailureResult, type HandlerDeps, type HandlerSpec } from '../shared';
import { parseTransferEvent, transferEventFromBatchTask, type TransferContinuation, type TransferEvent } from './event';
import { abort, copyStep, createCopyUpload, type StepOutcome } from './multipart';
import type { StagedCopyResult } from './staged';
import { isStagedCopyEvent, parseStagedCopyEvent, type StagedCopyEvent } from './staged-event';

/** Progress of a multipart copy. */
export interface TransferProgress {
  readonly partsDone: number;
  readonly partsTotal: number;
  readonly bytesDone: number;
  readonly totalBytes: number;
}

/** The copy is done. */
export interface TransferSucceeded {
  readonly status: 'Succeeded';
  readonly method: 'CopyObject' | 'UploadPartCopy';
  readonly source: { readonly bucket: string; readonly key: string; readonly versionId?: string };
  readonly destination: { readonly bucket: string; readonly key: string; readonly versionId?: string; readonly etag: string };
  readonly sizeBytes: number;
  /** Parts of a multipart copy. */
  readonly partsTotal?: number;
}

/** The copy needs another invocation: send the same event again with this `continuation`. */
export interface TransferInProgress {
  readonly status: 'InProgress';
  /** `time`: the invocation ran low on time; `retryable-error`: a part failed in a way that may pass on retry. */
  readonly reason: 'time' | 'retryable-error';
  readonly continuation: TransferContinuation;
  readonly progress: TransferProgress;
  /** The next byte range to copy (inclusive). */
  readonly nextRange?: { readonly start: number; readonly end: number };
  /** The retryable error, for `reason: 'retryable-error'`. */
  readonly lastError?: { readonly name: string; readonly message: string; readonly s3Code?: string };
}

/** A copy that could not finish within one invocation while `continuations` is false (the upload was aborted). */
export interface TransferTooLong {
  readonly status: 'Failed';
  readonly errorType: 'InvocationTooShort';
  readonly errorMessage: string;
  readonly progress: TransferProgress;
}

/** What the transfer handler returns for its own event. */
export type TransferResult = TransferSucceeded | TransferInProgress | TransferTooLong;

const SPEC: HandlerSpec<TransferEvent | StagedCopyEvent, TransferResult | StagedCopyResult> = {
  name: 'transfer',
  // An event with an `action` is a stage of a LargeObjectCopy (staged.ts); any other is a whole copy.
  parse: (event) => (isStagedCopyEvent(event) ? parseStagedCopyEvent(event) : parseTransferEvent(event)),
  fromBatchTask: transferEventFromBatchTask,
  run: (ev, d) => ('action' in ev ? import('./staged').then((m) => m.runStagedCopy(ev, d)) : runTransfer(ev, d)),
  batchOutcome: (r) =>
    'action' in r
      ? { resultCode: 'PermanentFailure', resultString: `a ${r.action} stage is not a Batch Operations task` }
      : r.status === 'Succeeded'
        ? { resultCode: 'Succeeded', resultString: `copied to s3://${r.destination.bucket}/${r.destination.key} (${r.sizeBytes} bytes, ${r.method})` }
        : { resultCode: 'PermanentFailure', resultString: r.status === 'Failed' ? r.errorMessage : 'unfinished copy' },
};

/**
 * The transfer core: a whole copy, or a stage of a LargeObjectCopy (an event with `action`, staged.ts). Validates the event (a bad one returns a `ValidationError` result naming the field, before any
 * S3 request), then copies. A retryable S3 error before any part is copied is rethrown; a permanent one is returned.
 */
export function transfer(event: unknown, deps: HandlerDeps): Promise<TransferResult | StagedCopyResult | FailureResult | BatchResponse> {
  return runInvocation(SPEC, event, deps);
}

async function runTransfer(ev: TransferEvent, d: Required<HandlerDeps>): Promise<TransferResult> {
  const dst = d.storage({ bucket: ev.destinationBucket, region: ev.destinationRegion });
  try {
    if (ev.continuation) return await finish(dst, ev, await copyStep(dst, ev, ev.continuation, d.context, d.log, true), ev.continuation, d);
    const src = d.storage({ bucket: ev.sourceBucket, region: ev.sourceRegion });
    try {
      const head = await src.head(ev.sourceKey, { versionId: ev.sourceVersionId });
      const source = { bucket: ev.sourceBucket, key: ev.sourceKey, versionId: head.versionId ?? ev.sourceVersionId };
      if (!ev.multipart && head.size <= MAX_SINGLE_PUT_SIZE_BYTES) {
        const copied = await dst.copy(ev.sourceKey, ev.destinationKey, {
          sourceBucket: ev.sourceBucket,
          sourceVersionId: source.versionId,
          storageClass: ev.storageClass,
          sourceConditions: { ifMatch: head.etag },
          multipart: false,
        });
        return {
          status: 'Succeeded',
          method: 'CopyObject',
          source,
          destination: { bucket: ev.destinationBucket, key: ev.destinationKey, versionId: copied.versionId, etag: copied.etag },
          sizeBytes: head.size,
        };
      }
      // The part layout is checked before CreateMultipartUpload, so a bad part size leaves no upload behind.
      const partSizeBytes = partSizeForKnownSize(
        head.size,
        ev.partSizeBytes ? { partSizeBytes: ev.partSizeBytes } : { targetPartSizeBytes: DEFAULT_COPY_PART_SIZE_BYTES },
      );
      const tags = await src.send(new GetObjectTaggingCommand({ Bucket: ev.sourceBucket, Key: ev.sourceKey, VersionId: source.versionId }), {
        key: ev.sourceKey,
      });
      const tagging = new URLSearchParams((tags.TagSet ?? []).map((t): [string, string] => [t.Key ?? '', t.Value ?? ''])).toString();
      const uploadId = await createCopyUpload(dst, ev, head, tagging);
      d.log.info('multipart copy started', { uploadId, sizeBytes: head.size, partSizeBytes, destinationKey: ev.destinationKey });
      const state: TransferContinuation = {
        uploadId,
        sourceETag: head.etag,
        sourceVersionId: source.versionId,
        sizeBytes: head.size,
        partSizeBytes,
        parts: [],
      };
      return await finish(dst, ev, await copyStep(dst, ev, state, d.context, d.log, false), state, d);
    } finally {
      src.destroy();
    }
  } finally {
    dst.destroy();
  }
}

/** The result of one step; with `continuations: false`, an unfinished copy is aborted and fails instead. */
async function finish(dst: S3Storage, ev: TransferEvent, outcome: StepOutcome, state: TransferContinuation, d: Required<HandlerDeps>): Promise<TransferResult> {
  const result = toResult(ev, outcome, state);
  if (result.status !== 'InProgress' || ev.continuations) return result;
  const message =
    `the copy of ${ev.sourceKey} (${state.sizeBytes} bytes) did not finish in one invocation (${result.progress.partsDone} of ` +
    `${result.progress.partsTotal} parts) and continuations are off; upload ${state.uploadId} was aborted. ` +
    'Invoke the function with a transfer event (it returns a continuation), or raise its timeout or concurrency';
  await abort(dst, ev, state.uploadId, new StorageError(message), d.log);
  return { status: 'Failed', errorType: 'InvocationTooShort', errorMessage: message, progress: result.progress };
}

function toResult(ev: TransferEvent, outcome: StepOutcome, state: TransferContinuation): TransferResult {
  const total = Math.ceil(state.sizeBytes / state.partSizeBytes);
  if (outcome.kind === 'completed') {
    return {
      status: 'Succeeded',
      method: 'UploadPartCopy',
      source: { bucket: ev.sourceBucket, key: ev.sourceKey, versionId: state.sourceVersionId },
      destination: { bucket: ev.destinationBucket, key: ev.destinationKey, versionId: outcome.versionId, etag: outcome.etag },
      sizeBytes: state.sizeBytes,
      partsTotal: outcome.partsTotal,
    };
  }
  const c = outcome.continuation;
  const done = new Set(c.parts.map(([n]) => n));
  let bytesDone = 0;
  for (const n of done) bytesDone += Math.min(state.sizeBytes, n * state.partSizeBytes) - (n - 1) * state.partSizeBytes;
  let next: number | undefined;
  for (let n = 1; n <= total && next === undefined; n++) if (!done.has(n)) next = n;
  const progress = { partsDone: done.size, partsTotal: total, bytesDone, totalBytes: state.sizeBytes };
  const nextRange =
    next === undefined ? undefined : { start: (next - 1) * state.partSizeBytes, end: Math.min(state.sizeBytes, next * state.partSizeBytes) - 1 };
  const e = outcome.lastError;
  return {
    status: 'InProgress',
    reason: outcome.reason,
    continuation: c,
    progress,
    nextRange,
    lastError: e && { name: e.name, message: e.message, s3Code: e.s3Code },
  };
}
