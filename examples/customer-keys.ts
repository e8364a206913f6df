import { randomBytes } from 'node:crypto';
import { EncryptionKeyMismatchError, S3Storage, staticKeyProvider } from 'bucketkit/storage';

async function main(): Promise<void> {
  const bucket = process.env.BUCKET ?? 'my-bucket';
  const endpoint = process.env.S3_ENDPOINT; // unset: Amazon S3 over https
  // In production a provider fetches keys from a secrets manager or unwraps them with KMS; here they live in memory.
  const keys = staticKeyProvider({ '2026-06': randomBytes(32), '2026-01': randomBytes(32) }); // newest first
  const common = { bucket, endpoint, region: 'us-east-1', allowInsecureSseC: endpoint?.startsWith('http:') };

  // Writes use key id 2026-01; the object keeps bk-sse-c-key-id: 2026-01 and the key's MD5 in its metadata, never the key.
  const writer = new S3Storage({ ...common, encryption: { type: 'SSE-C', keyProvider: keys, keyId: '2026-01' } });
  await writer.put('ledger/2026.csv', 'a,b\n1,2\n', { metadata: { owner: 'finance' } });

  // A reader holds the provider only and finds each object's key by id: no key passed per call.
  const reader = new S3Storage({ ...common, customerKeys: keys });
  console.log((await reader.getText('ledger/2026.csv')).split('\n')[1]); // 1,2
  console.log((await reader.head('ledger/2026.csv')).metadata['bk-sse-c-key-id']); // 2026-01

  // Rotate: move every object to the newest key id (copy-source key 2026-01, new key 2026-06). Run it again: nothing moves.
  const moved = await reader.reencrypt({ prefix: 'ledger/' }, { to: { type: 'SSE-C', keyProvider: keys, keyId: '2026-06' } });
  console.log(moved.reencrypted, moved.skipped); // 1 0
  console.log((await reader.head('ledger/2026.csv')).metadata['bk-sse-c-key-id']); // 2026-06

  // A provider that hands out another key for an id fails with EncryptionKeyMismatchError, never with a key in it.
  const stale = new S3Storage({ ...common, customerKeys: staticKeyProvider({ '2026-06': randomBytes(32) }) });
  const error = await stale.getText('ledger/2026.csv').catch((e: unknown) => e);
  console.log(error instanceof EncryptionKeyMismatchError && error.code); // EncryptionKeyMismatch
  [writer, reader, stale].forEach((storage) => storage.destroy());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
