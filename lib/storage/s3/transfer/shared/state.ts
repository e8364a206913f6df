import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { UploadState, UploadStateStore } from '../../../types/transfer';

/** An upload's state is saved after a part at most this often (and always when the upload stops). */
export const STATE_SAVE_INTERVAL_MS = 500;

/** The suffix of the default upload-state sidecar, next to the source file. */
export const UPLOAD_STATE_SUFFIX = '.bucketkit-upload.json';

/** Writes a file atomically: a temporary file in the same directory, then rename, so a crash never leaves half a JSON. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    // A full disk, say: the temporary file is not left behind.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Reads a JSON file; undefined if it is missing or unreadable. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Upload states in one JSON file (the default: `<source file>.bucketkit-upload.json`). The file holds one state per
 * bucket and key; saves are serialised and atomic.
 */
export class JsonFileUploadStateStore implements UploadStateStore {
  private chain: Promise<unknown> = Promise.resolve();

  /** @param path the JSON file. */
  public constructor(public readonly path: string) {}

  public async load(bucket: string, key: string): Promise<UploadState | undefined> {
    await this.chain.catch(() => undefined);
    const all = (await readJsonFile<Record<string, UploadState>>(this.path)) ?? {};
    return all[stateId(bucket, key)];
  }

  public save(state: UploadState): Promise<void> {
    return this.update((all) => ({ ...all, [stateId(state.bucket, state.key)]: state }));
  }

  public remove(bucket: string, key: string): Promise<void> {
    return this.update((all) => {
      const { [stateId(bucket, key)]: _gone, ...rest } = all;
      return rest;
    });
  }

  private update(change: (all: Record<string, UploadState>) => Record<string, UploadState>): Promise<void> {
    const next = this.chain
      .catch(() => undefined)
      .then(async () => {
        const all = change((await readJsonFile<Record<string, UploadState>>(this.path)) ?? {});
        if (Object.keys(all).length === 0) await rm(this.path, { force: true });
        else await writeFileAtomic(this.path, JSON.stringify(all));
      });
    this.chain = next;
    return next;
  }
}

/** Upload states in memory, for tests and for callers that persist them elsewhere. */
export class MemoryUploadStateStore implements UploadStateStore {
  /** The states, by `bucket/key`. */
  public readonly states = new Map<string, UploadState>();

  public async load(bucket: string, key: string): Promise<UploadState | undefined> {
    return this.states.get(stateId(bucket, key));
  }

  public async save(state: UploadState): Promise<void> {
    this.states.set(stateId(state.bucket, state.key), state);
  }

  public async remove(bucket: string, key: string): Promise<void> {
    this.states.delete(stateId(bucket, key));
  }
}

function stateId(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}
