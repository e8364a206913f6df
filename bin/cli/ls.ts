/**
 * `bucketkit ls s3://bucket[/prefix]`: the objects under a prefix in a table (last modified, size, storage class,
 * key), on `S3Storage.list` (ListObjectsV2, every page). Without `--recursive`, keys are grouped at `/` and the
 * groups are listed as `PRE` rows, like `aws s3 ls`. `--json` prints one JSON object.
 */
import type { Command } from 'commander';
import type { ObjectSummary } from '../../lib/storage';
import { addS3Options, formatBytes, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';
import { formatDate, renderTable } from './table';

/** What `ls` found. */
export interface LsResult {
  readonly bucket: string;
  readonly prefix: string;
  readonly objects: readonly ObjectSummary[];
  readonly commonPrefixes: readonly string[];
}

/** Lists every page under the URL's prefix. */
export async function runLs(url: string, options: S3CommandOptions & { recursive?: boolean }): Promise<LsResult> {
  const { bucket, key: prefix } = parseS3Url(url, '<url>');
  const storage = openStorage(bucket, options);
  const objects: ObjectSummary[] = [];
  const commonPrefixes: string[] = [];
  try {
    for await (const page of storage.list({ prefix, delimiter: options.recursive ? undefined : '/' })) {
      objects.push(...page.objects);
      commonPrefixes.push(...page.commonPrefixes);
    }
  } finally {
    storage.destroy();
  }
  return { bucket, prefix, objects, commonPrefixes };
}

/** The listing as a table, then a total line. */
export function formatLs(r: LsResult): string {
  const rows = [
    ...r.commonPrefixes.map((p) => ['', 'PRE', '', p]),
    ...r.objects.map((o) => [formatDate(o.lastModified), formatBytes(o.size), String(o.storageClass), o.key]),
  ];
  const total = r.objects.reduce((sum, o) => sum + o.size, 0);
  const footer = `${r.objects.length} object(s), ${formatBytes(total)}${r.commonPrefixes.length ? `, ${r.commonPrefixes.length} prefix(es)` : ''}`;
  return rows.length === 0
    ? `no objects under s3://${r.bucket}/${r.prefix}`
    : `${renderTable(['Last modified', 'Size', 'Class', 'Key'], rows, [1])}\n${footer}`;
}

/** Adds `ls` to the program. */
export function addLsCommand(program: Command, out: (s: string) => void): void {
  const command = program
    .command('ls')
    .description('list the objects under s3://bucket/prefix in a table')
    .argument('<url>', 's3://bucket or s3://bucket/prefix')
    .option('--recursive', 'every key under the prefix, not grouped at /')
    .option('--json', 'print the listing as JSON');
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit ls s3://my-bucket/logs/\n  bucketkit ls s3://my-bucket --recursive --json\n\nExit codes: 0 ok, 1 failure, 2 usage, 3 bucket not found, 4 access denied.',
    )
    .action(async (url: string, opts: S3CommandOptions & { recursive?: boolean; json?: boolean }) => {
      const r = await runLs(url, opts);
      out(opts.json ? JSON.stringify(r, null, 2) : formatLs(r));
    });
}
