/**
 * CRC combine against known check values (CRC catalogue, reveng.sourceforge.io/crc-catalogue: "123456789" gives
 * CRC-32 cbf43926, CRC-32C e3069283, CRC-64/NVME ae8b14860a799888), against S3's full-object checksums recorded from
 * MinIO, and against direct hashing on random splits (fast-check).
 */
import fc from 'fast-check';
import { crcCombine, crcCombineAll, type CombinableCrc } from '../../../../lib/storage/s3/core/hashing/crc-combine';
import { engines } from '../../../../lib/storage/s3/core/hashing/hash-pool';

const ALGORITHMS: CombinableCrc[] = ['CRC32', 'CRC32C', 'CRC64NVME'];
const CHECK: Record<CombinableCrc, string> = { CRC32: 'cbf43926', CRC32C: 'e3069283', CRC64NVME: 'ae8b14860a799888' };

function crc(algorithm: CombinableCrc, data: Uint8Array): Buffer {
  const h = engines().create(algorithm);
  h.update(data);
  return Buffer.from(h.digest());
}

describe('crcCombine', () => {
  it.each(ALGORITHMS)('%s: "12345" combined with "6789" gives the check value of "123456789"', (algorithm) => {
    const combined = crcCombine(algorithm, crc(algorithm, Buffer.from('12345')), crc(algorithm, Buffer.from('6789')), 4);
    expect(combined.toString('hex')).toBe(CHECK[algorithm]);
  });

  it.each(ALGORITHMS)('%s: every split of "123456789" combines to the check value', (algorithm) => {
    const data = Buffer.from('123456789');
    for (let cut = 0; cut <= data.length; cut++) {
      const whole = crcCombine(algorithm, crc(algorithm, data.subarray(0, cut)), crc(algorithm, data.subarray(cut)), data.length - cut);
      expect(whole.toString('hex')).toBe(CHECK[algorithm]);
    }
  });

  it.each(ALGORITHMS)('%s: combining pieces in order equals hashing the whole, for random pieces', (algorithm) => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 6 }), (pieces) => {
        const whole = crc(algorithm, Buffer.concat(pieces));
        const combined = crcCombineAll(
          algorithm,
          pieces.map((p) => ({ crc: crc(algorithm, p), length: p.length })),
        );
        expect(combined.toString('hex')).toBe(whole.toString('hex'));
      }),
      { numRuns: 40 },
    );
  });

  it('combines a long piece (8 MiB of zeros) without hashing it again', () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const head = Buffer.from('bucketkit');
    for (const algorithm of ALGORITHMS) {
      const combined = crcCombine(algorithm, crc(algorithm, head), crc(algorithm, zeros), zeros.length);
      expect(combined.equals(crc(algorithm, Buffer.concat([head, zeros])))).toBe(true);
    }
  });

  // Recorded from MinIO (RELEASE in scripts/servers/minio.sh): a 2-part FULL_OBJECT upload of 5 MiB + 1 MiB random
  // bytes; the parts' checksums from UploadPart and the object's from CompleteMultipartUpload and HEAD.
  it.each([
    ['CRC32', 'y4zOMA==', 'b+DM4A==', 'zGz+0g=='],
    ['CRC32C', 'Jv/Dkg==', 'p0ybyA==', 'NDBGjQ=='],
    ['CRC64NVME', 'rK8i4xyrXus=', '7uT151qcZwM=', 'aokIvEOviXc='],
  ] as const)('%s: the parts of a MinIO FULL_OBJECT upload combine to the object checksum', (algorithm, part1, part2, whole) => {
    const combined = crcCombine(algorithm, Buffer.from(part1, 'base64'), Buffer.from(part2, 'base64'), 1024 * 1024);
    expect(combined.toString('base64')).toBe(whole);
  });

  it('refuses a digest of the wrong width and a bad length', () => {
    expect(() => crcCombine('CRC64NVME', Buffer.alloc(4), Buffer.alloc(8), 1)).toThrow(RangeError);
    expect(() => crcCombine('CRC32', Buffer.alloc(4), Buffer.alloc(4), -1)).toThrow(RangeError);
    expect(() => crcCombine('CRC32', Buffer.alloc(4), Buffer.alloc(4), 1.5)).toThrow(RangeError);
  });

  it('the CRC of nothing is 0, and combining with an empty piece changes nothing', () => {
    expect(crcCombineAll('CRC64NVME', []).toString('hex')).toBe('0000000000000000');
    const a = crc('CRC32C', Buffer.from('abc'));
    expect(crcCombine('CRC32C', a, crc('CRC32C', Buffer.alloc(0)), 0).equals(a)).toBe(true);
  });
});
