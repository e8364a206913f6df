import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_PROFILES, type ProviderName } from '../../../lib/storage';
import { runExample } from '../../helpers/examples';
import { createTestBucket, currentTarget, TestBucket } from '../../helpers/target';

// The README's "Archive and restore" section is examples/archive-restore.ts, verbatim; npm test runs it on moto.
const ROOT = join(__dirname, '..', '..', '..');
const PROFILE: ProviderName = ({ moto: 'moto', minio: 'minio', ceph: 'ceph-rgw' } as Record<string, ProviderName>)[currentTarget().name] ?? 'unknown';
let b: TestBucket;
beforeAll(async () => {
  b = await createTestBucket('readme-archive');
});
afterAll(async () => b.cleanup());

test('the README shows examples/archive-restore.ts verbatim', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain('## Archive and restore');
  expect(readme).toContain(readFileSync(join(ROOT, 'examples/archive-restore.ts'), 'utf8').trim());
});

test('and it runs against the server, printing what its comments say', async () => {
  // MinIO and Ceph RGW have no RestoreObject (their profiles say so; test/integration/archive/archive.test.ts).
  if (FIXED_PROFILES[PROFILE].unsupported.has('restoreObject')) return;
  const { stdout, stderr, code } = await runExample('archive-restore.ts', b.name);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const lines = stdout.trim().split('\n');
  expect(lines.slice(0, 5)).toEqual([
    'archived in GLACIER: restore it first',
    'archived',
    'started Bulk',
    'restored id,total',
    'cold/2017.csv started, cold/2018.csv started',
  ]);
  // 9.77 GB x $0.00099 x 12 + the 40 KB per object + a Bulk restore of 1,000 objects with a 7-day copy = $0.1734.
  expect(lines[5]).toBe('$0.17 over 12 months');
}, 90_000);
