import { ObjectNotFoundError, S3Storage } from 'bucketkit/storage';

async function main(): Promise<void> {
  const storage = new S3Storage({ bucket: process.env.BUCKET ?? 'my-bucket', endpoint: process.env.S3_ENDPOINT, region: 'us-east-1' });

  await storage.setVersioning('Enabled');
  console.log((await storage.getVersioning()).status); // Enabled

  const first = await storage.put('notes.txt', 'first draft', { metadata: { rev: '1' } });
  await storage.put('notes.txt', 'second draft', { metadata: { rev: '2' } });
  console.log(await storage.getText('notes.txt', { versionId: first.versionId })); // first draft

  const removed = await storage.delete('notes.txt');
  console.log(removed.deleteMarker); // true
  await storage.get('notes.txt').catch((e) => console.log(e instanceof ObjectNotFoundError, e.deleteMarker)); // true true

  const { current } = await storage.undelete('notes.txt');
  console.log(await storage.getText('notes.txt'), current.isLatest); // second draft true

  await storage.restoreVersion('notes.txt', first.versionId!);
  console.log((await storage.head('notes.txt')).metadata.rev); // 1

  for await (const page of storage.listVersions({ prefix: 'notes.txt' })) {
    console.log(page.versions.map((v) => (v.isDeleteMarker ? 'marker' : v.size)).join(' ')); // 11 12 11
  }

  const pruned = await storage.pruneVersions({ prefix: 'notes.txt', keepLatest: 1 });
  console.log(`pruned ${pruned.deletedCount}`); // pruned 1
  storage.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
