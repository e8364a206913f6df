import { spawnSync } from 'child_process';
import * as path from 'path';

// integ-runner's offline snapshot check: every integ/integ.*.ts synthesizes to exactly its committed snapshot.
// Nothing is deployed. After an intended change, regenerate with `bash scripts/integ-snapshots.sh --update`.
test('integ snapshots are up to date (integ-runner, offline)', () => {
  const result = spawnSync('bash', [path.join(__dirname, '../../scripts/integ-snapshots.sh')], { encoding: 'utf8' });
  const output = `${result.stdout}\n${result.stderr}`;
  const scenarios = [
    'defaults',
    'kms-acceleration',
    'lifecycle-waterfall',
    'notifications',
    'checker-plain-bucket',
    'transfer-function',
    'restore-function',
    'probe-function',
    'scale-out',
  ];
  for (const scenario of scenarios) expect(output).toMatch(new RegExp(`UNCHANGED\\s+integ\\.${scenario}\\b`));
  expect(output).toMatch(/Tests:\s+9 passed, 9 total/);
  expect(result.status).toBe(0);
}, 120_000);
