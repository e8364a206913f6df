import { checkRestoreRequest, parseRestoreHeader, restoreExpiryFor, restoreStateOf } from 'bucketkit/rules';

// The documented forms: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#AmazonS3-HeadObject-response-header-Restore
describe('parseRestoreHeader', () => {
  const expiry = new Date('2012-12-21T00:00:00Z');
  test.each([
    ['the documented in-progress form', 'ongoing-request="true"', { ongoing: true, expiresAt: undefined }],
    ['the documented done form', 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"', { ongoing: false, expiresAt: expiry }],
    ['no space after the comma', 'ongoing-request="false",expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"', { ongoing: false, expiresAt: expiry }],
    ['spaces around = and ,', '  ongoing-request = "false" ,  expiry-date = "Fri, 21 Dec 2012 00:00:00 GMT"  ', { ongoing: false, expiresAt: expiry }],
    ['single quotes', "ongoing-request='false', expiry-date='Fri, 21 Dec 2012 00:00:00 GMT'", { ongoing: false, expiresAt: expiry }],
    ['no quotes (the date keeps its comma)', 'ongoing-request=false, expiry-date=Fri, 21 Dec 2012 00:00:00 GMT', { ongoing: false, expiresAt: expiry }],
    ['upper-case names and value', 'Ongoing-Request="TRUE"', { ongoing: true, expiresAt: undefined }],
    ['fields in the other order', 'expiry-date="Fri, 21 Dec 2012 00:00:00 GMT", ongoing-request="false"', { ongoing: false, expiresAt: expiry }],
    ['an ISO 8601 expiry', 'ongoing-request="false", expiry-date="2012-12-21T00:00:00.000Z"', { ongoing: false, expiresAt: expiry }],
    ['an unparseable expiry is left out', 'ongoing-request="false", expiry-date="soon"', { ongoing: false, expiresAt: undefined }],
    [
      'what moto sends',
      'ongoing-request="false", expiry-date="Tue, 01 Dec 2026 01:54:41 GMT"',
      { ongoing: false, expiresAt: new Date('2026-12-01T01:54:41Z') },
    ],
  ])('%s', (_name, header, expected) => {
    expect(parseRestoreHeader(header)).toEqual(expected);
  });
  test.each([[undefined], [''], ['   '], ['expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'], ['ongoing-request="maybe"']])('%p is no restore', (header) => {
    expect(parseRestoreHeader(header)).toBeUndefined();
  });
});

describe('restoreStateOf', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  test.each([
    [{ storageClass: undefined }, 'not-archived'],
    [{ storageClass: 'STANDARD_IA' }, 'not-archived'],
    [{ storageClass: 'GLACIER_IR' }, 'not-archived'],
    [{ storageClass: 'GLACIER' }, 'archived'],
    [{ storageClass: 'DEEP_ARCHIVE' }, 'archived'],
    [{ storageClass: 'GLACIER', restore: 'ongoing-request="true"' }, 'in-progress'],
    [{ storageClass: 'GLACIER', restore: 'ongoing-request="false", expiry-date="Fri, 02 Jan 2026 00:00:00 GMT"' }, 'restored'],
    [{ storageClass: 'GLACIER', restore: 'ongoing-request="false", expiry-date="Wed, 31 Dec 2025 00:00:00 GMT"' }, 'archived'],
    [{ storageClass: 'INTELLIGENT_TIERING' }, 'not-archived'],
    [{ storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'ARCHIVE_ACCESS' }, 'archived'],
    [{ storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'DEEP_ARCHIVE_ACCESS', restore: 'ongoing-request="true"' }, 'in-progress'],
  ])('%j is %s', (input, state) => {
    expect(restoreStateOf({ ...input, now })).toBe(state);
  });
});

test('restoreExpiryFor rounds up to the next midnight UTC (the User Guide example: 15 Oct 10:30 + 3 days -> 19 Oct 00:00)', () => {
  expect(restoreExpiryFor(new Date('2026-10-15T10:30:00Z'), 3).toISOString()).toBe('2026-10-19T00:00:00.000Z');
  expect(restoreExpiryFor(new Date('2026-10-15T00:00:01Z'), 1).toISOString()).toBe('2026-10-17T00:00:00.000Z');
});

describe('checkRestoreRequest', () => {
  const fields = (input: Parameters<typeof checkRestoreRequest>[0]) => checkRestoreRequest(input).map((p) => p.field);
  test.each([
    [{ days: 0 }, ['days']],
    [{ days: 1.5 }, ['days']],
    [{ days: '3' }, ['days']],
    [{ tier: 'Fast' }, ['tier']],
    [{ tier: 'expedited' }, ['tier']],
    [{ days: 1, tier: 'Expedited', storageClass: 'DEEP_ARCHIVE' }, ['tier']],
    [{ tier: 'Standard', storageClass: 'GLACIER' }, ['days']],
    [{ days: 2, storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'ARCHIVE_ACCESS' }, ['days']],
    [{ tier: 'Expedited', storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'DEEP_ARCHIVE_ACCESS' }, ['tier']],
  ])('%j is refused on %j', (input, expected) => {
    expect(fields(input)).toEqual(expected);
  });
  test.each([
    [{ days: 1, tier: 'Expedited', storageClass: 'GLACIER' }],
    [{ days: 7, tier: 'Bulk', storageClass: 'DEEP_ARCHIVE' }],
    [{ tier: 'Standard', storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'ARCHIVE_ACCESS' }],
    [{ days: 1 }],
  ])('%j is accepted', (input) => {
    expect(checkRestoreRequest(input)).toEqual([]);
  });
});
