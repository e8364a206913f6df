/**
 * `bucketkit restore --batch` and `bucketkit cp --batch` with recorded responses: moto has no S3 Batch Operations
 * (s3control CreateJob/DescribeJob are not implemented; named in docs/compatibility.md via UNIT_TESTED_GAPS), so S3 Control is answered by
 * aws-sdk-client-mock with the shapes of the API reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html, API_control_DescribeJob.html).
 * The listing and the manifest upload run against moto in test/integration/cli/batch-manifest.test.ts.
 */
import { Readable } from 'node:stream';
import { ListObjectsV2Command, PutObjectCommand, S3Client, type _Object } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient, type CreateJobCommandInput, type JobDescriptor } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';
import { waitForJob } from '../../bin/cli/batch-job';
import { manifestKey } from '../../bin/cli/batch-manifest';
import { plainTaskReporter, taskProgressLine } from '../../bin/cli/task-progress';

const s3 = mockClient(S3Client);
const control = mockClient(S3ControlClient);
const ROLE = 'arn:aws:iam::111122223333:role/bucketkit-batch';
const GIB = 1024 ** 3;
let manifests: { key: string; body: string }[] = [];

beforeEach(() => {
  s3.reset();
  control.reset();
  manifests = [];
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: Readable | string }) => {
    const body = typeof input.Body === 'string' ? input.Body : Buffer.concat(await input.Body.toArray()).toString('utf8');
    manifests.push({ key: input.Key, body });
    // Like S3: the ETag of a single PutObject is the MD5 of its bytes (the upload checks it).
    return { ETag: `"${createHash('md5').update(body).digest('hex')}"` };
  });
  control.on(CreateJobCommand).callsFake(() => ({ JobId: `job-${control.commandCalls(CreateJobCommand).length}` }));
});

function list(objects: { key: string; size?: number; storageClass?: string }[]): void {
  const Contents: _Object[] = objects.map((o) => ({
    Key: o.key,
    Size: o.size ?? 10,
    StorageClass: (o.storageClass ?? 'STANDARD') as _Object['StorageClass'],
    ETag: '"x"',
  }));
  s3.on(ListObjectsV2Command).resolves({ Contents, KeyCount: Contents.length, IsTruncated: false });
}

const createJobInputs = (): CreateJobCommandInput[] => control.commandCalls(CreateJobCommand).map((c) => c.args[0].input);
const restoreArgs = (...extra: string[]) => [
  'restore',
  's3://archive/2020/',
  '--days',
  '7',
  '--batch',
  '--role-arn',
  ROLE,
  '--manifest',
  's3://ops/batch/',
  ...extra,
];

