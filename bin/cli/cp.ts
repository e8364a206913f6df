/**
 * `bucketkit cp <src> <dst>`: copies a file to S3, an object to a file, or an object to another key or bucket.
 *
 * - local to S3: `S3Storage.upload` (multipart above 100 MiB). The upload state is kept beside the file
 *   (`<file>.bucketkit-upload.json`) after every part, so a run that is killed (even SIGKILL) and started again
 *   sends only the parts S3 does not have. Ctrl-C keeps the upload for such a resume.
 * - S3 to local: `S3Storage.download`, written via `<file>.partial`, resumed the same way; missing parent
 *   directories of the destination are made, as `aws s3 cp` does.
 * - S3 to S3: `S3Storage.copy` (CopyObject; multipart UploadPartCopy above 5 GiB), server-side.
 *
 * Progress: a bar with bytes, rate and ETA when stderr is a terminal, plain lines otherwise; `--json` prints one JSON
 * object with the result on stdout and no progress.
 */
import { statSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { MAX_PART_SIZE_BYTES, MIB, MIN_PART_SIZE_BYTES } from '../../lib/rules';
import { BucketNotFoundError, ObjectNotFoundError, type S3Storage, type TransferProgress } from '../../lib/storage';
import { runEngineCp, type EngineOptions } from './cp-engine';
import { selectEngine } from './engine-options';
import { UsageError } from './exit-codes';
import { localPathError, makeDirectories, withLocalPath } from './local-path';
import { reporterFor, type ProgressReporter } from './progress';
import { addCpBatchOptions, cpBatchCommand } from './batch-commands';
import { RANGES, wholeNumberOption } from './numeric-options';
import { addS3Options, formatBytes, isS3Url, openStorage, parseS3Url, type S3CommandOptions } from './s3-target';

/** The smallest part S3 accepts (but the last): 5 MiB (lib/rules). https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const MIN_PART_SIZE_MIB = MIN_PART_SIZE_BYTES / MIB;
/** The largest part S3 accepts: 5 GiB = 5,120 MiB (lib/rules). https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const MAX_PART_SIZE_MIB = MAX_PART_SIZE_BYTES / MIB;

/** Parses `--part-size-mib`. @throws UsageError for a value that is not a whole number of MiB from 5 to 5,120 */
export function partSizeMibOf(value: string | undefined): number | undefined {
  return wholeNumberOption(value, '--part-size-mib', RANGES.partSizeMib);
}

/** Options of {@link runCp}. */
export interface CpOptions extends S3CommandOptions {
  /** Print the result as JSON, no progress. @default false */
  readonly json?: boolean;
  /** No progress output. @default false */
  readonly quiet?: boolean;
  /** Part (and ranged-GET) size in MiB. @default - the library's: 16 MiB, raised to stay within 10,000 parts */
  readonly partSizeMib?: number;
  /** Parts in flight at once. @default 8 */
  readonly concurrency?: number;
  /** A file larger than this many MiB goes up in parts. @default 100 */
  readonly multipartThresholdMib?: number;
  /** Stops the transfer, keeping it resumable. @default - none */
  readonly abortSignal?: AbortSignal;
  /** @default - {@link reporterFor} on stderr */
  readonly reporter?: ProgressReporter;
}

/** What `cp` did: printed as JSON with `--json`. */
export interface CpOutcome {
  readonly operation: 'upload' | 'download' | 'copy';
  readonly source: string;
  readonly destination: string;
  readonly sizeBytes?: number;
  readonly etag?: string;
  readonly versionId?: string;
  /** Parts (upload) or ranges (download) in all, and those found done by an earlier run and not sent again. */
  readonly parts?: number;
  readonly resumed?: number;
  readonly uploadId?: string;
  readonly verifiedBy?: string;
}

/** The key for `dst` when it is a bucket or a "folder" (`''` or ending in `/`): the source's base name appended. */
export function destinationKey(dstKey: string, sourceName: string): string {
  return dstKey === '' || dstKey.endsWith('/') ? `${dstKey}${sourceName}` : dstKey;
}

/** The local path for an object: into `dst` when it is a directory or ends in a separator. */
export function destinationPath(dst: string, key: string): string {
  const name = basename(key);
  if (dst.endsWith('/')) return join(dst, name);
  try {
    if (statSync(dst).isDirectory()) return join(dst, name);
  } catch {
    // not there yet: dst is the file to write
  }
  return dst;
}

/** Runs one cp; see the file comment. @throws UsageError for two local paths, a directory source or a bucket-only source */
export async function runCp(src: string, dst: string, options: CpOptions, err: (s: string) => void): Promise<CpOutcome> {
  const srcS3 = isS3Url(src);
  const dstS3 = isS3Url(dst);
  if (!srcS3 && !dstS3) throw new UsageError('cp: <src> or <dst> must be an s3://bucket/key URL (for two local paths, use your shell)');
  const partSizeBytes = options.partSizeMib === undefined ? undefined : options.partSizeMib * 1024 * 1024;
  const reporter = options.reporter ?? reporterFor('cp', { quiet: options.json === true || options.quiet === true, err });
  const onProgress = (p: TransferProgress): void => reporter.update(p);
  try {
    if (!srcS3) return await upload(src, parseS3Url(dst, '<dst>'), options, partSizeBytes, onProgress);
    const from = parseS3Url(src, '<src>');
    if (from.key === '' || from.key.endsWith('/')) throw new UsageError(`<src>: ${src} names no object (cp copies one object; a prefix is not supported)`);
    if (!dstS3) return await download(from, src, dst, options, partSizeBytes, onProgress);
    return await copy(from, src, parseS3Url(dst, '<dst>'), options, partSizeBytes);
  } finally {
    reporter.finish();
  }
}

async function upload(
  file: string,
  to: { bucket: string; key: string },
  options: CpOptions,
  partSizeBytes: number | undefined,
  onProgress: (p: TransferProgress) => void,
): Promise<CpOutcome> {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UsageError(`<src>: ${file} is a directory (cp copies one file)`);
    size = stat.size;
  } catch (error) {
    // A missing file: `./missing.bin: no such file`, exit 3, like a missing object (local-path.ts for the others).
    throw localPathError(error, file);
  }
  const key = destinationKey(to.key, basename(file));
  const storage = openStorage(to.bucket, options);
  try {
    const r = await storage
      .upload(
        key,
        { filePath: file },
        {
          partSizeBytes,
          multipartThresholdBytes: options.multipartThresholdMib === undefined ? undefined : options.multipartThresholdMib * 1024 * 1024,
          concurrency: options.concurrency,
          onProgress,
          abortSignal: options.abortSignal,
          leaveResumableOnAbort: true,
        },
      )
      .catch((error: unknown) => {
        // Reading the file, or saving the upload state beside it.
        throw localPathError(error, file);
      });
    return {
      operation: 'upload',
      source: file,
      destination: `s3://${to.bucket}/${key}`,
      sizeBytes: size,
      etag: r.etag,
      versionId: r.versionId,
      parts: r.partsCount,
      resumed: r.partsResumed,
      uploadId: r.uploadId,
      verifiedBy: r.verifiedBy,
    };
  } finally {
    storage.destroy();
  }
}

