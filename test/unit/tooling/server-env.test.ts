/**
 * `eval "$(scripts/servers/NAME.sh env)"`, as the README runs it, in a fresh bash: the variables must be exported
 * (a child process sees them) under the AWS SDK's own names, so that the SDK's default chain sends requests to the
 * local server with its keys. No server runs here: a state dir with a port file stands in for a started one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const PORT = '45678';

/** Script name -> target name, keys and whether it has a test KMS key (and a second one). */
const SCRIPTS = {
  moto: { target: 'moto', accessKeyId: 'testing', secretAccessKey: 'testing', kms: false, kms2: false },
  minio: { target: 'minio', accessKeyId: 'bucketkit-minio', secretAccessKey: 'bucketkit-minio-secret', kms: true, kms2: false },
  'ceph-rgw': {
    target: 'ceph',
    accessKeyId: 'BUCKETKITCEPHTEST001',
    secretAccessKey: 'bucketkit-ceph-test-secret-key-000000001',
    kms: true,
    kms2: true,
  },
} as const;

let state: string;

beforeAll(() => {
  state = mkdtempSync(join(tmpdir(), 'bucketkit-env-'));
  for (const name of Object.keys(SCRIPTS)) {
    mkdirSync(join(state, name));
    writeFileSync(join(state, name, 'port'), `${PORT}\n`);
  }
});

afterAll(() => rmSync(state, { recursive: true, force: true }));

/** A fresh bash (no profile, no rc, a minimal environment with a profile and a stale token set) runs `script`. */
function freshBash(script: string, stateDir = state): { status: number | null; stdout: string; stderr: string } {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    BUCKETKIT_STATE_DIR: stateDir,
    AWS_PROFILE: 'someones-real-account',
    AWS_SESSION_TOKEN: 'a-stale-session-token',
  };
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each(Object.entries(SCRIPTS))('eval "$(scripts/servers/%s.sh env)"', (name, expected) => {
  test('is executable, as the README calls it', () => {
    expect(statSync(join(ROOT, 'scripts', 'servers', `${name}.sh`)).mode & 0o111).not.toBe(0);
  });

  test('exports the SDK variables and the S3_* names, and unsets AWS_PROFILE and AWS_SESSION_TOKEN', () => {
    const result = freshBash(`eval "$(scripts/servers/${name}.sh env)" && node -e 'console.log(JSON.stringify(process.env))'`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const seen = JSON.parse(result.stdout) as Record<string, string>;
    const endpoint = `http://127.0.0.1:${PORT}`;
    expect(seen).toMatchObject({
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: expected.accessKeyId,
      AWS_SECRET_ACCESS_KEY: expected.secretAccessKey,
      BUCKETKIT_TARGET: expected.target,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: expected.accessKeyId,
      S3_SECRET_ACCESS_KEY: expected.secretAccessKey,
    });
    expect(seen.S3_KMS_KEY_ID).toBe(expected.kms ? 'bucketkit-test-key-1' : undefined);
    expect(seen.S3_KMS_KEY_ID_2).toBe(expected.kms2 ? 'bucketkit-test-key-2' : undefined);
    expect(seen.AWS_PROFILE).toBeUndefined();
    expect(seen.AWS_SESSION_TOKEN).toBeUndefined();
  });

  test('every line is an export, or the one unset', () => {
    const lines = freshBash(`scripts/servers/${name}.sh env`).stdout.trim().split('\n');
    expect(lines[0]).toBe('unset AWS_PROFILE AWS_SESSION_TOKEN');
    for (const line of lines.slice(1)) expect(line).toMatch(/^export [A-Z0-9_]+=\S+$/);
  });
});

test('minio.sh env-tls: the same variables with an https endpoint, and AWS_CA_BUNDLE, the certificate to trust', () => {
  mkdirSync(join(state, 'minio-tls'), { recursive: true });
  writeFileSync(join(state, 'minio-tls', 'port'), `${PORT}\n`);
  const result = freshBash(`eval "$(scripts/servers/minio.sh env-tls)" && node -e 'console.log(JSON.stringify(process.env))'`);
  expect([result.status, result.stderr]).toEqual([0, '']);
  const seen = JSON.parse(result.stdout) as Record<string, string>;
  expect(seen).toMatchObject({
    S3_ENDPOINT: `https://127.0.0.1:${PORT}`,
    AWS_ENDPOINT_URL_S3: `https://127.0.0.1:${PORT}`,
    S3_ACCESS_KEY_ID: 'bucketkit-minio',
    S3_KMS_KEY_ID: 'bucketkit-test-key-1',
    AWS_CA_BUNDLE: join(state, 'minio-tls', 'certs', 'public.crt'),
  });
});

test("after the eval, the SDK's default chain signs with the server's keys and sends to its endpoint", () => {
  // A request handler that records the request instead of sending it.
  const probe = `
    const { S3Client, ListBucketsCommand } = require('@aws-sdk/client-s3');
    const client = new S3Client({
      requestHandler: { handle: async (request) => { console.log(JSON.stringify({ host: request.hostname, port: request.port, authorization: request.headers.authorization })); throw new Error('recorded'); } },
    });
    client.send(new ListBucketsCommand({})).catch((error) => { if (error.message !== 'recorded') { console.error(error); process.exit(1); } });`;
  const result = freshBash(`eval "$(scripts/servers/moto.sh env)" && node --no-warnings -e ${shellQuote(probe)}`);
  expect(result.stderr).toBe('');
  const request = JSON.parse(result.stdout) as { host: string; port: number; authorization: string };
  expect(request.host).toBe('127.0.0.1');
  expect(Number(request.port)).toBe(Number(PORT));
  expect(request.authorization).toMatch(/Credential=testing\/\d{8}\/us-east-1\/s3\/aws4_request/);
}, 30_000);

test('env before up fails on stderr and prints nothing to eval', () => {
  const empty = mkdtempSync(join(tmpdir(), 'bucketkit-env-empty-'));
  try {
    const result = freshBash('scripts/servers/moto.sh env', empty);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/moto is not up \(run: .*moto\.sh up\)/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
