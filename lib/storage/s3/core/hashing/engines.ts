/**
 * The hash engines of the transfer engine: MD5, SHA-1 and SHA-256 (OpenSSL through `node:crypto`), CRC32 and CRC32C
 * (`@node-rs/crc32`'s hardware CRCs where it loads; else CRC32 on `zlib.crc32`, native since Node 20.15 / 22.2, and
 * slicing-by-8 tables), CRC-64/NVME (slicing-by-8, as the SDK's `Crc64NvmeJs`).
 *
 * {@link createHashEngines} is self-contained on purpose: it uses nothing from its module scope, only the `require`
 * it is handed, so the hash workers run the very same code (`hash-worker.ts` evaluates its source text). Keep it so:
 * no imports, no module constants, no helpers outside the function.
 *
 * Digests are the bytes S3 puts, base64-encoded, in `x-amz-checksum-*` (CRCs big-endian) and, for MD5, in
 * Content-MD5 and the ETag. https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */

import { INTEGRITY_CHECKS, type IntegrityCheckName } from '../../../../rules/checksums';

/** The algorithms the hash engines and the hash pool compute: every row of the checksum table (lib/rules/checksums.ts). */
export type HashAlgorithm = IntegrityCheckName;

/** Every {@link HashAlgorithm}. */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = INTEGRITY_CHECKS;

/** An incremental hash: feed it bytes, then take the digest once. */
export interface Hasher {
  update(data: Uint8Array): void;
  /** The digest bytes (CRCs big-endian). The hasher is spent afterwards. */
  digest(): Uint8Array;
}

/** Builds hashers. */
export interface HashEngines {
  create(algorithm: HashAlgorithm): Hasher;
  /** True when CRC32 runs on native code (`@node-rs/crc32` or Node's `zlib.crc32`). */
  readonly nativeCrc32: boolean;
  /** True when CRC32 and CRC32C run on `@node-rs/crc32` (hardware CRC instructions). */
  readonly hardwareCrc: boolean;
}

/** The `require` the engines load `node:crypto` and `node:zlib` with. */
export type RequireLike = (id: string) => unknown;

/* istanbul ignore next -- its source text also runs in the workers, whose coverage is not collected */
/**
 * Builds the hash engines. Self-contained: see the module comment.
 * CRC32C polynomial 0x82f63b78 (reflected Castagnoli); CRC-64/NVME reflected polynomial 0x9a6c9329ac4bc9b5, init
 * and xorout all ones (check value of "123456789": ae8b14860a799888).
 */
