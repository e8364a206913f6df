/** lambda/shared: the event readers, the Batch Operations parser, the error policy and the logger's redaction. */
import { AccessDeniedError, ThrottledError } from '../../lib/storage';
import { EventReader, Logger, ValidationError, dispositionOf, parseBatchEvent, redact, resultString, MAX_RESULT_STRING_CHARS } from '../../lambda/shared';

describe('EventReader', () => {
  const r = (v: unknown) => EventReader.of(v);
  test.each([
    [() => r({}).string('a'), 'a'],
    [() => r({ a: 1 }).string('a'), 'a'],
    [() => r({ a: 'x'.repeat(5) }).string('a', { maxLength: 4 }), 'a'],
    [() => r({ n: 1.5 }).integer('n', 0, 9), 'n'],
    [() => r({ n: 10 }).integer('n', 0, 9), 'n'],
    [() => r({ b: 'yes' }).boolean('b', false), 'b'],
    [
      () =>
        r({ o: { x: 1 } })
          .optionalObject('o')!
          .string('x'),
      'o.x',
    ],
    [() => r({ l: [1, 2] }).array('l', 1, (v) => v), 'l'],
    [() => r({ z: 1 }).only(['a']), 'z'],
    [() => EventReader.of([]), 'event'],
  ])('names the field (%#)', (read, field) => {
    expect(read).toThrow(ValidationError);
    try {
      read();
    } catch (e) {
      expect((e as ValidationError).field).toBe(field);
      expect((e as Error).message.startsWith(`${field}: `)).toBe(true);
    }
  });
  test('defaults and valid values pass', () => {
    expect(r({}).integer('n', 0, 9, 4)).toBe(4);
    expect(r({ n: 9 }).integer('n', 0, 9)).toBe(9);
    expect(r({ s: 'ok' }).optionalString('s')).toBe('ok');
    expect(r({}).optionalEnum('e', ['a', 'b'])).toBeUndefined();
  });
});

describe('parseBatchEvent', () => {
  test('schema 1.0 with an ARN carrying region and account, and a URL-encoded key', () => {
    const parsed = parseBatchEvent({
      invocationSchemaVersion: '1.0',
      invocationId: 'inv',
      job: { id: 'job' },
      tasks: [{ taskId: 't', s3Key: 'reports/2026+Q1%2Bfinal.csv', s3VersionId: '3', s3BucketArn: 'arn:aws:s3:us-east-1:0123456788:awsexamplebucket1' }],
    });
    expect(parsed.tasks).toEqual([{ taskId: 't', bucket: 'awsexamplebucket1', key: 'reports/2026 Q1+final.csv', versionId: '3' }]);
    expect(parsed.userArguments).toEqual({});
  });
  test('schema 2.0 with userArguments', () => {
    const parsed = parseBatchEvent({
      invocationSchemaVersion: '2.0',
      invocationId: 'i',
      job: { id: 'j', userArguments: { a: 'b' } },
      tasks: [{ taskId: 't', s3BucketName: 'b', s3Key: 'k' }],
    });
    expect(parsed).toMatchObject({ invocationSchemaVersion: '2.0', userArguments: { a: 'b' }, tasks: [{ bucket: 'b', key: 'k' }] });
  });
  test.each([
    [{ invocationSchemaVersion: '3.0', invocationId: 'i', tasks: [] }, 'invocationSchemaVersion'],
    [{ invocationSchemaVersion: '1.0', tasks: [] }, 'invocationId'],
    [{ invocationSchemaVersion: '1.0', invocationId: 'i', tasks: [] }, 'tasks'],
    [{ invocationSchemaVersion: '1.0', invocationId: 'i', job: { userArguments: { a: 'b' } }, tasks: [{}] }, 'job.userArguments'],
    [{ invocationSchemaVersion: '2.0', invocationId: 'i', tasks: [{ taskId: 't', s3Key: 'k' }] }, 'tasks[0].s3BucketName'],
    [{ invocationSchemaVersion: '2.0', invocationId: 'i', tasks: [{ taskId: 't', s3BucketName: 'b', s3Key: '%E0%A4%A' }] }, 'tasks[0].s3Key'],
  ])('rejects a bad invocation naming the field (%#)', (event, field) => {
    expect(() => parseBatchEvent(event)).toThrow(expect.objectContaining({ field }));
  });
  test('result strings are cut to the limit', () => {
    expect(resultString('x'.repeat(5000))).toHaveLength(MAX_RESULT_STRING_CHARS);
  });
});

test('error policy: retryable StorageError -> retry, permanent -> fail, anything else -> bug', () => {
  expect(dispositionOf(new ThrottledError('slow'))).toBe('retry');
  expect(dispositionOf(new AccessDeniedError('no'))).toBe('fail');
  expect(dispositionOf(new ValidationError('a', 'bad'))).toBe('fail');
  expect(dispositionOf(new TypeError('x'))).toBe('bug');
});

describe('logs', () => {
  test('secrets are redacted at any depth; errors are reduced to name and message', () => {
    const out = redact({
      a: 1,
      secretAccessKey: 's',
      nested: { sessionToken: 't', customerKey: 'k', list: [{ password: 'p', ok: 2 }] },
      err: new Error('boom'),
    });
    expect(out).toEqual({
      a: 1,
      secretAccessKey: '[redacted]',
      nested: { sessionToken: '[redacted]', customerKey: '[redacted]', list: [{ password: '[redacted]', ok: 2 }] },
      err: { name: 'Error', message: 'boom' },
    });
  });
  test('one JSON line per entry, with the base fields, filtered by level', () => {
    const lines: string[] = [];
    const log = new Logger({ requestId: 'r-1' }, (l) => lines.push(l), 'info');
    log.debug('hidden');
    log.info('shown', { accessKeyId: 'AKIA...', key: 'object/key' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', message: 'shown', requestId: 'r-1', accessKeyId: '[redacted]', key: 'object/key' });
  });
});
