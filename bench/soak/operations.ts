/**
 * The soak's operations. Each runs through bucketkit (via the fault proxy), then checks the result: returned bytes
 * by SHA-256 against the model, and every write against the server itself on a direct client. A write that fails
 * must leave the key as it was or as it was meant to be, never anything else.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Storage } from '../../lib/storage';
import { bytesFor, makeObject, sha256, type ExpectedObject, type WorkerModel } from './model';
import type { Rng } from './rng';
import { differences, isByteProblem, readStored } from './verify';

export const OPERATION_WEIGHTS = {
  put: 18,
  get: 14,
  getRange: 12,
  head: 12,
  list: 6,
  delete: 6,
  deleteMany: 4,
  copy: 8,
  multipartUpload: 4,
  multipartDownload: 4,
  multipartCopy: 3,
} as const;
export type OperationKind = keyof typeof OPERATION_WEIGHTS;

const MIB = 1024 * 1024;
const PART_SIZE = 5 * MIB;
const SMALL_KEYS = 10;
const LARGE_KEYS = 3;

/** What one operation came to. `corrupt` is set when a result (or what a failed write left) was wrong. */
export interface Outcome {
  readonly ok: boolean;
  readonly error?: unknown;
  readonly corrupt?: { readonly what: 'bytes' | 'metadata' | 'listing'; readonly detail: string };
}

export interface OperationContext {
  readonly storage: S3Storage;
  readonly direct: S3Client;
  readonly bucket: string;
  readonly model: WorkerModel;
  readonly rng: Rng;
  readonly opId: number;
  readonly signal: AbortSignal;
  readonly tmpDir: string;
}

const OK: Outcome = { ok: true };

