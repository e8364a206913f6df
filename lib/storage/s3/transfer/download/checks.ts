/**
 * Which check a download runs, chosen from what HEAD (with `ChecksumMode: ENABLED`) told about the object, and the
 * per-range work for it: each range is hashed off the event loop (the session's hash pool) and, where the object
 * has per-part checksums, checked against its part before it is written or recorded as done.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { CHECKSUM_TABLE } from '../../../../rules/checksums';
import { AbortedError, IntegrityError, PreconditionFailedError } from '../../../errors';
import type { DownloadOptions, DownloadVerification } from '../../../types/transfer';
import type { S3Context } from '../../core/context';
import type { HashAlgorithm } from '../../core/hashing/engines';
import { hashPoolOf, type HashPool } from '../../core/hashing/hash-pool';
import { headObject } from '../../objects/get';
import { listPartChecksums } from './part-checksums';
import type { DownloadTarget } from './target';

/** Algorithms of a COMPOSITE checksum (the checksum of the parts' checksums). */
type CompositeAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256';
/** Algorithms of a FULL_OBJECT checksum, which CRC combine can rebuild from the ranges. */
type FullObjectCrc = 'CRC32' | 'CRC32C' | 'CRC64NVME';

/** From the checksum table: the algorithms S3 allows as COMPOSITE, and as FULL_OBJECT (all CRCs, so combinable). */
const COMPOSITE_ALGORITHMS = CHECKSUM_TABLE.filter((r) => (r.multipartTypes as readonly string[]).includes('COMPOSITE')).map(
  (r) => r.name as CompositeAlgorithm,
);
const FULL_OBJECT_CRCS = CHECKSUM_TABLE.filter((r) => (r.multipartTypes as readonly string[]).includes('FULL_OBJECT')).map((r) => r.name as FullObjectCrc);
/** Digest bytes per algorithm: a reported checksum of another length is not that algorithm's, and is not used. */
const DIGEST_BYTES = Object.fromEntries(CHECKSUM_TABLE.map((r) => [r.name, r.digestBytes])) as Record<HashAlgorithm, number>;

/** Resolves a settled promise's outcome to nothing. */
const settled = (): void => undefined;

/** The check a download runs. */
export interface VerificationPlan {
  /** What is reported when the check passes (`part-checksums` becomes `composite-checksum` without part checksums). */
  readonly verification: DownloadVerification;
  /** The digest taken of every range (hex; also what the resume state records, so a resume can prove the partial file). */
  readonly rangeAlgorithm: HashAlgorithm;
  /** The object's checksum, base64 without S3's `-N` suffix, for the checksum kinds. */
  readonly expected?: string;
}

/** Chooses the check: see {@link DownloadVerification} for the order and what each one needs. */
export function planVerification(target: DownloadTarget, options: Pick<DownloadOptions, 'verify'>): VerificationPlan {
  if (options.verify === false) return { verification: { kind: 'none', reason: 'verify: false' }, rangeAlgorithm: 'CRC32' };
  const reported = reportedChecksum(target);
  if (reported?.composite && COMPOSITE_ALGORITHMS.includes(reported.algorithm as CompositeAlgorithm)) {
    if (target.partsAligned) {
      const algorithm = reported.algorithm as CompositeAlgorithm;
      return { verification: { kind: 'part-checksums', algorithm }, rangeAlgorithm: algorithm, expected: reported.value };
    }
  } else if (reported && !reported.composite && FULL_OBJECT_CRCS.includes(reported.algorithm as FullObjectCrc)) {
    const algorithm = reported.algorithm as FullObjectCrc;
    return { verification: { kind: 'full-object-crc', algorithm }, rangeAlgorithm: algorithm, expected: reported.value };
  }
  if (target.aligned) return { verification: { kind: 'multipart-etag' }, rangeAlgorithm: 'MD5' };
  // A plain MD5 ETag: one range's MD5 is the answer; with more, the ranges get a CRC32 (for a resume to prove
  // them) and the whole object's MD5 is taken in order (a stream) or from the file.
  if (target.plainMd5) return { verification: { kind: 'md5-etag' }, rangeAlgorithm: target.ranges === 1 ? 'MD5' : 'CRC32' };
  return { verification: { kind: 'none', reason: noneReason(target, reported) }, rangeAlgorithm: 'CRC32' };
}

