/**
 * npm run soak: mixed operations through the fault proxy against local S3 servers, every result checked; prints a
 * summary line per target and exits 1 when a goal is missed (docs/reliability.md).
 *
 *   npm run soak                                   # 10,000 ops on moto and MinIO (each started and stopped here)
 *   npm run soak -- --ops 1000 --targets moto      # a shorter run
 *   npm run soak -- --from-env --ops 1000          # the server in S3_ENDPOINT etc. (test:compat does this)
 *   options: --concurrency 8 --seed 1 --json out.json --details (print every failure)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { markdown, summaryLine, type SoakFigures } from './report';
import { runSoak } from './soak';

const ROOT = join(__dirname, '..', '..');

interface Server {
  readonly target: string;
  readonly vars: Record<string, string>;
  stop(): void;
}

/** Starts a server with its own state dir (`scripts/servers/<target>.sh up`) and reads its `env` export lines. */
function startServer(target: string): Server {
  const script = join(ROOT, 'scripts/servers', `${target}.sh`);
  const env = { ...process.env, BUCKETKIT_STATE_DIR: mkdtempSync(join(tmpdir(), `bk-soak-${target}-`)) };
  execFileSync('bash', [script, 'up'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  return { target, vars: readExports(execFileSync('bash', [script, 'env'], { env }).toString()), stop: () => execFileSync('bash', [script, 'down'], { env }) };
}

function readExports(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.startsWith('export '))
      .map((l) => {
        const [name, ...value] = l.slice(7).split('=');
        return [name, value.join('=')];
      }),
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ops: { type: 'string', default: '10000' },
      targets: { type: 'string', default: 'moto,minio' },
      concurrency: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      'from-env': { type: 'boolean', default: false },
      json: { type: 'string' },
      details: { type: 'boolean', default: false },
    },
  });
  const ops = Number(values.ops);
  const concurrency = Number(values.concurrency);
  const seed = Number(values.seed);
  if (![ops, concurrency, seed].every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error('--ops, --concurrency and --seed take positive integers');
  const servers: Server[] = values['from-env']
    ? [{ target: process.env.BUCKETKIT_TARGET ?? 'custom', vars: process.env as Record<string, string>, stop: () => undefined }]
    : [];
  const all: SoakFigures[] = [];
  for (const target of values['from-env'] ? [servers[0].target] : values.targets!.split(',')) {
    const server = servers.find((s) => s.target === target) ?? startServer(target);
    try {
      const endpoint = server.vars.S3_ENDPOINT;
      if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(endpoint ?? '')) throw new Error(`the soak runs on loopback only, got endpoint ${endpoint}`);
      const credentials = { accessKeyId: server.vars.S3_ACCESS_KEY_ID ?? 'testing', secretAccessKey: server.vars.S3_SECRET_ACCESS_KEY ?? 'testing' };
      let last = Date.now();
      const figures = await runSoak({
        target,
        endpoint,
        region: server.vars.S3_REGION ?? 'us-east-1',
        credentials,
        ops,
        concurrency,
        seed,
        onProgress: (done) => {
          if (Date.now() - last > 10_000 || done === ops) {
            last = Date.now();
            process.stderr.write(`soak ${target}: ${done}/${ops}\n`);
          }
        },
      });
      all.push(figures);
      console.log(summaryLine(figures));
      if (values.details || !figures.goalsMet) console.log(markdown(figures));
    } finally {
      server.stop();
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 2));
  return all.every((f) => f.goalsMet) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`soak: ${(error as Error).stack ?? String(error)}`);
    process.exit(2);
  },
);
