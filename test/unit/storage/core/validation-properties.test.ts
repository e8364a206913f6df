import fc from 'fast-check';
import { InvalidArgumentError } from '../../../../lib/storage/errors';
import {
  SSE_C_KEY_LENGTH_BYTES,
  assertCopyOptions,
  assertCustomerKey,
  assertEncryption,
  assertKey,
  assertListOptions,
  assertPutOptions,
  assertRange,
  assertReadOptions,
  assertSinglePutSize,
  assertWriteOptions,
  mfaHeader,
  rangeHeader,
} from '../../../../lib/storage/s3/core/validation';
import { parseContentRange } from '../../../../lib/storage/s3/core/mapping';
import { MAX_SINGLE_PUT_SIZE_BYTES } from '../../../../lib/rules/limits';

// Issue 9 item 14: every validator in lib/storage/s3/core/validation.ts gives every input either a typed
// InvalidArgumentError that names a field, or a valid result. Never a TypeError, never a hang.
const RUNS = { numRuns: 400, interruptAfterTimeLimit: 20_000 };
/** Any single call on inputs of this size must finish far below this (a regex backtracking blow-up would not). */
const CALL_BUDGET_MS = 200;

// fc.anything() gives null in under 1% of draws, so the values a JavaScript caller most often passes by mistake are
// drawn on purpose.
const anyValue = fc.oneof(
  fc.constantFrom(null, undefined, 0, -1, '', 'x', NaN, true, [], () => undefined),
  fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, withMap: true, withTypedArray: true, withSparseArray: true }),
);
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, -0, Infinity, NaN), fc.bigInt());
const date = fc.oneof(fc.date(), fc.constant(new Date(Number.NaN)), anyValue);
const text = fc.oneof(fc.string({ maxLength: 3000 }), fc.string({ unit: 'binary', maxLength: 2000 }), anyValue);

/** A value for an optional field: absent, a plausible value, or anything at all. */
function field<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: anyValue });
}

const encryption = fc.oneof(
  fc.record({
    type: fc.constantFrom('SSE-S3', 'SSE-KMS', 'DSSE-KMS', 'SSE-C', 'AES256', ''),
    kmsKeyId: field(text),
    context: field(fc.dictionary(fc.string(), anyValue)),
  }),
  fc.record({ type: fc.constant('SSE-C'), customerKey: fc.oneof(fc.uint8Array({ minLength: 30, maxLength: 34 }), anyValue) }),
  anyValue,
);
const writeOptions = fc.record(
  {
    metadata: field(fc.dictionary(fc.string({ maxLength: 40 }), fc.string({ maxLength: 200 }))),
    tags: field(fc.dictionary(fc.string({ maxLength: 140 }), fc.string({ maxLength: 300 }), { maxKeys: 12 })),
    acl: field(fc.constantFrom('private', 'public-read', 'nope')),
    storageClass: field(fc.constantFrom('STANDARD', 'GLACIER', 'REDUCED_REDUNDANCY', 'standard')),
    checksumAlgorithm: field(fc.constantFrom('CRC32', 'SHA256', 'MD5', 'crc32')),
    expires: field(date),
    objectLockMode: field(fc.constantFrom('GOVERNANCE', 'COMPLIANCE', 'governance')),
    objectLockRetainUntil: field(date),
    ifNoneMatch: field(fc.constantFrom('*', '"abc"')),
    ifMatch: field(text),
    contentType: field(text),
    cacheControl: field(text),
    contentDisposition: field(text),
    contentEncoding: field(text),
    contentLanguage: field(text),
    websiteRedirectLocation: field(text),
    contentLength: field(anyNumber),
    encryption: field(encryption),
    metadataDirective: field(fc.constantFrom('COPY', 'REPLACE', 'MERGE')),
    taggingDirective: field(fc.constantFrom('COPY', 'REPLACE', 'MERGE')),
    sourceVersionId: field(text),
    sourceConditions: field(fc.record({ ifMatch: field(text), ifModifiedSince: field(date) }, { requiredKeys: [] })),
    sourceCustomerKey: field(fc.uint8Array({ minLength: 31, maxLength: 33 })),
  },
  { requiredKeys: [] },
);
const range = fc.oneof(
  fc.record({ start: anyNumber, end: anyNumber }),
  fc.record({ start: anyNumber }),
  fc.record({ suffixLength: anyNumber }),
  fc.record({ start: fc.nat(), end: fc.nat() }),
  fc.record({ start: fc.nat(), suffixLength: fc.nat() }),
  anyValue,
);
const readOptions = fc.record(
  {
    ifMatch: field(text),
    ifNoneMatch: field(text),
    ifModifiedSince: field(date),
    ifUnmodifiedSince: field(date),
    versionId: field(text),
    partNumber: field(anyNumber),
    range: field(range),
    customerKey: field(fc.uint8Array({ minLength: 31, maxLength: 33 })),
  },
  { requiredKeys: [] },
);
const listOptions = fc.record({ pageSize: field(anyNumber), prefix: field(text), delimiter: field(text), startAfter: field(text) }, { requiredKeys: [] });

