/**
 * `compareAcceleration()`: AWS's speed-comparison method run from this client. The same upload goes to the regional
 * and to the accelerate endpoint, alternating, `samples` times each; the medians are compared. AWS's own tool
 * (https://s3-accelerate-speedtest.s3-accelerate.amazonaws.com/en/accelerate-speed-comparsion.html) does the same
 * from a browser. https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration-speed-comparison.html
 */
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { checkBucketName } from '../../../rules/bucket-name';
import { MAX_SINGLE_PUT_SIZE_BYTES, MIB } from '../../../rules/limits';
import { InvalidArgumentError, ObjectNotFoundError, StorageError, UnsupportedFeatureError } from '../../errors';
import type { CompareAccelerationInput, CompareAccelerationResult, EndpointKind } from '../../types/acceleration';
import type { S3Context } from '../core/context';
import { assertKey } from '../core/validation';

/** Default size of each test upload: 8 MiB. */
export const DEFAULT_COMPARE_SIZE_BYTES = 8 * MIB;
/** Default uploads per endpoint. */
export const DEFAULT_COMPARE_SAMPLES = 3;
/** Most uploads per endpoint. */
export const MAX_COMPARE_SAMPLES = 50;
/** Default gain the accelerate endpoint must show to be recommended: 10 %. */
export const DEFAULT_COMPARE_MIN_GAIN = 0.1;
/** Default prefix of the test objects. */
export const DEFAULT_COMPARE_KEY_PREFIX = '.bucketkit/acceleration-compare/';

function invalid(field: string, message: string): never {
  throw new InvalidArgumentError(`${field}: ${message}`, { field });
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Uploads `samples` objects of `sizeBytes` through each endpoint, alternating (regional first in even rounds,
 * accelerated first in odd ones), reports the median MB/s of each and recommends acceleration when it is at least
 * `minGain` faster. Every test object is deleted at the end, on error too (by version id where the bucket is
 * versioned, so no version or delete marker is left). It runs whatever `config.accelerate` says, with no fallback:
 * a failure of the accelerate endpoint (acceleration not enabled on the bucket, say) is the error.
 * @throws InvalidArgumentError for a bad input or a bucket name acceleration cannot use, before any request
 * @throws UnsupportedFeatureError with a custom endpoint or path-style addressing and no `acceleratedClient`
 * @throws StorageError subclasses from S3; a `StorageError` naming the keys when a test object could not be deleted
 */
export async function compareAcceleration(ctx: S3Context, input: CompareAccelerationInput = {}): Promise<CompareAccelerationResult> {
  if (typeof input !== 'object' || input === null) invalid('input', 'must be an object');
  const sizeBytes = input.sizeBytes ?? DEFAULT_COMPARE_SIZE_BYTES;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1 || sizeBytes > MAX_SINGLE_PUT_SIZE_BYTES)
    invalid('sizeBytes', `must be an integer from 1 to ${MAX_SINGLE_PUT_SIZE_BYTES} (one PutObject), got ${String(sizeBytes)}`);
  const samples = input.samples ?? DEFAULT_COMPARE_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_COMPARE_SAMPLES)
    invalid('samples', `must be an integer from 1 to ${MAX_COMPARE_SAMPLES}, got ${String(samples)}`);
  const minGain = input.minGain ?? DEFAULT_COMPARE_MIN_GAIN;
  if (typeof minGain !== 'number' || !Number.isFinite(minGain) || minGain < 0) invalid('minGain', `must be a fraction of 0 or more, got ${String(minGain)}`);
  const prefix = input.keyPrefix ?? DEFAULT_COMPARE_KEY_PREFIX;
  if (typeof prefix !== 'string') invalid('keyPrefix', 'must be a string');
  const config = ctx.config;
  if (config.acceleratedClient === undefined && (config.customEndpoint || config.forcePathStyle)) {
    throw new UnsupportedFeatureError(
      `compareAcceleration: ${config.customEndpoint ? `the custom endpoint ${config.endpoint}` : 'path-style addressing'} has no Transfer Acceleration endpoint to compare with`,
      { feature: 'transferAcceleration', bucket: ctx.bucket },
    );
  }
  const dots = checkBucketName(ctx.bucket, { transferAcceleration: true }).filter((p) => p.ruleId === 'S3-ACCELERATE-BUCKET-NAME-DOTS');
  if (dots.length > 0) invalid('bucket', `${ctx.bucket}: ${dots[0].message}`);
  const run = `${prefix}${randomUUID()}/`;
  assertKey(`${run}accelerated-${samples - 1}`, 'keyPrefix');

  const body = randomBytes(sizeBytes);
  const speeds: Record<EndpointKind, number[]> = { regional: [], accelerated: [] };
  const written: { key: string; versionId?: string }[] = [];
  const attempted: string[] = [];
  let failure: unknown;
  try {
    for (let round = 0; round < samples; round++) {
      const order: EndpointKind[] = round % 2 === 0 ? ['regional', 'accelerated'] : ['accelerated', 'regional'];
      for (const endpoint of order) {
        const key = `${run}${endpoint}-${round}`;
        attempted.push(key);
        const started = performance.now();
        const out = await ctx.send(
          new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body, ContentLength: sizeBytes, RequestPayer: ctx.requestPayer }),
          {
            key,
            endpoint,
            abortSignal: input.abortSignal,
          },
        );
        const seconds = Math.max(performance.now() - started, 0.001) / 1000;
        written.push({ key, versionId: out.VersionId });
        speeds[endpoint].push(sizeBytes / 1e6 / seconds);
      }
    }
  } catch (error) {
    failure = error;
  }
  const leftovers = await removeTestObjects(ctx, attempted, written);
  if (failure !== undefined) throw failure;
  if (leftovers.length > 0) {
    throw new StorageError(`compareAcceleration: could not delete its test objects ${leftovers.join(', ')}; delete them by hand`, { bucket: ctx.bucket });
  }
  const regionalMBps = median(speeds.regional);
  const acceleratedMBps = median(speeds.accelerated);
  const gain = acceleratedMBps / regionalMBps - 1;
  return {
    sizeBytes,
    samples,
    regionalMBps,
    acceleratedMBps,
    regionalSamplesMBps: speeds.regional,
    acceleratedSamplesMBps: speeds.accelerated,
    gain,
    recommendation: gain >= minGain ? 'accelerate' : 'regional',
  };
}

/**
 * Deletes every test object through the regional endpoint, with no abort signal (cleanup runs after an abort too):
 * the written ones by version id, and the ones whose upload failed only if they exist after all (a HEAD first, so
 * a versioned bucket gets no delete marker for an object that was never written). Returns the keys left behind.
 */
async function removeTestObjects(ctx: S3Context, attempted: readonly string[], written: readonly { key: string; versionId?: string }[]): Promise<string[]> {
  const leftovers: string[] = [];
  for (const key of attempted) {
    try {
      let versionId = written.find((w) => w.key === key)?.versionId;
      if (!written.some((w) => w.key === key)) {
        try {
          versionId = (await ctx.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, RequestPayer: ctx.requestPayer }), { key, endpoint: 'regional' }))
            .VersionId;
        } catch (error) {
          if (error instanceof ObjectNotFoundError) continue;
          throw error;
        }
      }
      await ctx.send(new DeleteObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: versionId, RequestPayer: ctx.requestPayer }), {
        key,
        endpoint: 'regional',
      });
    } catch {
      leftovers.push(key);
    }
  }
  return leftovers;
}
