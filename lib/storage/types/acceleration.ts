import type { AccelerationCostEstimate, AccelerationEdgeClass } from '../../rules/pricing/acceleration';

/**
 * A bucket's Transfer Acceleration state. `'Disabled'` is a bucket on which it was never configured (S3 answers
 * with no status); once configured it is `'Enabled'` or `'Suspended'`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAccelerateConfiguration.html
 */
export type AccelerationStatus = 'Enabled' | 'Suspended' | 'Disabled';

/**
 * The two endpoints a storage can send to: `'regional'` (the configured endpoint, or `s3.<region>.amazonaws.com`) and
 * `'accelerated'` (`<bucket>.s3-accelerate.amazonaws.com`).
 */
export type EndpointKind = 'regional' | 'accelerated';

/** Traffic through one endpoint since the storage was created. */
export interface AccelerationTraffic {
  /** Requests sent (each SDK `send`, the SDK's own retries included in one). */
  readonly requests: number;
  /** Requests of those that failed. */
  readonly failedRequests: number;
  /** Bytes of request bodies (PutObject, UploadPart) of requests that succeeded. */
  readonly bytesSent: number;
  /** Bytes of GetObject response bodies read to the end. */
  readonly bytesReceived: number;
  /**
   * Measured throughput per request in MB/s (10^6 bytes): body bytes / the time from sending each request to its
   * answer (uploads) or to the end of its body (downloads). Per request, so parallel parts are not summed. Undefined
   * before any body moved.
   */
  readonly throughputMBps?: number;
}

/** Options of `accelerationMetrics()`. */
export interface AccelerationMetricsOptions {
  /** The edge class to price uploads at. @default 'other' ($0.08/GB, the dearer class: an upper bound) */
  readonly edgeClass?: AccelerationEdgeClass;
}

/** What `accelerationMetrics()` returns. */
export interface AccelerationMetrics {
  /** The configured mode. */
  readonly mode: 'off' | 'on' | 'auto';
  /** Why acceleration never applies to this storage (mode off, custom endpoint, path style, dotted name), if so. */
  readonly notApplicable?: string;
  /**
   * The bucket's setting as read by `'auto'` (once per instance; `'Suspended'` after S3 answered `InvalidRequest`
   * "not configured"); undefined before it is read.
   */
  readonly bucketStatus?: AccelerationStatus;
  /** Why reading the setting failed (it then counts as `'Disabled'`), when it did. */
  readonly bucketStatusError?: string;
  /** Traffic per endpoint. */
  readonly regional: AccelerationTraffic;
  /** Traffic per endpoint. */
  readonly accelerated: AccelerationTraffic;
  /** Requests replayed on the regional endpoint after the accelerated one failed (or refused to replay a stream). */
  readonly fallbacks: number;
  /** The latest fallback. */
  readonly lastFallback?: { readonly at: Date; readonly command: string; readonly reason: string };
  /** While a cool-down after a fallback runs: when the accelerate endpoint is used again. */
  readonly coolDownUntil?: Date;
  /**
   * The acceleration fee for the accelerated bytes, as an **upper bound**: AWS does not charge it for a transfer it
   * judged not faster with acceleration, and the client cannot see which edge class served it.
   */
  readonly cost: AccelerationCostEstimate;
}

/** Input of `compareAcceleration()`. */
export interface CompareAccelerationInput {
  /** Size of each test upload in bytes, 1 byte to 5 GiB (one PutObject). @default 8388608 (8 MiB) */
  readonly sizeBytes?: number;
  /** Uploads per endpoint, 1 to 50; the median is reported. @default 3 */
  readonly samples?: number;
  /**
   * The gain the accelerated median must show over the regional one for the recommendation to be `'accelerate'`, as a
   * fraction (0.1 = 10 % faster): acceleration costs extra per GB, so a gain in the noise is not worth it.
   * @default 0.1
   */
  readonly minGain?: number;
  /** Where the test objects go; they are deleted at the end, even on error. @default '.bucketkit/acceleration-compare/' */
  readonly keyPrefix?: string;
  /** @default - none */
  readonly abortSignal?: AbortSignal;
}

/** What `compareAcceleration()` returns. */
export interface CompareAccelerationResult {
  /** The size of each upload, bytes. */
  readonly sizeBytes: number;
  /** Uploads per endpoint. */
  readonly samples: number;
  /** Median upload speed through the regional endpoint, MB/s (10^6 bytes). */
  readonly regionalMBps: number;
  /** Median upload speed through the accelerate endpoint, MB/s. */
  readonly acceleratedMBps: number;
  /** Every sample's speed, MB/s, in the order run (the endpoints alternate). */
  readonly regionalSamplesMBps: readonly number[];
  /** Every sample's speed, MB/s, in the order run. */
  readonly acceleratedSamplesMBps: readonly number[];
  /** `acceleratedMBps / regionalMBps - 1`: 0.5 means 50 % faster accelerated, negative means slower. */
  readonly gain: number;
  /** `'accelerate'` when `gain >= minGain`, else `'regional'`. */
  readonly recommendation: 'accelerate' | 'regional';
}
