import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { MAX_PARTS, MIB } from '../../rules/limits';
import { MultipartUploadError, StorageError } from '../errors';
import type { PutOptions, PutResult } from '../storage';
import type { S3Storage } from './client';
import { customerKeyInput } from './encryption';
import { checksumsOf } from './mapping';
import { writeInput } from './write-input';

/** Part size for a stream of unknown length. */
export const STREAM_PART_SIZE_BYTES = 8 * MIB;

/**
 * Multipart upload of a stream of unknown length: `head` holds the bytes already read, `rest` the remainder.
 * On any failure the upload is aborted, so no orphaned parts remain.
 */
export async function uploadFromIterator(
  storage: S3Storage,
  key: string,
  head: Buffer,
  rest: AsyncIterator<Uint8Array | string>,
  options: PutOptions,
): Promise<PutResult> {
  const created = await storage.send(
    new CreateMultipartUploadCommand({
      Bucket: storage.bucket,
      Key: key,
      ChecksumAlgorithm: options.checksumAlgorithm,
      RequestPayer: storage.requestPayer,
      ...writeInput(options),
    }),
    { key, abortSignal: options.abortSignal },
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new MultipartUploadError('CreateMultipartUpload returned no UploadId', { bucket: storage.bucket, key });
  const sseC = options.encryption?.type === 'SSE-C' ? customerKeyInput(options.encryption.customerKey) : {};
  const parts: { PartNumber: number; ETag?: string; ChecksumCRC32?: string; ChecksumCRC32C?: string; ChecksumSHA1?: string; ChecksumSHA256?: string; ChecksumCRC64NVME?: string }[] = [];
  let size = 0;
  try {
    let pending: Buffer[] = [head];
    let pendingBytes = head.length;
    let done = false;
    while (!done || pendingBytes > 0) {
      while (!done && pendingBytes < STREAM_PART_SIZE_BYTES) {
        const next = await rest.next();
        if (next.done) done = true;
        else {
          const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
          pending.push(chunk);
          pendingBytes += chunk.length;
        }
      }
      if (pendingBytes === 0 && parts.length > 0) break;
      const all = Buffer.concat(pending, pendingBytes);
      const body = all.subarray(0, Math.min(STREAM_PART_SIZE_BYTES, all.length));
      pending = [all.subarray(body.length)];
      pendingBytes = all.length - body.length;
      const partNumber = parts.length + 1;
      if (partNumber > MAX_PARTS) throw new MultipartUploadError(`stream exceeds ${MAX_PARTS} parts of ${STREAM_PART_SIZE_BYTES} bytes`, { uploadId, key });
      const out = await storage.send(
        new UploadPartCommand({
          Bucket: storage.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
          ChecksumAlgorithm: options.checksumAlgorithm,
          RequestPayer: storage.requestPayer,
          ...sseC,
        }),
        { key, uploadId, partNumber, abortSignal: options.abortSignal },
      );
      parts.push({ PartNumber: partNumber, ETag: out.ETag, ...checksumFields(out) });
      size += body.length;
    }
    const completed = await storage.send(
      new CompleteMultipartUploadCommand({
        Bucket: storage.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        RequestPayer: storage.requestPayer,
        ...sseC,
      }),
      { key, uploadId, abortSignal: options.abortSignal },
    );
    return { etag: completed.ETag ?? '', versionId: completed.VersionId, size, checksums: checksumsOf(completed), serverSideEncryption: completed.ServerSideEncryption };
  } catch (error) {
    await storage
      .send(new AbortMultipartUploadCommand({ Bucket: storage.bucket, Key: key, UploadId: uploadId, RequestPayer: storage.requestPayer }), { key, uploadId })
      .catch(() => undefined);
    if (error instanceof StorageError) throw error;
    throw new MultipartUploadError(`multipart upload failed: ${(error as Error).message}`, { cause: error, uploadId, key, bucket: storage.bucket });
  }
}

function checksumFields(out: { ChecksumCRC32?: string; ChecksumCRC32C?: string; ChecksumSHA1?: string; ChecksumSHA256?: string; ChecksumCRC64NVME?: string }) {
  const { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME } = out;
  return { ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256, ChecksumCRC64NVME };
}
