import { BYTES_PER_GB, estimateAccelerationCost, TRANSFER_ACCELERATION_PRICES } from 'bucketkit/rules';

describe('Transfer Acceleration prices (https://aws.amazon.com/s3/pricing/, "S3 Transfer Acceleration")', () => {
  test('the table is dated and sourced, with the published rates', () => {
    expect(TRANSFER_ACCELERATION_PRICES).toMatchObject({
      inUsdPerGb: { 'us-eu-jp': 0.04, other: 0.08 },
      outUsdPerGb: 0.04,
      betweenRegionsUsdPerGb: 0.04,
      source: expect.stringContaining('https://aws.amazon.com/s3/pricing/'),
    });
    expect(TRANSFER_ACCELERATION_PRICES.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('100 GB up through a US edge and 10 GB down: $4.00 + $0.40', () => {
    const e = estimateAccelerationCost({ bytesIn: 100 * BYTES_PER_GB, bytesOut: 10 * BYTES_PER_GB, edgeClass: 'us-eu-jp' });
    expect(e.inUsd).toBeCloseTo(4, 10);
    expect(e.outUsd).toBeCloseTo(0.4, 10);
    expect(e.upperBoundUsd).toBeCloseTo(4.4, 10);
  });

  test('the edge class defaults to the dearer one (an upper bound): 1 GB up is $0.08', () => {
    const e = estimateAccelerationCost({ bytesIn: BYTES_PER_GB, bytesOut: 0 });
    expect(e).toMatchObject({ edgeClass: 'other', pricesRetrievedOn: TRANSFER_ACCELERATION_PRICES.retrievedOn });
    expect(e.upperBoundUsd).toBeCloseTo(0.08, 10);
  });

  test('a replacement table is used as given; bad byte counts are refused', () => {
    const table = { ...TRANSFER_ACCELERATION_PRICES, inUsdPerGb: { 'us-eu-jp': 0.05, other: 0.1 }, retrievedOn: '2030-01-01' };
    expect(estimateAccelerationCost({ bytesIn: 2 * BYTES_PER_GB, bytesOut: 0 }, table)).toMatchObject({ upperBoundUsd: 0.2, pricesRetrievedOn: '2030-01-01' });
    expect(() => estimateAccelerationCost({ bytesIn: -1, bytesOut: 0 })).toThrow(/bytesIn/);
    expect(() => estimateAccelerationCost({ bytesIn: 0, bytesOut: Number.NaN })).toThrow(/bytesOut/);
  });
});
