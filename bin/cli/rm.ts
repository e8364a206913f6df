/**
 * `bucketkit rm s3://bucket/key` deletes one object (`S3Storage.delete`); `rm s3://bucket/prefix --recursive`
 * deletes every key under the prefix, listed page by page and deleted 1,000 at a time (`S3Storage.deleteMany`,
 * DeleteObjects). In a versioned bucket this writes delete markers (`bucketkit undelete` takes them off).
 * S3 answers a delete of a missing key with success, so `rm` does too.
 *
 * Exit codes: 0 every key deleted, 1 some failed (each is printed), 2 usage, 3 bucket not found, 4 access denied.
 */
import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './exit-codes';
import { addS3Options, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';

/** What `rm` did. */
export interface RmResult {
  readonly deleted: readonly string[];
  readonly errors: readonly { readonly key: string; readonly code: string; readonly message: string }[];
  /** True for `--dry-run`: `deleted` lists what would be deleted. */
  readonly dryRun: boolean;
}

/** Deletes the key, or every key under the prefix with `recursive`. @throws UsageError for a prefix without --recursive */
export async function runRm(url: string, options: S3CommandOptions & { recursive?: boolean; dryRun?: boolean }): Promise<RmResult> {
  const { bucket, key } = parseS3Url(url, '<url>');
  if (!options.recursive && (key === '' || key.endsWith('/')))
    throw new UsageError(`<url>: ${url} names no object; to delete every key under a prefix add --recursive`);
  const storage = openStorage(bucket, options);
  const deleted: string[] = [];
  const errors: { key: string; code: string; message: string }[] = [];
  const dryRun = options.dryRun === true;
  try {
    if (!options.recursive) {
      if (!dryRun) await storage.delete(key);
      return { deleted: [key], errors, dryRun };
    }
    for await (const page of storage.list({ prefix: key })) {
      const keys = page.objects.map((o) => o.key);
      if (keys.length === 0) continue;
      if (dryRun) {
        deleted.push(...keys);
        continue;
      }
      const r = await storage.deleteMany(keys.map((k) => ({ key: k })));
      deleted.push(...r.deleted.map((d) => d.key));
      errors.push(...r.errors.map((e) => ({ key: e.key, code: e.code, message: e.message })));
    }
    return { deleted, errors, dryRun };
  } finally {
    storage.destroy();
  }
}

/** Adds `rm` to the program. */
export function addRmCommand(program: Command, out: (s: string) => void, err: (s: string) => void, done: (code: number) => void): void {
  const command = program
    .command('rm')
    .description('delete one object, or every object under a prefix with --recursive')
    .argument('<url>', 's3://bucket/key, or s3://bucket/prefix with --recursive')
    .option('--recursive', 'delete every key under the prefix (DeleteObjects, 1,000 keys a request)')
    .option('--dry-run', 'print what would be deleted, delete nothing')
    .option('--json', 'print the result as JSON');
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n  bucketkit rm s3://my-bucket/old/report.csv\n  bucketkit rm s3://my-bucket/tmp/ --recursive --dry-run\n\n' +
        'Exit codes: 0 ok, 1 some keys failed, 2 usage, 3 bucket not found, 4 access denied.',
    )
    .action(async (url: string, opts: S3CommandOptions & { recursive?: boolean; dryRun?: boolean; json?: boolean }) => {
      const r = await runRm(url, opts);
      if (opts.json) out(JSON.stringify(r, null, 2));
      else {
        for (const k of r.deleted) out(`${r.dryRun ? '(dry run) delete' : 'delete'}: s3://${parseS3Url(url, '<url>').bucket}/${k}`);
        for (const e of r.errors) err(`failed: ${e.key}: ${e.code}: ${e.message}`);
      }
      done(r.errors.length === 0 ? EXIT_OK : EXIT_FAILURE);
    });
}
