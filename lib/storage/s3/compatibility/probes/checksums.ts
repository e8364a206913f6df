import { CHECKSUM_ALGORITHMS } from '../../../../rules/checksums';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buildS3Client } from '../../core/client';
import { Probe, ok, no, partial, describe, rethrowUnrelated, send, putText } from './context';

const CHECKSUMS = CHECKSUM_ALGORITHMS;

export const flexibleChecksums: Probe = async (ctx) => {
  const echoed: string[] = [];
  const refused: string[] = [];
  for (const algorithm of CHECKSUMS) {
    try {
      const out = await putText(ctx, `probe/checksum-${algorithm}`, 'checksum me', { ChecksumAlgorithm: algorithm });
      const field = `Checksum${algorithm}` as 'ChecksumCRC32';
      const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: `probe/checksum-${algorithm}`, ChecksumMode: 'ENABLED' }));
      if (out[field] && head[field] === out[field]) echoed.push(algorithm);
      else refused.push(`${algorithm} (accepted, not echoed)`);
    } catch (e) {
      rethrowUnrelated(e);
      refused.push(`${algorithm} (${describe(e)})`);
    }
  }
  ctx.notes.checksumAlgorithms.push(...echoed);
  const evidence = `echoed on PUT and HEAD: ${echoed.join(', ') || 'none'}${refused.length ? `; not: ${refused.join(', ')}` : ''}`;
  return echoed.length === CHECKSUMS.length ? ok(evidence) : echoed.length > 0 ? partial(evidence) : no(evidence);
};

export const streamedTrailingChecksum: Probe = async (ctx) => {
  // A client with the SDK's default policy streams the body as aws-chunked with a trailing CRC32.
  const client = buildS3Client({ ...ctx.storage.config, checksumPolicy: 'WHEN_SUPPORTED' }, ctx.storage.region);
  const data = randomBytes(64 * 1024);
  try {
    await client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: 'probe/trailing', Body: Readable.from([data]), ContentLength: data.length }), {
      abortSignal: ctx.signal,
    });
  } catch (e) {
    rethrowUnrelated(e);
    return no(
      `streamed PUT with a trailing checksum failed: ${(e as { name?: string }).name} (HTTP ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode})`,
    );
  } finally {
    client.destroy();
  }
  const out = await send(ctx, new GetObjectCommand({ Bucket: ctx.bucket, Key: 'probe/trailing' }));
  const stored = Buffer.from(await out.Body!.transformToByteArray());
  return stored.equals(data)
    ? ok('a 64 KiB aws-chunked PUT with a trailing CRC32 read back byte for byte')
    : no(`stored ${stored.length} bytes for 65536 sent: the chunk framing was kept as data`);
};
