/**
 * CRC combine: the CRC of `A || B` from `crc(A)`, `crc(B)` and the length of `B`, without the bytes. This is how a
 * download checks a full-object CRC32, CRC32C or CRC64NVME (S3's `FULL_OBJECT` checksum type) from the CRCs of its
 * ranges, hashed in parallel and in any order, instead of reading the file again.
 *
 * The method is zlib's `crc32_combine` (zlib 1.2.12+, `multmodp` / `x2nmodp`): for a reflected CRC with equal init
 * and xorout, `crc(A || B) = crc(A) * x^(8 * len(B)) mod P  xor  crc(B)`, the product taken in GF(2)[x] modulo the
 * CRC polynomial P. It needs O(width x log len) bit operations, whatever the length.
 * https://github.com/madler/zlib/blob/develop/crc32.c ; S3's full-object checksums:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */

/** The CRCs S3 offers as full-object checksums, and which can be combined. */
export type CombinableCrc = 'CRC32' | 'CRC32C' | 'CRC64NVME';

interface CrcModel {
  readonly width: bigint;
  /** The reflected polynomial. */
  readonly poly: bigint;
  /** x^(2^k) mod P, for k = 0..63: enough for any length below 2^60 bytes. */
  table?: bigint[];
}

/** Reflected polynomials: CRC-32/ISO-HDLC, CRC-32/ISCSI (Castagnoli), CRC-64/NVME. */
const MODELS: Record<CombinableCrc, CrcModel> = {
  CRC32: { width: 32n, poly: 0xedb88320n },
  CRC32C: { width: 32n, poly: 0x82f63b78n },
  CRC64NVME: { width: 64n, poly: 0x9a6c9329ac4bc9b5n },
};

/** a x b mod P, in the reflected representation (x^0 is the top bit). */
function multModP(model: CrcModel, a: bigint, b: bigint): bigint {
  let m = 1n << (model.width - 1n);
  let p = 0n;
  let bb = b;
  for (;;) {
    if (a & m) {
      p ^= bb;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    bb = bb & 1n ? (bb >> 1n) ^ model.poly : bb >> 1n;
  }
  return p;
}

function x2nTable(model: CrcModel): bigint[] {
  if (model.table) return model.table;
  const table = [1n << (model.width - 2n)]; // x^1
  for (let k = 1; k < 64; k++) table.push(multModP(model, table[k - 1], table[k - 1]));
  model.table = table;
  return table;
}

/** x^(8 * bytes) mod P. */
function shiftOperator(model: CrcModel, bytes: number): bigint {
  const table = x2nTable(model);
  let p = 1n << (model.width - 1n); // x^0
  let n = BigInt(bytes);
  let k = 3; // 8 bits per byte: x^(n * 2^3)
  while (n > 0n) {
    if (n & 1n) p = multModP(model, table[k], p);
    n >>= 1n;
    k++;
  }
  return p;
}

/**
 * The CRC of `A || B`, from `crcA`, `crcB` and `lengthB` (bytes). CRCs are the digest bytes S3 uses (big-endian,
 * 4 or 8 bytes).
 * @throws RangeError when a digest has the wrong length for the algorithm, or `lengthB` is negative or not an integer
 */
export function crcCombine(algorithm: CombinableCrc, crcA: Uint8Array, crcB: Uint8Array, lengthB: number): Buffer {
  const model = MODELS[algorithm];
  const bytes = Number(model.width / 8n);
  if (crcA.length !== bytes || crcB.length !== bytes) throw new RangeError(`${algorithm} digests are ${bytes} bytes`);
  if (!Number.isSafeInteger(lengthB) || lengthB < 0) throw new RangeError(`lengthB must be a non-negative integer (got ${lengthB})`);
  const a = toBigInt(crcA);
  const b = toBigInt(crcB);
  const combined = lengthB === 0 ? a : multModP(model, shiftOperator(model, lengthB), a) ^ b;
  return fromBigInt(combined, bytes);
}

/**
 * Folds the CRCs of consecutive pieces (in order, with their lengths) into the CRC of the whole. An empty list gives
 * the CRC of zero bytes, which is 0 for all three algorithms.
 */
export function crcCombineAll(algorithm: CombinableCrc, pieces: readonly { readonly crc: Uint8Array; readonly length: number }[]): Buffer {
  const bytes = Number(MODELS[algorithm].width / 8n);
  let whole: Buffer = Buffer.alloc(bytes);
  let first = true;
  for (const piece of pieces) {
    whole = first ? Buffer.from(piece.crc) : crcCombine(algorithm, whole, piece.crc, piece.length);
    first = false;
  }
  return whole;
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBigInt(value: bigint, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
