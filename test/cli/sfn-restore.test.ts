/**
 * `restore --engine step-functions`: what moto cannot show (test/integration/scale-out/restore-cli.test.ts runs the
 * real thing): Map Run pages, timed-out and aborted items counted as failed, the follow timeout, a FAILED execution's
 * error. Responses in the shapes of https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html.
 */
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { formatSfnRestore, mapRunCounts, parseSfnRestore, runSfnRestore, sfnRestoreExitCode } from '../../bin/cli/sfn-restore';
import { UsageError } from '../../bin/cli/exit-codes';

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());
const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:BulkRestore';
const EXECUTION = 'arn:aws:states:us-east-1:111122223333:execution:BulkRestore:run-1';
const counts = (c: Partial<Record<'total' | 'succeeded' | 'failed' | 'timedOut' | 'aborted' | 'running' | 'pending', number>>) => ({
  itemCounts: { total: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, running: 0, pending: 0, resultsWritten: 0, ...c },
});
const mapRun = (mapRunArn: string) => ({ mapRunArn, executionArn: EXECUTION, stateMachineArn: `${ARN}/BulkRestorelisting`, startDate: new Date() });
const silent = { update: () => undefined, finish: () => undefined };

test('the execution input: one source, days and tier; a manifest needs the bucket alone', () => {
  expect(parseSfnRestore('s3://archive/2020/', { stateMachineArn: ARN, days: 2, tier: 'Expedited' }).input).toEqual({
    prefix: '2020/',
    days: 2,
    tier: 'Expedited',
  });
  expect(parseSfnRestore('s3://archive', { stateMachineArn: ARN, days: 1, inventoryManifestKey: 'inv/manifest.json' }).input).toEqual({
    inventoryManifestKey: 'inv/manifest.json',
    days: 1,
    tier: 'Standard',
  });
  expect(() => parseSfnRestore('s3://archive', { stateMachineArn: ARN, days: 1, csvManifestKey: 'a.csv', inventoryManifestKey: 'b.json' })).toThrow(UsageError);
  expect(() => parseSfnRestore('s3://archive', { stateMachineArn: ARN, days: 1, pollIntervalMs: '0' })).toThrow(/--poll-interval-ms/);
});

test('Map Runs over pages are summed; timed-out and aborted items count as failed', async () => {
  sfn
    .on(ListMapRunsCommand, { executionArn: EXECUTION, nextToken: undefined })
    .resolves({ mapRuns: [mapRun('m1')], nextToken: 'p2' })
    .on(ListMapRunsCommand, { executionArn: EXECUTION, nextToken: 'p2' })
    .resolves({ mapRuns: [mapRun('m2')] });
  sfn.on(DescribeMapRunCommand, { mapRunArn: 'm1' }).resolves(counts({ total: 10, succeeded: 7, failed: 1, timedOut: 1, aborted: 1 }));
  sfn.on(DescribeMapRunCommand, { mapRunArn: 'm2' }).resolves(counts({ total: 5, succeeded: 2, running: 2, pending: 1 }));
  expect(await mapRunCounts(new SFNClient({ region: 'us-east-1' }), EXECUTION)).toEqual({ total: 15, succeeded: 9, failed: 3, running: 2, pending: 1 });
});

test('following stops at the timeout with the execution still RUNNING: exit 5', async () => {
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status: 'RUNNING', stateMachineArn: ARN, startDate: new Date() });
  sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
  let t = 0;
  const request = { ...parseSfnRestore('s3://archive/x/', { stateMachineArn: ARN, days: 1, waitTimeoutMinutes: '1', pollIntervalMs: '20000' }) };
  const outcome = await runSfnRestore(
    request,
    new SFNClient({ region: 'us-east-1' }),
    silent,
    async (ms) => void (t += ms),
    () => t,
  );
  expect(outcome).toMatchObject({ status: 'RUNNING', timedOut: true });
  expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(4); // at 0, 20, 40 and 60 s; the next would pass the minute
  expect(sfnRestoreExitCode(outcome)).toBe(5);
  const start = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
  expect(JSON.parse(start.input!)).toEqual({ prefix: 'x/', days: 1, tier: 'Standard' });
  expect(start.name).toMatch(/^bucketkit-restore-[0-9a-f-]{36}$/);
});

test('a FAILED execution prints its error and cause and exits 1', async () => {
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: EXECUTION,
    status: 'FAILED',
    stateMachineArn: ARN,
    startDate: new Date(),
    error: 'States.ExceedToleratedFailureThreshold',
    cause: 'The specified tolerated failure threshold was exceeded',
  });
  sfn.on(ListMapRunsCommand).resolves({ mapRuns: [mapRun('m1')] });
  sfn.on(DescribeMapRunCommand).resolves(counts({ total: 2, succeeded: 1, failed: 1 }));
  const outcome = await runSfnRestore(parseSfnRestore('s3://archive/x/', { stateMachineArn: ARN, days: 1 }), new SFNClient({ region: 'us-east-1' }), silent);
  expect(sfnRestoreExitCode(outcome)).toBe(1);
  expect(formatSfnRestore(outcome)).toMatch(
    /: FAILED\n[\s\S]*error: States\.ExceedToleratedFailureThreshold: The specified tolerated failure threshold was exceeded$/,
  );
});

test('a Map Run read failing (moto answers 500 right after the start now and then) does not stop the follow; five in a row do', async () => {
  const serverError = Object.assign(new Error('Internal Server Error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce({ executionArn: EXECUTION, status: 'RUNNING', stateMachineArn: ARN, startDate: new Date() })
    .resolves({ executionArn: EXECUTION, status: 'SUCCEEDED', stateMachineArn: ARN, startDate: new Date() });
  // the read after SUCCEEDED fails too: the summary waits for a fresh one instead of printing stale counts
  sfn
    .on(ListMapRunsCommand)
    .rejectsOnce(serverError)
    .rejectsOnce(serverError)
    .resolves({ mapRuns: [mapRun('m1')] });
  sfn.on(DescribeMapRunCommand).resolves(counts({ total: 4, succeeded: 4 }));
  const request = parseSfnRestore('s3://archive/x/', { stateMachineArn: ARN, days: 1, pollIntervalMs: '1' });
  const outcome = await runSfnRestore(request, new SFNClient({ region: 'us-east-1' }), silent, async () => undefined);
  expect(outcome).toMatchObject({ status: 'SUCCEEDED', counts: { total: 4, succeeded: 4 } });
  expect(sfnRestoreExitCode(outcome)).toBe(0);

  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, status: 'RUNNING', stateMachineArn: ARN, startDate: new Date() });
  sfn.on(ListMapRunsCommand).rejects(serverError);
  await expect(runSfnRestore(request, new SFNClient({ region: 'us-east-1' }), silent, async () => undefined)).rejects.toThrow('Internal Server Error');
  expect(sfn.commandCalls(ListMapRunsCommand)).toHaveLength(5);
});
