/**
 * Part-size arithmetic for multipart transfers: pure data and functions, no I/O, no SDK. The transfer engines
 * (`bucketkit/storage`, which turns {@link PartSizeError} into `InvalidArgumentError`), the Lambda handlers and the
 * scale-out constructs all plan parts with this one file.
 *
 * S3's limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): parts are 5 MiB to 5 GiB,
 * only the last may be smaller, at most 10,000 parts, an object at most 5 TiB.
 */
import { MAX_OBJECT_SIZE_BYTES, MAX_PARTS, MAX_PART_SIZE_BYTES, MAX_SINGLE_PUT_SIZE_BYTES, MIB, MIN_PART_SIZE_BYTES } from './limits';

/** Objects at least this large go multipart by default; smaller ones take one PutObject. */
export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 100 * MIB;
/** The part size aimed for when the size allows it: 8–16 MB ranges are AWS's throughput guidance. */
export const DEFAULT_TARGET_PART_SIZE_BYTES = 16 * MIB;
/** Part sizes are rounded up to a multiple of this ("good" sizes: whole MiB). */
export const PART_SIZE_ALIGNMENT_BYTES = MIB;
/** For a stream of unknown length, the part size doubles after every this many parts. */
export const PARTS_PER_SIZE_TIER = 1000;
/**
 * The first part size of a stream of unknown length. 8 MiB doubling every 1,000 parts carries 8 TiB in 10,000 parts;
 * the smallest first size that carries 5 TiB is just over 5 MiB (5 MiB itself carries 4,995 GiB).
 */
export const DEFAULT_STREAM_FIRST_PART_SIZE_BYTES = 8 * MIB;
/** Part size aimed for by a multipart copy: copies are server-side, so larger parts only save requests. */
export const DEFAULT_COPY_PART_SIZE_BYTES = 64 * MIB;

/**
 * A part-size argument out of S3's limits. `bucketkit/storage` rethrows it as `InvalidArgumentError` with the same
 * message and `field`; deploy-time code turns it into a synth error.
 */
export class PartSizeError extends RangeError {
  /** The offending field, e.g. `size`, `partSizeBytes` or `partsPerBatch`. */
  public readonly field: string;
  public constructor(message: string, field: string) {
    super(message);
    this.name = 'PartSizeError';
    this.field = field;
  }
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function assertPartSize(field: string, value: number): void {
  if (!Number.isInteger(value) || value < MIN_PART_SIZE_BYTES || value > MAX_PART_SIZE_BYTES) {
    throw new PartSizeError(`${field}: must be an integer from ${MIN_PART_SIZE_BYTES} (5 MiB) to ${MAX_PART_SIZE_BYTES} (5 GiB) (got ${value})`, field);
  }
}

/** Options of {@link partSizeForKnownSize}. */
export interface KnownSizeOptions {
  /** The part size aimed for; raised when the object would need more than 10,000 parts. @default DEFAULT_TARGET_PART_SIZE_BYTES */
  readonly targetPartSizeBytes?: number;
  /** Use exactly this part size; fails if the object would then need more than 10,000 parts. @default - computed */
  readonly partSizeBytes?: number;
}

/**
 * The part size for an object of known size: the target, raised to the smallest whole-MiB size that keeps the
 * upload within 10,000 parts (a 5 TiB object gets 525 MiB parts). Throws {@link PartSizeError} above 5 TiB or
 * when a fixed size cannot fit.
 */
export function partSizeForKnownSize(sizeBytes: number, options: KnownSizeOptions = {}): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new PartSizeError(`size: must be a non-negative integer (got ${sizeBytes})`, 'size');
  if (sizeBytes > MAX_OBJECT_SIZE_BYTES) {
    throw new PartSizeError(`size: ${sizeBytes} bytes exceeds S3's ${MAX_OBJECT_SIZE_BYTES}-byte (5 TiB) object limit`, 'size');
  }
  const smallestFitting = Math.max(MIN_PART_SIZE_BYTES, roundUp(Math.ceil(sizeBytes / MAX_PARTS), PART_SIZE_ALIGNMENT_BYTES));
  if (options.partSizeBytes !== undefined) {
    assertPartSize('partSizeBytes', options.partSizeBytes);
    if (partCountFor(sizeBytes, options.partSizeBytes) > MAX_PARTS) {
      throw new PartSizeError(
        `partSizeBytes: ${options.partSizeBytes} bytes would need ${partCountFor(sizeBytes, options.partSizeBytes)} parts for ${sizeBytes} bytes; S3 allows ${MAX_PARTS}. Use at least ${smallestFitting}`,
        'partSizeBytes',
      );
    }
    return options.partSizeBytes;
  }
  const target = options.targetPartSizeBytes ?? DEFAULT_TARGET_PART_SIZE_BYTES;
  assertPartSize('targetPartSizeBytes', target);
  return Math.min(MAX_PART_SIZE_BYTES, Math.max(target, smallestFitting));
}

