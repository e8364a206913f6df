/**
 * `cp` and `restore` refuse an option of another engine (bin/cli/engine-options.ts), `--batch` with any `--engine`,
 * and a malformed state machine ARN: exit 2 with the usage, and no request to S3, S3 Control or Step Functions
 * (counted on the mocked clients, as in batch.test.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';

const s3 = mockClient(S3Client);
const control = mockClient(S3ControlClient);
const sfn = mockClient(SFNClient);
beforeEach(() => {
  s3.reset();
  control.reset();
  sfn.reset();
});

const ROLE = 'arn:aws:iam::123456789012:role/R';
const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:LargeObjectCopy';
const COPY = ['cp', 's3://a-bucket/k', 's3://b-bucket/k'];
const BATCH = [...COPY, '--batch', '--role-arn', ROLE, '--manifest', 's3://ops-bucket/m/'];
const SFN = [...COPY, '--engine', 'step-functions', '--state-machine-arn', ARN];
const RESTORE = ['restore', 's3://archive/2020/', '--days', '1'];

describe('an option of another engine, or two engines: exit 2, usage, nothing sent', () => {
  test.each([
    // --batch-only options without --batch: cp used to make a real local copy.
    [[...COPY, '--role-arn', ROLE], /--role-arn needs --batch/],
    [[...COPY, '--wait'], /--wait needs --batch/],
    [[...COPY, '--manifest', 's3://ops-bucket/m/'], /--manifest needs --batch/],
    [[...COPY, '--function-arn', 'arn:aws:lambda:us-east-1:123456789012:function:transfer'], /--function-arn needs --batch/],
    [[...COPY, '--confirm'], /--confirm needs --batch/],
    [[...COPY, '--priority', '3'], /--priority needs --batch/],
    [[...COPY, '--report', 's3://ops-bucket/r/'], /--report needs --batch/],
    [[...COPY, '--report-scope', 'FailedTasksOnly'], /--report-scope needs --batch/],
    [[...COPY, '--account-id', '123456789012'], /--account-id needs --batch/],
    [[...SFN, '--confirm', '--priority', '3'], /--confirm needs --batch/],
    [[...SFN, '--wait'], /--wait needs --batch/],
    [[...RESTORE, '--report-scope', 'AllTasks'], /--report-scope needs --batch/],
    // Local-engine options with another engine.
    [[...BATCH, '--part-size-mib', '8'], /--part-size-mib needs the local engine or --engine step-functions/],
    [[...BATCH, '--concurrency', '3'], /--concurrency needs the local engine/],
    [[...BATCH, '--multipart-threshold-mib', '200'], /--multipart-threshold-mib needs the local engine/],
    [[...SFN, '--concurrency', '3'], /--concurrency needs the local engine/],
    [[...RESTORE, '--engine', 'step-functions', '--state-machine-arn', ARN, '--concurrency', '3'], /--concurrency needs the local engine/],
    // Step Functions options without it.
    [[...COPY, '--state-machine-arn', ARN], /--state-machine-arn needs --engine step-functions/],
    [[...RESTORE, '--csv-manifest-key', 'a.csv'], /--csv-manifest-key needs --engine step-functions/],
    [[...COPY, '--wait-timeout-minutes', '5'], /--wait-timeout-minutes needs --batch --wait or --engine step-functions/],
    // Two engines.
    [[...BATCH, '--engine', 'local'], /--batch and --engine local: pick one engine/],
    [[...BATCH, '--engine', 'step-functions'], /--batch and --engine step-functions: pick one engine/],
    [[...RESTORE, '--batch', '--role-arn', ROLE, '--manifest', 's3://ops-bucket/m/', '--engine', 'local'], /--batch and --engine local: pick one engine/],
    [[...COPY, '--engine', 'warp'], /--engine: one of local, step-functions/],
    // The state machine ARN, checked the same way by cp and restore before StartExecution.
    [
      [...COPY, '--engine', 'step-functions', '--state-machine-arn', 'notanarn'],
      /--state-machine-arn: expected arn:aws:states:<region>:<account>:stateMachine:<name>/,
    ],
    [
      [...RESTORE, '--engine', 'step-functions', '--state-machine-arn', 'notanarn'],
      /--state-machine-arn: expected arn:aws:states:<region>:<account>:stateMachine:<name>/,
    ],
    [[...COPY, '--engine', 'step-functions'], /--engine step-functions needs --state-machine-arn <arn> \(a LargeObjectCopy state machine\)/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`Usage: bucketkit ${args[0]} \\[options\\]`));
    expect(s3.calls()).toHaveLength(0);
    expect(control.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('help: exit 5 wherever it can happen, and what --wait-timeout-minutes does per engine', () => {
  test.each([['cp'], ['restore'], ['probe']])('%s --help lists exit code 5', async (command) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Exit codes: 0 ok, 1 [^]*2 usage[^]*5 incomplete/);
  });

  test.each([['cp'], ['restore']])('%s --help: --wait-timeout-minutes for --batch --wait and for --engine step-functions', async (command) => {
    const help = (await cli([command, '--help'])).out.replace(/\s+/g, ' ');
    expect(help).toMatch(/--wait-timeout-minutes <n> with --batch --wait: stop waiting for the job after this long; with --engine step-functions/);
  });
});
