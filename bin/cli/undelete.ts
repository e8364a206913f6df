/**
 * `bucketkit undelete s3://bucket/key`: brings a deleted object back in a versioned bucket by removing the delete
 * marker(s) on top of it (`S3Storage.undelete`); the newest real version becomes current again.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html
 *
 * Exit codes: 0 the key has a current version (markers removed, or none to remove), 2 usage, 3 no version to bring
 * back (or no bucket), 4 access denied, 1 other failures.
 */
import type { Command } from 'commander';
import type { UndeleteResult } from '../../lib/storage';
import { UsageError } from './exit-codes';
import { addS3Options, formatBytes, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';

/** Removes the delete markers on top of the URL's key. @throws UsageError for a URL with no key */
export async function runUndelete(url: string, options: S3CommandOptions): Promise<UndeleteResult> {
  const { bucket, key } = parseS3Url(url, '<url>');
  if (key === '') throw new UsageError(`<url>: ${url} names no key`);
  const storage = openStorage(bucket, options);
  try {
    return await storage.undelete(key);
  } finally {
    storage.destroy();
  }
}

/** `undeleted: k (version v, 12 B is current; removed 1 delete marker)`. */
export function formatUndelete(r: UndeleteResult): string {
  const c = r.current;
  const what = `${c.key} (version ${c.versionId}, ${formatBytes(c.size)}, is current`;
  if (r.removedDeleteMarkers.length === 0) return `not deleted: ${what}; no delete marker to remove)`;
  return `undeleted: ${what}; removed ${r.removedDeleteMarkers.length} delete marker(s): ${r.removedDeleteMarkers.join(', ')})`;
}

/** Adds `undelete` to the program. */
export function addUndeleteCommand(program: Command, out: (s: string) => void): void {
  const command = program
    .command('undelete')
    .description('bring back a deleted object in a versioned bucket (remove the delete markers on top of it)')
    .argument('<url>', 's3://bucket/key')
    .option('--json', 'print the result as JSON');
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit undelete s3://my-bucket/reports/q3.csv\n\nExit codes: 0 ok, 1 failure, 2 usage, 3 nothing to bring back (no version, or no bucket), 4 access denied.',
    )
    .action(async (url: string, opts: S3CommandOptions & { json?: boolean }) => {
      const r = await runUndelete(url, opts);
      out(opts.json ? JSON.stringify(r, null, 2) : formatUndelete(r));
    });
}