/** The number of parts for `sizeBytes` in parts of `partSizeBytes`: at least 1 (an empty object is one empty part). */
export function partCountFor(sizeBytes: number, partSizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / partSizeBytes));
}

/** Where parts start and how long they are. Part numbers run from 1. */
export interface PartLayout {
  /** The size of part `partNumber` if the stream has not ended before it. */
  partSize(partNumber: number): number;
  /** The byte offset part `partNumber` starts at. */
  offset(partNumber: number): number;
  /** The most bytes the layout can carry in 10,000 parts. */
  readonly capacityBytes: number;
  /** True when every part but the last has the same size. */
  readonly equalParts: boolean;
}

/** Equal parts of `partSizeBytes`: for a known size, or for stores that require equal parts (e.g. Cloudflare R2). */
export function fixedLayout(partSizeBytes: number): PartLayout {
  assertPartSize('partSizeBytes', partSizeBytes);
  return {
    partSize: () => partSizeBytes,
    offset: (partNumber) => (partNumber - 1) * partSizeBytes,
    capacityBytes: Math.min(MAX_OBJECT_SIZE_BYTES, partSizeBytes * MAX_PARTS),
    equalParts: true,
  };
}

/**
 * A growing layout for a stream of unknown length: `firstPartSizeBytes` for parts 1..1,000, twice that for the
 * next 1,000, and so on, capped at 5 GiB. With the 8 MiB default the 10,000 parts carry 8 TiB, so a 5 TiB stream
 * fits, while a small stream still uses small parts (and little memory).
 */
export function growingLayout(firstPartSizeBytes: number = DEFAULT_STREAM_FIRST_PART_SIZE_BYTES): PartLayout {
  assertPartSize('firstPartSizeBytes', firstPartSizeBytes);
  const sizeOfTier = (tier: number) => Math.min(MAX_PART_SIZE_BYTES, firstPartSizeBytes * 2 ** tier);
  const partSize = (partNumber: number) => sizeOfTier(Math.floor((partNumber - 1) / PARTS_PER_SIZE_TIER));
  const offset = (partNumber: number) => {
    const index = partNumber - 1;
    const fullTiers = Math.floor(index / PARTS_PER_SIZE_TIER);
    let total = 0;
    for (let tier = 0; tier < fullTiers; tier++) total += sizeOfTier(tier) * PARTS_PER_SIZE_TIER;
    return total + (index - fullTiers * PARTS_PER_SIZE_TIER) * sizeOfTier(fullTiers);
  };
  return { partSize, offset, capacityBytes: Math.min(MAX_OBJECT_SIZE_BYTES, offset(MAX_PARTS + 1)), equalParts: false };
}

/** Options of {@link layoutFor}. */
export interface LayoutOptions extends KnownSizeOptions {
  /** The store needs every part but the last to be the same size. @default false */
  readonly equalParts?: boolean;
}

/**
 * Picks the layout: equal parts sized by {@link partSizeForKnownSize} when the size is known; for a stream of
 * unknown length a growing layout, or equal parts of `partSizeBytes` (else the target) when the store needs them.
 */
export function layoutFor(sizeBytes: number | undefined, options: LayoutOptions = {}): PartLayout {
  if (sizeBytes !== undefined) return fixedLayout(partSizeForKnownSize(sizeBytes, options));
  if (options.equalParts || options.partSizeBytes !== undefined)
    return fixedLayout(options.partSizeBytes ?? options.targetPartSizeBytes ?? DEFAULT_TARGET_PART_SIZE_BYTES);
  return growingLayout(options.targetPartSizeBytes ?? DEFAULT_STREAM_FIRST_PART_SIZE_BYTES);
}

/** True when a known size goes multipart: above the threshold (and always above 5 GiB, PutObject's limit). */
export function usesMultipart(sizeBytes: number, thresholdBytes: number = DEFAULT_MULTIPART_THRESHOLD_BYTES): boolean {
  return sizeBytes > thresholdBytes || sizeBytes > MAX_SINGLE_PUT_SIZE_BYTES;
}
