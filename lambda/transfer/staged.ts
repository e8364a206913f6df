/**
 * The transfer handler's staged-copy actions (events in staged-event.ts): `bucketkit/storage`'s staged copy
 * (lib/storage/s3/transfer/copy/staged-copy.ts), which composes the multipart copy engine. Loaded with `import()` on
 * the first staged event, so a whole-object copy's cold start does not load it.
 */
import { abortStagedCopy, completeStagedCopy, copyStagedParts, planPartBatches, startStagedCopy, type PartBatch } from 'bucketkit/storage';
import type { HandlerDeps } from '../shared';
import type { StagedCopyEvent, StagedCopyRecord } from './staged-event';

/** What a staged-copy action returns on success. */
export type StagedCopyResult =
  | { readonly status: 'Succeeded'; readonly action: 'plan-copy'; readonly copy: StagedCopyRecord; readonly batches: PartBatch[] }
  | {
      readonly status: 'Succeeded';
      readonly action: 'copy-part-batch';
      readonly firstPartNumber: number;
      readonly lastPartNumber: number;
      readonly parts: { readonly PartNumber: number; readonly ETag: string }[];
    }
  | {
      readonly status: 'Succeeded';
      readonly action: 'complete-copy';
      readonly destination: { readonly bucket: string; readonly key: string; readonly versionId?: string; readonly etag: string };
      readonly sizeBytes: number;
      readonly partCount: number;
    }
  | { readonly status: 'Succeeded'; readonly action: 'abort-copy'; readonly uploadId: string; readonly aborted: boolean };

/** Runs a staged-copy action against the function's S3. */
export async function runStagedCopy(ev: StagedCopyEvent, d: Required<HandlerDeps>): Promise<StagedCopyResult> {
  const bucket = ev.action === 'plan-copy' || ev.action === 'abort-copy' ? ev.destinationBucket : ev.copy.destinationBucket;
  const dst = d.storage({ bucket });
  try {
    switch (ev.action) {
      case 'plan-copy': {
        // partsPerBatch was checked when the event was read, so planning the batches cannot fail after the Create.
        const staged = await startStagedCopy(dst, ev.sourceKey, ev.destinationKey, ev.options);
        const batches = planPartBatches(staged.partCount, ev.partsPerBatch);
        d.log.info('staged copy planned', { uploadId: staged.uploadId, sizeBytes: staged.sizeBytes, partCount: staged.partCount, batches: batches.length });
        return { status: 'Succeeded', action: ev.action, copy: { ...staged, destinationBucket: ev.destinationBucket }, batches };
      }
      case 'copy-part-batch': {
        const parts = await copyStagedParts(dst, ev.copy, ev.batch, { concurrency: ev.concurrency });
        d.log.info('parts copied', { uploadId: ev.copy.uploadId, first: ev.batch.firstPartNumber, last: ev.batch.lastPartNumber });
        return { status: 'Succeeded', action: ev.action, ...ev.batch, parts: parts.map((p) => ({ PartNumber: p.PartNumber ?? 0, ETag: p.ETag ?? '' })) };
      }
      case 'complete-copy': {
        const done = await completeStagedCopy(dst, ev.copy);
        const c = ev.copy;
        return {
          status: 'Succeeded',
          action: ev.action,
          destination: { bucket: c.destinationBucket, key: c.destinationKey, versionId: done.versionId, etag: done.etag },
          sizeBytes: done.sizeBytes,
          partCount: c.partCount,
        };
      }
      case 'abort-copy': {
        const aborted = await abortStagedCopy(dst, ev.destinationKey, ev.uploadId);
        d.log.warn('staged copy aborted', { uploadId: ev.uploadId, key: ev.destinationKey, found: aborted });
        return { status: 'Succeeded', action: ev.action, uploadId: ev.uploadId, aborted };
      }
    }
  } finally {
    dst.destroy();
  }
}