function corrupt(problem: string, what?: 'listing'): Outcome {
  return { ok: false, corrupt: { what: what ?? (isByteProblem(problem) ? 'bytes' : 'metadata'), detail: problem } };
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Runs a write of `key` that was meant to leave `intended` (undefined: no object). Checks the server afterwards;
 * after a failure, the key must hold the previous or the intended object, and the model follows the server.
 */
async function checkedWrite(c: OperationContext, key: string, intended: ExpectedObject | undefined, write: () => Promise<unknown>): Promise<Outcome> {
  const before = c.model.objects.get(key);
  let error: unknown;
  try {
    await write();
  } catch (e) {
    error = e;
  }
  const stored = await readStored(c.direct, c.bucket, key);
  if (error === undefined) {
    const problem = differences(stored, intended);
    setModel(c, key, intended);
    return problem ? corrupt(`${key}: ${problem}`) : OK;
  }
  if (!differences(stored, intended)) setModel(c, key, intended);
  else if (!differences(stored, before)) setModel(c, key, before);
  else {
    c.model.objects.delete(key);
    return { ok: false, error, corrupt: { what: 'bytes', detail: `${key}: a failed write left neither the old nor the new object (${stored?.size} bytes)` } };
  }
  return { ok: false, error };
}

function setModel(c: OperationContext, key: string, value: ExpectedObject | undefined): void {
  if (value) c.model.objects.set(key, value);
  else c.model.objects.delete(key);
}

function newObject(c: OperationContext, size: number): ReturnType<typeof makeObject> {
  return makeObject(c.rng.int(1, 2 ** 31), size, { soak: String(c.opId), kind: 'soak' });
}

/** An existing key of a kind, or undefined when there is none yet. */
function someExisting(c: OperationContext, kind: 'small' | 'large'): string | undefined {
  const keys = c.model.existing(kind);
  return keys.length ? c.rng.pick(keys) : undefined;
}

async function put(c: OperationContext): Promise<Outcome> {
  const key = c.model.key('small', c.rng.int(0, SMALL_KEYS - 1));
  const size = c.rng.next() < 0.05 ? 0 : c.rng.int(1, 64 * 1024);
  const { expected, body } = newObject(c, size);
  return checkedWrite(c, key, expected, () =>
    c.storage.put(key, body, { contentType: expected.contentType, metadata: { ...expected.metadata }, abortSignal: c.signal }),
  );
}

async function get(c: OperationContext, ranged: boolean): Promise<Outcome> {
  const key = someExisting(c, c.rng.next() < 0.2 ? 'large' : 'small');
  if (!key) return put(c);
  const expected = c.model.objects.get(key)!;
  if (ranged && expected.size > 0) {
    const start = c.rng.int(0, expected.size - 1);
    const end = c.rng.int(start, expected.size - 1);
    const result = await c.storage.get(key, { range: { start, end }, abortSignal: c.signal });
    const bytes = await readAll(result.body);
    if (sha256(bytes) !== sha256(bytesFor(expected.seed, expected.size, start, end))) return corrupt(`${key} [${start}-${end}]: bytes differ (SHA-256)`);
    return OK;
  }
  const result = await c.storage.get(key, { abortSignal: c.signal });
  const bytes = await readAll(result.body);
  const problem = differences({ size: bytes.length, sha256: sha256(bytes), contentType: result.contentType, metadata: result.metadata }, expected);
  return problem ? corrupt(`${key}: ${problem}`) : OK;
}

async function head(c: OperationContext): Promise<Outcome> {
  const key = someExisting(c, 'small');
  if (!key) return put(c);
  const expected = c.model.objects.get(key)!;
  const meta = await c.storage.head(key, { abortSignal: c.signal });
  const problem = differences({ size: meta.size, sha256: expected.sha256, contentType: meta.contentType, metadata: meta.metadata }, expected);
  return problem ? corrupt(`${key}: ${problem}`) : OK;
}

async function list(c: OperationContext): Promise<Outcome> {
  const seen = new Map<string, number>();
  for await (const page of c.storage.list({ prefix: c.model.prefix, pageSize: c.rng.int(1, 8), abortSignal: c.signal })) {
    for (const o of page.objects) seen.set(o.key, o.size);
  }
  const expected = [...c.model.objects].map(([k, o]) => `${k}=${o.size}`).sort();
  const got = [...seen].map(([k, s]) => `${k}=${s}`).sort();
  return expected.join() === got.join() ? OK : corrupt(`listing of ${c.model.prefix}: expected [${expected.join(', ')}], got [${got.join(', ')}]`, 'listing');
}

async function del(c: OperationContext): Promise<Outcome> {
  const key = someExisting(c, 'small') ?? c.model.key('small', 0);
  return checkedWrite(c, key, undefined, () => c.storage.delete(key, { abortSignal: c.signal }));
}

async function deleteMany(c: OperationContext): Promise<Outcome> {
  const keys = [...new Set(Array.from({ length: c.rng.int(1, 5) }, () => c.model.key('small', c.rng.int(0, SMALL_KEYS - 1))))];
  let error: unknown;
  try {
    const result = await c.storage.deleteMany(keys, { abortSignal: c.signal });
    if (result.errors.length > 0) error = result.errors[0].error;
  } catch (e) {
    error = e;
  }
  for (const key of keys) {
    const stored = await readStored(c.direct, c.bucket, key);
    if (!stored) c.model.objects.delete(key);
    else if (error === undefined) return corrupt(`${key}: deleteMany reported it deleted, but it is still there`, 'listing');
    else if (differences(stored, c.model.objects.get(key)))
      return { ok: false, error, corrupt: { what: 'bytes', detail: `${key}: changed by a failed deleteMany` } };
  }
  return error === undefined ? OK : { ok: false, error };
}

async function copy(c: OperationContext, multipart: boolean): Promise<Outcome> {
  const source = someExisting(c, multipart ? 'large' : 'small');
  if (!source) return multipart ? multipartUpload(c) : put(c);
  const destination = c.model.key(multipart ? 'large' : 'small', c.rng.int(0, (multipart ? LARGE_KEYS : SMALL_KEYS) - 1));
  if (destination === source) return get(c, false);
  const expected = c.model.objects.get(source)!;
  return checkedWrite(c, destination, expected, () =>
    c.storage.copy(source, destination, multipart ? { multipart: true, copyPartSizeBytes: PART_SIZE, abortSignal: c.signal } : { abortSignal: c.signal }),
  );
}

async function multipartUpload(c: OperationContext): Promise<Outcome> {
  const key = c.model.key('large', c.rng.int(0, LARGE_KEYS - 1));
  const { expected, body } = newObject(c, PART_SIZE + c.rng.int(1, 256 * 1024));
  return checkedWrite(c, key, expected, () =>
    c.storage.upload(key, body, {
      multipartThresholdBytes: PART_SIZE,
      targetPartSizeBytes: PART_SIZE,
      contentType: expected.contentType,
      metadata: { ...expected.metadata },
      abortSignal: c.signal,
    }),
  );
}

async function multipartDownload(c: OperationContext): Promise<Outcome> {
  const key = someExisting(c, 'large');
  if (!key) return multipartUpload(c);
  const expected = c.model.objects.get(key)!;
  const file = join(c.tmpDir, `op-${c.opId}.bin`);
  try {
    await c.storage.download(key, file, { rangeSizeBytes: MIB, abortSignal: c.signal });
    const bytes = readFileSync(file);
    return sha256(bytes) === expected.sha256 ? OK : corrupt(`${key} downloaded: bytes differ (SHA-256), ${bytes.length} of ${expected.size} bytes`);
  } finally {
    for (const f of [file, `${file}.partial`, `${file}.partial.json`]) rmSync(f, { force: true });
  }
}

/** Runs one operation of `kind`; a rejection of bucketkit's own call is a failed operation, not a harness error. */
export async function runOperation(kind: OperationKind, c: OperationContext): Promise<Outcome> {
  try {
    switch (kind) {
      case 'put':
        return await put(c);
      case 'get':
        return await get(c, false);
      case 'getRange':
        return await get(c, true);
      case 'head':
        return await head(c);
      case 'list':
        return await list(c);
      case 'delete':
        return await del(c);
      case 'deleteMany':
        return await deleteMany(c);
      case 'copy':
        return await copy(c, false);
      case 'multipartUpload':
        return await multipartUpload(c);
      case 'multipartDownload':
        return await multipartDownload(c);
      case 'multipartCopy':
        return await copy(c, true);
    }
  } catch (error) {
    return { ok: false, error };
  }
}
