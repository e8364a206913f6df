/**
 * `bucketkit versions s3://bucket/prefix`: every version and delete marker under the prefix, newest first per key,
 * on `S3Storage.listVersions` (ListObjectVersions, every page), in a table. `--json` prints them as JSON.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/list-obj-version-enabled-bucket.html
 */
import type { Command } from 'commander';
import type { ObjectVersion } from '../../lib/storage';
import { addS3Options, formatBytes, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';
import { formatDate, renderTable } from './table';

/** Every version and delete marker under the URL's prefix, in S3's order. */
export async function runVersions(url: string, options: S3CommandOptions): Promise<ObjectVersion[]> {
  const { bucket, key: prefix } = parseS3Url(url, '<url>');
  const storage = openStorage(bucket, options);
  const all: ObjectVersion[] = [];
  try {
    for await (const page of storage.listVersions({ prefix })) all.push(...page.versions);
  } finally {
    storage.destroy();
  }
  return all;
}

/** The versions as a table: key, version id, latest, delete marker, size, class, last modified. */
export function formatVersions(all: readonly ObjectVersion[]): string {
  if (all.length === 0) return 'no versions under that prefix';
  const table = renderTable(
    ['Key', 'Version id', 'Latest', 'Kind', 'Size', 'Class', 'Last modified'],
    all.map((v) => [
      v.key,
      v.versionId,
      v.isLatest ? 'yes' : '',
      v.isDeleteMarker ? 'delete marker' : 'version',
      v.isDeleteMarker ? '' : formatBytes(v.size),
      v.storageClass ?? '',
      formatDate(v.lastModified),
    ]),
    [4],
  );
  const markers = all.filter((v) => v.isDeleteMarker).length;
  return `${table}\n${all.length - markers} version(s), ${markers} delete marker(s)`;
}

/** Adds `versions` to the program. */
export function addVersionsCommand(program: Command, out: (s: string) => void): void {
  const command = program
    .command('versions')
    .description('list every version and delete marker under s3://bucket/prefix')
    .argument('<url>', 's3://bucket or s3://bucket/prefix')
    .option('--json', 'print the versions as JSON');
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit versions s3://my-bucket/reports/q3.csv\n\nExit codes: 0 ok, 1 failure, 2 usage, 3 bucket not found, 4 access denied.',
    )
    .action(async (url: string, opts: S3CommandOptions & { json?: boolean }) => {
      const all = await runVersions(url, opts);
      out(opts.json ? JSON.stringify(all, null, 2) : formatVersions(all));
    });
}
