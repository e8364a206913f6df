/**
 * Part-size arithmetic for multipart transfers. The arithmetic lives in `lib/rules/part-size.ts` (pure, shared with
 * the Lambda handlers and the scale-out constructs); this module gives it the run-time contract: bad input throws
 * {@link InvalidArgumentError} naming the field, with the same message.
 *
 * S3's limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): parts are 5 MiB to 5 GiB,
 * only the last may be smaller, at most 10,000 parts, an object at most 5 TiB.
 */
import * as rules from '../../../../rules/part-size';
import { InvalidArgumentError } from '../../../errors';

export {
  DEFAULT_MULTIPART_THRESHOLD_BYTES,
  DEFAULT_TARGET_PART_SIZE_BYTES,
  PART_SIZE_ALIGNMENT_BYTES,
  PARTS_PER_SIZE_TIER,
  DEFAULT_STREAM_FIRST_PART_SIZE_BYTES,
  KnownSizeOptions,
  PartLayout,
  LayoutOptions,
  partCountFor,
  usesMultipart,
} from '../../../../rules/part-size';

/** Runs `fn`, turning a {@link rules.PartSizeError} into an {@link InvalidArgumentError} with the same message and field. */
function asArgumentError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof rules.PartSizeError) throw new InvalidArgumentError(error.message, { field: error.field });
    throw error;
  }
}

/**
 * The part size for an object of known size: the target, raised to the smallest whole-MiB size that keeps the
 * upload within 10,000 parts. Throws {@link InvalidArgumentError} above 5 TiB or when a fixed size cannot fit.
 */
export function partSizeForKnownSize(sizeBytes: number, options: rules.KnownSizeOptions = {}): number {
  return asArgumentError(() => rules.partSizeForKnownSize(sizeBytes, options));
}

/**
 * Equal parts of `partSizeBytes`: for a known size, or for stores that require equal parts (e.g. Cloudflare R2).
 * Throws {@link InvalidArgumentError} when the size is outside 5 MiB–5 GiB.
 */
export function fixedLayout(partSizeBytes: number): rules.PartLayout {
  return asArgumentError(() => rules.fixedLayout(partSizeBytes));
}

/**
 * A growing layout for a stream of unknown length: `firstPartSizeBytes` for parts 1..1,000, twice that for the
 * next 1,000, and so on, capped at 5 GiB. Throws {@link InvalidArgumentError} when the first size is outside 5 MiB–5 GiB.
 */
export function growingLayout(firstPartSizeBytes?: number): rules.PartLayout {
  return asArgumentError(() => rules.growingLayout(firstPartSizeBytes));
}

/**
 * Picks the layout: equal parts sized by {@link partSizeForKnownSize} when the size is known; for a stream of
 * unknown length a growing layout, or equal parts of `partSizeBytes` (else the target) when the store needs them.
 * Throws {@link InvalidArgumentError} as those do.
 */
export function layoutFor(sizeBytes: number | undefined, options: rules.LayoutOptions = {}): rules.PartLayout {
  return asArgumentError(() => rules.layoutFor(sizeBytes, options));
}
