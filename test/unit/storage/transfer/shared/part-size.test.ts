import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { GIB, MAX_OBJECT_SIZE_BYTES, MAX_PARTS, MAX_PART_SIZE_BYTES, MIB, MIN_PART_SIZE_BYTES, TIB } from '../../../../../lib/rules/limits';
import {
  DEFAULT_MULTIPART_THRESHOLD_BYTES,
  DEFAULT_STREAM_FIRST_PART_SIZE_BYTES,
  DEFAULT_TARGET_PART_SIZE_BYTES,
  InvalidArgumentError,
  PARTS_PER_SIZE_TIER,
  compositeChecksum,
  fixedLayout,
  growingLayout,
  layoutFor,
  multipartEtag,
  partCountFor,
  partSizeForKnownSize,
  usesMultipart,
} from '../../../../../lib/storage';
import { crc32c } from '../../../../../lib/storage/s3/transfer/shared/checksums';

describe('partSizeForKnownSize', () => {
  test.each([
    ['0 bytes', 0, DEFAULT_TARGET_PART_SIZE_BYTES, 1],
    ['1 byte', 1, DEFAULT_TARGET_PART_SIZE_BYTES, 1],
    ['exactly 5 MiB', 5 * MIB, DEFAULT_TARGET_PART_SIZE_BYTES, 1],
    ['1 GiB', GIB, DEFAULT_TARGET_PART_SIZE_BYTES, 64],
    ['10,000 target parts exactly', MAX_PARTS * DEFAULT_TARGET_PART_SIZE_BYTES, DEFAULT_TARGET_PART_SIZE_BYTES, MAX_PARTS],
    ['one byte more than 10,000 target parts', MAX_PARTS * DEFAULT_TARGET_PART_SIZE_BYTES + 1, DEFAULT_TARGET_PART_SIZE_BYTES + MIB, 9412],
    ['5 TiB', MAX_OBJECT_SIZE_BYTES, 525 * MIB, 9987],
  ])('%s', (_name, size, partSize, parts) => {
    expect(partSizeForKnownSize(size)).toBe(partSize);
    expect(partCountFor(size, partSize)).toBe(parts);
  });

  test('every size up to 5 TiB fits in 10,000 parts of 5 MiB..5 GiB, in whole MiB', () => {
    for (let size = 0; size <= MAX_OBJECT_SIZE_BYTES; size += 7919 * 1_000_003) {
      const part = partSizeForKnownSize(size);
      expect(part).toBeGreaterThanOrEqual(MIN_PART_SIZE_BYTES);
      expect(part).toBeLessThanOrEqual(MAX_PART_SIZE_BYTES);
      expect(part % MIB).toBe(0);
      expect(partCountFor(size, part)).toBeLessThanOrEqual(MAX_PARTS);
    }
  });

  test('a target below the minimum, or a 10,000-part-overflowing fixed size, is refused', () => {
    expect(() => partSizeForKnownSize(100, { targetPartSizeBytes: MIN_PART_SIZE_BYTES - 1 })).toThrow(InvalidArgumentError);
    expect(() => partSizeForKnownSize(100, { partSizeBytes: MAX_PART_SIZE_BYTES + 1 })).toThrow(/partSizeBytes: must be an integer from 5242880/);
    expect(() => partSizeForKnownSize(MAX_PARTS * MIN_PART_SIZE_BYTES + 1, { partSizeBytes: MIN_PART_SIZE_BYTES })).toThrow(/would need 10001 parts/);
    expect(partSizeForKnownSize(MAX_PARTS * MIN_PART_SIZE_BYTES, { partSizeBytes: MIN_PART_SIZE_BYTES })).toBe(MIN_PART_SIZE_BYTES);
  });

  test('above 5 TiB, or a negative size, is refused', () => {
    expect(() => partSizeForKnownSize(MAX_OBJECT_SIZE_BYTES + 1)).toThrow(/exceeds S3's 5497558138880-byte \(5 TiB\) object limit/);
    expect(() => partSizeForKnownSize(-1)).toThrow(InvalidArgumentError);
  });

  test('a larger target is kept when it fits', () => {
    expect(partSizeForKnownSize(GIB, { targetPartSizeBytes: 64 * MIB })).toBe(64 * MIB);
  });
});

describe('usesMultipart: the threshold', () => {
  test.each([
    [0, false],
    [1, false],
    [DEFAULT_MULTIPART_THRESHOLD_BYTES - 1, false],
    [DEFAULT_MULTIPART_THRESHOLD_BYTES, false],
    [DEFAULT_MULTIPART_THRESHOLD_BYTES + 1, true],
  ])('%d bytes -> multipart %s', (size, expected) => {
    expect(usesMultipart(size)).toBe(expected);
  });

  test('above 5 GiB always multipart, whatever the threshold', () => {
    expect(usesMultipart(5 * GIB, Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(usesMultipart(5 * GIB + 1, Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

describe('layouts', () => {
  test('unknown length: a growing layout carries a 5 TiB stream in 10,000 parts', () => {
    const layout = layoutFor(undefined);
    expect(layout.equalParts).toBe(false);
    expect(layout.partSize(1)).toBe(DEFAULT_STREAM_FIRST_PART_SIZE_BYTES);
    expect(layout.partSize(PARTS_PER_SIZE_TIER)).toBe(8 * MIB);
    expect(layout.partSize(PARTS_PER_SIZE_TIER + 1)).toBe(16 * MIB);
    expect(layout.partSize(MAX_PARTS)).toBe(4 * GIB);
    expect(layout.offset(MAX_PARTS + 1)).toBe(1000 * 8 * MIB * 1023);
    expect(layout.capacityBytes).toBe(MAX_OBJECT_SIZE_BYTES);
    expect(layout.offset(MAX_PARTS + 1)).toBeGreaterThanOrEqual(5 * TIB);
  });

  test('offsets are the running sum of part sizes', () => {
    const layout = growingLayout(5 * MIB);
    let offset = 0;
    for (let part = 1; part <= MAX_PARTS; part++) {
      expect(layout.offset(part)).toBe(offset);
      expect(layout.partSize(part)).toBeLessThanOrEqual(MAX_PART_SIZE_BYTES);
      offset += layout.partSize(part);
    }
    // 5 MiB first parts fall just short of 5 TiB: the reason the default starts at 8 MiB.
    expect(offset).toBe(5 * MIB * 1000 * 1023);
    expect(offset).toBeLessThan(5 * TIB);
  });

  test('a store that needs equal parts: fixed parts, capacity 10,000 of them', () => {
    const layout = layoutFor(undefined, { equalParts: true, partSizeBytes: 8 * MIB });
    expect(layout.equalParts).toBe(true);
    expect(layout.partSize(1)).toBe(8 * MIB);
    expect(layout.partSize(9999)).toBe(8 * MIB);
    expect(layout.offset(3)).toBe(16 * MIB);
    expect(layout.capacityBytes).toBe(MAX_PARTS * 8 * MIB);
    expect(fixedLayout(MAX_PART_SIZE_BYTES).capacityBytes).toBe(MAX_OBJECT_SIZE_BYTES);
  });

  test('known size: equal parts of the computed size', () => {
    const layout = layoutFor(3 * GIB, { targetPartSizeBytes: 8 * MIB });
    expect(layout.partSize(1)).toBe(8 * MIB);
    expect(layout.offset(385)).toBe(384 * 8 * MIB);
  });
});

describe('checksum arithmetic', () => {
  test('multipart ETag: md5 of the concatenated binary part MD5s, then -N', () => {
    // Two parts whose MD5s are known: md5('') and md5('a').
    const etag = multipartEtag(['d41d8cd98f00b204e9800998ecf8427e', '0cc175b9c0f1b6a831c399e269772661']);
    const expected = createHash('md5').update(Buffer.from('d41d8cd98f00b204e9800998ecf8427e0cc175b9c0f1b6a831c399e269772661', 'hex')).digest('hex');
    expect(etag).toBe(`${expected}-2`);
  });

  test('composite CRC32: the CRC32 of the concatenated part CRC32s, then -N', () => {
    // CRC32('a') = 0xe8b7be43; CRC32 of its 4 bytes twice, computed independently by zlib.
    const part = Buffer.from([0xe8, 0xb7, 0xbe, 0x43]).toString('base64');
    const whole = Buffer.alloc(4);
    whole.writeUInt32BE(crc32(Buffer.from([0xe8, 0xb7, 0xbe, 0x43, 0xe8, 0xb7, 0xbe, 0x43])) >>> 0);
    expect(compositeChecksum('CRC32', [part, part])).toBe(`${whole.toString('base64')}-2`);
  });

  test('composite CRC32C uses the Castagnoli polynomial (check value of "123456789" is 0xe3069283)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});
