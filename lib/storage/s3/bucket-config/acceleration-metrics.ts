/**
 * `accelerationMetrics()`: traffic per endpoint, fallbacks, measured throughput and the upper bound of the Transfer
 * Acceleration fee, from the counters the session's acceleration router keeps (core/acceleration-router.ts).
 */
import { estimateAccelerationCost, TRANSFER_ACCELERATION_PRICES, type TransferAccelerationPriceTable } from '../../../rules/pricing/acceleration';
import { InvalidArgumentError } from '../../errors';
import type { AccelerationMetrics, AccelerationMetricsOptions } from '../../types/acceleration';
import type { AccelerationRouter } from '../core/acceleration-router';
import type { ResolvedS3StorageConfig } from '../core/config';

/**
 * A snapshot of the acceleration counters of one storage since it was created. The cost is the accelerated request
 * bodies (uploads) at the edge-class IN rate plus the accelerated response bodies (downloads) at the OUT rate, from
 * {@link TRANSFER_ACCELERATION_PRICES}: an **upper bound**, because AWS does not charge the fee for a transfer it
 * judged not faster with acceleration (https://aws.amazon.com/s3/pricing/, "S3 Transfer Acceleration").
 * @throws InvalidArgumentError for an unknown `edgeClass`
 */
export function accelerationMetrics(
  source: { readonly config: ResolvedS3StorageConfig; readonly acceleration: AccelerationRouter },
  options: AccelerationMetricsOptions = {},
  prices: TransferAccelerationPriceTable = TRANSFER_ACCELERATION_PRICES,
): AccelerationMetrics {
  const edgeClass = options?.edgeClass ?? 'other';
  if (edgeClass !== 'other' && edgeClass !== 'us-eu-jp') {
    throw new InvalidArgumentError(`edgeClass: must be 'us-eu-jp' or 'other' (got ${JSON.stringify(edgeClass)})`, { field: 'edgeClass' });
  }
  const state = source.acceleration.state();
  const accelerated = state.traffic.accelerated;
  return {
    mode: source.config.accelerate,
    notApplicable: state.notApplicable,
    bucketStatus: state.bucketStatus,
    bucketStatusError: state.bucketStatusError,
    regional: state.traffic.regional,
    accelerated,
    fallbacks: state.fallbacks,
    lastFallback: state.lastFallback,
    coolDownUntil: state.coolDownUntil,
    cost: estimateAccelerationCost({ bytesIn: accelerated.bytesSent, bytesOut: accelerated.bytesReceived, edgeClass }, prices),
  };
}
