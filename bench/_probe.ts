import { S3Client, CreateBucketCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, HeadObjectCommand, GetObjectAttributesCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
const c = new S3Client({ endpoint: process.env.S3_ENDPOINT, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
const B = 'probe-i15-' + Date.now();
const MIB = 1 << 20;
(async () => {
  await c.send(new CreateBucketCommand({ Bucket: B }));
  for (const [alg, type] of [['CRC32', 'COMPOSITE'], ['CRC32C', 'FULL_OBJECT'], ['CRC64NVME', 'FULL_OBJECT'], ['SHA256', 'COMPOSITE']] as const) {
    const key = `${alg}-${type}`;
    try {
      const up = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ChecksumAlgorithm: alg, ChecksumType: type }));
      const parts = [];
      for (let n = 1; n <= 2; n++) {
        const body = randomBytes(n === 1 ? 5 * MIB : MIB);
        const r = await c.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: up.UploadId, PartNumber: n, Body: body, ChecksumAlgorithm: alg }));
        parts.push({ PartNumber: n, ETag: r.ETag, [`Checksum${alg}`]: (r as any)[`Checksum${alg}`] });
      }
      const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: up.UploadId, MultipartUpload: { Parts: parts }, ChecksumType: type }));
      console.log(key, 'complete', (done as any)[`Checksum${alg}`], done.ChecksumType);
      const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: 'ENABLED' }));
      console.log(' head', (h as any)[`Checksum${alg}`], h.ChecksumType, h.ETag);
      try { const a = await c.send(new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ['ObjectParts', 'Checksum'] })); console.log(' attrs', JSON.stringify(a.ObjectParts), JSON.stringify(a.Checksum)); } catch (e) { console.log(' attrs err', (e as Error).name, (e as Error).message); }
      const g = await c.send(new GetObjectCommand({ Bucket: B, Key: key, PartNumber: 2, ChecksumMode: 'ENABLED' }));
      await g.Body!.transformToByteArray();
      console.log(' get part2', (g as any)[`Checksum${alg}`], g.ChecksumType, g.ContentLength, g.PartsCount);
      const g2 = await c.send(new GetObjectCommand({ Bucket: B, Key: key, Range: 'bytes=0-99', ChecksumMode: 'ENABLED' }));
      await g2.Body!.transformToByteArray();
      console.log(' get range', (g2 as any)[`Checksum${alg}`], g2.ChecksumType);
    } catch (e) { console.log(key, 'ERR', (e as Error).name, (e as Error).message); }
  }
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'single', Body: randomBytes(1000), ChecksumAlgorithm: 'CRC64NVME' }));
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'single', ChecksumMode: 'ENABLED' }));
  console.log('single', p.ChecksumCRC64NVME, h.ChecksumCRC64NVME, h.ChecksumType);
})();
