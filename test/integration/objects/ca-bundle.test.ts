/**
 * `caBundle` / `AWS_CA_BUNDLE` against a real MinIO over https with a self-signed certificate (scripts/servers/minio.sh
 * up-tls): the clients bucketkit builds trust that bundle, for the SDK's requests and the direct reads of a download
 * alike; without it the certificate is refused. MinIO target only (the TLS MinIO is its second instance).
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '../../../lib/rules/limits';
import { S3Storage, StorageError } from '../../../lib/storage';
import { sha256, currentTarget, uniqueBucketName } from '../../helpers/target';
import { startTlsMinio } from '../encryption/kms';

const onMinio = currentTarget().name === 'minio';

(onMinio ? describe : describe.skip)('caBundle on a MinIO over https', () => {
  let tls: Awaited<ReturnType<typeof startTlsMinio>>;
  let caPath: string;
  const bucket = uniqueBucketName('ca');
  const dir = mkdtempSync(join(tmpdir(), 'bk-ca-'));
  const storage = (extra: { caBundle?: string | Uint8Array } = {}) =>
    new S3Storage({ bucket, endpoint: tls.target.endpoint, region: tls.target.region, credentials: tls.target.credentials, maxAttempts: 1, ...extra });

  beforeAll(async () => {
    tls = await startTlsMinio();
    caPath = tls.caPath;
    const client = tls.client();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
  }, 120_000);
  afterAll(async () => {
    await tls?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('caBundle as a path and as the PEM itself: upload, then a download in parallel ranges (direct reads over TLS), byte for byte', async () => {
    const data = randomBytes(40 * MIB + 17);
    for (const caBundle of [caPath, readFileSync(caPath)]) {
      const s = storage({ caBundle });
      try {
        await s.upload('obj', data);
        const dest = join(dir, 'obj.bin');
        const result = await s.download('obj', dest, { resume: false });
        expect(result.ranges).toBeGreaterThan(1);
        expect(sha256(readFileSync(dest))).toBe(sha256(data));
      } finally {
        s.destroy();
      }
    }
  });

  test('AWS_CA_BUNDLE names it when the config does not; without either the self-signed certificate is refused', async () => {
    const saved = process.env.AWS_CA_BUNDLE;
    try {
      delete process.env.AWS_CA_BUNDLE;
      const untrusting = storage();
      const error = await untrusting.head('obj').catch((e: unknown) => e);
      untrusting.destroy();
      expect(error).toBeInstanceOf(StorageError);
      expect(String((error as Error).message)).toMatch(/self[- ]signed|SELF_SIGNED/i);
      process.env.AWS_CA_BUNDLE = caPath;
      const trusting = storage();
      try {
        expect((await trusting.head('obj')).size).toBe(40 * MIB + 17);
        const dest = join(dir, 'env.bin');
        await trusting.download('obj', dest, { resume: false });
        expect(readFileSync(dest).length).toBe(40 * MIB + 17);
      } finally {
        trusting.destroy();
      }
    } finally {
      if (saved === undefined) delete process.env.AWS_CA_BUNDLE;
      else process.env.AWS_CA_BUNDLE = saved;
    }
  });
});
