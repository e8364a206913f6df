/** Sending the parts of a multipart upload: bounded concurrency, per-part checksum and retry. */
import { UploadPartCommand } from '@aws-sdk/client-s3';
import { MAX_PARTS } from '../../../../rules/limits';
import { AbortedError, IntegrityError, InvalidArgumentError, MultipartUploadError, PreconditionFailedError } from '../../../errors';
import { hashPoolOf } from '../../core/hashing/hash-pool';
import { usePrecomputedPayloadHash } from '../shared/payload-hash';
import { flexibleOf, partChecksumOf, unquoteEtag } from '../shared/checksums';
import { partCountFor } from '../shared/part-size';
import { ProgressMeter, Slots, withRetry } from '../shared/control';
import { UploadJob, Plan, CompletedPart, partsOf } from './job';

/** Sends every missing part, at most `concurrency` at once; throws the first unrecoverable failure after all settle. */
export async function sendParts(job: UploadJob, plan: Plan, controller: AbortController): Promise<CompletedPart[]> {
  const signal = controller.signal;
  const size = job.reader.size;
  const totalParts = size !== undefined ? partCountFor(size, plan.partSizeBytes) : undefined;
  if (size !== undefined && plan.layout.equalParts && plan.partSizeBytes * MAX_PARTS < size) {
    throw new InvalidArgumentError(`upload of ${size} bytes does not fit ${MAX_PARTS} parts of ${plan.partSizeBytes} bytes`, { field: 'partSizeBytes' });
  }
  job.resumed = plan.done.size;
  const resumedBytes = [...plan.done.values()].reduce((sum, p) => sum + p.size, 0);
  const progress = new ProgressMeter(job.options.onProgress, size, totalParts, { bytes: resumedBytes, parts: plan.done.size });
  const slots = new Slots(job.concurrency);
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  let first = job.first;
  const fail = (error: unknown, partNumber?: number) => {
    if (failure === undefined) {
      failure = error;
      job.failedPartNumber = partNumber;
    }
    // Parts in flight are cancelled, unless they are to be kept for a resume.
    if (!job.options.leavePartsOnError) controller.abort();
  };

  for (let partNumber = 1; failure === undefined && !signal.aborted; partNumber++) {
    if (totalParts !== undefined && partNumber > totalParts) break;
    const offset = plan.layout.offset(partNumber);
    const partSize = totalParts !== undefined ? Math.min(plan.layout.partSize(partNumber), size! - offset) : plan.layout.partSize(partNumber);
    if (job.reader.randomAccess && plan.done.has(partNumber)) continue;
    await slots.acquire();
    if (failure !== undefined || signal.aborted) {
      slots.release();
      break;
    }
    let data: Buffer;
    let ended = false;
    try {
      if (job.reader.randomAccess) data = await job.reader.readPart(offset, partSize);
      else {
        const next = first ?? (await job.reader.readNext(partSize));
        first = undefined;
        ({ data, ended } = next);
        if (size !== undefined && (data.length !== partSize || (partNumber === totalParts) !== ended)) {
          throw new InvalidArgumentError(`sizeBytes: the stream's length differs from the declared ${size} bytes`, { field: 'sizeBytes' });
        }
      }
    } catch (error) {
      slots.release();
      fail(error);
      break;
    }
    if (data.length === 0 && partNumber > 1) {
      job.reader.release(data);
      slots.release();
      break;
    }
    if (!job.reader.randomAccess && plan.done.has(partNumber)) {
      // A stream re-read on resume: check the part here, before any later part is sent.
      const kept = { data };
      try {
        await checkKeptPart(job, plan, partNumber, kept);
      } catch (error) {
        fail(error, partNumber);
        break;
      } finally {
        job.reader.release(kept.data);
        slots.release();
      }
      if (ended) break;
      continue;
    }
    if (partNumber > MAX_PARTS) {
      job.reader.release(data);
      slots.release();
      fail(
        new MultipartUploadError(`the stream does not fit in ${MAX_PARTS} parts (${plan.layout.capacityBytes} bytes with this layout)`, {
          uploadId: plan.uploadId,
          key: job.key,
        }),
      );
      break;
    }
    // The part's bytes come back from the hash pool in another Buffer object: the holder keeps the one to release.
    const holder = { data };
    const task = sendPart(job, plan, partNumber, holder, signal)
      .then(async (part) => {
        if (part) {
          plan.done.set(partNumber, part);
          await job.saveState(plan);
          progress.partDone(part.size);
        }
      })
      .catch((error) => fail(error, partNumber))
      .finally(() => {
        job.reader.release(holder.data);
        slots.release();
        inflight.delete(task);
      });
    inflight.add(task);
    if (ended) break;
  }
  await Promise.all([...inflight]);
  if (failure !== undefined) throw failure;
  if (job.options.abortSignal?.aborted)
    throw new AbortedError(`upload of ${job.key} was cancelled (upload ${plan.uploadId})`, { bucket: job.ctx.bucket, key: job.key });
  return partsOf(plan);
}

/**
 * A part kept from an earlier run (its state vouches for it and ListParts shows it): the source's bytes there must be
 * the ones sent then, proven by the MD5 or flexible checksum the state recorded, hashed on the hash pool (a resume
 * may re-read gigabytes). `holder.data` is replaced by the same bytes back from the worker: release that one.
 * @throws PreconditionFailedError when they differ: the source changed, and the resume is refused
 */
