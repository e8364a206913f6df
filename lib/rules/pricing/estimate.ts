import { InvalidArgumentError } from '../errors';
import { KIB } from '../limits';
import { RESTORE_TIERS } from '../restore';
import { storageClassInfo, type RestoreTier } from '../storage-classes';
import { PRICE_TABLES, type PriceTable } from './tables';
import type { CostCategory, CostEstimate, CostLine, StorageWorkload, WorkloadObjects } from './types';

/** Bytes in a billed GB: AWS bills binary GB (2^30 bytes). https://aws.amazon.com/s3/pricing/ (footnotes) */
export const BYTES_PER_GB = 1024 ** 3;
/** Per archived object, this many bytes are billed at the STANDARD rate (8 KiB). */
export const ARCHIVE_STANDARD_OVERHEAD_BYTES = 8 * KIB;
/** Per archived object, this many bytes are billed at the archive class's rate (32 KiB). */
export const ARCHIVE_CLASS_OVERHEAD_BYTES = 32 * KIB;
/** Intelligent-Tiering monitors (and charges for) only objects larger than this (128 KiB). */
export const INTELLIGENT_TIERING_MONITORING_MIN_BYTES = 128 * KIB;
/** Days in a month when the workload does not say (30). */
export const DEFAULT_DAYS_PER_MONTH = 30;

interface Step {
  readonly day: number;
  readonly storageClass: string;
}
interface Plan {
  readonly steps: readonly Step[];
  readonly lifeDays: number;
}

const fail = (field: string, message: string): never => {
  throw new InvalidArgumentError(field, message);
};
const isWhole = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const className = (c: string | { value: string }): string => (typeof c === 'string' ? c : c?.value);
const days = (d: { toDays(): number } | undefined, plain: number | undefined): number | undefined => (d && typeof d.toDays === 'function' ? d.toDays() : plain);

function priced(prices: PriceTable, storageClass: unknown, field: string): string {
  const info = typeof storageClass === 'string' ? storageClassInfo(storageClass) : undefined;
  if (!info || prices.storageUsdPerGbMonth[info.name] === undefined) {
    fail(field, `unknown or unpriced storage class ${String(storageClass)}; priced: ${Object.keys(prices.storageUsdPerGbMonth).join(', ')}`);
  }
  return storageClass as string;
}

function validate(w: StorageWorkload, prices: PriceTable): void {
  if (!isWhole(w.months, 1)) fail('months', `must be a whole number, 1 or more (got ${String(w.months)})`);
  if (w.daysPerMonth !== undefined && !isWhole(w.daysPerMonth, 1)) fail('daysPerMonth', `must be a whole number, 1 or more (got ${String(w.daysPerMonth)})`);
  if (!Array.isArray(w.objects)) fail('objects', 'must be an array of { sizeBytes, count }');
  w.objects.forEach((o, i) => {
    if (typeof o?.sizeBytes !== 'number' || !Number.isFinite(o.sizeBytes) || o.sizeBytes < 0)
      fail(`objects[${i}].sizeBytes`, `must be 0 or more bytes (got ${String(o?.sizeBytes)})`);
    if (!isWhole(o.count, 0)) fail(`objects[${i}].count`, `must be a whole number, 0 or more (got ${String(o.count)})`);
    if (o.addedOnDay !== undefined && !isWhole(o.addedOnDay, 0)) fail(`objects[${i}].addedOnDay`, `must be a whole number, 0 or more`);
    if (o.deleteAfterDays !== undefined && !isWhole(o.deleteAfterDays, 1)) fail(`objects[${i}].deleteAfterDays`, `must be a whole number, 1 or more`);
  });
  if (w.deleteAfterDays !== undefined && !isWhole(w.deleteAfterDays, 1))
    fail('deleteAfterDays', `must be a whole number, 1 or more (got ${String(w.deleteAfterDays)})`);
  if (w.storageClass !== undefined) priced(prices, w.storageClass, 'storageClass');
  (w.lifecycleRules ?? []).forEach((rule, i) =>
    (rule.transitions ?? []).forEach((t, j) => {
      const field = `lifecycleRules[${i}].transitions[${j}]`;
      if (storageClassInfo(className(t.storageClass))?.lifecycleTarget !== true)
        fail(`${field}.storageClass`, `is not a lifecycle target: ${className(t.storageClass)}`);
      priced(prices, className(t.storageClass), `${field}.storageClass`);
      const d = days(t.transitionAfter, t.days);
      if (!isWhole(d, 0)) fail(`${field}.transitionAfter`, `must be a whole number of days, 0 or more (got ${String(d)})`);
    }),
  );
  const rq = w.requestsPerMonth;
  for (const k of ['put', 'get'] as const) {
    if (rq?.[k] !== undefined && !(typeof rq[k] === 'number' && rq[k]! >= 0)) fail(`requestsPerMonth.${k}`, 'must be 0 or more');
  }
  if (w.retrievals !== undefined) {
    if (!(typeof w.retrievals.gbPerMonth === 'number' && w.retrievals.gbPerMonth >= 0)) fail('retrievals.gbPerMonth', 'must be 0 or more GB');
    if (w.retrievals.storageClass !== undefined) priced(prices, w.retrievals.storageClass, 'retrievals.storageClass');
  }
  (w.restores ?? []).forEach((r, i) => {
    if (r.tier !== undefined && !RESTORE_TIERS.includes(r.tier))
      fail(`restores[${i}].tier`, `must be one of ${RESTORE_TIERS.join(', ')} (got ${String(r.tier)})`);
    if (r.month !== undefined && !(isWhole(r.month, 1) && r.month <= w.months))
      fail(`restores[${i}].month`, `must be a whole number from 1 to months (${w.months})`);
    if (r.fraction !== undefined && !(typeof r.fraction === 'number' && r.fraction >= 0 && r.fraction <= 1))
      fail(`restores[${i}].fraction`, 'must be from 0 to 1');
    if (r.days !== undefined && !isWhole(r.days, 1)) fail(`restores[${i}].days`, `must be a whole number of days, 1 or more (got ${String(r.days)})`);
  });
}