async function download(
  from: { bucket: string; key: string },
  src: string,
  dst: string,
  options: CpOptions,
  rangeSizeBytes: number | undefined,
  onProgress: (p: TransferProgress) => void,
): Promise<CpOutcome> {
  const path = destinationPath(dst, from.key);
  // As `aws s3 cp` does: the missing parent directories are made (and removed again, while empty, if the download fails).
  // A file where a directory is wanted, or no permission: one line naming <dst> (local-path.ts), before any request.
  const made = await withLocalPath(dst, () => makeDirectories(dirname(path)));
  const storage = openStorage(from.bucket, options);
  try {
    const r = await storage.download(from.key, path, { rangeSizeBytes, concurrency: options.concurrency, onProgress, abortSignal: options.abortSignal });
    return {
      operation: 'download',
      source: src,
      destination: path,
      sizeBytes: r.size,
      etag: r.etag,
      versionId: r.versionId,
      parts: r.ranges,
      resumed: r.rangesResumed,
      verifiedBy: r.verifiedBy,
    };
  } catch (error) {
    if (made !== undefined) await removeEmptyDirectories(dirname(path), made);
    // The .partial file, its state sidecar and the final rename: a local path problem names <dst>.
    if (error instanceof BucketNotFoundError) throw missingBucket(from, error);
    throw error instanceof ObjectNotFoundError ? await whichIsMissing(storage, from, error) : localPathError(error, dst);
  } finally {
    storage.destroy();
  }
}