describe('bad arguments exit 2 and send nothing', () => {
  test.each([
    [['restore', 's3://archive/2020/', '--days', '1', '--batch', '--manifest', 's3://ops/m/'], /--role-arn/],
    [
      ['restore', 's3://archive/2020/', '--days', '1', '--batch', '--role-arn', 'role/batch', '--manifest', 's3://ops/m/'],
      /--role-arn: expected an IAM role ARN/,
    ],
    [['restore', 's3://archive/2020/', '--days', '1', '--batch', '--role-arn', ROLE], /--manifest/],
    [['restore', 's3://archive/2020/', '--days', '1', '--batch', '--role-arn', ROLE, '--manifest', 'ops/m/'], /--manifest: expected an s3:\/\/bucket/],
    [restoreArgs('--tier', 'Expedited'), /Standard or Bulk only/],
    [restoreArgs('--priority', '-1'), /--priority/],
    [restoreArgs('--priority', '2147483648'), /--priority: must be a whole number from 0 to 2147483647/],
    [restoreArgs('--account-id', '12'), /--account-id: expected 12 digits/],
    [restoreArgs('--wait-timeout-minutes', '5'), /--wait-timeout-minutes needs --wait/],
    [restoreArgs('--state-file', 'x.jsonl'), /--state-file needs the local engine/],
    [['restore', 's3://archive/2020/', '--days', '1', '--role-arn', ROLE], /--role-arn needs --batch/],
    [restoreArgs('--engine', 'step-functions'), /pick one engine/],
    [
      ['cp', 's3://src/a/', 's3://dst/b/', '--batch', '--role-arn', ROLE, '--manifest', 's3://ops/m/', '--function-arn', 'transfer'],
      /--function-arn: expected a Lambda function ARN/,
    ],
    [['cp', 's3://src/a/', 's3://dst/b/', '--batch', '--manifest', 's3://ops/m/'], /--role-arn/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(s3.calls()).toHaveLength(0);
    expect(control.calls()).toHaveLength(0);
  });
});

describe('restore --batch', () => {
  test('writes a manifest of the archived objects only (keys URL-encoded) and creates one S3InitiateRestoreObject job', async () => {
    list([
      { key: '2020/a.bin', storageClass: 'GLACIER' },
      { key: '2020/b c+é.bin', storageClass: 'DEEP_ARCHIVE' },
      { key: '2020/warm.txt', storageClass: 'STANDARD' },
    ]);
    const r = await cli(restoreArgs('--tier', 'Bulk', '--priority', '42', '--confirm', '--report', 's3://reports/batch/', '--region', 'us-east-1'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(manifests).toHaveLength(1);
    expect(manifests[0].key).toMatch(/^batch\/bucketkit-restore-\d{8}T\d{6}Z-[0-9a-f]{8}-restore\.csv$/);
    expect(manifests[0].body).toBe(`archive,2020/a.bin\narchive,${manifestKey('2020/b c+é.bin')}\n`);
    expect(manifestKey('2020/b c+é.bin')).toBe('2020/b%20c%2B%C3%A9.bin');
    const [input] = createJobInputs();
    expect(input).toMatchObject({
      AccountId: '111122223333',
      RoleArn: ROLE,
      Priority: 42,
      ConfirmationRequired: true,
      Operation: { S3InitiateRestoreObject: { ExpirationInDays: 7, GlacierJobTier: 'BULK' } },
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] },
        Location: { ObjectArn: `arn:aws:s3:::ops/${manifests[0].key}`, ETag: createHash('md5').update(manifests[0].body).digest('hex') },
      },
      Report: { Enabled: true, Bucket: 'arn:aws:s3:::reports', Prefix: 'batch', Format: 'Report_CSV_20180820', ReportScope: 'AllTasks' },
    });
    expect(input.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.out).toMatch(/^job job-1: restore of 2 object\(s\)/m);
    expect(r.out).toMatch(/skipped 1 object\(s\): STANDARD: not archived/);
  });

  test('nothing archived: no manifest, no job, exit 0', async () => {
    list([{ key: '2020/warm.txt' }]);
    const r = await cli(restoreArgs());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no objects to process: no job created/);
    expect(manifests).toHaveLength(0);
    expect(control.calls()).toHaveLength(0);
  });

  test('--wait follows DescribeJob to Complete and prints the counts', async () => {
    list([
      { key: '2020/a.bin', storageClass: 'GLACIER' },
      { key: '2020/b.bin', storageClass: 'GLACIER' },
    ]);
    const job = (Status: string, succeeded: number, failed = 0): { Job: JobDescriptor } => ({
      Job: {
        JobId: 'job-1',
        Status: Status as JobDescriptor['Status'],
        ProgressSummary: { TotalNumberOfTasks: 2, NumberOfTasksSucceeded: succeeded, NumberOfTasksFailed: failed, Timers: { ElapsedTimeInActiveSeconds: 4 } },
      },
    });
    control.on(DescribeJobCommand).resolvesOnce(job('Preparing', 0)).resolvesOnce(job('Active', 1)).resolves(job('Complete', 2));
    const r = await cli(restoreArgs('--wait', '--poll-interval-ms', '1'));
    expect(r.code).toBe(0);
    expect(control.commandCalls(DescribeJobCommand).map((c) => c.args[0].input)).toEqual(Array(3).fill({ AccountId: '111122223333', JobId: 'job-1' }));
    expect(r.out).toMatch(/job job-1: Complete, 2 succeeded, 0 failed of 2/);
    expect(r.err).toMatch(/job job-1: Active, 1 of 2 tasks \(50%\)/);
  });

  test('--wait: a Failed job exits 1 with its failure reasons', async () => {
    list([{ key: '2020/a.bin', storageClass: 'GLACIER' }]);
    control.on(DescribeJobCommand).resolves({
      Job: {
        JobId: 'job-1',
        Status: 'Failed',
        FailureReasons: [{ FailureCode: 'Manifest403', FailureReason: 'Access denied reading the manifest' }],
        ProgressSummary: { TotalNumberOfTasks: 0, NumberOfTasksSucceeded: 0, NumberOfTasksFailed: 0 },
      },
    });
    const r = await cli(restoreArgs('--wait', '--poll-interval-ms', '1'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Manifest403: Access denied reading the manifest/);
  });
});

