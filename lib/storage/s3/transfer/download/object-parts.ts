/**
 * The object's parts as GetObjectAttributes `ObjectParts` lists them (number, size, checksums; up to 1,000 per
 * answer): one request that tells a download whether its ranges can follow the parts (target.ts) and each part's
 * checksum (part-checksums.ts). https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
import { GetObjectAttributesCommand, type ObjectPart } from '@aws-sdk/client-s3';
import { AbortedError, StorageError } from '../../../errors';
import type { S3Context } from '../../core/context';
import { customerKeyInput } from '../../core/encryption';

/** The parts one GetObjectAttributes answer lists at most (its `MaxParts` limit). */
const MAX_LISTED_PARTS = 1000;
/** Answers read at most: S3's 10,000 parts at 1,000 per answer. */
const MAX_PAGES = 10;

/**
 * Clients whose store failed a GetObjectAttributes: their later downloads do without it (a store that answers 500 to
 * it costs the SDK's retries once, not on every download).
 */
const failedOn = new WeakSet<object>();

/** What {@link listObjectParts} reads. */
export interface ListedParts {
  /** The parts, in order, as the store listed them (every part, over as many answers as it takes). */
  readonly parts: readonly ObjectPart[];
  /** The object's part count, as the store reports it. */
  readonly total: number | undefined;
}

/**
 * The object's parts, or undefined when the store does not answer (no GetObjectAttributes: Ceph RGW 16 answers 500;
 * no `s3:GetObjectAttributes` permission), and from then on for the same client. The answer is not pinned to the
 * download's ETag (GetObjectAttributes has no `If-Match`), but every range's GET is: were the object replaced
 * meanwhile, its GETs fail with 412 before any listed size or checksum is relied on.
 * @throws AbortedError when the download was cancelled
 */
export async function listObjectParts(
  ctx: S3Context,
  key: string,
  options: { readonly versionId?: string; readonly customerKey?: Uint8Array; readonly abortSignal?: AbortSignal },
): Promise<ListedParts | undefined> {
  if (failedOn.has(ctx.client)) return undefined;
  try {
    const parts: ObjectPart[] = [];
    let total: number | undefined;
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await ctx.send(
        new GetObjectAttributesCommand({
          Bucket: ctx.bucket,
          Key: key,
          VersionId: options.versionId,
          // One attribute: the SDK joins several with ", ", which MinIO refuses ("Invalid attribute name specified.").
          ObjectAttributes: ['ObjectParts'],
          MaxParts: MAX_LISTED_PARTS,
          PartNumberMarker: marker,
          RequestPayer: ctx.requestPayer,
          ...customerKeyInput(options.customerKey),
        }),
        { key, abortSignal: options.abortSignal },
      );
      parts.push(...(out.ObjectParts?.Parts ?? []));
      total ??= out.ObjectParts?.TotalPartsCount;
      const next = out.ObjectParts?.NextPartNumberMarker;
      if (out.ObjectParts?.IsTruncated !== true || next === undefined || next === marker) break;
      marker = next;
    }
    return { parts, total };
  } catch (error) {
    if (error instanceof AbortedError || options.abortSignal?.aborted) throw error;
    // A store's answer (a StorageError) marks the client; anything else is not the store's to blame.
    if (error instanceof StorageError) failedOn.add(ctx.client);
    return undefined;
  }
}
