import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AccessDeniedError, InvalidArgumentError, mergeVersions, planKeyPrune, S3Storage, type ObjectVersion } from '../../../../lib/storage';

// An https endpoint, so MFA is allowed; the mock answers before anything is sent.
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const s3 = mockClient(client);
const storage = new S3Storage({ bucket: 'unit-bucket', client, endpoint: 'https://s3.example.test' });
const MFA = 'arn:aws:iam::123456789012:mfa/root 123456';

beforeEach(() => s3.reset());

/** The 403 S3 sends for a versioned delete without x-amz-mfa on an MFA-delete bucket (recorded shape). */
function mfaDenied(): S3ServiceException {
  return new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'Mfa Authentication must be used for this request',
    $metadata: { httpStatusCode: 403, requestId: 'R1' },
  });
}

describe('MFA delete (moto ignores it: unit tests with recorded responses)', () => {
  test('setVersioning sends x-amz-mfa and MFADelete; getVersioning reads MFADelete back', async () => {
    s3.on(PutBucketVersioningCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled', MFADelete: 'Enabled' });
    await storage.setVersioning('Enabled', { mfa: MFA, mfaDelete: true });
    expect(s3).toHaveReceivedCommandWith(PutBucketVersioningCommand, {
      Bucket: 'unit-bucket',
      MFA,
      VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' },
    });
    expect(await storage.getVersioning()).toEqual({ status: 'Enabled', mfaDelete: true });
  });

  test('{ serial, code } and the string form send the same header; delete and deleteMany carry it', async () => {
    s3.on(DeleteObjectCommand).resolves({ VersionId: 'v1' });
    s3.on(DeleteObjectsCommand).resolves({ Deleted: [{ Key: 'k', VersionId: 'v1' }] });
    await storage.delete('k', { versionId: 'v1', mfa: { serial: 'arn:aws:iam::123456789012:mfa/root', code: '123456' } });
    await storage.deleteMany([{ key: 'k', versionId: 'v1' }], { mfa: MFA });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { MFA });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { MFA });
  });

  test('a DeleteObjects batch refused for MFA: every key reported failed, with the reason explained', async () => {
    s3.on(DeleteObjectsCommand).rejects(mfaDenied());
    const result = await storage.deleteMany([{ key: 'a', versionId: '1' }, { key: 'b' }]);
    expect(result.deleted).toEqual([]);
    expect(result.errors.map((e) => [e.key, e.code])).toEqual([
      ['a', 'AccessDenied'],
      ['b', 'AccessDenied'],
    ]);
    expect(result.errors[0].error).toBeInstanceOf(AccessDeniedError);
    expect(result.errors[0].message).toMatch(/MFA delete.*whole batch/);
  });

  test('a single versioned delete refused for MFA is an AccessDeniedError that says what to pass', async () => {
    s3.on(DeleteObjectCommand).rejects(mfaDenied());
    const error = await storage.delete('k', { versionId: 'v' }).catch((e) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toMatch(/mfa: "<serial> <6-digit code>" over HTTPS/);
  });

  test('pruneVersions on an MFA-delete bucket without mfa explains and deletes nothing', async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled', MFADelete: 'Enabled' });
    const error = await storage.pruneVersions().catch((e) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe('mfa');
    expect(error.message).toMatch(/MFA delete enabled/);
    expect(s3).not.toHaveReceivedCommand(ListObjectVersionsCommand);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
  });

  test('bad MFA formats are refused before any request, and the code is not echoed', async () => {
    for (const mfa of ['123456', 'serial  123456', 'serial 12345', 'serial 1234567', 'serial abcdef', '']) {
      const error = await storage.setVersioning('Enabled', { mfa }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.field).toBe('mfa');
    }
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('suspended buckets (moto deletes every version instead: recorded responses)', () => {
  test('a delete in a suspended bucket returns the null delete marker', async () => {
    s3.on(DeleteObjectCommand).resolves({ DeleteMarker: true, VersionId: 'null' });
    expect(await storage.delete('k')).toEqual({ deleteMarker: true, versionId: 'null' });
  });

  test('undelete removes a null-version marker by passing the literal "null"', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      DeleteMarkers: [{ Key: 'k', VersionId: 'null', IsLatest: true, LastModified: new Date(2000) }],
      Versions: [{ Key: 'k', VersionId: 'v1', IsLatest: false, LastModified: new Date(1000), Size: 3, ETag: '"e"', StorageClass: 'STANDARD' }],
    });
    s3.on(DeleteObjectCommand).resolves({ DeleteMarker: true, VersionId: 'null' });
    const result = await storage.undelete('k');
    expect(result.removedDeleteMarkers).toEqual(['null']);
    expect(result.current).toMatchObject({ versionId: 'v1', isLatest: true });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: 'k', VersionId: 'null' });
  });
});

describe('delete markers on a store that sends no x-amz-delete-marker (a custom endpoint without a profile)', () => {
  const notFound = () => new S3ServiceException({ name: 'NotFound', $fault: 'client', message: 'NotFound', $metadata: { httpStatusCode: 404 } });

  test('head of a key whose latest version is a delete marker says so, from ListObjectVersions', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(ListObjectVersionsCommand).resolves({ DeleteMarkers: [{ Key: 'k', VersionId: 'dm1', IsLatest: true, LastModified: new Date() }] });
    await expect(storage.head('k')).rejects.toMatchObject({ name: 'ObjectNotFoundError', deleteMarker: true, versionId: 'dm1' });
  });

  test('exists answers false from the HEAD alone: no ListObjectVersions (one request per missing key, no s3:ListBucketVersions)', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(ListObjectVersionsCommand).resolves({ DeleteMarkers: [{ Key: 'k', VersionId: 'dm1', IsLatest: true, LastModified: new Date() }] });
    await expect(storage.exists('k')).resolves.toBe(false);
    expect(s3).not.toHaveReceivedCommand(ListObjectVersionsCommand);
    expect(s3.calls()).toHaveLength(1);
  });
});

