import type { S3Client } from '@aws-sdk/client-s3';
import { currentTarget } from '../../helpers/target';

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
