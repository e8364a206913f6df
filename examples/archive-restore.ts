import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateStorageCost } from 'bucketkit/rules';
import { InvalidObjectStateError, S3Storage } from 'bucketkit/storage';

async function main(): Promise<void> {
  const storage = new S3Storage({ bucket: process.env.BUCKET ?? 'my-bucket', endpoint: process.env.S3_ENDPOINT, region: 'us-east-1' });

  await storage.put('archive/2019.csv', 'id,total\n1,7\n', { storageClass: 'GLACIER' });
  try {
    await storage.getText('archive/2019.csv');
  } catch (error) {
    if (error instanceof InvalidObjectStateError) console.log(`archived in ${error.storageClass ?? 'GLACIER'}: restore it first`);
  }
  console.log((await storage.restoreStatus('archive/2019.csv')).state); // "archived"

  const restore = await storage.restore('archive/2019.csv', { days: 2, tier: 'Bulk' });
  console.log(restore.status, restore.tier); // "started Bulk"
  const restored = await storage.waitForRestore('archive/2019.csv', { pollIntervalMs: 500, timeoutMs: 60_000 });
  console.log(restored.state, await storage.getText('archive/2019.csv', { range: { start: 0, end: 7 } })); // "restored id,total"

  // Thousands of keys from one process; the ledger lets a killed run resume without asking twice.
  for (const year of [2017, 2018]) await storage.put(`cold/${year}.csv`, 'id\n', { storageClass: 'DEEP_ARCHIVE' });
  const stateFile = join(mkdtempSync(join(tmpdir(), 'restores-')), 'ledger.jsonl');
  const results: string[] = [];
  for await (const item of storage.restoreMany('cold/', { days: 1, tier: 'Bulk', stateFile })) results.push(`${item.key} ${item.status}`);
  console.log(results.sort().join(', ')); // "cold/2017.csv started, cold/2018.csv started"

  // What a year of 10,000 objects of 1 MiB costs in DEEP_ARCHIVE with one Bulk restore of a tenth of them (us-east-1).
  const cost = estimateStorageCost({
    storageClass: 'DEEP_ARCHIVE',
    objects: [{ sizeBytes: 1024 ** 2, count: 10_000 }],
    months: 12,
    restores: [{ month: 6, tier: 'Bulk', fraction: 0.1, days: 7 }],
  });
  console.log(`$${cost.totalUsd.toFixed(2)} over ${cost.months.length} months`); // "$0.17 over 12 months" (by line: docs/costs.md)
  storage.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
