import { S3Client, CreateBucketCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, HeadObjectCommand, GetObjectAttributesCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { engines } from '../lib/storage/s3/core/hashing/hash-pool';
const c = new S3Client({ endpoint: process.env.S3_ENDPOINT, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
const B = 'probe-i15-' + Date.now();
const MIB = 1 << 20;
const d = (alg: any, b: Buffer) => { const h = engines().create(alg); h.update(b); return Buffer.from(h.digest()).toString('base64'); };
(async () => {
  await c.send(new CreateBucketCommand({ Bucket: B }));
  for (const [alg, type] of [['CRC32', 'COMPOSITE'], ['CRC32', 'FULL_OBJECT'], ['CRC32C', 'FULL_OBJECT'], ['CRC64NVME', 'FULL_OBJECT'], ['SHA256', 'COMPOSITE']] as const) {
    const key = `${alg}-${type}`;
    try {
      const up = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ChecksumAlgorithm: alg, ChecksumType: type }));
      const parts = []; const bodies: Buffer[] = []; const pcs: string[] = [];
      for (let n = 1; n <= 2; n++) {
        const body = randomBytes(n === 1 ? 5 * MIB : MIB); bodies.push(body);
        const r = await c.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: up.UploadId, PartNumber: n, Body: body, ChecksumAlgorithm: alg }));
        pcs.push((r as any)[`Checksum${alg}`]);
        parts.push({ PartNumber: n, ETag: r.ETag, [`Checksum${alg}`]: (r as any)[`Checksum${alg}`] });
      }
      const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: up.UploadId, MultipartUpload: { Parts: parts }, ChecksumType: type }));
      const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: 'ENABLED' }));
      const full = d(alg, Buffer.concat(bodies));
      const comp = d(alg, Buffer.concat(pcs.map((p) => Buffer.from(p, 'base64')))) + '-2';
      console.log(key, 'complete:', (done as any)[`Checksum${alg}`], done.ChecksumType, 'head:', (h as any)[`Checksum${alg}`], h.ChecksumType, 'full:', full, 'composite:', comp, 'parts:', pcs.join(','), 'local parts', bodies.map((b) => d(alg, b)).join(','));
      try { const a = await c.send(new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ['ObjectParts', 'Checksum'] })); console.log(' attrs', JSON.stringify(a.ObjectParts), JSON.stringify(a.Checksum)); } catch (e) { console.log(' attrs err', (e as Error).name); }
      try { const hp = await c.send(new HeadObjectCommand({ Bucket: B, Key: key, PartNumber: 2, ChecksumMode: 'ENABLED' })); console.log(' head part2', (hp as any)[`Checksum${alg}`], hp.ChecksumType, hp.ContentLength, hp.PartsCount); } catch (e) { console.log(' head part err', (e as Error).message); }
      try { const g = await c.send(new GetObjectCommand({ Bucket: B, Key: key, PartNumber: 2, ChecksumMode: 'ENABLED' })); await g.Body!.transformToByteArray(); console.log(' get part2', (g as any)[`Checksum${alg}`], g.ChecksumType, g.ContentLength, g.PartsCount); } catch (e) { console.log(' get part err', (e as Error).message); }
    } catch (e) { console.log(key, 'ERR', (e as Error).name, (e as Error).message); }
  }
})();