/** The class an object group is in from each day of its life on, and how long it lives. */
function planFor(w: StorageWorkload, group: WorkloadObjects, notes: Set<string>): Plan {
  const steps: Step[] = [{ day: 0, storageClass: w.storageClass ?? 'STANDARD' }];
  let lifeDays = group.deleteAfterDays ?? w.deleteAfterDays ?? Infinity;
  for (const rule of w.lifecycleRules ?? []) {
    if (rule.enabled === false) continue;
    if (rule.objectSizeGreaterThan !== undefined && !(group.sizeBytes > rule.objectSizeGreaterThan)) continue;
    if (rule.objectSizeLessThan !== undefined && !(group.sizeBytes < rule.objectSizeLessThan)) continue;
    if (rule.prefix || rule.tagFilters) notes.add('lifecycle rules with a prefix or tag filter were applied to every object');
    for (const t of rule.transitions ?? []) steps.push({ day: days(t.transitionAfter, t.days)!, storageClass: className(t.storageClass) });
    const expiry = days(rule.expiration, rule.expirationDays);
    if (expiry !== undefined) lifeDays = Math.min(lifeDays, expiry);
  }
  steps.sort((a, b) => a.day - b.day);
  return { steps, lifeDays };
}

type Acc = Map<string, number>;
const add = (acc: Acc, key: string, value: number) => acc.set(key, (acc.get(key) ?? 0) + value);

/**
 * Estimates what S3 charges for a workload, month by month, from a dated price table. Pure: no request is sent, so it
 * runs at synth (`StorageBucket.estimateCost`) and at run time alike.
 *
 * Lines are kept apart as AWS bills them: storage GB-months per class (STANDARD by its volume bands); the extra
 * GB-months of the 128 KiB minimum billable size (STANDARD_IA, ONEZONE_IA, GLACIER_IR); the 40 KiB per archived object
 * (8 KiB at STANDARD, 32 KiB at the archive rate); requests; lifecycle transition requests into each class; retrieval
 * GB and retrieval requests by tier; the restored temporary copy at the STANDARD rate; early-deletion charges for
 * objects that leave a class before its minimum duration; and Intelligent-Tiering monitoring. GB are 2^30 bytes; a
 * GB-month is a GB stored for `daysPerMonth` days.
 * Sources: https://aws.amazon.com/s3/pricing/, https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
 *
 * @throws InvalidArgumentError (from `bucketkit/rules`) naming the field: a negative size or count, months < 1, an
 *   unknown or unpriced class, a transition to a class lifecycle cannot target, an unknown tier, restore days < 1,
 *   Expedited on DEEP_ARCHIVE, or a region with no table and no `prices`.
 */