/**
 * A HEAD that gets 404 has no body, so it cannot tell a missing bucket from a missing key. One ListObjectsV2 of at most
 * one key can: S3 answers NoSuchBucket for a missing bucket. Any other failure of the listing (e.g. no
 * s3:ListBucket) keeps the HEAD's error.
 */
async function whichIsMissing(storage: S3Storage, from: { bucket: string; key: string }, error: ObjectNotFoundError): Promise<Error> {
  const where = { bucket: from.bucket, key: from.key, httpStatus: 404, cause: error };
  try {
    const pages = storage.list({ prefix: from.key, pageSize: 1 });
    await pages.next();
    await pages.return?.(undefined);
  } catch (listError) {
    return listError instanceof BucketNotFoundError ? missingBucket(from, error) : error;
  }
  return new ObjectNotFoundError(`NoSuchKey: no object s3://${from.bucket}/${from.key} (the bucket exists)`, { ...where, s3Code: 'NoSuchKey' });
}

/** The CLI's words for a missing bucket (the library's HEAD diagnosis, or the listing above, found it). */
function missingBucket(from: { bucket: string; key: string }, cause: Error): BucketNotFoundError {
  return new BucketNotFoundError(`NoSuchBucket: the bucket ${from.bucket} does not exist (s3://${from.bucket}/${from.key})`, {
    bucket: from.bucket,
    key: from.key,
    httpStatus: 404,
    s3Code: 'NoSuchBucket',
    cause,
  });
}

/** Removes `deepest` and its parents up to `top`, each only while empty (a resumable `.partial` keeps its folder). */
async function removeEmptyDirectories(deepest: string, top: string): Promise<void> {
  for (let d = deepest; ; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}

async function copy(
  from: { bucket: string; key: string },
  src: string,
  to: { bucket: string; key: string },
  options: CpOptions,
  copyPartSizeBytes: number | undefined,
): Promise<CpOutcome> {
  const key = destinationKey(to.key, basename(from.key));
  const storage = openStorage(to.bucket, options);
  try {
    const r = await storage.copy(from.key, key, {
      sourceBucket: from.bucket,
      copyPartSizeBytes,
      copyConcurrency: options.concurrency,
      abortSignal: options.abortSignal,
    });
    return { operation: 'copy', source: src, destination: `s3://${to.bucket}/${key}`, etag: r.etag, versionId: r.versionId };
  } finally {
    storage.destroy();
  }
}

/** The one-line summary of a finished cp. */
export function summary(o: CpOutcome): string {
  const size = o.sizeBytes === undefined ? '' : ` (${formatBytes(o.sizeBytes)}`;
  const parts =
    o.parts !== undefined && o.parts > 1 ? `, ${o.parts} ${o.operation === 'download' ? 'ranges' : 'parts'}${o.resumed ? `, ${o.resumed} resumed` : ''}` : '';
  return `${o.operation}: ${o.source} to ${o.destination}${size}${size ? `${parts})` : ''}`;
}