/**
 * Runs `fn`; it must return or throw an InvalidArgumentError whose field is a non-empty string, within the budget.
 * Returns what it returned, or undefined when it threw.
 */
function typedOrValid<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: InvalidArgumentError } {
  const started = performance.now();
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw new Error(`not a typed error: ${String(error)}`, { cause: error });
    expect(typeof error.field).toBe('string');
    expect(error.field!.length).toBeGreaterThan(0);
    expect(error.message.startsWith(error.field!.replace(/^config\./, ''))).toBe(true);
    return { ok: false, error };
  } finally {
    expect(performance.now() - started).toBeLessThan(CALL_BUDGET_MS);
  }
}

test('assertKey: any value gets a typed error or passes; a key that passes is a 1..1024-byte string', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 1100 }), fc.string({ unit: 'binary', maxLength: 600 }), anyValue), (key) => {
      const out = typedOrValid(() => assertKey(key as string));
      if (out.ok) {
        expect(typeof key).toBe('string');
        expect(Buffer.byteLength(key as string)).toBeGreaterThan(0);
        expect(Buffer.byteLength(key as string)).toBeLessThanOrEqual(1024);
      }
    }),
    RUNS,
  );
});

test('assertRange: any value gets a typed error or passes; a range that passes makes a Range header that round-trips through parseContentRange', () => {
  fc.assert(
    fc.property(range, (r) => {
      const out = typedOrValid(() => assertRange(r as never));
      if (!out.ok) return;
      const header = rangeHeader(r as never);
      expect(header).toMatch(/^bytes=(\d+-\d*|-[1-9]\d*)$/);
      const m = /^bytes=(\d+)-(\d+)$/.exec(header);
      if (m) {
        const parsed = parseContentRange(`bytes ${m[1]}-${m[2]}/${Number(m[2]) + 1}`);
        // + 0 turns -0 (a valid start, printed as 0) into 0.
        expect(parsed).toEqual({ start: (r as { start: number }).start + 0, end: (r as { end: number }).end + 0, total: (r as { end: number }).end + 1 });
        expect(parsed!.start).toBeLessThanOrEqual(parsed!.end);
      }
    }),
    RUNS,
  );
});

test('assertReadOptions: any options get a typed error or pass', () => {
  fc.assert(
    fc.property(fc.oneof(readOptions, anyValue), (o) => void typedOrValid(() => assertReadOptions(o as never))),
    RUNS,
  );
});

test('assertWriteOptions, assertPutOptions, assertCopyOptions: any options get a typed error or pass', () => {
  fc.assert(
    fc.property(fc.oneof(writeOptions, anyValue), (o) => {
      typedOrValid(() => assertWriteOptions(o as never));
      typedOrValid(() => assertPutOptions(o as never));
      typedOrValid(() => assertCopyOptions(o as never));
    }),
    RUNS,
  );
});

test('assertEncryption never echoes SSE-C key material or a KMS context in its message', () => {
  fc.assert(
    fc.property(encryption, (e) => {
      const out = typedOrValid(() => assertEncryption(e as never));
      if (out.ok || typeof e !== 'object' || e === null) return;
      const key = (e as { customerKey?: unknown }).customerKey;
      if (key instanceof Uint8Array && key.length >= 8) {
        expect(out.error.message).not.toContain(Buffer.from(key).toString('base64'));
        expect(out.error.message).not.toContain(Buffer.from(key).toString('hex'));
      }
    }),
    RUNS,
  );
});

test('assertCustomerKey: exactly the 32-byte Uint8Arrays pass', () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 64 }), anyValue), (key) => {
      const out = typedOrValid(() => assertCustomerKey(key));
      expect(out.ok).toBe(key instanceof Uint8Array && key.length === SSE_C_KEY_LENGTH_BYTES);
    }),
    RUNS,
  );
});

test('assertListOptions: any options get a typed error or pass', () => {
  fc.assert(
    fc.property(fc.oneof(listOptions, anyValue), (o) => void typedOrValid(() => assertListOptions(o as never))),
    RUNS,
  );
});

test('assertSinglePutSize: passes exactly up to 5 GiB', () => {
  fc.assert(
    fc.property(fc.oneof(fc.nat(), fc.integer({ min: MAX_SINGLE_PUT_SIZE_BYTES - 2, max: MAX_SINGLE_PUT_SIZE_BYTES + 2 })), (size) => {
      expect(typedOrValid(() => assertSinglePutSize(size, 'sizeBytes')).ok).toBe(size <= MAX_SINGLE_PUT_SIZE_BYTES);
    }),
    RUNS,
  );
});

test('mfaHeader: any value gets a typed error, undefined, or "<serial> <6 digits>"', () => {
  const mfa = fc.oneof(fc.record({ serial: field(fc.string()), code: field(fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string())) }), anyValue);
  fc.assert(
    fc.property(mfa, (m) => {
      const out = typedOrValid(() => mfaHeader(m as never));
      if (out.ok && out.value !== undefined) expect(out.value).toMatch(/^\S+ \d{6}$/);
    }),
    RUNS,
  );
});
