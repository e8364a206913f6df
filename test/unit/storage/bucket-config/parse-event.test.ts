import { InvalidArgumentError } from '../../../../lib/storage';
import { compareSequencers, parseS3Event } from '../../../../lib/storage/s3/bucket-config/notifications/parse-event';

const record = (key: string, extra: object = {}) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-east-1',
  eventTime: '2026-01-02T03:04:05.000Z',
  eventName: 'ObjectCreated:Put',
  s3: { s3SchemaVersion: '1.0', configurationId: 'app.x', bucket: { name: 'b' }, object: { key, size: 3, eTag: 'e', sequencer: '0A1B' } },
  ...extra,
});
const notification = JSON.stringify({ Records: [record('img%2Fred+flower.jpg')] });
const expected = {
  eventName: 'ObjectCreated:Put',
  source: 'notification',
  eventVersion: '2.1',
  eventTime: new Date('2026-01-02T03:04:05.000Z'),
  region: 'us-east-1',
  bucket: 'b',
  key: 'img/red flower.jpg',
  size: 3,
  etag: 'e',
  sequencer: '0A1B',
  configurationId: 'app.x',
};

describe('parseS3Event', () => {
  test.each([
    ['a notification body (string)', notification],
    ['a notification (object)', JSON.parse(notification)],
    ['a Buffer', Buffer.from(notification)],
    ['SNS-wrapped, as SNS delivers to SQS', JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: notification })],
    ['a Lambda SQS event', { Records: [{ eventSource: 'aws:sqs', body: notification }] }],
    ['a Lambda SQS event of an SNS envelope', { Records: [{ eventSource: 'aws:sqs', body: JSON.stringify({ Type: 'Notification', Message: notification }) }] }],
    ['a Lambda SNS event', { Records: [{ EventSource: 'aws:sns', Sns: { Message: notification } }] }],
  ])('%s', (_, body) => {
    expect(parseS3Event(body)).toEqual([expected]);
  });

  test('keys: + is a space, %2F (moto) and raw / (AWS) both give /, a literal + arrives as %2B', () => {
    const keys = ['a+b%2Fc', 'a+b/c', 'c%2B%2B.txt', 'bad%E0%A4%A'].map((k) => parseS3Event({ Records: [record(k)] })[0].key);
    expect(keys).toEqual(['a b/c', 'a b/c', 'c++.txt', 'bad%E0%A4%A']);
  });

  test('the s3:TestEvent (no Records) gives no records, also inside SNS', () => {
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: 't', Bucket: 'b', RequestId: 'r', HostId: 'h' });
    expect(parseS3Event(test)).toEqual([]);
    expect(parseS3Event({ Type: 'Notification', Message: test })).toEqual([]);
  });

  test('EventBridge: detail-type, key as is, version-id and sequencer', () => {
    const event = {
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2026-01-02T03:04:05Z',
      region: 'eu-west-1',
      detail: { version: '0', bucket: { name: 'b' }, object: { key: 'a b+c', size: 5, etag: 'e', 'version-id': 'v1', sequencer: '00FF' }, reason: 'PutObject' },
    };
    expect(parseS3Event(event)).toEqual([
      {
        eventName: 'Object Created',
        source: 'eventbridge',
        eventTime: new Date('2026-01-02T03:04:05Z'),
        region: 'eu-west-1',
        bucket: 'b',
        key: 'a b+c',
        size: 5,
        etag: 'e',
        versionId: 'v1',
        sequencer: '00FF',
      },
    ]);
  });

  test('eventVersion: same major and at least the minimum minor', () => {
    expect(parseS3Event({ Records: [record('k', { eventVersion: '2.3' })] }, { minEventVersion: '2.2' })).toHaveLength(1);
    expect(() => parseS3Event({ Records: [record('k', { eventVersion: '2.1' })] }, { minEventVersion: '2.2' })).toThrow(/eventVersion "2.1" is not supported/);
    expect(() => parseS3Event({ Records: [record('k', { eventVersion: '3.0' })] })).toThrow(InvalidArgumentError);
    expect(() => parseS3Event({ Records: [record('k', { eventVersion: undefined })] })).toThrow(/eventVersion/);
    expect(() => parseS3Event(notification, { minEventVersion: 'two' })).toThrow(expect.objectContaining({ field: 'minEventVersion' }));
  });

  test('not an S3 event: typed error naming body', () => {
    for (const body of ['not json', '[]', '{"hello":1}', { Records: [{ eventSource: 'aws:dynamodb' }] }, null]) {
      expect(() => parseS3Event(body)).toThrow(expect.objectContaining({ constructor: InvalidArgumentError, field: 'body' }));
    }
  });
});

describe('compareSequencers', () => {
  test('right-pads the shorter value, then compares as strings', () => {
    expect(compareSequencers('0A', '0A00')).toBe(0);
    expect(compareSequencers('0A', '0A01')).toBeLessThan(0);
    expect(compareSequencers('0B', '0A0F')).toBeGreaterThan(0);
    expect(compareSequencers('0a', '0A')).toBe(0);
    const sorted = ['0062E99A88DC407460', '0062E99A88DC40745F', '0062E99A88DC4075'].sort(compareSequencers);
    expect(sorted).toEqual(['0062E99A88DC40745F', '0062E99A88DC407460', '0062E99A88DC4075']);
  });
});
