/**
 * CSV manifests for S3 Batch Operations jobs, written by listing a prefix: one row `bucket,key` per object, the key
 * URL-encoded as Batch Operations requires, grouped by what each object needs (e.g. a Copy up to 5 GB, a Lambda
 * invoke above). The rows go to local temporary files first (memory stays flat at millions of keys), so the caller
 * can refuse the run from the counts before anything is written to S3; then each group is uploaded and its ETag read.
 *
 * Why a CSV manifest and not CreateJob's `ManifestGenerator`: the CLI must know the objects' sizes and classes before
 * it creates a job (to split copies at 5 GB and refuse when no function is given, to skip objects that are not
 * archived), it can show the counts, and the manifest can be checked against a real S3 (moto) in tests.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectSummary, S3Storage } from '../../lib/storage';

/** The CSV format Batch Operations reads (CreateJob `Manifest.Spec.Format`). */
export const CSV_MANIFEST_FORMAT = 'S3BatchOperations_CSV_20180820';
/** The columns bucketkit writes (CreateJob `Manifest.Spec.Fields`): the current version of each key, no VersionId. */
export const CSV_MANIFEST_FIELDS = ['Bucket', 'Key'] as const;

/** A key as a manifest row needs it: URL-encoded (UTF-8), with `/` kept for readability. */
export function manifestKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

/** One CSV row, with its newline. */
export function manifestRow(bucket: string, key: string): string {
  return `${bucket},${manifestKey(key)}\n`;
}

/** A manifest uploaded to S3: what CreateJob's `Manifest.Location` needs. */
export interface UploadedManifest {
  readonly bucket: string;
  readonly key: string;
  /** The ETag S3 returned, without quotes. */
  readonly etag: string;
  /** Rows (objects) in it. */
  readonly count: number;
}

/** Manifests listed into local files, not yet uploaded. Call {@link dispose} in every case. */
export class LocalManifests {
  /** Rows per group. */
  public readonly counts = new Map<string, number>();
  /** Objects left out, by reason (e.g. `STANDARD: not archived`). */
  public readonly skipped = new Map<string, number>();
  /** Bytes per group (the objects' sizes). */
  public readonly bytes = new Map<string, number>();

  private constructor(private readonly dir: string) {}

  /**
   * Lists every object under `prefix` of `storage`'s bucket and files it in the group `classify` returns (a string),
   * or counts it skipped (an object `{ skip: reason }`).
   */
  public static async list(
    storage: S3Storage,
    bucket: string,
    prefix: string,
    classify: (object: ObjectSummary) => string | { readonly skip: string },
    abortSignal?: AbortSignal,
  ): Promise<LocalManifests> {
    const self = new LocalManifests(await mkdtemp(join(tmpdir(), 'bucketkit-manifest-')));
    try {
      for await (const page of storage.list({ prefix, abortSignal })) {
        const chunks = new Map<string, string[]>();
        for (const object of page.objects) {
          const group = classify(object);
          if (typeof group !== 'string') {
            self.skipped.set(group.skip, (self.skipped.get(group.skip) ?? 0) + 1);
            continue;
          }
          const rows = chunks.get(group) ?? [];
          rows.push(manifestRow(bucket, object.key));
          chunks.set(group, rows);
          self.counts.set(group, (self.counts.get(group) ?? 0) + 1);
          self.bytes.set(group, (self.bytes.get(group) ?? 0) + object.size);
        }
        for (const [group, rows] of chunks) await appendFile(self.file(group), rows.join(''));
      }
      return self;
    } catch (error) {
      await self.dispose();
      throw error;
    }
  }

  /** Rows in `group` (0 when none). */
  public count(group: string): number {
    return this.counts.get(group) ?? 0;
  }

  /**
   * Uploads `group`'s rows to `bucket` at `key` through `storage` (a storage on the manifest bucket; multipart for a
   * large manifest). @throws Error when the group has no rows
   */
  public async upload(group: string, storage: S3Storage, bucket: string, key: string, abortSignal?: AbortSignal): Promise<UploadedManifest> {
    const count = this.count(group);
    if (count === 0) throw new Error(`manifest group ${group} has no rows`);
    const result = await storage.upload(key, { filePath: this.file(group) }, { contentType: 'text/csv', abortSignal });
    return { bucket, key, etag: result.etag.replace(/"/g, ''), count };
  }

  /** Removes the local files. */
  public async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private file(group: string): string {
    return join(this.dir, `${group.replace(/[^A-Za-z0-9-]/g, '_')}.csv`);
  }
}

/** A manifest key under `prefix`: `<prefix>bucketkit-<operation>-<UTC time>-<random>-<group>.csv`. */
export function manifestObjectKey(prefix: string, operation: string, group: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${prefix}bucketkit-${operation}-${stamp}-${randomUUID().slice(0, 8)}-${group}.csv`;
}
