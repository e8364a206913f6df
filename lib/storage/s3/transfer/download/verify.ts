/**
 * The download engine's end-to-end checks, after every range is in: the ranges' digests against the object's
 * checksum (composite or full-object, by CRC combine) or ETag (multipart or plain MD5).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { IntegrityError, type IntegrityCheck } from '../../../errors';
import type { S3Context } from '../../core/context';
import { crcCombineAll, type CombinableCrc } from '../../core/hashing/crc-combine';
import { engines, type HashPool } from '../../core/hashing/hash-pool';
import { hashFileRange } from '../shared/file-hash';
import { multipartEtag, unquoteEtag } from '../shared/checksums';
import type { VerificationPlan } from './checks';
import { rangeLength, type DownloadTarget } from './target';

/**
 * Runs the plan's final check on the ranges' digests (hex, in range order). `wholeMd5` is the MD5 of the whole object
 * for an `md5-etag` plan with other than one range (taken in order by the caller); with one range its digest is it.
 * @throws IntegrityError when the bytes do not match
 */
export function assertRangesMatch(
  ctx: S3Context,
  key: string,
  target: DownloadTarget,
  plan: VerificationPlan,
  digests: readonly string[],
  wholeMd5?: string,
): void {
  const v = plan.verification;
  switch (v.kind) {
    case 'part-checksums':
    case 'composite-checksum': {
      const hasher = engines().create(v.algorithm);
      for (const d of digests) hasher.update(Buffer.from(d, 'hex'));
      return expectEqual(ctx, key, 'composite-checksum', plan.expected!, Buffer.from(hasher.digest()).toString('base64'));
    }
    case 'full-object-crc': {
      const pieces = digests.map((d, i) => ({ crc: Buffer.from(d, 'hex'), length: rangeLength(target, i) }));
      return expectEqual(ctx, key, 'full-object-crc', plan.expected!, crcCombineAll(v.algorithm as CombinableCrc, pieces).toString('base64'));
    }
    case 'multipart-etag':
      return expectEqual(ctx, key, 'multipart-etag', unquoteEtag(target.etag), multipartEtag(digests));
    case 'md5-etag':
      // One range: its MD5 is the object's. None (an empty object) or several: the whole MD5 taken by the caller.
      return expectEqual(ctx, key, 'md5-etag', unquoteEtag(target.etag), target.ranges === 1 ? digests[0] : wholeMd5!);
    default:
      return undefined;
  }
}

function expectEqual(ctx: S3Context, key: string, check: IntegrityCheck, expected: string, actual: string): void {
  if (actual === expected) return;
  throw new IntegrityError(`download of ${key}: the bytes received give ${check} ${actual}, not the object's ${expected}`, {
    check,
    expected,
    actual,
    bucket: ctx.bucket,
    key,
  });
}

/** The digests of `file` in the target's ranges, hashed with `algorithm` on the pool (for ranges resumed without one). */
export async function digestsOfFile(pool: HashPool, file: string, target: DownloadTarget, algorithm: VerificationPlan['rangeAlgorithm']): Promise<string[]> {
  const digests: string[] = [];
  for (let i = 0; i < target.ranges; i++) {
    const start = i * target.rangeSize;
    digests.push((await hashFileRange(pool, file, algorithm, start, rangeLength(target, i))).toString('hex'));
  }
  return digests;
}