export function estimateStorageCost(workload: StorageWorkload): CostEstimate {
  const region = workload?.region ?? 'us-east-1';
  const prices =
    workload?.prices ?? PRICE_TABLES[region] ?? fail('region', `no price table for ${region}; pass prices (carried: ${Object.keys(PRICE_TABLES).join(', ')})`);
  validate(workload, prices);
  const D = workload.daysPerMonth ?? DEFAULT_DAYS_PER_MONTH;
  const totalDays = workload.months * D;
  const notes = new Set<string>();
  const lines: CostLine[] = [];
  const line = (
    month: number,
    category: CostCategory,
    storageClass: string,
    quantity: number,
    unit: CostLine['unit'],
    unitPriceUsd: number,
    tier?: RestoreTier,
  ) => {
    if (quantity > 0) lines.push({ month, category, storageClass, tier, quantity, unit, unitPriceUsd, usd: quantity * unitPriceUsd });
  };
  const storage = prices.storageUsdPerGbMonth;
  const perMonth = Array.from({ length: workload.months }, () => ({
    data: new Map() as Acc,
    minSize: new Map() as Acc,
    overhead: new Map() as Acc,
    itObjects: 0,
  }));
  const transitions = Array.from({ length: workload.months }, () => new Map() as Acc);
  const early = Array.from({ length: workload.months }, () => new Map() as Acc);
  const plans = workload.objects.map((g) => planFor(workload, g, notes));

  workload.objects.forEach((group, gi) => {
    const { steps, lifeDays } = plans[gi];
    const start = group.addedOnDay ?? 0;
    const gb = (group.count * group.sizeBytes) / BYTES_PER_GB;
    const billableGb = (cls: string) => (group.count * Math.max(group.sizeBytes, storageClassInfo(cls)?.minBillableObjectSizeBytes ?? 0)) / BYTES_PER_GB;
    const leave = (cls: string, enteredAt: number, age: number) => {
      const min = storageClassInfo(cls)?.minStorageDays ?? 0;
      const day = start + age;
      if (age - enteredAt < min && day < totalDays) add(early[Math.floor(day / D)], cls, (billableGb(cls) * (min - (age - enteredAt))) / D);
    };
    let current = steps[0].storageClass;
    let enteredAt = 0;
    for (let age = 0; start + age < totalDays && age < lifeDays; age++) {
      for (const step of steps) {
        if (step.day !== age || step.storageClass === current || (age === 0 && step === steps[0])) continue;
        if (age > 0) leave(current, enteredAt, age);
        current = step.storageClass;
        enteredAt = age;
        add(transitions[Math.floor((start + age) / D)], current, group.count / 1000);
      }
      const m = perMonth[Math.floor((start + age) / D)];
      const info = storageClassInfo(current);
      add(m.data, current, gb / D);
      add(m.minSize, current, (billableGb(current) - gb) / D);
      if (info?.archive) {
        add(m.overhead, 'STANDARD', (group.count * ARCHIVE_STANDARD_OVERHEAD_BYTES) / BYTES_PER_GB / D);
        add(m.overhead, current, (group.count * ARCHIVE_CLASS_OVERHEAD_BYTES) / BYTES_PER_GB / D);
      }
      if (current === 'INTELLIGENT_TIERING' && group.sizeBytes > INTELLIGENT_TIERING_MONITORING_MIN_BYTES) m.itObjects += group.count / 1000 / D;
    }
    if (Number.isFinite(lifeDays) && start + lifeDays < totalDays) leave(current, enteredAt, lifeDays);
  });

  const initialClass = workload.storageClass ?? 'STANDARD';
  for (let i = 0; i < workload.months; i++) {
    const month = i + 1;
    const m = perMonth[i];
    for (const [cls, gbMonths] of m.data) {
      if (cls === 'STANDARD') {
        const usd = banded(prices, gbMonths);
        line(month, 'storage', cls, gbMonths, 'GB-month', gbMonths > 0 ? usd / gbMonths : 0);
      } else line(month, 'storage', cls, gbMonths, 'GB-month', storage[cls]);
    }
    for (const [cls, gbMonths] of m.minSize) line(month, 'minimum-size', cls, gbMonths, 'GB-month', storage[cls]);
    for (const [cls, gbMonths] of m.overhead) line(month, 'archive-overhead', cls, gbMonths, 'GB-month', storage[cls]);
    for (const [cls, k] of transitions[i]) line(month, 'lifecycle-transitions', cls, k, '1k requests', prices.transitionUsdPer1000[cls] ?? 0);
    for (const [cls, gbMonths] of early[i]) line(month, 'early-deletion', cls, gbMonths, 'GB-month', storage[cls]);
    line(month, 'monitoring', 'INTELLIGENT_TIERING', m.itObjects, '1k objects', prices.intelligentTieringMonitoringUsdPer1000Objects);
    line(month, 'requests', initialClass, (workload.requestsPerMonth?.put ?? 0) / 1000, '1k requests', prices.putUsdPer1000[initialClass] ?? 0);
    line(month, 'requests', initialClass, (workload.requestsPerMonth?.get ?? 0) / 1000, '1k requests', prices.getUsdPer1000[initialClass] ?? 0);
    if (workload.retrievals) {
      const cls = workload.retrievals.storageClass ?? initialClass;
      line(month, 'retrieval-gb', cls, workload.retrievals.gbPerMonth, 'GB', prices.retrievalUsdPerGb[cls] ?? 0);
    }
  }
  (workload.restores ?? []).forEach((r, ri) => restoreLines(workload, plans, prices, r, ri, D, line));
  const months = perMonth.map((_, i) => ({ month: i + 1, usd: lines.filter((l) => l.month === i + 1).reduce((s, l) => s + l.usd, 0) }));
  return {
    totalUsd: months.reduce((s, m) => s + m.usd, 0),
    months,
    lines,
    prices: { region: prices.region, source: prices.source, retrievedOn: prices.retrievedOn },
    notes: [...notes],
  };
}

