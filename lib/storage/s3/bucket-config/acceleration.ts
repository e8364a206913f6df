/**
 * The bucket's Transfer Acceleration setting (GetBucketAccelerateConfiguration / PutBucketAccelerateConfiguration).
 * These requests always go to the regional endpoint: they configure acceleration, they do not use it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html
 */
import { GetBucketAccelerateConfigurationCommand, PutBucketAccelerateConfigurationCommand } from '@aws-sdk/client-s3';
import { checkTransferAcceleration } from '../../../rules/acceleration';
import { checkBucketName } from '../../../rules/bucket-name';
import { formatProblems } from '../../../rules/problem';
import { InvalidArgumentError, UnsupportedFeatureError } from '../../errors';
import type { AccelerationStatus } from '../../types/acceleration';
import type { S3Context } from '../core/context';

export type { AccelerationStatus };

/**
 * The bucket's Transfer Acceleration state.
 * @throws StorageError subclasses from S3 (AccessDeniedError without `s3:GetAccelerateConfiguration`)
 */
export async function getAcceleration(ctx: S3Context, options: { readonly abortSignal?: AbortSignal } = {}): Promise<AccelerationStatus> {
  const output = await ctx.send(new GetBucketAccelerateConfigurationCommand({ Bucket: ctx.bucket }), { abortSignal: options.abortSignal });
  return output.Status === 'Enabled' || output.Status === 'Suspended' ? output.Status : 'Disabled';
}

/**
 * Enables (`true`) or suspends (`false`) Transfer Acceleration. The bucket name is checked first: S3 accelerates only
 * DNS-compliant names without dots (virtual-hosted `<bucket>.s3-accelerate.amazonaws.com`), and refuses the
 * configuration call itself for other names, suspending included (moto 5.2.5 answers InvalidRequest for both). The speed-up can take up to
 * 30 minutes to appear after enabling.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAccelerateConfiguration.html
 * @throws InvalidArgumentError (field `enabled`, or `bucket` for a name that cannot be accelerated)
 * @throws UnsupportedFeatureError (feature `transferAcceleration`) where the store answers bucketkit's own,
 *   already validated AccelerateConfiguration document with MalformedXML (MinIO), InvalidArgument (Ceph RGW) or
 *   NotImplemented: it does not implement the API. S3 itself answers a refused bucket with InvalidRequest.
 *   before any request
 */
export async function setAcceleration(ctx: S3Context, enabled: boolean, options: { readonly abortSignal?: AbortSignal } = {}): Promise<void> {
  if (typeof enabled !== 'boolean') throw new InvalidArgumentError(`enabled: must be a boolean (got ${JSON.stringify(enabled)})`, { field: 'enabled' });
  // Errors only: the region rule is a warning in the catalogue (AWS adds regions), so it does not block the call.
  const problems = [...checkBucketName(ctx.bucket, { transferAcceleration: true }), ...checkTransferAcceleration({ region: ctx.region })].filter(
    (p, i, all) => p.severity === 'error' && all.findIndex((q) => q.ruleId === p.ruleId) === i,
  );
  if (problems.length > 0) {
    throw new InvalidArgumentError(`bucket ${ctx.bucket} cannot use Transfer Acceleration:\n${formatProblems(problems)}`, { field: 'bucket' });
  }
  try {
    await ctx.send(
      new PutBucketAccelerateConfigurationCommand({ Bucket: ctx.bucket, AccelerateConfiguration: { Status: enabled ? 'Enabled' : 'Suspended' } }),
      {
        abortSignal: options.abortSignal,
      },
    );
  } catch (error) {
    // bucketkit wrote and checked the document, so these answers are not about the caller's input: the store lacks the API.
    if (error instanceof InvalidArgumentError && (error.s3Code === 'MalformedXML' || error.s3Code === 'InvalidArgument')) {
      throw new UnsupportedFeatureError(`this store does not implement Transfer Acceleration (PutBucketAccelerateConfiguration answered ${error.s3Code})`, {
        feature: 'transferAcceleration',
        s3Code: error.s3Code,
        httpStatus: error.httpStatus,
        requestId: error.requestId,
        cause: error,
      });
    }
    throw error;
  }
}