/** Adds `cp` to the program. */
export function addCpCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  const command = program
    .command('cp')
    .description('copy a file to S3, an object to a file, or an object to another key or bucket; resumable after a kill')
    .argument('<src>', 'a local file or s3://bucket/key')
    .argument('<dst>', 'a local path or s3://bucket/key (a trailing / or a bucket alone keeps the source name)')
    .option('--json', 'print the result as JSON on stdout, no progress')
    .option('--quiet', 'no progress output')
    .option(
      '--part-size-mib <n>',
      `part size (and ranged-GET size) in MiB, ${MIN_PART_SIZE_MIB} to ${MAX_PART_SIZE_MIB} (default: 16, raised to stay within 10,000 parts)`,
    )
    .option('--concurrency <n>', `parts in flight at once, ${RANGES.cpConcurrency.min} to ${RANGES.cpConcurrency.max} (default 8)`)
    .option(
      '--multipart-threshold-mib <n>',
      `upload a file larger than this in parts, ${RANGES.multipartThresholdMib.min} to ${RANGES.multipartThresholdMib.max} (default 100)`,
    )
    .option('--engine <engine>', 'local (this process, default) or step-functions (S3 to S3 on a LargeObjectCopy: --state-machine-arn)')
    .option('--state-machine-arn <arn>', 'the LargeObjectCopy state machine for --engine step-functions');
  addCpBatchOptions(command); // --batch: an S3 Batch Operations job per prefix (batch-commands.ts)
  addS3Options(command)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  bucketkit cp ./backup.tar s3://my-bucket/backups/\n' +
        '  bucketkit cp s3://my-bucket/backups/backup.tar ./restore/\n' +
        '  bucketkit cp s3://my-bucket/a.bin s3://other-bucket/b.bin --json\n\n' +
        'An interrupted upload or download (Ctrl-C, a crash, kill -9) resumes when the same command is run again:\n' +
        'only the missing parts are sent.\n\n' +
        'Exit codes: 0 ok, 1 failure, 2 usage, 3 not found (bucket, key, or a local path that is missing or has a file in the way),\n' +
        '4 access denied (by S3 or a local permission), ' +
        '5 incomplete (--batch --wait or --engine step-functions stopped following at --wait-timeout-minutes; the work goes on).',
    )
    .action(
      async (
        src: string,
        dst: string,
        opts: {
          json?: boolean;
          quiet?: boolean;
          partSizeMib?: string;
          concurrency?: string;
          multipartThresholdMib?: string;
          waitTimeoutMinutes?: string;
          pollIntervalMs?: string;
          batch?: boolean;
        } & S3CommandOptions &
          EngineOptions,
      ) => {
        const engine = selectEngine(opts);
        if (engine === 'batch') return cpBatchCommand(src, dst, opts, { out, err, json: opts.json });
        const partSizeMib = partSizeMibOf(opts.partSizeMib);
        const waitTimeoutMinutes = wholeNumberOption(opts.waitTimeoutMinutes, '--wait-timeout-minutes', RANGES.waitTimeoutMinutes);
        const concurrency = wholeNumberOption(opts.concurrency, '--concurrency', RANGES.cpConcurrency);
        const multipartThresholdMib = wholeNumberOption(opts.multipartThresholdMib, '--multipart-threshold-mib', RANGES.multipartThresholdMib);
        const controller = new AbortController();
        const onSigint = (): void => controller.abort(new Error('interrupted (Ctrl-C); run the same command again to resume'));
        process.once('SIGINT', onSigint);
        try {
          const outcome =
            engine === 'step-functions'
              ? await runEngineCp(
                  src,
                  dst,
                  {
                    ...opts,
                    partSizeMib,
                    waitTimeoutMs: waitTimeoutMinutes === undefined ? undefined : waitTimeoutMinutes * 60_000,
                    pollIntervalMs: wholeNumberOption(opts.pollIntervalMs, '--poll-interval-ms', RANGES.pollIntervalMs),
                    abortSignal: controller.signal,
                  },
                  err,
                )
              : await runCp(src, dst, { ...opts, partSizeMib, concurrency, multipartThresholdMib, abortSignal: controller.signal }, err);
          out(opts.json ? JSON.stringify(outcome, null, 2) : summary(outcome));
        } finally {
          process.removeListener('SIGINT', onSigint);
        }
      },
    );
}
