import {
  AP_SOUTHEAST_2_PRICES,
  BYTES_PER_GB,
  estimateStorageCost,
  EU_WEST_1_PRICES,
  InvalidArgumentError,
  PRICE_TABLES,
  US_EAST_1_PRICES,
} from 'bucketkit/rules';

const GB = BYTES_PER_GB;
const within1Percent = (actual: number, published: number) => expect(Math.abs(actual - published) / published).toBeLessThan(0.01);
const sum = (lines: readonly { usd: number }[]) => lines.reduce((s, l) => s + l.usd, 0);

describe("AWS's own worked examples (within 1%)", () => {
  // AWS re:Post, "How do I manage data retrieval and storage costs for S3 Glacier ...",
  // https://repost.aws/knowledge-center/s3-manage-data-retrieval : 15,000,000 objects, 100 TB (102,400 GB) from
  // S3 Glacier Flexible Retrieval. Standard: 15,000,000 / 1000 * $0.05 = $750 requests, 102,400 * $0.01 = $1,024 per GB,
  // total $1,774. Expedited: 15,000,000 / 1000 * $10 = $150,000 requests.
  const restoreOf = (tier: 'Standard' | 'Expedited') =>
    estimateStorageCost({ months: 1, storageClass: 'GLACIER', objects: [{ sizeBytes: (102_400 * GB) / 15_000_000, count: 15_000_000 }], restores: [{ tier }] })
      .lines;

  test('re:Post, Standard retrieval of 15M objects / 100 TB from GLACIER: $1,774', () => {
    const lines = restoreOf('Standard').filter((l) => l.category === 'retrieval-gb' || l.category === 'retrieval-requests');
    within1Percent(sum(lines), 1_774);
    within1Percent(sum(lines.filter((l) => l.category === 'retrieval-requests')), 750);
    within1Percent(sum(lines.filter((l) => l.category === 'retrieval-gb')), 1_024);
  });

  test('re:Post, Expedited retrieval requests for the same 15M objects: $150,000', () => {
    within1Percent(sum(restoreOf('Expedited').filter((l) => l.category === 'retrieval-requests')), 150_000);
  });

  // The S3 FAQ's storage example (https://aws.amazon.com/s3/faqs/, "How will I be charged and billed for my use of
  // Amazon S3?"): 100 GB in S3 Standard for 15 days of March and 100 TB for its last 16 days come to
  // 42,259,901,212,262,400 Byte-Hours = 52,900 GB-Months.
  test('S3 FAQ storage example: 100 GB for 15 days + 100 TB for 16 days of March = 52,900 GB-Months', () => {
    const estimate = estimateStorageCost({
      months: 1,
      daysPerMonth: 31,
      storageClass: 'STANDARD',
      objects: [
        { sizeBytes: 100 * GB, count: 1, deleteAfterDays: 15 },
        { sizeBytes: 100 * 1024 * GB, count: 1, addedOnDay: 15 },
      ],
    });
    const storage = estimate.lines.filter((l) => l.category === 'storage');
    within1Percent(sum(storage.map((l) => ({ usd: l.quantity }))), 52_900);
    // Priced across the volume bands: 51,200 GB-months at $0.023 and 1,700 at $0.022.
    within1Percent(estimate.totalUsd, 51_200 * 0.023 + 1_700 * 0.022);
  });

  // The same FAQ example as first published with its dollar total (aws.amazon.com/s3/faqs/, 2011 edition, quoted in
  // full at http://filezoomer.com/2011/05/how-does-amazon-s3-calculate-storage-used/): at that day's US Standard bands
  // (first 1 TB $0.140, next 49 TB $0.125, next 450 TB $0.110 per GB-month) the 52,900 GB-Months cost
  // 1,024 x $0.140 + 50,176 x $0.125 + 1,700 x $0.110 = $6,602.36. Priced here with a caller's table of those bands.
  test('S3 FAQ storage example at its published bands: $6,602.36', () => {
    const bands2011 = {
      ...US_EAST_1_PRICES,
      retrievedOn: '2011-05-01',
      standardStorage: [
        { upToGbMonths: 1024, usdPerGbMonth: 0.14 },
        { upToGbMonths: 50 * 1024, usdPerGbMonth: 0.125 },
        { upToGbMonths: 500 * 1024, usdPerGbMonth: 0.11 },
        { upToGbMonths: Infinity, usdPerGbMonth: 0.095 },
      ],
    };
    const estimate = estimateStorageCost({
      months: 1,
      daysPerMonth: 31,
      storageClass: 'STANDARD',
      prices: bands2011,
      objects: [
        { sizeBytes: 100 * GB, count: 1, deleteAfterDays: 15 },
        { sizeBytes: 100 * 1024 * GB, count: 1, addedOnDay: 15 },
      ],
    });
    within1Percent(estimate.totalUsd, 6_602.36);
    expect(estimate.prices.retrievedOn).toBe('2011-05-01');
  });
});

