/**
 * `bucketkit restore s3://bucket/prefix --days N [--tier Standard|Bulk|Expedited]`: asks S3 to restore every archived
 * object under the prefix (or the one key), on `S3Storage.restoreMany` (RestoreObject, concurrent, rate-limited;
 * Expedited falls back to Standard once when S3 has no Expedited capacity). A live count runs on stderr; the table
 * of outcomes (and each failed key) follows. `--state-file` makes a rerun after a crash send no restore twice.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 *
 * At scale the requests can come from AWS instead: `--batch` creates an S3 Batch Operations job (batch-commands.ts),
 * `--engine step-functions` runs a BulkRestore state machine (sfn-restore.ts). See docs/scale-out.md.
 *
 * Exit codes: 0 every key started, already restored, in progress or not archived; 1 some failed; 2 usage;
 * 3 bucket not found; 4 access denied; 5 `--batch --wait` or `--engine step-functions` stopped following at
 * `--wait-timeout-minutes` (the work goes on).
 */
import { Option, type Command } from 'commander';
import { RESTORE_TIERS, type RestoreManyItem, type RestoreTier } from '../../lib/storage';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import { ENGINE_CHOICES, selectEngine } from './engine-options';
import { addBatchOptions, type BatchRawOptions } from './batch-job';
import { reportBatchRun, runBatchRestore } from './batch-commands';
import { sfnRestoreCommand } from './sfn-restore';
import { liveCountFor } from './live-count';
import { localPathError } from './local-path';
import { RANGES, wholeNumberOption } from './numeric-options';
import { addS3Options, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';
import { renderTable } from './table';

/** Options of {@link runRestore}. */
export interface RestoreCommandOptions extends S3CommandOptions {
  readonly days: number;
  /** @default 'Standard' */
  readonly tier?: RestoreTier;
  readonly stateFile?: string;
  readonly concurrency?: number;
}

/** One key's outcome, as printed. */
export interface RestoreRow {
  readonly key: string;
  readonly status: RestoreManyItem['status'];
  readonly tier: RestoreTier;
  readonly fellBackToStandard?: boolean;
  readonly error?: string;
}

/** Restores every key under the URL's prefix; `onItem` sees each outcome as it comes. */
export async function runRestore(url: string, options: RestoreCommandOptions, onItem: (row: RestoreRow) => void): Promise<RestoreRow[]> {
  const { bucket, key: prefix } = parseS3Url(url, '<url>');
  const storage = openStorage(bucket, options);
  const rows: RestoreRow[] = [];
  try {
    for await (const item of storage.restoreMany(prefix, {
      days: options.days,
      tier: options.tier,
      stateFile: options.stateFile,
      concurrency: options.concurrency,
    })) {
      const row: RestoreRow = { key: item.key, status: item.status, tier: item.tier, fellBackToStandard: item.fellBackToStandard, error: item.error?.message };
      rows.push(row);
      onItem(row);
    }
  } catch (error) {
    // The --state-file ledger is the one local file: a problem with it names the option and the path, not Node's error.
    throw options.stateFile === undefined ? error : localPathError(error, options.stateFile, '--state-file');
  } finally {
    storage.destroy();
  }
  return rows;
}

/** Counts by status in a table, then each failed key. */
export function formatRestore(rows: readonly RestoreRow[]): string {
  if (rows.length === 0) return 'no objects under that prefix';
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const table = renderTable(
    ['Status', 'Keys'],
    [...counts].map(([s, n]) => [s, String(n)]),
    [1],
  );
  const fellBack = rows.filter((r) => r.fellBackToStandard).length;
  const failed = rows.filter((r) => r.status === 'failed').map((r) => `failed: ${r.key}: ${r.error ?? 'unknown error'}`);
  return [table, ...(fellBack ? [`${fellBack} key(s) fell back from Expedited to Standard`] : []), ...failed].join('\n');
}

/** Adds `restore` to the program. */
export function addRestoreCommand(program: Command, out: (s: string) => void, err: (s: string) => void, done: (code: number) => void): void {
  const command = program
    .command('restore')
    .description('restore archived (GLACIER, DEEP_ARCHIVE, archived INTELLIGENT_TIERING) objects under a prefix, with a live count')
    .argument('<url>', 's3://bucket/prefix (or one key)')
    .requiredOption('--days <n>', `days the restored copy stays, ${RANGES.restoreDays.min} to ${RANGES.restoreDays.max}`)
    .addOption(new Option('--tier <tier>', 'the retrieval tier').choices(RESTORE_TIERS).default('Standard'))
    .option('--state-file <path>', 'a ledger (JSON lines): a rerun with the same file sends no restore twice')
    .option('--concurrency <n>', `requests in flight at once, ${RANGES.restoreConcurrency.min} to ${RANGES.restoreConcurrency.max} (default 32)`)
    .option('--json', 'print one JSON object per key, no table or live count')
    .addOption(
      new Option('--engine <engine>', 'who sends the restores: this process (local, the default), or a BulkRestore state machine').choices(ENGINE_CHOICES),
    )
    .option('--state-machine-arn <arn>', '--engine step-functions: the BulkRestore state machine')
    .option('--csv-manifest-key <key>', '--engine step-functions: restore the rows of this CSV (bucket,key[,versionId]) in the manifest bucket')
    .option('--inventory-manifest-key <key>', '--engine step-functions: restore the objects of this S3 Inventory manifest.json');
  addBatchOptions(command);
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit restore s3://my-archive/2024/ --days 7 --tier Bulk\n  bucketkit restore s3://my-archive/2024/ --days 1 --state-file restore.jsonl\n\n' +
        'Follow with `bucketkit restore-status s3://my-archive/2024/`.\n\n' +
        'At scale, on AWS engines (docs/scale-out.md):\n' +
        '  bucketkit restore s3://my-archive/2024/ --days 1 --tier Bulk --batch --role-arn <BatchOperationsRole> --manifest s3://ops/batch/ --wait\n' +
        '  bucketkit restore s3://my-archive/2024/ --days 1 --engine step-functions --state-machine-arn <BulkRestore>\n\n' +
        'Exit codes: 0 ok, 1 some keys failed, 2 usage, 3 bucket not found, 4 access denied,\n' +
        '5 incomplete (--batch --wait or --engine step-functions stopped following at --wait-timeout-minutes; the work goes on).',
    )
    .action(async (url: string, opts: RestoreRawOptions) => {
      const days = wholeNumberOption(opts.days, '--days', RANGES.restoreDays)!;
      const concurrency = wholeNumberOption(opts.concurrency, '--concurrency', RANGES.restoreConcurrency);
      const engine = selectEngine(opts);
      if (engine === 'batch')
        return done(reportBatchRun(await runBatchRestore(url, { ...opts, days }, { out, err, json: opts.json }), { out, err, json: opts.json }));
      if (engine === 'step-functions') return done(await sfnRestoreCommand(url, { ...opts, days }, out, err));
      const count = liveCountFor('restore', err, opts.json === true);
      const rows = await runRestore(url, { ...opts, days, concurrency }, (row) => {
        count.add(row.status);
        if (opts.json) out(JSON.stringify(row));
      });
      count.finish();
      if (!opts.json) out(formatRestore(rows));
      done(rows.some((r) => r.status === 'failed') ? EXIT_FAILURE : EXIT_OK);
    });
}

type RestoreRawOptions = S3CommandOptions &
  BatchRawOptions & {
    days: string;
    tier: RestoreTier;
    stateFile?: string;
    concurrency?: string;
    json?: boolean;
    batch?: boolean;
    engine?: string;
    stateMachineArn?: string;
    csvManifestKey?: string;
    inventoryManifestKey?: string;
  };
