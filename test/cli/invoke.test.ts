/**
 * `bucketkit invoke` and the CLI's exit codes, with a mocked Lambda client: continuations followed until done,
 * function errors recognised from the payload even without FunctionError (the emulator never sets it), a stalled
 * copy stopped with its continuation, and the long-invoke client settings (one attempt, socket timeout > 900 s).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli';
import { FunctionError, INVOKE_SOCKET_TIMEOUT_MS, MAX_FUNCTION_TIMEOUT_MS, createLambdaClient, functionErrorOf } from '../../bin/cli/lambda-invoke';
import { MAX_STALLED_INVOCATIONS, readPayload, runInvoke } from '../../bin/cli/invoke';
import { UsageError } from '../../bin/cli/exit-codes';

const lambda = mockClient(LambdaClient);
const payloadOf = (value: unknown) => ({ StatusCode: 200, Payload: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) as never });
const sentPayloads = () => lambda.commandCalls(InvokeCommand).map((c) => JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8')));

beforeEach(() => lambda.reset());

const inProgress = (partsDone: number) => ({
  status: 'InProgress',
  reason: 'time',
  continuation: { uploadId: 'u', partsDone },
  progress: { partsDone, partsTotal: 4, bytesDone: partsDone * 16 * 1024 * 1024, totalBytes: 64 * 1024 * 1024 },
});

test('follows continuations until the work is done, with a progress line per invocation', async () => {
  lambda
    .on(InvokeCommand)
    .resolvesOnce(payloadOf(inProgress(1)))
    .resolvesOnce(payloadOf(inProgress(2)))
    .resolvesOnce(payloadOf(inProgress(3)))
    .resolves(payloadOf({ status: 'Succeeded', method: 'UploadPartCopy' }));
  const r = await cli([
    'invoke',
    'transfer',
    '--function',
    'fn',
    '--region',
    'us-east-1',
    '--payload',
    '{"sourceBucket":"a","sourceKey":"k","destinationBucket":"b"}',
  ]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ status: 'Succeeded', method: 'UploadPartCopy' });
  expect(r.err.split('\n').filter((l) => l.endsWith('continuing'))).toEqual([
    'transfer: invocation 1: 16.0 of 64.0 MiB (25%), 1 of 4 parts; continuing',
    'transfer: invocation 2: 32.0 of 64.0 MiB (50%), 2 of 4 parts; continuing',
    'transfer: invocation 3: 48.0 of 64.0 MiB (75%), 3 of 4 parts; continuing',
  ]);
  const sent = sentPayloads();
  expect(sent).toHaveLength(4);
  expect(sent[0]).toEqual({ sourceBucket: 'a', sourceKey: 'k', destinationBucket: 'b' });
  expect(sent[3]).toEqual({ sourceBucket: 'a', sourceKey: 'k', destinationBucket: 'b', continuation: { uploadId: 'u', partsDone: 3 } });
  expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'fn', InvocationType: 'RequestResponse' });
});

test('a copy that makes no progress is stopped, exit 1, with the last continuation printed for a resume', async () => {
  lambda.on(InvokeCommand).resolves(payloadOf({ ...inProgress(1), reason: 'retryable-error' }));
  const outcome = await runInvoke({ handler: 'transfer', functionName: 'fn', payload: {}, client: new LambdaClient({ region: 'us-east-1' }) }, () => undefined);
  expect(outcome.exitCode).toBe(1);
  expect(outcome.invocations).toBe(MAX_STALLED_INVOCATIONS + 1);
  expect(outcome.result).toMatchObject({ continuation: { uploadId: 'u' } });
});

describe('function errors', () => {
  test.each([
    ['an error payload without FunctionError (the emulator)', undefined, '{"errorType":"TypeError","errorMessage":"x is undefined","trace":[]}', 'TypeError'],
    ['the emulator timeout text', undefined, 'Task timed out after 3.00 seconds', 'Sandbox.Timedout'],
    ['a JSON-quoted timeout', undefined, '"Task timed out after 900.00 seconds"', 'Sandbox.Timedout'],
    ['FunctionError set by real Lambda', 'Unhandled', '{"errorType":"ThrottledError","errorMessage":"slow"}', 'ThrottledError'],
    ['FunctionError with a non-JSON payload', 'Unhandled', 'out of memory', 'Unhandled'],
  ])('%s', (_what, functionError, text, errorType) => {
    expect(functionErrorOf(functionError, text)).toMatchObject({ errorType });
  });
  test.each([
    ['a normal result', '{"status":"Succeeded"}'],
    ["a handler's own failure result", '{"status":"Failed","errorType":"ValidationError","errorMessage":"sourceKey: ..."}'],
    ['an empty payload', ''],
  ])('%s is not a function error', (_what, text) => {
    expect(functionErrorOf(undefined, text)).toBeUndefined();
  });
  test('the CLI exits 1 on a function error, naming it', async () => {
    lambda.on(InvokeCommand).resolves(payloadOf('Task timed out after 3.00 seconds'));
    const r = await cli(['invoke', 'probe', '--function', 'fn', '--region', 'us-east-1', '--payload', '{}']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Sandbox\.Timedout: Task timed out after 3\.00 seconds/);
  });
});

describe('exit codes', () => {
  test.each([
    [{ status: 'Failed', errorType: 'ValidationError', errorMessage: 'partSizeBytes: ...', field: 'partSizeBytes' }, 2],
    [{ status: 'Failed', errorType: 'ObjectNotFoundError', errorMessage: 'NoSuchKey' }, 3],
    [{ status: 'Failed', errorType: 'AccessDeniedError', errorMessage: 'denied' }, 4],
    [{ status: 'Failed', errorType: 'InvocationTooShort', errorMessage: '...' }, 1],
    [{ invocationSchemaVersion: '1.0', results: [{ resultCode: 'Succeeded' }, { resultCode: 'PermanentFailure' }] }, 1],
    [{ status: 'Succeeded' }, 0],
  ])('result %j -> %i', async (result, code) => {
    lambda.on(InvokeCommand).resolves(payloadOf(result));
    expect((await cli(['invoke', 'restore', '--function', 'fn', '--region', 'us-east-1', '--payload', '{}'])).code).toBe(code);
  });
  test('a missing function (ResourceNotFoundException) -> 3; access denied -> 4', async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }));
    expect((await cli(['invoke', 'probe', '--function', 'nope', '--region', 'us-east-1', '--payload', '{}'])).code).toBe(3);
    lambda.reset();
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    expect((await cli(['invoke', 'probe', '--function', 'fn', '--region', 'us-east-1', '--payload', '{}'])).code).toBe(4);
  });
  test.each([
    [['invoke', 'teleport', '--function', 'f', '--payload', '{}']],
    [['invoke', 'transfer', '--payload', '{}']],
    [['invoke', 'transfer', '--function', 'f']],
    [['invoke', 'transfer', '--function', 'f', '--payload', '{not json']],
    [['invoke', 'transfer', '--function', 'f', '--payload', '@/no/such/file.json']],
    [['invoke', 'transfer', '--function', 'f', '--payload', '{}', '--max-invocations', '0']],
    [['probe']],
    [['frobnicate']],
    [[]],
  ])('bad arguments %j exit 2 with usage, and invoke nothing', async (args) => {
    // `probe` takes its endpoint from AWS_ENDPOINT_URL_S3 too, which npm test exports (moto) for the whole run: here
    // it has neither.
    const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, any: process.env.AWS_ENDPOINT_URL };
    delete process.env.AWS_ENDPOINT_URL_S3;
    delete process.env.AWS_ENDPOINT_URL;
    const r = await cli(args).finally(() => {
      if (saved.s3 !== undefined) process.env.AWS_ENDPOINT_URL_S3 = saved.s3;
      if (saved.any !== undefined) process.env.AWS_ENDPOINT_URL = saved.any;
    });
    expect(r.code).toBe(2);
    expect(`${r.out}\n${r.err}`).toMatch(/usage|--payload|--max-invocations/i);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
  test.each([[['--help']], [['invoke', '--help']], [['probe', '--help']], [['help', 'invoke']]])('%j prints help and exits 0', async (args) => {
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: bucketkit/);
  });
});

test('--payload @file reads the event from a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bucketkit-cli-'));
  try {
    writeFileSync(join(dir, 'event.json'), '{"sourceBucket":"a"}');
    expect(readPayload(`@${join(dir, 'event.json')}`)).toEqual({ sourceBucket: 'a' });
    expect(() => readPayload('[1,')).toThrow(UsageError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the invoke client makes one attempt and waits longer than the longest function', async () => {
  expect(INVOKE_SOCKET_TIMEOUT_MS).toBeGreaterThan(MAX_FUNCTION_TIMEOUT_MS);
  const client = createLambdaClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  try {
    expect(await client.config.maxAttempts()).toBe(1);
    const handler = client.config.requestHandler as unknown as { configProvider: Promise<{ socketTimeout?: number; requestTimeout?: number }> };
    const config = await handler.configProvider;
    expect(config.socketTimeout).toBe(INVOKE_SOCKET_TIMEOUT_MS);
  } finally {
    client.destroy();
  }
});

test('FunctionError carries the type and the payload', () => {
  const e = new FunctionError('TypeError', 'boom', { errorType: 'TypeError' });
  expect(e.message).toBe('TypeError: boom');
  expect(e.payload).toEqual({ errorType: 'TypeError' });
});
