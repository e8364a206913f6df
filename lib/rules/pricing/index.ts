// Cost estimation: pure, dated price tables and the estimator. Re-exported by `bucketkit/rules`.
export { PriceTable, StoragePriceBand, RestoreTierPrice, PRICE_TABLES, US_EAST_1_PRICES, EU_WEST_1_PRICES, AP_SOUTHEAST_2_PRICES } from './tables';
export { WorkloadObjects, CostTransitionInput, CostLifecycleRule, WorkloadRestore, StorageWorkload, CostCategory, CostLine, CostEstimate } from './types';
export {
  estimateStorageCost,
  BYTES_PER_GB,
  ARCHIVE_STANDARD_OVERHEAD_BYTES,
  ARCHIVE_CLASS_OVERHEAD_BYTES,
  INTELLIGENT_TIERING_MONITORING_MIN_BYTES,
  DEFAULT_DAYS_PER_MONTH,
} from './estimate';
export {
  AccelerationEdgeClass,
  TransferAccelerationPriceTable,
  TRANSFER_ACCELERATION_PRICES,
  AccelerationCostInput,
  AccelerationCostEstimate,
  estimateAccelerationCost,
} from './acceleration';
