/**
 * `cp --engine step-functions` pieces that need no server: progress from Map Run counts, exit codes, the definition's
 * buckets, the follow timeout (moto runs executions to the end at once: recorded responses in the shapes of
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
 */
import { DescribeExecutionCommand, DescribeStateMachineCommand, ListMapRunsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';
import { executionError, fixedBuckets, progressOf } from '../../bin/cli/cp-engine';
import { selectEngine, stateMachineArnOf } from '../../bin/cli/engine-options';
import { EXIT_ACCESS_DENIED, EXIT_FAILURE, EXIT_INCOMPLETE, EXIT_NOT_FOUND, EXIT_USAGE, UsageError, exitCodeFor } from '../../bin/cli/exit-codes';

const MIB = 1024 * 1024;

describe('progressOf', () => {
  const layout = { sizeBytes: 120 * 5 * MIB - 7, partCount: 120, partsPerBatch: 10 };
  test.each([
    [0, 12, 0],
    [5, 12, 50],
    [11, 12, 110],
    [12, 12, 120],
  ])('%d of %d batches of 10 parts: %d parts', (succeeded, total, parts) => {
    const p = progressOf({ succeeded, total }, layout, 10_000);
    expect(p).toMatchObject({ partsDone: parts, totalParts: 120, totalBytes: layout.sizeBytes });
    expect(p.transferredBytes).toBe(Math.round((layout.sizeBytes * parts) / 120));
    expect(p.bytesPerSecond).toBeCloseTo(p.transferredBytes / 10, 5);
  });

  test('an uneven last batch never counts past the part count', () => {
    const uneven = { sizeBytes: 25 * MIB, partCount: 21, partsPerBatch: 8 };
    expect(progressOf({ succeeded: 2, total: 3 }, uneven, 1).partsDone).toBe(16);
    expect(progressOf({ succeeded: 3, total: 3 }, uneven, 1).partsDone).toBe(21);
    // Batches finish in any order: the estimate is capped at the part count.
    expect(progressOf({ succeeded: 2, total: 2 }, { ...uneven, partCount: 9 }, 1).partsDone).toBe(9);
  });

  test('without the size: batches, no bytes', () => {
    expect(progressOf({ succeeded: 3, total: 7 }, undefined, 1)).toEqual({ transferredBytes: 0, partsDone: 3, totalParts: 7, bytesPerSecond: 0, elapsedMs: 1 });
  });
});

describe('a failed execution exits as its error says', () => {
  test.each([
    ['ObjectNotFoundError', EXIT_NOT_FOUND],
    ['AccessDeniedError', EXIT_ACCESS_DENIED],
    ['ValidationError', EXIT_USAGE],
    ['InvalidArgument', EXIT_USAGE],
    ['MultipartUploadError', EXIT_FAILURE],
    ['States.ExceedToleratedFailureThreshold', EXIT_FAILURE],
  ])('%s: exit %d, the message names the execution and the cause', (error, code) => {
    const e = executionError('FAILED', error, 'why', 'arn:exec');
    expect(exitCodeFor(e)).toBe(code);
    expect(e.message).toBe(`execution arn:exec FAILED: ${error}: why`);
  });
});

test('fixedBuckets reads a LargeObjectCopy definition and nothing else', () => {
  const definition = { States: { Prepare: { Parameters: { fixed: { action: 'plan-copy', sourceBucket: 'a-src', destinationBucket: 'a-dst' } } } } };
  expect(fixedBuckets(JSON.stringify(definition))).toEqual({ sourceBucket: 'a-src', destinationBucket: 'a-dst' });
  definition.States.Prepare.Parameters.fixed = {
    ...definition.States.Prepare.Parameters.fixed,
    partsPerBatch: 25,
  } as typeof definition.States.Prepare.Parameters.fixed;
  expect(fixedBuckets(JSON.stringify(definition))).toMatchObject({ partsPerBatch: 25 });
  expect(fixedBuckets(JSON.stringify({ States: { Prepare: { Type: 'Pass' } } }))).toBeUndefined();
  expect(fixedBuckets('not json')).toBeUndefined();
  expect(fixedBuckets(undefined)).toBeUndefined();
});

test('selectEngine: local by default; an unknown engine, two engines or an option of another engine is a usage error', () => {
  const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:LargeObjectCopy';
  expect(selectEngine({})).toBe('local');
  expect(selectEngine({ engine: 'local' })).toBe('local');
  expect(selectEngine({ engine: 'step-functions', stateMachineArn: ARN })).toBe('step-functions');
  expect(selectEngine({ batch: true, roleArn: 'r' })).toBe('batch');
  expect(() => selectEngine({ engine: 'batch' })).toThrow(/--engine: one of local, step-functions/);
  expect(() => selectEngine({ batch: true, engine: 'local' })).toThrow(/--batch and --engine local: pick one engine/);
  expect(() => selectEngine({ stateMachineArn: ARN })).toThrow(/--state-machine-arn needs --engine step-functions/);
  expect(() => selectEngine({ confirm: false })).not.toThrow();
});

test('stateMachineArnOf: a missing or malformed ARN is a usage error naming the construct', () => {
  const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:LargeObjectCopy';
  expect(stateMachineArnOf(ARN, 'x')).toBe(ARN);
  expect(() => stateMachineArnOf(undefined, 'a LargeObjectCopy')).toThrow(/needs --state-machine-arn <arn> \(a LargeObjectCopy\)/);
  expect(() => stateMachineArnOf('notanarn', 'x')).toThrow(/expected arn:aws:states:<region>:<account>:stateMachine:<name> \(got "notanarn"\)/);
  expect(() => stateMachineArnOf(ARN.replace('stateMachine', 'activity'), 'x')).toThrow(UsageError);
});

test('--wait-timeout-minutes: an execution still RUNNING when following stops exits 5, and it is left running', async () => {
  const sfn = mockClient(SFNClient);
  const s3 = mockClient(S3Client);
  const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:LargeObjectCopy';
  const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:LargeObjectCopy:run-1';
  try {
    s3.rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: ARN, definition: '{}' });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status: 'RUNNING', stateMachineArn: ARN, startDate: new Date() });
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    const args = ['cp', 's3://src-bucket/big.bin', 's3://dst-bucket/big.bin', '--engine', 'step-functions', '--state-machine-arn', ARN, '--quiet'];
    // The next poll (an hour away) would pass the one-minute deadline: following stops after the first read.
    const r = await cli([...args, '--wait-timeout-minutes', '1', '--poll-interval-ms', '3600000']);
    expect(r.err).toMatch(/stopped following arn:aws:states:.*:execution:LargeObjectCopy:run-1 at --wait-timeout-minutes; the execution goes on/);
    expect(r.code).toBe(EXIT_INCOMPLETE);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
    expect(await cli([...args, '--wait-timeout-minutes', '0'])).toMatchObject({
      code: EXIT_USAGE,
      err: expect.stringMatching(/--wait-timeout-minutes: must be a whole number of minutes from 1 to 525600 \(a year at most\) \(got "0"\)/),
    });
  } finally {
    sfn.restore();
    s3.restore();
  }
});