/** The object's flexible checksum, when it reports one of a plausible length. */
function reportedChecksum(target: DownloadTarget): { algorithm: HashAlgorithm; value: string; composite: boolean } | undefined {
  for (const [algorithm, raw] of Object.entries(target.checksums) as [HashAlgorithm, string | undefined][]) {
    if (!raw) continue;
    const match = /^([A-Za-z0-9+/=]+?)(-\d+)?$/.exec(raw);
    if (!match || Buffer.from(match[1], 'base64').length !== DIGEST_BYTES[algorithm]) continue;
    const composite = target.checksumType === 'COMPOSITE' || (target.checksumType === undefined && match[2] !== undefined);
    return { algorithm, value: match[1], composite };
  }
  return undefined;
}

/** Why no check beyond the size applies. */
function noneReason(target: DownloadTarget, reported: ReturnType<typeof reportedChecksum>): string {
  if (target.rangeSizeChosen && target.partSize !== undefined && target.partSize !== target.rangeSize) {
    return `rangeSizeBytes ${target.rangeSize} does not follow the object's parts of ${target.partSize} bytes, so neither its multipart ETag nor its part checksums can be checked: leave rangeSizeBytes unset (ranges then follow the parts)`;
  }
  if (target.unequalParts) {
    return `the object's parts differ in size, so ranges of one size cannot follow them: neither ${reported?.composite ? `its COMPOSITE ${reported.algorithm} checksum` : 'its multipart ETag'} nor its part checksums can be checked range by range`;
  }
  if (reported?.composite) {
    return `the object's ${reported.algorithm} checksum is COMPOSITE and its part layout could not be told (rangeSizeBytes set, or no HEAD ?partNumber)`;
  }
  if (reported) return `the object's ${reported.algorithm} checksum cannot be rebuilt from ranges, and its ETag is not an MD5 of the bytes (SSE-KMS or SSE-C)`;
  if (/-\d+"?$/.test(target.etag)) {
    return target.partsAligned
      ? 'the object has no flexible checksum, and its multipart ETag is not made of MD5s of its parts (SSE-KMS or SSE-C)'
      : 'the object has no flexible checksum, and its multipart ETag cannot be checked: the store did not tell how the object was split into parts (no x-amz-mp-parts-count on HEAD ?partNumber=1), so the ranges cannot follow the parts';
  }
  return 'the object has no flexible checksum, and its ETag is not an MD5 of the bytes (SSE-KMS or SSE-C)';
}

/**
 * Per-range work of a download: hashes each range on the pool and, for `part-checksums`, compares it with its
 * part's checksum: all of them from one GetObjectAttributes where the store lists them (part-checksums.ts), else
 * with HEAD `?partNumber` before the range's GET; once the store gives none, no more are asked for and the check
 * falls back to the composite at the end.
 */
export class RangeChecker {
  /** The pool the ranges are hashed on. */
  public readonly pool: HashPool;
  private readonly partChecksums = new Map<number, Promise<string | undefined>>();
  private readonly partChecked = new Set<number>();
  private partsUnavailable = false;
  /** Every part's checksum from one GetObjectAttributes (part-checksums.ts), asked for by the first range. */
  private listed: Promise<Map<number, string> | undefined> | undefined;
  /** Ranges whose part checksum was asked for before: a retried range asks HEAD, in case the list was the broken answer. */
  private readonly asked = new Set<number>();

  public constructor(
    private readonly ctx: S3Context,
    private readonly key: string,
    private readonly target: DownloadTarget,
    public readonly plan: VerificationPlan,
    private readonly options: DownloadOptions,
  ) {
    this.pool = hashPoolOf(ctx);
  }

