/**
 * bucketkit's per-request overhead against the raw SDK, in one run against one local S3 server.
 *
 *   npm run bench:overhead                 # starts moto itself
 *   S3_ENDPOINT=http://127.0.0.1:9000 S3_ACCESS_KEY_ID=.. S3_SECRET_ACCESS_KEY=.. npm run bench:overhead
 *
 * Both sides use the same S3Client (same agent, retries and checksum policy), so the difference is bucketkit's
 * own work: validation, option mapping, error mapping. Within each round the two sides' operations interleave one by
 * one, so that drift in the server affects both alike. Writes the table to docs/benchmarks.md (section "Overhead").
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Storage } from '../lib/storage';
import { serverEnv } from './server-env';

const OPS_PER_ROUND = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25); // 2,500 operations per side and kind
const BODY = Buffer.alloc(1024, 'x');
const ROOT = join(__dirname, '..');

interface Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  name: string;
  stop(): void;
}

function startServer(): Server {
  if (process.env.S3_ENDPOINT) {
    return {
      endpoint: process.env.S3_ENDPOINT,
      accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'testing',
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'testing',
      name: process.env.BUCKETKIT_TARGET ?? 'custom',
      stop: () => undefined,
    };
  }
  const env = { ...process.env, BUCKETKIT_STATE_DIR: mkdtempSync(join(tmpdir(), 'bk-bench-')) };
  const script = join(ROOT, 'scripts/servers/moto.sh');
  execFileSync('bash', [script, 'up'], { env, stdio: 'inherit' });
  const vars = serverEnv(script, env);
  return {
    endpoint: vars.S3_ENDPOINT,
    accessKeyId: vars.S3_ACCESS_KEY_ID,
    secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
    name: 'moto',
    stop: () => execFileSync('bash', [script, 'down'], { env }),
  };
}

/**
 * One round of one kind: `OPS_PER_ROUND` operations per side, interleaved one by one (the side that goes first
 * alternates), so that a drift in the server's speed (moto's garbage collection, another process) falls on both sides
 * alike instead of on whichever block of 100 ran then. Returns each side's total milliseconds.
 */
async function pairedRound(round: number, bk: (i: number) => Promise<unknown>, sdk: (i: number) => Promise<unknown>): Promise<{ bk: number; sdk: number }> {
  const totals = { bk: 0, sdk: 0 };
  const time = async (side: 'bk' | 'sdk', i: number) => {
    const start = process.hrtime.bigint();
    await (side === 'bk' ? bk : sdk)(i);
    totals[side] += Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < OPS_PER_ROUND; i++) {
    const [first, second] = (i + round) % 2 === 0 ? (['bk', 'sdk'] as const) : (['sdk', 'bk'] as const);
    await time(first, i);
    await time(second, i);
  }
  return totals;
}

async function drain(body: unknown): Promise<void> {
  for await (const _ of body as AsyncIterable<unknown>) void _;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const server = startServer();
  const bucket = `bk-overhead-${Date.now().toString(36)}`;
  const storage = new S3Storage({
    bucket,
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  const client = storage.client;
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    // Warm up both paths (connections, lazy SDK init).
    for (let i = 0; i < 50; i++) {
      await storage.put(`warm/${i}`, BODY);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `warm/${i}`, Body: BODY }));
    }
    const t = { bkPut: [] as number[], sdkPut: [] as number[], bkGet: [] as number[], sdkGet: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const put = await pairedRound(
        round,
        (i) => storage.put(`bk/${i}`, BODY, { contentType: 'application/octet-stream' }),
        (i) => client.send(new PutObjectCommand({ Bucket: bucket, Key: `sdk/${i}`, Body: BODY, ContentType: 'application/octet-stream' })),
      );
      const get = await pairedRound(
        round,
        (i) => storage.getBuffer(`bk/${i}`),
        async (i) => drain((await client.send(new GetObjectCommand({ Bucket: bucket, Key: `sdk/${i}` }))).Body),
      );
      t.bkPut.push(put.bk);
      t.sdkPut.push(put.sdk);
      t.bkGet.push(get.bk);
      t.sdkGet.push(get.sdk);
    }
    const ops = OPS_PER_ROUND * ROUNDS;
    const row = (name: string, bk: number[], sdk: number[]) => {
      const ratio = sum(bk) / sum(sdk);
      const medRatio = median(bk.map((x, i) => x / sdk[i]));
      return `| ${name} | ${ops} | ${((sum(sdk) / ops) * 1000).toFixed(0)} | ${((sum(bk) / ops) * 1000).toFixed(0)} | ${ratio.toFixed(4)} | ${((ratio - 1) * 100).toFixed(2)}% | ${medRatio.toFixed(4)} |`;
    };
    const table = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${server.name} (${server.endpoint.replace(/:\d+$/, ':PORT')}), Node ${process.version}, ${ROUNDS} rounds of ${OPS_PER_ROUND} sequential 1 KiB operations per side, the two sides interleaved one operation at a time (the side that goes first alternates).`,
      '',
      '| operation | ops per side | raw SDK µs/op | bucketkit µs/op | ratio (total) | overhead | ratio (median of rounds) |',
      '|---|---|---|---|---|---|---|',
      row('put (PutObjectCommand)', t.bkPut, t.sdkPut),
      row('get + read body (GetObjectCommand)', t.bkGet, t.sdkGet),
    ].join('\n');
    console.log(table);
    writeSection(
      'Overhead',
      `Command: \`npm run bench:overhead\` (bench/overhead.ts). The seed's bar is under 5% against the native SDK; our goal is under 2%. Both sides share one S3Client, so the difference is bucketkit's own work (validation, option and error mapping).\n\n${table}`,
    );
  } finally {
    storage.destroy();
    server.stop();
  }
}

/** Replaces (or appends) one `## <title>` section of docs/benchmarks.md, leaving the others alone. */
export function writeSection(title: string, body: string): void {
  const file = join(ROOT, 'docs/benchmarks.md');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n\nEvery figure here is a ratio against a peer measured in the same run, with the command that reproduces it.\n';
  }
  const section = `## ${title}\n\n${body}\n`;
  const pattern = new RegExp(`## ${title}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = pattern.test(text) ? text.replace(pattern, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(file, text);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
