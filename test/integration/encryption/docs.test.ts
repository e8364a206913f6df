import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { targetDiffers } from '../../helpers/known-differences';
import { promisedLines, runExample, type ExampleRun } from '../../helpers/examples';
import { createTestBucket, currentTarget, TestBucket } from '../../helpers/target';
import { targetKmsKeys } from './kms';

const ROOT = join(__dirname, '..', '..', '..');
let b: TestBucket;
beforeAll(async () => {
  b = await createTestBucket('docs-enc');
});
afterAll(async () => b?.cleanup());

test('docs/encryption.md opens with examples/encryption.ts, verbatim', () => {
  const doc = readFileSync(join(ROOT, 'docs/encryption.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/encryption.ts'), 'utf8').trim();
  expect(doc.startsWith(`# Encryption\n\n\`\`\`ts\n${example}\n\`\`\``)).toBe(true);
});

/** Runs the example against the target with the target's KMS keys: key B, or SSE-S3 where the KMS has one key (MinIO). */
async function runEncryptionExample(): Promise<ExampleRun> {
  const keys = await targetKmsKeys();
  return runExample('encryption.ts', b.name, { KMS_KEY_A: keys.a.id, KMS_KEY_B: keys.b?.id ?? 'SSE-S3' });
}

if (!targetDiffers('bucket-encryption-refused')) {
  test("and it runs against the server with the target's KMS keys, printing what its comments say", async () => {
    const { stdout, stderr, code } = await runEncryptionExample();
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const promised = promisedLines('encryption.ts');
    expect(promised).toHaveLength(6);
    expect(stdout.trim().split('\n')).toEqual(promised);
  });
} else {
  test(`and on ${currentTarget().name}, which refuses PutBucketEncryption, it stops at its first call with InvalidArgumentError`, async () => {
    const { stdout, stderr, code } = await runEncryptionExample();
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(/InvalidArgumentError: InvalidArgument, HTTP 400/);
  });
}

test('docs/encryption.md holds examples/customer-keys.ts, verbatim, under its SSE-C keys section', () => {
  const doc = readFileSync(join(ROOT, 'docs/encryption.md'), 'utf8');
  const example = readFileSync(join(ROOT, 'examples/customer-keys.ts'), 'utf8').trim();
  expect(doc).toContain(`## SSE-C keys by id: \`CustomerKeyProvider\`\n\n\`\`\`ts\n${example}\n\`\`\``);
});

// The example writes SSE-C over plain http (allowInsecureSseC, for loopback): moto takes it; MinIO refuses SSE-C
// without TLS, and Ceph RGW answers a wrong key with 400, which key selection cannot tell from "not SSE-C"
// (docs/encryption.md); there the CustomerKeyProvider suite (customer-keys.test.ts) covers what each store does.
// Its own bucket, without the default encryption the encryption example sets: moto ignores SSE-C and writes a copy
// under the bucket's default (SSE-S3), which reencrypt's check after the copy rightly reports as failed.
(currentTarget().name === 'moto' ? test : test.skip)('and the customer-keys example runs against the server, printing what its comments say', async () => {
  const own = await createTestBucket('docs-ssec');
  const { stdout, stderr, code } = await runExample('customer-keys.ts', own.name).finally(() => own.cleanup());
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const promised = promisedLines('customer-keys.ts');
  expect(promised).toHaveLength(5);
  expect(stdout.trim().split('\n')).toEqual(promised);
});
