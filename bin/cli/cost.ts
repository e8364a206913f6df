/**
 * `bucketkit cost`: the month-by-month S3 bill of a workload under a bucket's lifecycle rules, from
 * `estimateStorageCost` (bucketkit/rules; dated price tables, no request to AWS pricing). The rules come from a
 * synthesized template (`--template cdk.out/MyStack.template.json`, its `AWS::S3::Bucket`) or from a live bucket
 * (`--bucket s3://name`, GetBucketLifecycleConfiguration). The workload: `--count` objects of `--size` each, written
 * in STANDARD on day 0, over `--months`. See docs/costs.md for what is priced.
 *
 * Exit codes: 0 ok, 1 failure, 2 usage (including a workload the estimator refuses, naming the field), 3 bucket or
 * template file not found, 4 access denied.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_OBJECT_SIZE_BYTES, estimateStorageCost, type CostEstimate } from '../../lib/rules';
import { UsageError } from './exit-codes';
import { localPathError } from './local-path';
import { rulesFromBucket, rulesFromTemplate, type RulesForCost } from './cost-rules';
import { RANGES, wholeNumberOption } from './numeric-options';
import { addS3Options, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';
import { renderTable } from './table';

const SIZE_UNITS: Record<string, number> = { b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/**
 * Parses `--size`: bytes, or a number with B, KiB, MiB, GiB or TiB (binary units), from 0 to 5 TiB (S3's largest
 * object, `MAX_OBJECT_SIZE_BYTES`). @throws UsageError naming `--size` and the range
 */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? (m[2] === '' ? 1 : SIZE_UNITS[m[2].toLowerCase()]) : undefined;
  const bytes = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
  if (bytes === undefined || bytes > MAX_OBJECT_SIZE_BYTES)
    throw new UsageError(
      `--size: must be bytes or a number with B, KiB, MiB, GiB or TiB, from 0 to 5 TiB (S3's largest object) (got ${JSON.stringify(value)})`,
    );
  return bytes;
}

/** Options of {@link runCost}. */
export interface CostCommandOptions extends S3CommandOptions {
  readonly template?: string;
  readonly bucketId?: string;
  readonly bucket?: string;
  readonly sizeBytes: number;
  readonly count: number;
  readonly months: number;
  /** The price table's region. @default - `--region`, else us-east-1 */
  readonly priceRegion?: string;
}

/** The estimate and where its rules came from. */
export interface CostOutcome {
  readonly source: string;
  readonly rules: RulesForCost['rules'];
  readonly estimate: CostEstimate;
}

/** Reads the rules and runs the estimate. @throws UsageError unless exactly one of template and bucket is given */
export async function runCost(options: CostCommandOptions): Promise<CostOutcome> {
  if ((options.template === undefined) === (options.bucket === undefined))
    throw new UsageError('cost: give exactly one of --template <file> and --bucket s3://name');
  let found: RulesForCost;
  let source: string;
  if (options.template !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.template, 'utf8');
    } catch (error) {
      throw localPathError(error, options.template, '--template');
    }
    let template: unknown;
    try {
      template = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--template: not JSON (${(error as Error).message}); give a synthesized template (cdk synth writes JSON)`);
    }
    const r = rulesFromTemplate(template, options.bucketId);
    found = r;
    source = `${options.template}, AWS::S3::Bucket ${r.logicalId}`;
  } else {
    const { bucket, key } = parseS3Url(options.bucket!, '--bucket', 's3://bucket');
    if (key !== '') throw new UsageError(`--bucket: a bucket, not a key (got ${options.bucket})`);
    const storage = openStorage(bucket, options);
    try {
      found = await rulesFromBucket(storage, bucket);
    } finally {
      storage.destroy();
    }
    source = `s3://${bucket} lifecycle configuration`;
  }
  const estimate = estimateStorageCost({
    region: options.priceRegion ?? options.region,
    objects: [{ sizeBytes: options.sizeBytes, count: options.count }],
    months: options.months,
    storageClass: 'STANDARD',
    lifecycleRules: found.rules,
  });
  return { source, rules: found.rules, estimate: { ...estimate, notes: [...estimate.notes, ...found.notes] } };
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

/**
 * Decimal places of the USD figures `--json` prints (`totalUsd`, each month's and each line's `usd`): a millionth of a
 * dollar, finer than any per-request price in the tables (e.g. $0.005 per 1,000 PUTs is $0.000005 a request), so
 * the sums' floating-point noise (276.00000000000006) goes and no priced amount does. Unit prices are printed as the
 * table has them.
 */
