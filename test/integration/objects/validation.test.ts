import { InvalidArgumentError } from '../../../lib/storage';
import { countRequests, createTestBucket, TestBucket } from '../../helpers/target';

let b: TestBucket;
beforeAll(async () => {
  b = await createTestBucket('validation');
});
afterAll(async () => b.cleanup());

test.each([
  ['put: key over 1,024 bytes', () => b.storage.put('k'.repeat(1025), 'x')],
  ['put: metadata over 2 KB', () => b.storage.put('k', 'x', { metadata: { m: 'v'.repeat(2048) } })],
  ['put: 11 tags', () => b.storage.put('k', 'x', { tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v'])) })],
  ['get: inverted range', () => b.storage.get('k', { range: { start: 9, end: 1 } })],
  ['delete: empty key', () => b.storage.delete('')],
  ['deleteMany: one empty key among 1,500', () => b.storage.deleteMany([...Array.from({ length: 1500 }, (_, i) => `ok-${i}`), ''])],
  ['list: pageSize 0', () => b.storage.list({ pageSize: 0 }).next()],
  ['copy: source key too long', () => b.storage.copy('s'.repeat(1025), 'dst')],
])('%s: InvalidArgumentError, and not one request reaches the server', async (_name, call) => {
  await b.storage.put('k', 'original');
  const counter = countRequests(b.storage.client);
  const before = counter.count;
  await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
  expect(counter.count - before).toBe(0);
  b.storage.client.middlewareStack.remove('bucketkitTestRequestCounter');
  expect(await b.storage.getText('k')).toBe('original');
});

test('the counter itself sees real requests (so a zero above means something)', async () => {
  const counter = countRequests(b.storage.client);
  await b.storage.put('counted', 'x');
  await b.storage.head('counted');
  expect(counter.commands).toEqual(['PutObjectCommand', 'HeadObjectCommand']);
  b.storage.client.middlewareStack.remove('bucketkitTestRequestCounter');
});
