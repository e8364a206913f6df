import { Readable } from 'node:stream';
import { ObjectNotFoundError, PreconditionFailedError, S3Storage } from 'bucketkit/storage';

async function main(): Promise<void> {
  const storage = new S3Storage({
    bucket: process.env.BUCKET ?? 'my-bucket',
    // Leave endpoint out for Amazon S3; set it for MinIO, Ceph RGW or the moto server the tests use.
    endpoint: process.env.S3_ENDPOINT,
    region: 'us-east-1',
  });

  await storage.put('reports/2026.csv', 'id,total\n1,42\n', { contentType: 'text/csv', metadata: { owner: 'finance' }, tags: { retention: 'long' } });
  await storage.put('streams/log.txt', Readable.from(['a stream ', 'of unknown length']));

  const head = await storage.head('reports/2026.csv');
  console.log(head.size, head.contentType, head.metadata.owner);
  console.log(await storage.getText('reports/2026.csv', { range: { start: 0, end: 7 } })); // "id,total"

  try {
    await storage.put('reports/2026.csv', 'overwrite?', { ifNoneMatch: '*' });
  } catch (error) {
    if (error instanceof PreconditionFailedError) console.log('already there: create-only write refused');
  }

  for await (const page of storage.list({ prefix: 'reports/', pageSize: 100 })) {
    for (const object of page.objects) console.log(object.key, object.size);
  }

  const { errors } = await storage.deleteMany(['reports/2026.csv', 'streams/log.txt']);
  console.log(`deleted with ${errors.length} errors`);
  console.log(await storage.exists('reports/2026.csv')); // false
  await storage.get('reports/2026.csv').catch((e) => console.log(e instanceof ObjectNotFoundError, e.s3Code)); // true NoSuchKey
  storage.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