  /**
   * Sends the HEAD for range `index`'s part checksum, when the plan checks parts; resolves once it is answered (never
   * rejects: inspect() raises its failure). The engines await it before the range's GET: the client has one socket per
   * range in flight (`maxSockets` is the concurrency), so a HEAD sent alongside the GETs waited for a socket until some
   * other 16 MiB range had finished, and held up the range it was for (1 GiB on MinIO: 1.8–2.4 s with the HEADs sent
   * alongside, 1.6–1.7 s without them).
   */
  public prefetch(index: number, signal: AbortSignal): Promise<void> {
    const known = this.partChecksums.get(index);
    if (known) return known.then(settled, settled);
    if (this.plan.verification.kind !== 'part-checksums' || this.partsUnavailable) return Promise.resolve();
    const pending = this.fetchPartChecksum(index, signal);
    // Awaited by inspect(); a range that fails before that must not leave an unhandled rejection behind.
    pending.catch(() => undefined);
    this.partChecksums.set(index, pending);
    return pending.then(settled, settled);
  }

  /**
   * Hashes range `index` and checks it against its part, when known. `data` is the engine's own range buffer: it is
   * transferred to the worker; resolves with the bytes (back from the worker: use these) and the digest in hex.
   * @throws IntegrityError (retryable: the range is fetched again) when the range differs from its part's checksum
   */
  public async inspect(index: number, data: Buffer, signal: AbortSignal): Promise<{ data: Buffer; digest: string }> {
    void this.prefetch(index, signal);
    const [hashed, expected] = await Promise.all([this.pool.digest(this.plan.rangeAlgorithm, data, true), this.partChecksums.get(index)]);
    // A retried range asks again: the store's answer may have been the broken one.
    this.partChecksums.delete(index);
    if (expected !== undefined) {
      const actual = hashed.digest.toString('base64');
      if (actual !== expected) {
        throw new IntegrityError(`part ${index + 1} of ${this.key}: the bytes received hash to ${actual}, not the part's ${expected}`, {
          check: 'part-checksum',
          expected,
          actual,
          partNumber: index + 1,
          retryable: true,
          bucket: this.ctx.bucket,
          key: this.key,
        });
      }
      this.partChecked.add(index);
    }
    return { data: hashed.data, digest: hashed.digest.toString('hex') };
  }

  /** The verification to report, once the final check passed: `part-checksums` only if every range was checked so. */
  public reported(): DownloadVerification {
    const v = this.plan.verification;
    if (v.kind === 'part-checksums' && this.partChecked.size < this.target.ranges) return { kind: 'composite-checksum', algorithm: v.algorithm };
    return v;
  }

  private async fetchPartChecksum(index: number, signal: AbortSignal): Promise<string | undefined> {
    const algorithm = this.plan.rangeAlgorithm;
    if (!this.asked.has(index)) {
      this.asked.add(index);
      this.listed ??= listPartChecksums(this.ctx, this.key, this.target, algorithm, this.options, signal);
      const value = (await this.listed)?.get(index);
      if (value !== undefined && Buffer.from(value, 'base64').length === DIGEST_BYTES[algorithm]) return value;
    }
    try {
      const part = await headObject(this.ctx, this.key, {
        versionId: this.target.versionId ?? this.options.versionId,
        customerKey: this.options.customerKey,
        partNumber: index + 1,
        checksumMode: true,
        abortSignal: signal,
      });
      const value = part.checksums[algorithm as CompositeAlgorithm]?.replace(/-\d+$/, '');
      if (value === undefined || Buffer.from(value, 'base64').length !== DIGEST_BYTES[algorithm]) this.partsUnavailable = true;
      return this.partsUnavailable ? undefined : value;
    } catch (error) {
      if (error instanceof PreconditionFailedError || error instanceof AbortedError || signal.aborted) throw error;
      // A store without per-part checksums on HEAD ?partNumber: the composite check at the end still applies.
      this.partsUnavailable = true;
      return undefined;
    }
  }
}
