import { GetBucketEncryptionCommand, PutBucketEncryptionCommand, type ServerSideEncryption as SdkSseAlgorithm } from '@aws-sdk/client-s3';
import { InvalidArgumentError, StorageError } from '../../errors';
import type { BucketEncryption, SetBucketEncryptionInput } from '../../types/encryption';
import type { S3Context } from '../core/context';

const TYPE_OF_ALGORITHM: Readonly<Record<string, BucketEncryption['type']>> = { AES256: 'SSE-S3', 'aws:kms': 'SSE-KMS', 'aws:kms:dsse': 'DSSE-KMS' };
const ALGORITHM_OF_TYPE: Readonly<Record<SetBucketEncryptionInput['type'], SdkSseAlgorithm>> = {
  'SSE-S3': 'AES256',
  'SSE-KMS': 'aws:kms',
  'DSSE-KMS': 'aws:kms:dsse',
};

/**
 * The bucket's default encryption (GetBucketEncryption): the first rule's type, KMS key and Bucket Key, and the
 * encryption types it blocks. A store with no configuration (moto, some S3-compatible stores) answers
 * `ServerSideEncryptionConfigurationNotFoundError`, reported as `{ type: 'none', bucketKey: false }`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
 * @throws AccessDeniedError without `s3:GetEncryptionConfiguration`; BucketNotFoundError
 */
export async function getBucketEncryption(ctx: S3Context, options: { abortSignal?: AbortSignal } = {}): Promise<BucketEncryption> {
  try {
    const out = await ctx.send(new GetBucketEncryptionCommand({ Bucket: ctx.bucket }), { abortSignal: options.abortSignal });
    const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    const blocked = rule?.BlockedEncryptionTypes?.EncryptionType;
    return {
      type: (byDefault?.SSEAlgorithm && TYPE_OF_ALGORITHM[byDefault.SSEAlgorithm]) || 'none',
      keyId: byDefault?.KMSMasterKeyID || undefined,
      bucketKey: rule?.BucketKeyEnabled === true,
      blockedEncryptionTypes: blocked ? [...blocked] : undefined,
    };
  } catch (error) {
    if (error instanceof StorageError && error.s3Code === 'ServerSideEncryptionConfigurationNotFoundError') return { type: 'none', bucketKey: false };
    throw error;
  }
}

function invalid(field: string, message: string): never {
  throw new InvalidArgumentError(`${field}: ${message}`, { field });
}

/**
 * Validates a bucket default encryption before any request.
 * @throws InvalidArgumentError naming the field: SSE-C (not a bucket default), a key id on SSE-S3, a Bucket Key on
 *   anything but SSE-KMS (S3 Bucket Keys do not apply to DSSE-KMS), a non-boolean flag
 */
export function assertBucketEncryption(input: SetBucketEncryptionInput): void {
  if (typeof input !== 'object' || input === null) invalid('encryption', "must be { type: 'SSE-S3' | 'SSE-KMS' | 'DSSE-KMS', keyId?, bucketKey? }");
  if ((input.type as string) === 'SSE-C') invalid('encryption.type', 'SSE-C cannot be a bucket default: S3 needs the key on every request');
  if (!(input.type in ALGORITHM_OF_TYPE)) invalid('encryption.type', "must be 'SSE-S3', 'SSE-KMS' or 'DSSE-KMS'");
  if (input.keyId !== undefined) {
    if (input.type === 'SSE-S3') invalid('encryption.keyId', 'SSE-S3 takes no KMS key');
    if (typeof input.keyId !== 'string' || input.keyId.length === 0) invalid('encryption.keyId', 'must be a non-empty KMS key ARN, id or alias');
  }
  if (input.bucketKey !== undefined) {
    if (typeof input.bucketKey !== 'boolean') invalid('encryption.bucketKey', 'must be a boolean');
    if (input.type !== 'SSE-KMS' && input.bucketKey) invalid('encryption.bucketKey', 'S3 Bucket Keys apply to SSE-KMS only');
  }
  if (input.allowSseC !== undefined && typeof input.allowSseC !== 'boolean') invalid('encryption.allowSseC', 'must be a boolean');
}

/**
 * Sets the bucket's default encryption (PutBucketEncryption, one rule; it replaces the configuration). Existing
 * objects keep theirs: only new writes without encryption headers get it. `allowSseC` sets `BlockedEncryptionTypes`
 * (`NONE` to allow SSE-C writes, `SSE-C` to block them).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
 * @throws InvalidArgumentError (see {@link assertBucketEncryption}) before any request
 */
export async function setBucketEncryption(ctx: S3Context, input: SetBucketEncryptionInput, options: { abortSignal?: AbortSignal } = {}): Promise<void> {
  assertBucketEncryption(input);
  await ctx.send(
    new PutBucketEncryptionCommand({
      Bucket: ctx.bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: ALGORITHM_OF_TYPE[input.type], KMSMasterKeyID: input.keyId },
            BucketKeyEnabled: input.type === 'SSE-KMS' ? input.bucketKey : undefined,
            BlockedEncryptionTypes: input.allowSseC === undefined ? undefined : { EncryptionType: [input.allowSseC ? 'NONE' : 'SSE-C'] },
          },
        ],
      },
    }),
    { abortSignal: options.abortSignal },
  );
}
