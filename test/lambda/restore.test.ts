/** The restore core: validation before any request, the status of a prefix across invocations, Batch Operations. */
import { HeadObjectCommand, ListObjectsV2Command, RestoreObjectCommand } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { restore, type RestoreHandlerResult } from '../../lambda/restore';
import { fakeClock, s3, sentCommands, testDeps } from './support';

beforeEach(() => {
  s3.reset();
  s3.on(HeadObjectCommand).resolves({ ContentLength: 1, ETag: '"e"', StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' });
});

test.each([
  ['no target', { bucket: 'bucket-b' }, 'key'],
  ['two targets', { bucket: 'bucket-b', key: 'k', prefix: 'p/' }, 'prefix'],
  ['no bucket', { key: 'k' }, 'bucket'],
  ['versionId with keys', { bucket: 'bucket-b', keys: ['a'], versionId: 'v' }, 'versionId'],
  ['an empty key in keys', { bucket: 'bucket-b', keys: ['a', ''] }, 'keys[1]'],
  ['too many keys', { bucket: 'bucket-b', keys: Array.from({ length: 1001 }, (_, i) => `k${i}`) }, 'keys'],
  ['bad tier', { bucket: 'bucket-b', key: 'k', tier: 'Fast' }, 'tier'],
  ['days 0', { bucket: 'bucket-b', key: 'k', days: 0 }, 'days'],
  ['bad action', { bucket: 'bucket-b', key: 'k', action: 'thaw' }, 'action'],
  ['continuation without prefix', { bucket: 'bucket-b', key: 'k', continuation: { startAfter: 'x' } }, 'continuation'],
])('%s -> ValidationError naming %s, no S3 request', async (_what, event, field) => {
  expect(await restore(event, testDeps())).toMatchObject({ status: 'Failed', errorType: 'ValidationError', field });
  expect(sentCommands()).toEqual([]);
});

test('a prefix is worked through page by page; low time returns a continuation after the last key done', async () => {
  s3.on(ListObjectsV2Command).resolvesOnce({ Contents: [{ Key: 'p/a' }, { Key: 'p/b' }], IsTruncated: true, NextContinuationToken: 't' });
  const first = (await restore({ bucket: 'bucket-b', action: 'status', prefix: 'p/' }, testDeps(fakeClock(1_000)))) as RestoreHandlerResult;
  expect(first).toMatchObject({ status: 'InProgress', continuation: { startAfter: 'p/b' }, counts: { 'in-progress': 2 }, progress: { done: 2 } });
  expect(first.items.map((i) => i.key)).toEqual(['p/a', 'p/b']);
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'p/c' }], IsTruncated: false });
  const second = (await restore({ bucket: 'bucket-b', action: 'status', prefix: 'p/', continuation: first.continuation }, testDeps())) as RestoreHandlerResult;
  expect(second).toMatchObject({ status: 'Succeeded', counts: { 'in-progress': 1 } });
  expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'bucket-b', Prefix: 'p/', StartAfter: 'p/b' });
});

test('Batch Operations 2.0: days and tier from userArguments; one RestoreObject per task', async () => {
  s3.on(HeadObjectCommand).resolves({ ContentLength: 1, ETag: '"e"', StorageClass: 'GLACIER' });
  s3.on(RestoreObjectCommand).resolves({ $metadata: { httpStatusCode: 202 } });
  const result = await restore(
    {
      invocationSchemaVersion: '2.0',
      invocationId: 'i',
      job: { id: 'j', userArguments: { days: '3', tier: 'Bulk' } },
      tasks: [{ taskId: 't', s3BucketName: 'bucket-b', s3Key: 'cold/x' }],
    },
    testDeps(),
  );
  expect(result).toMatchObject({ results: [{ taskId: 't', resultCode: 'Succeeded', resultString: expect.stringMatching(/^cold\/x: /) }] });
  expect(s3).toHaveReceivedCommandWith(RestoreObjectCommand, { Bucket: 'bucket-b', Key: 'cold/x', RestoreRequest: expect.objectContaining({ Days: 3 }) });
});
