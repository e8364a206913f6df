import { GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '../../errors';
import type { BucketVersioning, SetVersioningOptions } from '../../types/versioning';
import type { S3Context } from '../core/context';
import { mfaHeader } from '../core/validation';

/**
 * GetBucketVersioning. A bucket that was never versioned answers with no status: `'Disabled'`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
 * @throws StorageError subclasses from S3 (AccessDeniedError without `s3:GetBucketVersioning`)
 */
export async function getVersioning(ctx: S3Context, options: { readonly abortSignal?: AbortSignal } = {}): Promise<BucketVersioning> {
  const output = await ctx.send(new GetBucketVersioningCommand({ Bucket: ctx.bucket }), { abortSignal: options.abortSignal });
  const status = output.Status === 'Enabled' || output.Status === 'Suspended' ? output.Status : 'Disabled';
  return { status, mfaDelete: output.MFADelete === 'Enabled' };
}

/**
 * PutBucketVersioning. A versioned bucket cannot go back to `'Disabled'`: only `'Enabled'` or `'Suspended'` are
 * accepted. `mfa` is validated (format and HTTPS) before anything is sent.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
 * @throws InvalidArgumentError for a bad status, MFA token, `mfaDelete` without `mfa`, or MFA over plain http
 */
export async function setVersioning(ctx: S3Context, status: 'Enabled' | 'Suspended', options: SetVersioningOptions = {}): Promise<void> {
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw new InvalidArgumentError(
      `status: must be 'Enabled' or 'Suspended', got ${JSON.stringify(status)}; a bucket that was versioned can never return to unversioned`,
      { field: 'status' },
    );
  }
  if (options.mfaDelete !== undefined && typeof options.mfaDelete !== 'boolean') {
    throw new InvalidArgumentError('mfaDelete: must be a boolean', { field: 'mfaDelete' });
  }
  if (options.mfaDelete !== undefined && options.mfa === undefined) {
    throw new InvalidArgumentError('mfa: S3 requires an MFA token (root account) to turn MFA delete on or off', { field: 'mfa' });
  }
  const mfa = mfaHeader(options.mfa, ctx.config.endpoint);
  await ctx.send(
    new PutBucketVersioningCommand({
      Bucket: ctx.bucket,
      MFA: mfa,
      VersioningConfiguration: {
        Status: status,
        MFADelete: options.mfaDelete === undefined ? undefined : options.mfaDelete ? 'Enabled' : 'Disabled',
      },
    }),
    { abortSignal: options.abortSignal },
  );
}