describe('mergeVersions', () => {
  const t = (s: number) => new Date(s * 1000);
  const output = {
    Versions: [
      { Key: 'a', VersionId: 'v2', IsLatest: false, LastModified: t(3) },
      { Key: 'a', VersionId: 'v1', IsLatest: false, LastModified: t(1) },
      { Key: 'b', VersionId: 'b1', IsLatest: true, LastModified: t(1) },
    ],
    DeleteMarkers: [
      { Key: 'a', VersionId: 'm2', IsLatest: true, LastModified: t(4) },
      { Key: 'a', VersionId: 'm1', IsLatest: false, LastModified: t(2) },
    ],
  };
  const ids = (list: ObjectVersion[]) => list.map((v) => v.versionId);

  test('without the raw order: by key, current first, newest first', () => {
    expect(ids(mergeVersions(output))).toEqual(['m2', 'v2', 'm1', 'v1', 'b1']);
  });

  test('S3’s interleaved raw order wins, even within one second', () => {
    const same = {
      Versions: output.Versions.map((v) => ({ ...v, LastModified: t(9) })),
      DeleteMarkers: output.DeleteMarkers.map((v) => ({ ...v, LastModified: t(9) })),
    };
    const order = ['m\u0000a\u0000m2', 'v\u0000a\u0000v2', 'm\u0000a\u0000m1', 'v\u0000a\u0000v1', 'v\u0000b\u0000b1'];
    expect(ids(mergeVersions(same, order))).toEqual(['m2', 'v2', 'm1', 'v1', 'b1']);
  });

  test('a raw order that lists every version before every marker (moto) is not trusted', () => {
    const order = ['v\u0000a\u0000v2', 'v\u0000a\u0000v1', 'v\u0000b\u0000b1', 'm\u0000a\u0000m2', 'm\u0000a\u0000m1'];
    expect(ids(mergeVersions(output, order))).toEqual(['m2', 'v2', 'm1', 'v1', 'b1']);
  });
});

describe('planKeyPrune', () => {
  const now = Date.UTC(2026, 0, 31);
  const day = 86_400_000;
  const entry = (versionId: string, ageDays: number, isDeleteMarker = false): ObjectVersion => ({
    key: 'k',
    versionId,
    isLatest: false,
    isDeleteMarker,
    lastModified: new Date(now - ageDays * day),
    size: isDeleteMarker ? 0 : 1,
  });

  test('never the current version; keepLatest keeps the newest noncurrent ones', () => {
    const entries = [{ ...entry('v4', 1), isLatest: true }, entry('v3', 5), entry('v2', 10), entry('v1', 20)];
    expect(planKeyPrune(entries, {}, now).map((v) => v.versionId)).toEqual(['v3', 'v2', 'v1']);
    expect(planKeyPrune(entries, { keepLatest: 2 }, now).map((v) => v.versionId)).toEqual(['v1']);
    expect(planKeyPrune(entries, { keepLatest: 5 }, now)).toEqual([]);
    expect(planKeyPrune(entries.slice(0, 1), {}, now)).toEqual([]);
  });

  test('olderThanDays counts from the successor’s lastModified (when the version became noncurrent)', () => {
    const entries = [{ ...entry('v4', 1), isLatest: true }, entry('v3', 5), entry('v2', 10), entry('v1', 20)];
    // v3 noncurrent for 1 day, v2 for 5, v1 for 10.
    expect(planKeyPrune(entries, { olderThanDays: 5 }, now).map((v) => v.versionId)).toEqual(['v2', 'v1']);
  });

  test('a current delete marker goes only when every version under it goes (orphaned)', () => {
    const entries = [{ ...entry('m', 1, true), isLatest: true }, entry('v2', 5), entry('v1', 10)];
    expect(planKeyPrune(entries, {}, now).map((v) => v.versionId)).toEqual(['v2', 'v1', 'm']);
    expect(planKeyPrune(entries, { keepLatest: 1 }, now).map((v) => v.versionId)).toEqual(['v1']);
    expect(planKeyPrune([{ ...entry('m', 1, true), isLatest: true }], {}, now).map((v) => v.versionId)).toEqual(['m']);
  });
});

describe('a delete marker read by its version id (moto answers 404 NoSuchVersion: recorded S3 response)', () => {
  test('405 MethodNotAllowed with x-amz-delete-marker is ObjectNotFoundError with deleteMarker and versionId', async () => {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const { ObjectNotFoundError } = await import('../../../../lib/storage');
    const error = Object.assign(
      new S3ServiceException({
        name: 'MethodNotAllowed',
        $fault: 'client',
        message: 'The specified method is not allowed against this resource.',
        $metadata: { httpStatusCode: 405 },
      }),
      { $response: { statusCode: 405, headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'm1' } } },
    );
    s3.on(GetObjectCommand).rejects(error);
    const thrown = await storage.get('k', { versionId: 'm1' }).catch((e) => e);
    expect(thrown).toBeInstanceOf(ObjectNotFoundError);
    expect(thrown).toMatchObject({ deleteMarker: true, versionId: 'm1', httpStatus: 405 });
  });
});
