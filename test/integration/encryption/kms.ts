import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as https from 'node:https';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Target } from '../../helpers/target';
import { targetDiffers } from '../../helpers/known-differences';
import { currentTarget } from '../../helpers/target';

/** A KMS key of the target's KMS: the id a request sends, and what HEAD then reports in x-amz-server-side-encryption-aws-kms-key-id. */
export interface TargetKmsKey {
  readonly id: string;
  readonly reported: string;
  /** Another form of the same key that verifyEncryption accepts (moto: the bare key id of the ARN sent). */
  readonly otherForm?: string;
}

/**
 * The KMS keys of the target under test: key A, and key B where the target has a second key.
 * - moto: two keys created in its KMS (CreateKey); requests send the ARN and HEAD reports it as sent.
 * - Ceph RGW: the two keys of its testing KMS backend (S3_KMS_KEY_ID, S3_KMS_KEY_ID_2); HEAD reports the id as sent
 *   ('kms-key-reported-as-sent').
 * - MinIO: its built-in KMS has one key (S3_KMS_KEY_ID) and no key B; HEAD reports key `k` as `arn:aws:kms:k`
 *   ('kms-key-reported-as-short-arn').
 *   Tests that need two keys use another pair there (SSE-S3 and KMS key A), and say so.
 */
export async function targetKmsKeys(): Promise<{ a: TargetKmsKey; b?: TargetKmsKey }> {
  const target = currentTarget();
  if (target.name === 'moto') {
    const [a, b] = [await createKmsKey('bucketkit A'), await createKmsKey('bucketkit B')];
    return { a: { id: a.arn, reported: a.arn, otherForm: a.keyId }, b: { id: b.arn, reported: b.arn, otherForm: b.keyId } };
  }
  const first = process.env.S3_KMS_KEY_ID;
  if (!first) throw new Error(`${target.name}: S3_KMS_KEY_ID is not set (eval the output of scripts/servers/<target>.sh env)`);
  const reported = (id: string): string => {
    if (targetDiffers('kms-key-reported-as-short-arn')) return `arn:aws:kms:${id}`;
    if (targetDiffers('kms-key-reported-as-sent')) return id;
    throw new Error(`${target.name}: how HEAD reports KMS key ${id} is not known (test/helpers/known-differences.ts)`);
  };
  const second = process.env.S3_KMS_KEY_ID_2;
  return { a: { id: first, reported: reported(first) }, b: second ? { id: second, reported: reported(second) } : undefined };
}

/**
 * A MinIO over https for the SSE-C tests (MinIO refuses SSE-C over http): `scripts/servers/minio.sh up-tls` starts it
 * with a self-signed certificate for 127.0.0.1, and the client trusts that certificate only (an https.Agent with `ca`;
 * verification stays on). `stop` runs `down-tls`, which stops only the pid `up-tls` started. Each call has its own state
 * dir (BUCKETKIT_MINIO_TLS_DIR), so test files running at once never stop each other's server.
 */
export async function startTlsMinio(): Promise<{ target: Target; caPath: string; client: () => S3Client; stop: () => Promise<void> }> {
  const script = join(__dirname, '..', '..', '..', 'scripts', 'servers', 'minio.sh');
  // A state dir of its own: test files that run at once (jest workers) each start and stop their own server.
  const state = join(mkdtempSync(join(tmpdir(), 'bk-minio-tls-')), 'minio-tls');
  const run = (command: string) => promisify(execFile)('bash', [script, command], { env: { ...process.env, BUCKETKIT_MINIO_TLS_DIR: state } });
  await run('up-tls');
  const env = Object.fromEntries([...(await run('env-tls')).stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]] as const));
  const target: Target = {
    name: 'minio-tls',
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
  };
  const ca = readFileSync(env.AWS_CA_BUNDLE);
  const client = () =>
    new S3Client({
      endpoint: target.endpoint,
      region: target.region,
      credentials: target.credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca, keepAlive: true }) }),
    });
  const stop = async () => {
    await run('down-tls');
    rmSync(dirname(state), { recursive: true, force: true });
  };
  return { target, caPath: env.AWS_CA_BUNDLE, client, stop };
}

/**
 * Creates a symmetric key in the KMS of the moto server under test (one moto port serves S3 and KMS) and returns its
 * id and ARN. moto does not check the signature, so the request is plain JSON over loopback.
 */
export async function createKmsKey(description = 'bucketkit test'): Promise<{ keyId: string; arn: string }> {
  const target = currentTarget();
  const response = await fetch(target.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'TrentService.CreateKey',
      Authorization: `AWS4-HMAC-SHA256 Credential=${target.credentials.accessKeyId}/20260101/${target.region}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: description }),
  });
  if (response.status !== 200) throw new Error(`KMS CreateKey answered ${response.status}: ${await response.text()}`);
  const { KeyMetadata } = (await response.json()) as { KeyMetadata: { KeyId: string; Arn: string } };
  return { keyId: KeyMetadata.KeyId, arn: KeyMetadata.Arn };
}

/** Records every command's name and input as the client sends it (after bucketkit built it, before the SDK's middleware). */
export function recordCommands(client: S3Client): { name: string; input: Record<string, unknown> }[] {
  const seen: { name: string; input: Record<string, unknown> }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push({ name: String(context.commandName), input: { ...(args.input as Record<string, unknown>) } });
      return next(args);
    },
    { step: 'initialize', name: 'bucketkitTestCommandRecorder' },
  );
  return seen;
}