export const JSON_USD_DECIMALS = 6;

const roundUsd = (n: number): number => Number(n.toFixed(JSON_USD_DECIMALS));

/** The outcome with its USD figures rounded to {@link JSON_USD_DECIMALS} places, for `--json`; the estimate itself is untouched. */
export function roundedForJson(o: CostOutcome): CostOutcome {
  const e = o.estimate;
  return {
    ...o,
    estimate: {
      ...e,
      totalUsd: roundUsd(e.totalUsd),
      months: e.months.map((m) => ({ ...m, usd: roundUsd(m.usd) })),
      lines: e.lines.map((l) => ({ ...l, usd: roundUsd(l.usd) })),
    },
  };
}

/** Month, cost, and where the storage sits (GB-months by class), then the total, the price table and the notes. */
export function formatCost(o: CostOutcome): string {
  const e = o.estimate;
  const rows = e.months.map((m) => {
    const storage = e.lines.filter((l) => l.month === m.month && l.unit === 'GB-month' && l.category === 'storage');
    const byClass = new Map<string, number>();
    for (const l of storage) byClass.set(l.storageClass, (byClass.get(l.storageClass) ?? 0) + l.quantity);
    const where = [...byClass].map(([c, gb]) => `${c} ${gb.toFixed(1)}`).join(', ');
    return [String(m.month), usd(m.usd), where];
  });
  const table = renderTable(['Month', 'Cost (USD)', 'Storage GB-months by class'], rows, [0, 1]);
  const transitions = o.rules
    .filter((r) => r.enabled !== false)
    .flatMap((r) =>
      (r.transitions ?? []).map((t) => `${String(typeof t.storageClass === 'string' ? t.storageClass : t.storageClass.value)} after ${t.days} days`),
    );
  return [
    `rules: ${o.source}: ${o.rules.length} rule(s)${transitions.length ? ` (${transitions.join(', ')})` : ''}`,
    table,
    `total: ${usd(e.totalUsd)} over ${e.months.length} month(s)`,
    `prices: ${e.prices.region}, ${e.prices.source}, retrieved ${e.prices.retrievedOn}`,
    ...e.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** Adds `cost` to the program. */
export function addCostCommand(program: Command, out: (s: string) => void): void {
  const command = program
    .command('cost')
    .description("estimate a workload's S3 bill month by month under a bucket's lifecycle rules (from a template or a live bucket)")
    .option('--template <file>', 'a synthesized CloudFormation template (JSON), e.g. cdk.out/MyStack.template.json')
    .option('--bucket-id <logicalId>', 'the AWS::S3::Bucket in the template, when it has several')
    .option('--bucket <s3://name>', 'a live bucket: its lifecycle configuration is read (GetBucketLifecycleConfiguration)')
    .requiredOption('--size <size>', 'the size of each object, 0 to 5 TiB: bytes, or with B, KiB, MiB, GiB, TiB (e.g. 4MiB)')
    .requiredOption('--count <n>', 'how many objects are written on day 0 (1 or more)')
    .requiredOption('--months <n>', `months to estimate, ${RANGES.costMonths.min} to ${RANGES.costMonths.max}`)
    .option('--price-region <region>', 'the price table (default: --region, else us-east-1)')
    .option('--json', `print the estimate as JSON (USD amounts rounded to ${JSON_USD_DECIMALS} decimal places)`);
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit cost --template cdk.out/MyStack.template.json --size 4MiB --count 100000 --months 12\n' +
        '  bucketkit cost --bucket s3://my-archive --size 1GiB --count 500 --months 24 --json\n\n' +
        'Exit codes: 0 ok, 1 failure, 2 usage or a workload the estimator refuses, 3 template or bucket not found, 4 access denied.',
    )
    .action(
      async (
        opts: S3CommandOptions & {
          template?: string;
          bucketId?: string;
          bucket?: string;
          size: string;
          count: string;
          months: string;
          priceRegion?: string;
          json?: boolean;
        },
      ) => {
        const o = await runCost({
          ...opts,
          sizeBytes: parseSize(opts.size),
          count: wholeNumberOption(opts.count, '--count', RANGES.costCount)!,
          months: wholeNumberOption(opts.months, '--months', RANGES.costMonths)!,
        });
        out(opts.json ? JSON.stringify(roundedForJson(o), null, 2) : formatCost(o));
      },
    );
}
