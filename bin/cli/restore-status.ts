/**
 * `bucketkit restore-status s3://bucket/prefix`: where each object under the prefix stands (not-archived, archived,
 * in-progress, restored and until when), on `S3Storage.restoreStatusMany` (ListObjectsV2's RestoreStatus, HEAD
 * where the store lacks it). A live count runs on stderr while it lists; then a table per key and the counts.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 */
import type { Command } from 'commander';
import type { ObjectRestoreStatus } from '../../lib/storage';
import { liveCountFor } from './live-count';
import { addS3Options, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';
import { formatDate, renderTable } from './table';

/** The restore state of every object under the URL's prefix; `onItem` sees each as it comes. */
export async function runRestoreStatus(url: string, options: S3CommandOptions, onItem: (s: ObjectRestoreStatus) => void): Promise<ObjectRestoreStatus[]> {
  const { bucket, key: prefix } = parseS3Url(url, '<url>');
  const storage = openStorage(bucket, options);
  const all: ObjectRestoreStatus[] = [];
  try {
    for await (const s of storage.restoreStatusMany(prefix)) {
      all.push(s);
      onItem(s);
    }
  } finally {
    storage.destroy();
  }
  return all;
}

/** One row per key (state, class, expiry), then the counts by state. */
export function formatRestoreStatus(all: readonly ObjectRestoreStatus[]): string {
  if (all.length === 0) return 'no objects under that prefix';
  const table = renderTable(
    ['Key', 'State', 'Class', 'Restored until'],
    all.map((s) => [s.key, s.state, s.archiveStatus ? `${s.storageClass} (${s.archiveStatus})` : s.storageClass, formatDate(s.expiresAt)]),
  );
  const counts = new Map<string, number>();
  for (const s of all) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return `${table}\n${all.length} object(s): ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`;
}

/** Adds `restore-status` to the program. */
export function addRestoreStatusCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  const command = program
    .command('restore-status')
    .description('the restore state of every object under a prefix, in a table, with a live count')
    .argument('<url>', 's3://bucket/prefix')
    .option('--json', 'print the states as JSON, no table or live count');
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit restore-status s3://my-archive/2024/\n\nExit codes: 0 ok, 1 failure, 2 usage, 3 bucket not found, 4 access denied.',
    )
    .action(async (url: string, opts: S3CommandOptions & { json?: boolean }) => {
      const count = liveCountFor('restore-status', err, opts.json === true);
      const all = await runRestoreStatus(url, opts, (s) => count.add(s.state));
      count.finish();
      out(opts.json ? JSON.stringify(all, null, 2) : formatRestoreStatus(all));
    });
}