export function createHashEngines(load: RequireLike): HashEngines {
  const crypto = load('node:crypto') as { createHash(name: string): { update(d: Uint8Array): unknown; digest(): Uint8Array } };
  const zlib = load('node:zlib') as { crc32?: (data: Uint8Array, value?: number) => number };
  // Hardware CRCs (PCLMULQDQ, SSE4.2, ARMv8 CRC) where @node-rs/crc32 has a build for this platform; measured here,
  // CRC32 11-13 GB/s against zlib.crc32's 4.6 GB/s, and CRC32C 5.7 GB/s against 0.5 GB/s in JavaScript
  // (docs/benchmarks.md, "Hashing"). Absent (a handler bundle, another platform), the others below are used.
  type Crc = (data: Uint8Array, value?: number) => number;
  let hardware: { crc32: Crc; crc32c: Crc } | undefined;
  try {
    hardware = load('@node-rs/crc32') as { crc32: Crc; crc32c: Crc };
  } catch {
    hardware = undefined;
  }
  const crc32 = hardware?.crc32 ?? zlib.crc32;
  const nativeCrc32 = typeof crc32 === 'function';

  /** Slicing-by-8 tables of a reflected 32-bit CRC. */
  const tables32 = (poly: number): Uint32Array[] => {
    const t: Uint32Array[] = [];
    for (let k = 0; k < 8; k++) t.push(new Uint32Array(256));
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (poly ^ (c >>> 1)) >>> 0 : c >>> 1;
      t[0][n] = c >>> 0;
    }
    for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k][n] = (t[k - 1][n] >>> 8) ^ t[0][t[k - 1][n] & 0xff];
    return t;
  };
  let crc32cTables: Uint32Array[] | undefined;
  let crc32Tables: Uint32Array[] | undefined;

  /** Updates a reflected 32-bit CRC register (pre-inverted) with `data`, eight bytes at a time. */
  const update32 = (t: Uint32Array[], register: number, data: Uint8Array): number => {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = t;
    let c = register;
    let i = 0;
    const end8 = data.length - (data.length % 8);
    for (; i < end8; i += 8) {
      const a = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
      c = t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^ t3[data[i + 4]] ^ t2[data[i + 5]] ^ t1[data[i + 6]] ^ t0[data[i + 7]];
    }
    for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    return c >>> 0;
  };

  const be32 = (value: number): Uint8Array => {
    const out = new Uint8Array(4);
    out[0] = value >>> 24;
    out[1] = (value >>> 16) & 0xff;
    out[2] = (value >>> 8) & 0xff;
    out[3] = value & 0xff;
    return out;
  };

  /** Slicing-by-8 tables of CRC-64/NVME: table k holds [hi, lo] of entry n at 2n, 2n + 1. */
  let tables64: Uint32Array[] | undefined;
  const crc64Tables = (): Uint32Array[] => {
    if (tables64) return tables64;
    const t: Uint32Array[] = [];
    for (let k = 0; k < 8; k++) t.push(new Uint32Array(512));
    for (let n = 0; n < 256; n++) {
      let lo = n;
      let hi = 0;
      for (let k = 0; k < 8; k++) {
        const odd = lo & 1;
        lo = ((lo >>> 1) | (hi << 31)) >>> 0;
        hi = hi >>> 1;
        if (odd) {
          lo = (lo ^ 0xac4bc9b5) >>> 0;
          hi = (hi ^ 0x9a6c9329) >>> 0;
        }
      }
      t[0][2 * n] = hi;
      t[0][2 * n + 1] = lo;
    }
    for (let k = 1; k < 8; k++) {
      for (let n = 0; n < 256; n++) {
        const hi = t[k - 1][2 * n];
        const lo = t[k - 1][2 * n + 1];
        const x = (lo & 0xff) << 1;
        t[k][2 * n] = (hi >>> 8) ^ t[0][x];
        t[k][2 * n + 1] = (((lo >>> 8) | (hi << 24)) ^ t[0][x + 1]) >>> 0;
      }
    }
    tables64 = t;
    return t;
  };

  const crc32Hasher = (): Hasher => {
    let value = 0;
    let register = 0xffffffff;
    return {
      update(data) {
        if (nativeCrc32) value = crc32!(data, value) >>> 0;
        else register = update32((crc32Tables ??= tables32(0xedb88320)), register, data);
      },
      digest: () => be32(nativeCrc32 ? value : ~register >>> 0),
    };
  };

  const crc32cHasher = (): Hasher => {
    let register = 0xffffffff;
    let value = 0;
    return {
      update(data) {
        if (hardware) value = hardware.crc32c(data, value) >>> 0;
        else register = update32((crc32cTables ??= tables32(0x82f63b78)), register, data);
      },
      digest: () => be32(hardware ? value : ~register >>> 0),
    };
  };

  const crc64Hasher = (): Hasher => {
    let hi = 0xffffffff;
    let lo = 0xffffffff;
    return {
      update(data) {
        const [t0, t1, t2, t3, t4, t5, t6, t7] = crc64Tables();
        const end8 = data.length - (data.length % 8);
        let i = 0;
        for (; i < end8; i += 8) {
          const x0 = ((lo ^ data[i]) & 0xff) << 1;
          const x1 = (((lo >>> 8) ^ data[i + 1]) & 0xff) << 1;
          const x2 = (((lo >>> 16) ^ data[i + 2]) & 0xff) << 1;
          const x3 = (((lo >>> 24) ^ data[i + 3]) & 0xff) << 1;
          const x4 = ((hi ^ data[i + 4]) & 0xff) << 1;
          const x5 = (((hi >>> 8) ^ data[i + 5]) & 0xff) << 1;
          const x6 = (((hi >>> 16) ^ data[i + 6]) & 0xff) << 1;
          const x7 = (((hi >>> 24) ^ data[i + 7]) & 0xff) << 1;
          hi = t7[x0] ^ t6[x1] ^ t5[x2] ^ t4[x3] ^ t3[x4] ^ t2[x5] ^ t1[x6] ^ t0[x7];
          lo = t7[x0 + 1] ^ t6[x1 + 1] ^ t5[x2 + 1] ^ t4[x3 + 1] ^ t3[x4 + 1] ^ t2[x5 + 1] ^ t1[x6 + 1] ^ t0[x7 + 1];
        }
        for (; i < data.length; i++) {
          const x = ((lo ^ data[i]) & 0xff) << 1;
          lo = (((lo >>> 8) | (hi << 24)) ^ t0[x + 1]) >>> 0;
          hi = (hi >>> 8) ^ t0[x];
        }
      },
      digest() {
        const out = new Uint8Array(8);
        out.set(be32(~hi >>> 0), 0);
        out.set(be32(~lo >>> 0), 4);
        return out;
      },
    };
  };

  const digestHasher = (name: string): Hasher => {
    const hash = crypto.createHash(name);
    return {
      update(data) {
        hash.update(data);
      },
      digest: () => hash.digest(),
    };
  };

  return {
    nativeCrc32,
    hardwareCrc: hardware !== undefined,
    create(algorithm) {
      switch (algorithm) {
        case 'MD5':
          return digestHasher('md5');
        case 'SHA1':
          return digestHasher('sha1');
        case 'SHA256':
          return digestHasher('sha256');
        case 'CRC32':
          return crc32Hasher();
        case 'CRC32C':
          return crc32cHasher();
        case 'CRC64NVME':
          return crc64Hasher();
        default:
          throw new Error(`unknown hash algorithm ${String(algorithm)}`);
      }
    },
  };
}
