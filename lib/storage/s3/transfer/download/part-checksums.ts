/**
 * Every part's checksum in one request, for a `part-checksums` download: GetObjectAttributes with `ObjectParts`
 * lists each part's size and checksum (up to 1,000 parts per answer), in place of one HEAD `?partNumber` per range.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
import { GetObjectAttributesCommand, type ObjectPart } from '@aws-sdk/client-s3';
import { AbortedError, StorageError } from '../../../errors';
import type { DownloadOptions } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import { customerKeyInput } from '../../core/encryption';
import { rangeLength, type DownloadTarget } from './target';

/** The parts one GetObjectAttributes answer lists at most (its `MaxParts` limit). */
const MAX_LISTED_PARTS = 1000;

/**
 * Clients whose store failed a GetObjectAttributes: their later downloads go straight to HEAD `?partNumber` (a store
 * that answers 500 to it costs the SDK's retries once, not on every download).
 */
const failedOn = new WeakSet<object>();

/**
 * The checksums (base64, as S3 reports them) of the object's parts, by range index, for the ranges whose part the
 * answer lists with the range's exact size and an `algorithm` checksum. Undefined when the store does not answer
 * (no GetObjectAttributes: Ceph RGW 16 answers 500; no `s3:GetObjectAttributes` permission), and from then on for
 * the same client. The caller asks HEAD
 * `?partNumber` for any range not listed. The answer is not pinned to the download's ETag (GetObjectAttributes has
 * no `If-Match`), but every range's GET is: were the object replaced meanwhile, its GETs fail with 412 before any
 * listed checksum is compared with them.
 * @throws AbortedError when the download was cancelled
 */
export async function listPartChecksums(
  ctx: S3Context,
  key: string,
  target: DownloadTarget,
  algorithm: string,
  options: DownloadOptions,
  signal: AbortSignal,
): Promise<Map<number, string> | undefined> {
  if (failedOn.has(ctx.client)) return undefined;
  try {
    const out = await ctx.send(
      new GetObjectAttributesCommand({
        Bucket: ctx.bucket,
        Key: key,
        VersionId: target.versionId ?? options.versionId,
        // One attribute: the SDK joins several with ", ", which MinIO refuses ("Invalid attribute name specified.").
        ObjectAttributes: ['ObjectParts'],
        MaxParts: MAX_LISTED_PARTS,
        RequestPayer: ctx.requestPayer,
        ...customerKeyInput(options.customerKey),
      }),
      { key, abortSignal: signal },
    );
    const listed = new Map<number, string>();
    for (const part of out.ObjectParts?.Parts ?? []) {
      const index = (part.PartNumber ?? 0) - 1;
      const value = part[`Checksum${algorithm}` as keyof ObjectPart];
      if (index >= 0 && index < target.ranges && part.Size === rangeLength(target, index) && typeof value === 'string') listed.set(index, value);
    }
    return listed;
  } catch (error) {
    if (error instanceof AbortedError || signal.aborted) throw error;
    // A store's answer (a StorageError) marks the client; anything else is not the store's to blame.
    if (error instanceof StorageError) failedOn.add(ctx.client);
    return undefined;
  }
}
