import { S3Storage, ServerSideEncryption } from 'bucketkit/storage';

async function main(): Promise<void> {
  const bucket = process.env.BUCKET ?? 'my-bucket';
  // KMS key ARNs: prefer ARNs to aliases, which resolve in the caller's account.
  const keyA = process.env.KMS_KEY_A ?? 'arn:aws:kms:us-east-1:111122223333:key/aaaa';
  const keyB = process.env.KMS_KEY_B ?? 'arn:aws:kms:us-east-1:111122223333:key/bbbb';
  // Where the reports move: SSE-KMS under key B; KMS_KEY_B=SSE-S3 moves them to SSE-S3 instead, for a store with one
  // KMS key (MinIO's built-in KMS).
  const target: ServerSideEncryption = keyB === 'SSE-S3' ? { type: 'SSE-S3' } : { type: 'SSE-KMS', keyId: keyB };

  // Every write of this instance is SSE-KMS under key A unless a call says otherwise.
  const storage = new S3Storage({ bucket, endpoint: process.env.S3_ENDPOINT, region: 'us-east-1', encryption: { type: 'SSE-KMS', keyId: keyA } });

  await storage.setBucketEncryption({ type: 'SSE-S3' });
  console.log((await storage.getBucketEncryption()).type); // SSE-S3

  await storage.put('reports/q1.csv', 'a,b\n1,2\n', { metadata: { owner: 'finance' } });
  await storage.put('reports/q2.csv', 'a,b\n3,4\n');
  const check = await storage.verifyEncryption('reports/q1.csv', { type: 'SSE-KMS', keyId: keyA });
  console.log(check.ok, check.actual.type); // true SSE-KMS

  // Move every report to the target in place (CopyObject onto itself; metadata, tags and class kept).
  const moved = await storage.reencrypt({ prefix: 'reports/' }, { to: target });
  console.log(moved.reencrypted, moved.skipped); // 2 0

  // Idempotent: a second run (say after a crash) skips what is already under the target.
  const again = await storage.reencrypt({ prefix: 'reports/' }, { to: target });
  console.log(again.reencrypted, again.skipped); // 0 2

  let mismatches = 0;
  for await (const _ of storage.auditEncryption({ prefix: 'reports/', expected: target })) mismatches++;
  console.log(`mismatches ${mismatches}`); // mismatches 0
  console.log((await storage.head('reports/q1.csv')).metadata.owner); // finance
  storage.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
