import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  AbortMultipartUploadCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectLegalHoldCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { S3Storage, S3StorageConfig } from '../../lib/storage';

/** The S3 server the integration suite runs against, from the variables the global setup or test:compat set. */
export interface Target {
  readonly name: string;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
}

export function currentTarget(): Target {
  const endpoint = process.env.S3_ENDPOINT;
  if (!endpoint) throw new Error('S3_ENDPOINT is not set: run the integration tests through jest (its global setup starts moto)');
  const host = new URL(endpoint).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`integration targets must be on loopback, got ${host}`);
  return {
    name: process.env.BUCKETKIT_TARGET ?? 'moto',
    endpoint,
    region: process.env.S3_REGION ?? 'us-east-1',
    credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'testing', secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'testing' },
  };
}

/** A raw SDK client on the target, for arranging state and checking it independently of bucketkit. */
export function rawClient(target = currentTarget()): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An S3Storage on the target. */
export function storageFor(bucket: string, overrides: Partial<S3StorageConfig> = {}): S3Storage {
  const target = currentTarget();
  return new S3Storage({ bucket, endpoint: target.endpoint, region: target.region, credentials: target.credentials, ...overrides });
}

/** A unique, valid bucket name. */
export function uniqueBucketName(prefix: string): string {
  return `bk-${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 63);
}

export interface TestBucket {
  readonly name: string;
  readonly storage: S3Storage;
  readonly raw: S3Client;
  /** Removes every version, delete marker, multipart upload and the bucket itself. */
  cleanup(): Promise<void>;
}

/** Creates a scratch bucket on the target. */
export async function createTestBucket(prefix: string, options: { versioning?: boolean; objectLock?: boolean } = {}): Promise<TestBucket> {
  const raw = rawClient();
  const name = uniqueBucketName(prefix);
  await raw.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: options.objectLock || undefined }));
  if (options.versioning && !options.objectLock) {
    await raw.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  const storage = storageFor(name);
  return {
    name,
    storage,
    raw,
    async cleanup() {
      await emptyBucket(raw, name);
      await raw.send(new DeleteBucketCommand({ Bucket: name })).catch(() => undefined);
      storage.destroy();
      raw.destroy();
    },
  };
}

/** Deletes every version, delete marker and open multipart upload in a bucket. */
export async function emptyBucket(raw: S3Client, bucket: string): Promise<void> {
  const uploads = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) {
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId })).catch(() => undefined);
  }
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await raw.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length > 0) {
      const out = await raw
        .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true }, BypassGovernanceRetention: true }))
        .catch(() => ({ Errors: objects }));
      // What is left is under legal hold (or the batch failed): lift the hold and delete one by one.
      for (const e of out.Errors ?? []) {
        await raw
          .send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: e.Key, VersionId: e.VersionId, LegalHold: { Status: 'OFF' } }))
          .catch(() => undefined);
        await raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: e.Key, VersionId: e.VersionId, BypassGovernanceRetention: true })).catch(() => undefined);
      }
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
}

/** Wraps a client so every request that reaches the wire is counted. */
export function countRequests(client: S3Client): { readonly count: number; readonly commands: string[] } {
  const state = { count: 0, commands: [] as string[] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      state.count++;
      state.commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'bucketkitTestRequestCounter' },
  );
  return state;
}

/** Compares bytes by length and SHA-256: Jest's deep equality walks large buffers one element at a time. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