/** STANDARD storage across its volume bands, USD. */
function banded(prices: PriceTable, gbMonths: number): number {
  let usd = 0;
  let below = 0;
  for (const band of prices.standardStorage) {
    const inBand = Math.max(0, Math.min(gbMonths, band.upToGbMonths) - below);
    usd += inBand * band.usdPerGbMonth;
    below = band.upToGbMonths;
    if (gbMonths <= below) break;
  }
  return usd;
}

type LineFn = (
  month: number,
  category: CostCategory,
  storageClass: string,
  quantity: number,
  unit: CostLine['unit'],
  unitPriceUsd: number,
  tier?: RestoreTier,
) => void;

/** Retrieval GB, retrieval requests and the temporary copy of one restore, for the objects archived on its month's first day. */
function restoreLines(
  w: StorageWorkload,
  plans: readonly Plan[],
  prices: PriceTable,
  r: StorageWorkload['restores'] extends readonly (infer R)[] | undefined ? R : never,
  ri: number,
  D: number,
  line: LineFn,
): void {
  const month = r.month ?? 1;
  const tier = r.tier ?? 'Standard';
  const day = (month - 1) * D;
  const fraction = r.fraction ?? 1;
  w.objects.forEach((group, gi) => {
    const start = group.addedOnDay ?? 0;
    const age = day - start;
    const { steps, lifeDays } = plans[gi];
    if (age < 0 || age >= lifeDays) return;
    const cls = [...steps].reverse().find((s) => s.day <= age)!.storageClass;
    if (cls !== 'GLACIER' && cls !== 'DEEP_ARCHIVE') return;
    const price = prices.restore[cls][tier];
    if (!price) fail(`restores[${ri}].tier`, `${tier} is not offered for ${cls}`);
    const count = group.count * fraction;
    const gb = (count * group.sizeBytes) / BYTES_PER_GB;
    line(month, 'retrieval-gb', cls, gb, 'GB', price!.usdPerGb, tier);
    line(month, 'retrieval-requests', cls, count / 1000, '1k requests', price!.usdPer1000Requests, tier);
    if (r.days) line(month, 'restored-copy', 'STANDARD', (gb * r.days) / D, 'GB-month', prices.storageUsdPerGbMonth.STANDARD);
  });
}
