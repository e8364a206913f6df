/**
 * S3 Transfer Acceleration prices and the upper-bound estimate of what accelerated traffic costs. Pure data: no
 * request is made. https://aws.amazon.com/s3/pricing/ ("Data Transfer" tab, "S3 Transfer Acceleration").
 *
 * This file imports nothing and never throws the rules' `InvalidArgumentError`, so `bucketkit/storage`
 * (`accelerationMetrics()`) may use it without reaching the throwing estimator (test/rules/errors.test.ts).
 */

/** Bytes in a billed GB (2^30), as `BYTES_PER_GB` in estimate.ts (not imported: see above). */
const BILLED_GB_BYTES = 1024 ** 3;

/**
 * The class of AWS edge location that accelerated an upload, which sets its price. The client cannot see which edge
 * served it, so estimates default to the dearer `'other'` class (an upper bound).
 * - `'us-eu-jp'`: edge locations in the United States, Europe and Japan.
 * - `'other'`: every other edge location.
 */
export type AccelerationEdgeClass = 'us-eu-jp' | 'other';

/**
 * Transfer Acceleration prices in USD per GB (1 GB = 2^30 bytes), charged on top of the normal data transfer prices,
 * dated and sourced. Replace it with your own table for a later date.
 */
export interface TransferAccelerationPriceTable {
  /** Where the numbers come from. */
  readonly source: string;
  /** The day the numbers were read, ISO 8601 (`YYYY-MM-DD`). */
  readonly retrievedOn: string;
  /** What in the table is not verified against the source, if anything. */
  readonly caveats?: string;
  /** Data transferred IN to S3 from the internet (uploads), USD per GB, by edge class. */
  readonly inUsdPerGb: Readonly<Record<AccelerationEdgeClass, number>>;
  /** Data transferred OUT from S3 to the internet (downloads), USD per GB, any edge. */
  readonly outUsdPerGb: number;
  /** Data transferred between S3 and another AWS Region, USD per GB. */
  readonly betweenRegionsUsdPerGb: number;
  /** Monthly volume above which AWS asks to be contacted for pricing, in GB. */
  readonly contactAwsAboveGbPerMonth: number;
}

/**
 * Transfer Acceleration prices (every Region that offers it): IN $0.04/GB through edges in the US, Europe and Japan
 * and $0.08/GB through all other edges; OUT $0.04/GB; between S3 and another Region $0.04/GB; above 500 TB a month,
 * contact AWS. AWS checks each transfer and does not charge the fee when acceleration was likely not faster.
 * https://aws.amazon.com/s3/pricing/ ("Data Transfer" > "S3 Transfer Acceleration"), as recorded in
 * ../shared/reference/object-features.md section 4 (pricing-page mirror).
 */
export const TRANSFER_ACCELERATION_PRICES: TransferAccelerationPriceTable = Object.freeze({
  source: 'https://aws.amazon.com/s3/pricing/ ("Data Transfer" > "S3 Transfer Acceleration")',
  retrievedOn: '2026-12-05',
  caveats: 'Read off a pricing-page mirror; not re-checked against the live page or the Price List API from this machine (no network).',
  inUsdPerGb: Object.freeze({ 'us-eu-jp': 0.04, other: 0.08 }),
  outUsdPerGb: 0.04,
  betweenRegionsUsdPerGb: 0.04,
  contactAwsAboveGbPerMonth: 500 * 1024,
});

/** Input of {@link estimateAccelerationCost}. */
export interface AccelerationCostInput {
  /** Bytes uploaded through the accelerate endpoint (request bodies). */
  readonly bytesIn: number;
  /** Bytes downloaded through the accelerate endpoint (response bodies). */
  readonly bytesOut: number;
  /** The edge class that served the uploads. @default 'other' (the dearer class: an upper bound) */
  readonly edgeClass?: AccelerationEdgeClass;
}

/** What {@link estimateAccelerationCost} returns. */
export interface AccelerationCostEstimate {
  /**
   * The most the acceleration fee can be for this traffic, in USD. An upper bound: AWS does not charge it for a
   * transfer it judged not faster with acceleration, and the edge class is unknown to the client.
   */
  readonly upperBoundUsd: number;
  /** The part for uploads, USD. */
  readonly inUsd: number;
  /** The part for downloads, USD. */
  readonly outUsd: number;
  /** The edge class the upload rate was taken for. */
  readonly edgeClass: AccelerationEdgeClass;
  /** The table's source and date. */
  readonly priceSource: string;
  /** The table's date. */
  readonly pricesRetrievedOn: string;
}

/**
 * The upper bound of the Transfer Acceleration fee for some accelerated traffic: bytes / 2^30 x the rate.
 * @throws TypeError for a negative or non-finite byte count (a programming error, not S3 input)
 */
export function estimateAccelerationCost(
  input: AccelerationCostInput,
  table: TransferAccelerationPriceTable = TRANSFER_ACCELERATION_PRICES,
): AccelerationCostEstimate {
  for (const field of ['bytesIn', 'bytesOut'] as const) {
    const value = input[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new TypeError(`${field} must be a non-negative number of bytes, got ${String(value)}`);
  }
  const edgeClass = input.edgeClass ?? 'other';
  const inUsd = (input.bytesIn / BILLED_GB_BYTES) * table.inUsdPerGb[edgeClass];
  const outUsd = (input.bytesOut / BILLED_GB_BYTES) * table.outUsdPerGb;
  return { upperBoundUsd: inUsd + outUsd, inUsd, outUsd, edgeClass, priceSource: table.source, pricesRetrievedOn: table.retrievedOn };
}