describe('lines', () => {
  test('a STANDARD -> STANDARD_IA -> GLACIER waterfall: transitions, minimum size, archive overhead, early deletion', () => {
    const estimate = estimateStorageCost({
      months: 4,
      objects: [{ sizeBytes: 64 * 1024, count: 1_000_000 }],
      lifecycleRules: [
        {
          transitions: [
            { storageClass: { value: 'STANDARD_IA' }, transitionAfter: { toDays: () => 30 } },
            { storageClass: 'GLACIER', days: 60 },
          ],
        },
      ],
      deleteAfterDays: 100,
    });
    const by = (category: string, month?: number) => estimate.lines.filter((l) => l.category === category && (month === undefined || l.month === month));
    expect(by('storage', 1).map((l) => l.storageClass)).toEqual(['STANDARD']);
    expect(by('storage', 2).map((l) => l.storageClass)).toEqual(['STANDARD_IA']);
    expect(by('lifecycle-transitions').map((l) => [l.month, l.storageClass, l.quantity])).toEqual([
      [2, 'STANDARD_IA', 1000],
      [3, 'GLACIER', 1000],
    ]);
    // 64 KiB objects are billed as 128 KiB in STANDARD_IA.
    expect(by('minimum-size', 2)[0].quantity).toBeCloseTo(by('storage', 2)[0].quantity, 6);
    // 8 KiB at STANDARD and 32 KiB at GLACIER per archived object.
    expect(
      by('archive-overhead', 3)
        .map((l) => l.storageClass)
        .sort(),
    ).toEqual(['GLACIER', 'STANDARD']);
    // Deleted at day 100 after 40 days in GLACIER: 50 days of its 90-day minimum are billed.
    const early = by('early-deletion');
    expect(early).toHaveLength(1);
    expect(early[0].storageClass).toBe('GLACIER');
    expect(early[0].quantity).toBeCloseTo(((1_000_000 * 64 * 1024) / GB) * (50 / 30), 6);
    expect(estimate.months).toHaveLength(4);
    expect(estimate.totalUsd).toBeCloseTo(sum(estimate.lines), 9);
  });

  test('a restore adds retrieval by tier and the temporary copy at the STANDARD rate', () => {
    const estimate = estimateStorageCost({
      months: 1,
      storageClass: 'DEEP_ARCHIVE',
      objects: [{ sizeBytes: GB, count: 10 }],
      restores: [{ tier: 'Bulk', days: 3 }],
    });
    const copy = estimate.lines.find((l) => l.category === 'restored-copy')!;
    expect(copy.quantity).toBeCloseTo((10 * 3) / 30, 9);
    expect(copy.unitPriceUsd).toBe(0.023);
    expect(estimate.lines.find((l) => l.category === 'retrieval-gb')).toMatchObject({ tier: 'Bulk', quantity: 10, unitPriceUsd: 0.0025 });
  });

  test('regions: each table is dated and sourced, and prices differ where the regions do', () => {
    for (const table of Object.values(PRICE_TABLES)) {
      expect(table.source).toMatch(/https:\/\/|AWS/);
      expect(table.retrievedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(Object.keys(PRICE_TABLES)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    const w = { months: 1, storageClass: 'STANDARD', objects: [{ sizeBytes: GB, count: 1000 }] };
    expect(estimateStorageCost({ ...w, region: 'ap-southeast-2' }).totalUsd).toBeGreaterThan(estimateStorageCost(w).totalUsd);
    expect(estimateStorageCost({ ...w, region: 'eu-west-1' }).prices.region).toBe(EU_WEST_1_PRICES.region);
    expect(
      estimateStorageCost({ ...w, prices: { ...US_EAST_1_PRICES, standardStorage: [{ upToGbMonths: Infinity, usdPerGbMonth: 1 }] } }).totalUsd,
    ).toBeCloseTo(1000, 9);
    expect(AP_SOUTHEAST_2_PRICES.caveats).toMatch(/unverified/);
  });
});

describe('bad input throws InvalidArgumentError naming the field', () => {
  const base = { months: 1, storageClass: 'STANDARD', objects: [{ sizeBytes: 1, count: 1 }] };
  test.each([
    [{ ...base, objects: [{ sizeBytes: -1, count: 1 }] }, 'objects[0].sizeBytes'],
    [{ ...base, objects: [{ sizeBytes: 1, count: 1.5 }] }, 'objects[0].count'],
    [{ ...base, months: 0 }, 'months'],
    [{ ...base, storageClass: 'COLD' }, 'storageClass'],
    [{ ...base, storageClass: 'EXPRESS_ONEZONE' }, 'storageClass'],
    [{ ...base, lifecycleRules: [{ transitions: [{ storageClass: 'STANDARD', days: 1 }] }] }, 'lifecycleRules[0].transitions[0].storageClass'],
    [{ ...base, restores: [{ tier: 'Fast' }] }, 'restores[0].tier'],
    [{ ...base, restores: [{ days: 0 }] }, 'restores[0].days'],
    [{ ...base, storageClass: 'DEEP_ARCHIVE', restores: [{ tier: 'Expedited' }] }, 'restores[0].tier'],
    [{ ...base, region: 'mars-1' }, 'region'],
  ])('%j -> %s', (workload, field) => {
    let thrown: unknown;
    try {
      estimateStorageCost(workload as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toBe(field);
  });
});
