/**
 * What the soak expects in the bucket. Object bytes are never kept: each object is AES-128-CTR keystream of its
 * seed, so the expected bytes (whole or any range) are regenerated on demand and memory stays flat.
 */
import { createCipheriv, createHash } from 'node:crypto';

/** One object as the soak wrote it. */
export interface ExpectedObject {
  readonly seed: number;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** `size` bytes from `seed`, or the slice [start, end] of them. */
export function bytesFor(seed: number, size: number, start = 0, end = size - 1): Buffer {
  const key = createHash('sha256').update(`soak-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(end + 1)).subarray(start);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A new expected object: its seed, size, bytes and hash. */
export function makeObject(seed: number, size: number, metadata: Record<string, string>): { expected: ExpectedObject; body: Buffer } {
  const body = bytesFor(seed, size);
  return { expected: { seed, size, sha256: sha256(body), contentType: 'application/x-bucketkit-soak', metadata }, body };
}

/** One worker's keys: its own prefix, so workers never race on a key and each model stays exact. */
export class WorkerModel {
  public readonly objects = new Map<string, ExpectedObject>();
  private generation = 0;

  public constructor(private readonly worker: number) {}

  /** The prefix of this worker's current generation of keys. */
  public get prefix(): string {
    return `soak/w${this.worker}/g${this.generation}/`;
  }

  /**
   * Abandons the current keys (after an operation breached its deadline and may still be running in the
   * background) and starts a fresh prefix, so the late operation cannot disturb later checks.
   */
  public newGeneration(): void {
    this.generation++;
    this.objects.clear();
  }

  /** A key in the current generation: small objects s0..s9, multipart-sized m0..m2. */
  public key(kind: 'small' | 'large', index: number): string {
    return `${this.prefix}${kind === 'small' ? 's' : 'm'}${index}`;
  }

  /** Existing keys of a kind. */
  public existing(kind: 'small' | 'large'): string[] {
    const mark = kind === 'small' ? 's' : 'm';
    return [...this.objects.keys()].filter((k) => k.slice(this.prefix.length).startsWith(mark));
  }
}