describe('cp --batch', () => {
  const cpArgs = (...extra: string[]) => ['cp', 's3://src/logs/', 's3://dst/backup/', '--batch', '--role-arn', ROLE, '--manifest', 's3://ops/batch/', ...extra];

  test('an object over 5 GiB and no --function-arn: refused before any manifest or job', async () => {
    list([
      { key: 'logs/small', size: 100 },
      { key: 'logs/huge', size: 6 * GIB },
    ]);
    const r = await cli(cpArgs());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/1 object\(s\) under s3:\/\/src\/logs\/ are over 5 GiB \(6\.0 GiB\)[\s\S]*--function-arn[\s\S]*Nothing was written/);
    expect(manifests).toHaveLength(0);
    expect(control.calls()).toHaveLength(0);
  });

  test('a Copy job up to 5 GiB (exactly 5 GiB included) and a LambdaInvoke job (schema 2.0) for the larger ones', async () => {
    list([
      { key: 'logs/small', size: 100 },
      { key: 'logs/edge', size: 5 * GIB },
      { key: 'logs/huge', size: 5 * GIB + 1 },
    ]);
    const fn = 'arn:aws:lambda:us-east-1:111122223333:function:bucketkit-transfer';
    const r = await cli(cpArgs('--function-arn', fn, '--report-scope', 'FailedTasksOnly', '--json'));
    expect(r.code).toBe(0);
    expect(manifests.map((m) => m.body)).toEqual(['src,logs/small\nsrc,logs/edge\n', 'src,logs/huge\n']);
    const [copy, invoke] = createJobInputs();
    expect(copy.Operation).toEqual({ S3PutObjectCopy: { TargetResource: 'arn:aws:s3:::dst', TargetKeyPrefix: 'backup/' } });
    expect(copy.Report).toMatchObject({ Bucket: 'arn:aws:s3:::ops', ReportScope: 'FailedTasksOnly' });
    expect(invoke.Operation).toEqual({
      LambdaInvoke: { FunctionArn: fn, InvocationSchemaVersion: '2.0', UserArguments: { destinationBucket: 'dst', destinationPrefix: 'backup/' } },
    });
    expect(r.err).toMatch(/^job job-1: copy of 2 object\(s\)[\s\S]*^job job-2: lambda-copy of 1 object\(s\)/m); // ids on stderr at once
    const printed = JSON.parse(r.out) as { jobs: { jobId: string; operation: string; objects: number }[] };
    expect(printed.jobs.map((j) => [j.jobId, j.operation, j.objects])).toEqual([
      ['job-1', 'copy', 2],
      ['job-2', 'lambda-copy', 1],
    ]);
  });
});

describe('--wait-timeout-minutes: a job still running when the wait ends exits 5 (the job goes on)', () => {
  test.each([
    ['restore', restoreArgs('--wait', '--wait-timeout-minutes', '1', '--poll-interval-ms', '3600000')],
    [
      'cp',
      [
        'cp',
        's3://archive/2020/',
        's3://dst/backup/',
        '--batch',
        '--role-arn',
        ROLE,
        '--manifest',
        's3://ops/batch/',
        '--wait',
        '--wait-timeout-minutes',
        '1',
        '--poll-interval-ms',
        '3600000',
      ],
    ],
  ])('%s --batch --wait', async (_command, args) => {
    list([{ key: '2020/a.bin', storageClass: 'GLACIER' }]);
    control
      .on(DescribeJobCommand)
      .resolves({ Job: { JobId: 'job-1', Status: 'Active', ProgressSummary: { TotalNumberOfTasks: 1, NumberOfTasksSucceeded: 0, NumberOfTasksFailed: 0 } } });
    const r = await cli(args);
    expect(r.out).toMatch(/job job-1: Active \(still running; stopped waiting\)/);
    expect(r.code).toBe(5);
    expect(control.commandCalls(DescribeJobCommand)).toHaveLength(1);
  });
});

describe('waitForJob and the task progress', () => {
  test('stops at the wait timeout with the job still running, and says once that a Suspended job awaits confirmation', async () => {
    control.on(DescribeJobCommand).resolves({ Job: { JobId: 'j', Status: 'Suspended' } });
    let t = 0;
    const notices: string[] = [];
    const outcome = await waitForJob(
      new S3ControlClient({ region: 'us-east-1' }),
      { accountId: '111122223333', pollIntervalMs: 1_000, waitTimeoutMs: 3_500 },
      'j',
      { update: () => undefined, finish: () => undefined },
      (line) => notices.push(line),
      async (ms) => {
        t += ms;
      },
      () => t,
    );
    expect(outcome).toMatchObject({ status: 'Suspended', timedOut: true });
    expect(control.commandCalls(DescribeJobCommand)).toHaveLength(4); // at 0, 1, 2 and 3 s; the next would pass 3.5 s
    expect(notices).toEqual([expect.stringMatching(/Suspended: it waits for confirmation/)]);
  });

  test('plain lines: at most one a second while the status holds, a new status at once, the last always', () => {
    let t = 0;
    const lines: string[] = [];
    const r = plainTaskReporter(
      'job',
      (l) => lines.push(l),
      () => t,
    );
    r.update({ status: 'Active', total: 10, succeeded: 1, failed: 0 });
    t = 500;
    r.update({ status: 'Active', total: 10, succeeded: 2, failed: 0 });
    r.update({ status: 'Completing', total: 10, succeeded: 9, failed: 1 });
    t = 600;
    r.update({ status: 'Completing', total: 10, succeeded: 10, failed: 0, tasksPerSecond: 2 });
    r.finish();
    expect(lines).toEqual([
      'job: Active, 1 of 10 tasks (10%)',
      'job: Completing, 10 of 10 tasks (100%), 1 failed',
      'job: Completing, 10 of 10 tasks (100%), ETA 0s',
    ]);
    expect(taskProgressLine('job', { status: 'Active', total: 100, succeeded: 40, failed: 0, tasksPerSecond: 2 })).toBe(
      'job: Active, 40 of 100 tasks (40%), ETA 30s',
    );
  });
});
