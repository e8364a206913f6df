/**
 * The transfer engines' public defaults and file-name suffixes, kept apart from the engines so that importing a
 * constant does not load an engine.
 */
import { MIB } from '../../../../rules/limits';

/** Part size `put()` uses for a stream of unknown length larger than its buffer. */
export const STREAM_PART_SIZE_BYTES = 8 * MIB;
/** Bytes per ranged GET by default: the top of AWS's 8–16 MB guidance. */
export const DEFAULT_RANGE_SIZE_BYTES = 16 * MIB;
/** Ranges follow the object's part boundaries when its parts are at most this large. */
export const MAX_ALIGNED_RANGE_SIZE_BYTES = 64 * MIB;
/** The suffix of the file a download writes before the atomic rename. */
export const PARTIAL_SUFFIX = '.partial';
/** The suffix of a download's state sidecar, next to the `.partial` file. */
export const DOWNLOAD_STATE_SUFFIX = '.partial.json';
// Part size aimed for by a multipart copy: its one home is lib/rules/part-size.ts (the scale-out constructs plan with it too).
export { DEFAULT_COPY_PART_SIZE_BYTES } from '../../../../rules/part-size';
/** Parts one batch (one worker invocation) of a staged copy copies, by default: 10 parts of at most 5 GiB stay well inside 15 minutes. */
export const DEFAULT_PARTS_PER_BATCH = 10;
/**
 * The most batches a staged copy's plan returns. Batches travel inline in a Step Functions state (at most 256 KiB:
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); 2,000 batches of
 * `{"firstPartNumber":9991,"lastPartNumber":10000}` are about 90 KB. `partsPerBatch` is raised to stay within it.
 */
export const MAX_PART_BATCHES = 2_000;