export async function checkKeptPart(job: UploadJob, plan: Plan, partNumber: number, holder: { data: Buffer }): Promise<void> {
  const kept = plan.done.get(partNumber)!;
  const flexible = flexibleOf(kept.checksumAlgorithm ?? job.partChecksum);
  const algorithm = kept.md5 !== undefined ? 'MD5' : kept.checksum !== undefined ? flexible : undefined;
  let same = kept.size === holder.data.length && algorithm !== undefined;
  if (same && algorithm !== undefined) {
    const hashed = await hashPoolOf(job.ctx).digest(algorithm, holder.data, job.reader.ownsBuffers);
    holder.data = hashed.data;
    same = algorithm === 'MD5' ? kept.md5 === hashed.digest.toString('hex') : kept.checksum === hashed.digest.toString('base64');
  }
  if (!same) {
    throw new PreconditionFailedError(
      `upload of ${job.key}: part ${partNumber} of the source differs from the part uploaded before (upload ${plan.uploadId}); the source changed, so the resume is refused. Abort it with abortIncompleteUploads() or pass resume: false`,
      { bucket: job.ctx.bucket, key: job.key },
    );
  }
}

/**
 * The part's MD5 (hex: for Content-MD5, to verify the multipart ETag when no composite checksum does the job, and so
 * that a resume can prove the part) and flexible checksum (base64), hashed on the session's hash pool, off the event
 * loop. `holder.data` is replaced by the same bytes back from the worker (a pooled buffer is transferred, not copied).
 */
async function hashPart(job: UploadJob, holder: { data: Buffer }): Promise<{ md5?: string; checksum?: string; sha256: string }> {
  const pool = hashPoolOf(job.ctx);
  // A view of the caller's bytes is copied once into a buffer of our own, which is then transferred (and sent),
  // rather than copied again for every hash.
  if (!job.reader.ownsBuffers && !pool.inline('SHA256', holder.data.length)) {
    const own = Buffer.allocUnsafeSlow(holder.data.length); // not Buffer.from: that zero-fills first
    holder.data.copy(own);
    holder.data = own;
  }
  const transfer = true;
  let md5: string | undefined;
  let checksum: string | undefined;
  // The SigV4 payload hash, which the SDK's signer would otherwise take on the event loop (payload-hash.ts).
  const signed = await pool.digest('SHA256', holder.data, transfer);
  holder.data = signed.data;
  if (job.hashesMd5) {
    const hashed = await pool.digest('MD5', holder.data, transfer);
    holder.data = hashed.data;
    md5 = hashed.digest.toString('hex');
  }
  if (job.flexible) {
    const hashed = await pool.digest(job.flexible, holder.data, transfer);
    holder.data = hashed.data;
    checksum = hashed.digest.toString('base64');
  }
  return { md5, checksum, sha256: signed.digest.toString('hex') };
}

/** Sends one part with retries; for a part ListParts already shows, only checks that the source still hashes to its ETag. */
async function sendPart(job: UploadJob, plan: Plan, partNumber: number, holder: { data: Buffer }, signal: AbortSignal): Promise<CompletedPart | undefined> {
  const { md5, checksum, sha256 } = await hashPart(job, holder);
  const data = holder.data;
  const candidate = plan.candidates.get(partNumber);
  // A part found by ListParts alone is kept when the source's bytes are proven to be its bytes: by its ETag where that
  // is an MD5, or by the flexible checksum the store lists for it (CRC32 parts carry no MD5 to compare).
  const provenByMd5 = md5 !== undefined && job.md5Based && unquoteEtag(candidate?.etag) === md5;
  const provenByChecksum = checksum !== undefined && job.flexible !== undefined && candidate?.checksums?.[job.flexible]?.replace(/-\d+$/, '') === checksum;
  if (candidate && candidate.size === data.length && (provenByMd5 || provenByChecksum)) {
    job.resumed++;
    return {
      partNumber,
      etag: candidate.etag,
      size: data.length,
      md5,
      checksum: checksum ?? partChecksumOf(job.partChecksum, data),
      checksumAlgorithm: job.partChecksum,
    };
  }
  const checksumField = job.flexible ? { [PART_INPUT_FIELD[job.flexible]]: checksum } : {};
  const out = await withRetry(async () => {
    const command = new UploadPartCommand({
      Bucket: job.ctx.bucket,
      Key: job.key,
      UploadId: plan.uploadId,
      PartNumber: partNumber,
      Body: data,
      ContentLength: data.length,
      ContentMD5: job.sendsContentMd5 ? Buffer.from(md5!, 'hex').toString('base64') : undefined,
      ChecksumAlgorithm: job.flexible,
      ...checksumField,
      RequestPayer: job.ctx.requestPayer,
      ...job.sseC,
    });
    usePrecomputedPayloadHash(command, sha256);
    const result = await job.ctx.send(command, { key: job.key, uploadId: plan.uploadId, partNumber, abortSignal: signal });
    if (md5 && job.md5Based && job.options.verify !== false && result.ETag && unquoteEtag(result.ETag) !== md5) {
      // Retryable: the part is sent again, and bytes damaged on the way may arrive whole.
      throw new IntegrityError(`part ${partNumber}: the store's ETag ${result.ETag} is not the MD5 of the bytes sent`, {
        check: 'md5-etag',
        expected: md5,
        actual: unquoteEtag(result.ETag),
        uploadId: plan.uploadId,
        partNumber,
        key: job.key,
        bucket: job.ctx.bucket,
        retryable: true,
      });
    }
    return result;
  }, job.retryOptions(signal));
  if (!out.ETag)
    throw new MultipartUploadError(`UploadPart ${partNumber} returned no ETag`, { uploadId: plan.uploadId, partNumber, key: job.key, bucket: job.ctx.bucket });
  return { partNumber, etag: out.ETag, size: data.length, md5, checksum, checksumAlgorithm: job.partChecksum };
}

/** The UploadPart input field of each flexible checksum. */
const PART_INPUT_FIELD = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
  CRC64NVME: 'ChecksumCRC64NVME',
} as const;
