/**
 * The part check of a multipart upload to a custom endpoint when the caller chose none: CRC32 if the store proves it
 * checks CRC32, else Content-MD5.
 *
 * Content-MD5 is the default on a custom endpoint because every S3-compatible store checks it, but it costs an MD5
 * of every byte (about 2 s of CPU per GiB here). CRC32 costs a fraction of that (`zlib.crc32`), and the composite
 * checksum then verifies the whole object; but a store may ignore `x-amz-checksum-crc32` (Ceph RGW 16) or accept
 * it without checking it (moto 5), and then no part would be checked at all. So the store has to prove it:
 * 1. CreateMultipartUpload declares `ChecksumAlgorithm: CRC32` (COMPOSITE). A store that does not answer with
 *    `x-amz-checksum-algorithm: CRC32` ignored it: the upload goes on with Content-MD5 (such a store keeps no
 *    checksums, so the declaration it ignored changes nothing).
 * 2. A store that answered so is sent part 1 as a single byte with a wrong `x-amz-checksum-crc32`. It must refuse it
 *    (`BadDigest` on Amazon S3, `XAmzContentChecksumMismatch` on MinIO, HTTP 400): the parts then carry CRC32 and no
 *    Content-MD5. The real part 1 is sent after this, so nothing of the probe byte survives either way.
 * 3. A store that took the wrong checksum does not check it: that upload is aborted and a plain one (no declared
 *    algorithm) created in its place, with Content-MD5 on every part. Any other answer (a network failure, a 5xx)
 *    proves nothing either, and gets the same.
 * The cost is one request of one byte per upload (and, where CRC32 is not checked, one CreateMultipartUpload and
 * one AbortMultipartUpload more); uploads smaller than the multipart threshold (100 MiB by default) go in one
 * PutObject with Content-MD5 and are unaffected.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (BadDigest)
 */
import { UploadPartCommand } from '@aws-sdk/client-s3';
import { crc32 } from 'node:zlib';
import { AbortedError, StorageError } from '../../../errors';
import type { UploadJob } from './job';

/** The algorithm offered to the store. */
export const NEGOTIATED_CHECKSUM = 'CRC32';

/**
 * S3 error codes of a checksum that did not match the bytes: Amazon S3's `BadDigest` ("The CRC32 you specified did not
 * match the calculated checksum"), MinIO's `XAmzContentChecksumMismatch` (observed on RELEASE.2025-09-07). Not
 * `InvalidDigest`, which S3 gives for a malformed value, not a checked one.
 */
const CHECKSUM_REFUSED_CODES: ReadonlySet<string> = new Set(['BadDigest', 'XAmzContentChecksumMismatch']);

/** The one byte sent with a wrong CRC32 (the right one, with every bit flipped). */
const PROBE_BYTE = Buffer.from([0x62]);

/** The CRC32 of {@link PROBE_BYTE}, made wrong: base64 of its bitwise complement, big-endian as S3 sends it. */
export function wrongCrc32(): string {
  const wrong = Buffer.alloc(4);
  wrong.writeUInt32BE(~crc32(PROBE_BYTE) >>> 0);
  return wrong.toString('base64');
}

/**
 * Step 2 above: whether the store refuses part 1 of `uploadId` sent with a wrong CRC32.
 * @returns `'checked'` when refused with a checksum error; `'not-checked'` otherwise (accepted, or any other failure)
 * @throws AbortedError when the upload's signal fired meanwhile
 */
export async function storeChecksCrc32(job: UploadJob, uploadId: string): Promise<'checked' | 'not-checked'> {
  const signal = job.options.abortSignal;
  try {
    await job.ctx.send(
      new UploadPartCommand({
        Bucket: job.ctx.bucket,
        Key: job.key,
        UploadId: uploadId,
        PartNumber: 1,
        Body: PROBE_BYTE,
        ContentLength: PROBE_BYTE.length,
        ChecksumAlgorithm: NEGOTIATED_CHECKSUM,
        ChecksumCRC32: wrongCrc32(),
        RequestPayer: job.ctx.requestPayer,
        ...job.sseC,
      }),
      { key: job.key, uploadId, partNumber: 1, abortSignal: signal },
    );
    return 'not-checked';
  } catch (error) {
    if (signal?.aborted) throw new AbortedError(`upload of ${job.key} was cancelled`, { bucket: job.ctx.bucket, key: job.key, cause: error });
    const code = error instanceof StorageError ? error.s3Code : undefined;
    return code !== undefined && CHECKSUM_REFUSED_CODES.has(code) ? 'checked' : 'not-checked';
  }
}
