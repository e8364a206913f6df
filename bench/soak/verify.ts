/** Checks against the server itself, on a direct client that bypasses the fault proxy. */
import { GetObjectCommand, NoSuchKey, NotFound, S3Client } from '@aws-sdk/client-s3';
import type { ExpectedObject } from './model';
import { sha256 } from './model';

/** An object as the server holds it. */
export interface StoredObject {
  readonly size: number;
  readonly sha256: string;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
}

/** Reads an object directly from the server; undefined when it does not exist. */
export async function readStored(direct: S3Client, bucket: string, key: string): Promise<StoredObject | undefined> {
  try {
    const out = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await out.Body!.transformToByteArray();
    return { size: bytes.length, sha256: sha256(bytes), contentType: out.ContentType, metadata: out.Metadata ?? {} };
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NotFound || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** The differences between what the server holds and what was expected ('' when they match). */
export function differences(stored: StoredObject | undefined, expected: ExpectedObject | undefined): string {
  if (!expected) return stored ? `expected no object, found ${stored.size} bytes` : '';
  if (!stored) return 'expected an object, found none';
  const problems: string[] = [];
  if (stored.size !== expected.size) problems.push(`size ${stored.size} != ${expected.size}`);
  if (stored.sha256 !== expected.sha256) problems.push('bytes differ (SHA-256)');
  if (stored.contentType !== expected.contentType) problems.push(`content-type ${stored.contentType} != ${expected.contentType}`);
  if (JSON.stringify(sortKeys(stored.metadata)) !== JSON.stringify(sortKeys(expected.metadata)))
    problems.push(`metadata ${JSON.stringify(stored.metadata)} != ${JSON.stringify(expected.metadata)}`);
  return problems.join('; ');
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Was this a byte-level problem (as opposed to metadata)? */
export function isByteProblem(problem: string): boolean {
  return /bytes differ|size /.test(problem);
}
