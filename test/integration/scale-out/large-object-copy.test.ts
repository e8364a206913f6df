import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { handler } from '../../../lambda/transfer';
import { LARGE_OBJECT_COPY_MAP_LABEL, LargeObjectCopy } from '../../../lib/constructs/scale-out';
import { S3Storage } from '../../../lib/storage';
import { aslErrors, definitionOf } from '../../constructs/scale-out/support';
import { LambdaStandIn, lambdaServiceError, type LambdaEntry } from './lambda-stand-in';
import { SfnClient } from './sfn-client';
import { SfnMoto } from './sfn-moto';
import { cli } from '../../cli/run-cli';

// The synthesized LargeObjectCopy definition, executed by moto's Step Functions interpreter. Its Lambda tasks reach
// the real transfer handler (lambda/transfer/index.ts `handler`) through a local stand-in (lambda-stand-in.ts), and
// the handler's S3 requests go through the same proxy to moto S3. docs/scale-out.md says why and what moto lacks.

jest.setTimeout(600_000);

const MIB = 1024 * 1024;
const SOURCE = 'large-copy-source';
const DESTINATION = 'large-copy-destination';
// 60 MiB (12 parts in 2 batches) in npm test; test:compat copies 600 MiB (120 parts in 12 batches; about 3 minutes
// on 2 cores, too slow for npm test): BUCKETKIT_LARGE_COPY_MIB, scripts/test-compat.sh.
const SIZE_MIB = Number(process.env.BUCKETKIT_LARGE_COPY_MIB ?? 60);
const PART = 5 * MIB;
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:bucketkit-transfer';

let moto: SfnMoto;
let s3c: S3Client;
let sfnc: SfnClient;
let standIn: LambdaStandIn;
let stateMachineArn: string;
const savedEnv = { ...process.env };

const uploadsLeft = async () => (await s3c.send(new ListMultipartUploadsCommand({ Bucket: DESTINATION }))).Uploads ?? [];
const partCopies = () => moto.matching(/^PUT \/large-copy-destination\/[^?]*\?(?=.*partNumber=)(?=.*uploadId=)/);
const creates = () => moto.matching(/^POST \/large-copy-destination\/[^?]*\?uploads/);

async function sha256Of(bucket: string, key: string): Promise<string> {
  const body = (await s3c.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable;
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function put(key: string, body: Buffer): Promise<void> {
  const storage = new S3Storage({
    bucket: SOURCE,
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    await storage.upload(key, body, { partSizeBytes: 64 * MIB, concurrency: 4 });
  } finally {
    storage.destroy();
  }
}

beforeAll(async () => {
  moto = await SfnMoto.start();
  // The handler's own S3 client: through the proxy (so tests can count and alter its requests), static credentials.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: moto.proxyEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_LAMBDA_LOG_LEVEL: 'error',
    // For `bucketkit cp --engine step-functions` (its SFNClient).
    AWS_ENDPOINT_URL_SFN: moto.endpoint,
  });
  standIn = new LambdaStandIn(handler as LambdaEntry);
  moto.lambda = standIn.invoke;
  s3c = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  sfnc = new SfnClient(moto.endpoint);
  for (const Bucket of [SOURCE, DESTINATION]) await s3c.send(new CreateBucketCommand({ Bucket }));

  const stack = new Stack(new App(), 'LargeObjectCopyOnMoto');
  const copy = new LargeObjectCopy(stack, 'Copy', {
    sourceBucket: s3.Bucket.fromBucketName(stack, 'Source', SOURCE),
    destinationBucket: s3.Bucket.fromBucketName(stack, 'Destination', DESTINATION),
    transferFunction: lambda.Function.fromFunctionArn(stack, 'Transfer', FUNCTION_ARN),
    maxConcurrency: 8,
  });
  const definition = definitionOf(copy.stateMachine);
  expect(aslErrors(definition)).toEqual([]);
  stateMachineArn = await sfnc.create('large-object-copy', definition);
});

afterAll(async () => {
  process.env = savedEnv;
  s3c?.destroy();
  await moto?.stop();
});

beforeEach(() => {
  moto.requests.length = 0;
  standIn.invocations.length = 0;
  standIn.before = undefined;
  moto.fault = undefined;
});

test(`a ${SIZE_MIB} MiB object in 5 MiB parts: planned, copied by a Distributed Map of handler invocations, completed, byte-identical`, async () => {
  const data = randomBytes(SIZE_MIB * MIB);
  const sourceHash = createHash('sha256').update(data).digest('hex');
  await put('big/source.bin', data);
  const partCount = Math.ceil(data.length / PART);
  const batches = Math.ceil(partCount / 10);

  const started = Date.now();
  const result = await sfnc.run(stateMachineArn, { sourceKey: 'big/source.bin', destinationKey: 'copies/big.bin', partSizeBytes: PART }, 560_000);
  const seconds = (Date.now() - started) / 1000;
  expect(result).toMatchObject({ status: 'SUCCEEDED' });
  const output = JSON.parse(result.output!) as { destination: { bucket: string; key: string; etag: string }; sizeBytes: number; partCount: number };
  expect(output).toMatchObject({ destination: { bucket: DESTINATION, key: 'copies/big.bin' }, sizeBytes: data.length, partCount });

  const [run] = await sfnc.mapRuns(result.executionArn);
  expect(run.mapRunArn).toContain(LARGE_OBJECT_COPY_MAP_LABEL);
  expect(run.itemCounts).toMatchObject({ total: batches, succeeded: batches, failed: 0 });
  expect(standIn.withAction('plan-copy')).toHaveLength(1);
  expect(standIn.withAction('copy-part-batch')).toHaveLength(batches);
  expect(standIn.withAction('complete-copy')).toHaveLength(1);
  expect(standIn.withAction('abort-copy')).toHaveLength(0);
  expect(partCopies()).toHaveLength(partCount);
  expect(creates()).toHaveLength(1);
  expect(await uploadsLeft()).toEqual([]);

  const head = await s3c.send(new HeadObjectCommand({ Bucket: DESTINATION, Key: 'copies/big.bin' }));
  expect(head.ContentLength).toBe(data.length);
  expect(head.ETag).toMatch(new RegExp(`-${partCount}"$`));
  expect(await sha256Of(SOURCE, 'big/source.bin')).toBe(sourceHash);
  expect(await sha256Of(DESTINATION, 'copies/big.bin')).toBe(sourceHash);
  console.log(`LargeObjectCopy on moto: ${SIZE_MIB} MiB, ${partCount} parts in ${batches} batches, ${seconds.toFixed(1)} s`);
});

test('a part that fails for good (412: the source changed since the plan): the upload is aborted and the execution FAILS', async () => {
  await put('changing.bin', randomBytes(12 * MIB));
  // What S3 answers an UploadPartCopy whose x-amz-copy-source-if-match no longer holds. moto ignores that header on
  // UploadPartCopy (docs/scale-out.md), so the answer is injected into the handler's request for part 2.
  moto.fault = (r) =>
    /^PUT \/large-copy-destination\/copies\/changing\.bin\?partNumber=2&/.test(r.target)
      ? {
          status: 412,
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>x-amz-copy-source-If-Match</Condition><RequestId>R412</RequestId></Error>',
        }
      : undefined;
  const result = await sfnc.run(stateMachineArn, { sourceKey: 'changing.bin', destinationKey: 'copies/changing.bin', partSizeBytes: PART });
  expect(result.status).toBe('FAILED');
  const [run] = await sfnc.mapRuns(result.executionArn);
  expect(run.itemCounts).toMatchObject({ total: 1, failed: 1 });
  // AWS: the Map Run fails (0 failures tolerated) and its Catch aborts. moto never enforces tolerated failures, so
  // its Map succeeds and complete-copy's part check refuses the upload (part 2 missing; parts 1 and 3 too when their
  // copies were cancelled by part 2's failure) before the same abort.
  expect(`${result.error}: ${result.cause}`).toMatch(
    /^(States\.ExceedToleratedFailureThreshold|MultipartUploadError: upload \S+ lacks [123] of 3 parts at their planned size \(first: (\d, )*2\b)/,
  );
  expect(standIn.withAction('abort-copy')).toHaveLength(1);
  expect(moto.matching(/^POST \/large-copy-destination\/copies\/changing\.bin\?uploadId=/)).toHaveLength(0);
  expect(await uploadsLeft()).toEqual([]);
  await expect(s3c.send(new HeadObjectCommand({ Bucket: DESTINATION, Key: 'copies/changing.bin' }))).rejects.toMatchObject({ name: 'NotFound' });
});

test('a throttled invoke (Lambda 429) is retried with backoff; SSE-S3 and the storage class from the input reach the copy', async () => {
  const data = randomBytes(12 * MIB + 7);
  await put('throttled.bin', data);
  standIn.before = (invocation) =>
    invocation.payload.action === 'copy-part-batch' && standIn.withAction('copy-part-batch').length === 1
      ? lambdaServiceError(429, 'TooManyRequestsException', 'Rate exceeded')
      : undefined;
  const result = await sfnc.run(stateMachineArn, {
    sourceKey: 'throttled.bin',
    destinationKey: 'copies/throttled.bin',
    partSizeBytes: PART,
    storageClass: 'STANDARD_IA',
    encryption: { type: 'SSE-S3' },
  });
  expect(result).toMatchObject({ status: 'SUCCEEDED' });
  expect(standIn.withAction('copy-part-batch')).toHaveLength(2);
  const head = await s3c.send(new HeadObjectCommand({ Bucket: DESTINATION, Key: 'copies/throttled.bin' }));
  expect(head).toMatchObject({ ContentLength: data.length, StorageClass: 'STANDARD_IA', ServerSideEncryption: 'AES256' });
  expect(await sha256Of(DESTINATION, 'copies/throttled.bin')).toBe(createHash('sha256').update(data).digest('hex'));
  expect(await uploadsLeft()).toEqual([]);
});

test("S3 SlowDown beyond the handler's own retries fails the invocation, and the state machine retries the batch", async () => {
  const data = randomBytes(7 * MIB);
  await put('slow-down.bin', data);
  // Every UploadPartCopy answers 503 SlowDown while the first copy-part-batch invocation runs.
  moto.fault = (r) =>
    /^PUT \/large-copy-destination\/copies\/slow-down\.bin\?partNumber=/.test(r.target) && standIn.withAction('copy-part-batch').length === 1
      ? {
          status: 503,
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>R503</RequestId></Error>',
        }
      : undefined;
  const result = await sfnc.run(stateMachineArn, { sourceKey: 'slow-down.bin', destinationKey: 'copies/slow-down.bin', partSizeBytes: PART });
  expect(result).toMatchObject({ status: 'SUCCEEDED' });
  expect(standIn.withAction('copy-part-batch')).toHaveLength(2);
  // The handler retried within the first invocation before it gave up (more than one request per part).
  expect(moto.matching(/^PUT \/large-copy-destination\/copies\/slow-down\.bin\?partNumber=1&/).length).toBeGreaterThan(2);
  expect(await sha256Of(DESTINATION, 'copies/slow-down.bin')).toBe(createHash('sha256').update(data).digest('hex'));
  expect(await uploadsLeft()).toEqual([]);
}, 120_000);

test.each([
  [{}, 'InvalidArgument', /^sourceKey: /],
  [{ sourceKey: 'big/source.bin', destinationBucket: 'elsewhere' }, 'InvalidArgument', /^sourceBucket: /],
  [{ sourceKey: 'big/source.bin', partSizeBytes: 1024 }, 'ValidationError', /^partSizeBytes: must be an integer from 5242880/],
  [{ sourceKey: 'big/source.bin', encryption: { type: 'SSE-C' } }, 'ValidationError', /^encryption.type: .*SSE-C is not accepted/],
  [{ sourceKey: 'big/source.bin', storageClass: 'COLD' }, 'ValidationError', /^storageClass: must be one of/],
  [{ sourceKey: 'no/such/key' }, 'ObjectNotFoundError', /no\/such\/key/],
])('bad input %j fails with %s, and no upload is created', async (input, error, cause) => {
  const result = await sfnc.run(stateMachineArn, input);
  expect(result).toMatchObject({ status: 'FAILED', error });
  expect(result.cause).toMatch(cause);
  expect(creates()).toHaveLength(0);
  expect(standIn.withAction('abort-copy')).toHaveLength(0);
});

describe('bucketkit cp --engine step-functions', () => {
  test('starts the execution, follows the Map Run to the end with progress, prints the outcome, exits 0', async () => {
    const data = randomBytes(25 * MIB + 3);
    await put('cli/source.bin', data);
    const args = ['cp', 's3://large-copy-source/cli/source.bin', 's3://large-copy-destination/cli/', '--engine', 'step-functions'];
    const run = await cli([...args, '--state-machine-arn', stateMachineArn, '--part-size-mib', '5']);
    expect(run).toMatchObject({ code: 0 });
    expect(run.err).toMatch(/^cp: started arn:aws:states:us-east-1:123456789012:execution:large-object-copy-/m);
    // The plain progress reporter (stderr is not a TTY here): the Map Run's batches as parts and bytes (size from a HEAD).
    expect(run.err).toMatch(/^cp: 25\.0 MiB of 25\.0 MiB \(100%\), 6 of 6 parts/m);
    expect(run.out).toBe('copy: s3://large-copy-source/cli/source.bin to s3://large-copy-destination/cli/source.bin (25.0 MiB, 6 parts)');
    expect(await sha256Of(DESTINATION, 'cli/source.bin')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(standIn.withAction('copy-part-batch')).toHaveLength(1);

    const json = await cli([
      ...args.slice(0, 2),
      's3://large-copy-destination/cli/again.bin',
      ...args.slice(3),
      '--state-machine-arn',
      stateMachineArn,
      '--json',
    ]);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    const outcome = JSON.parse(json.out) as Record<string, unknown>;
    expect(outcome).toMatchObject({
      operation: 'copy',
      engine: 'step-functions',
      destination: 's3://large-copy-destination/cli/again.bin',
      sizeBytes: data.length,
      parts: 1,
    });
    expect(String(outcome.executionArn)).toContain(':execution:large-object-copy-');
  });

  test.each([
    [['s3://large-copy-source/no/such.bin', 's3://large-copy-destination/x.bin'], 3, /ObjectNotFoundError/],
    [
      ['s3://large-copy-source/cli/source.bin', 's3://other-bucket/x.bin'],
      2,
      /copies from large-copy-source to large-copy-destination, not large-copy-source to other-bucket/,
    ],
    [['./local.bin', 's3://large-copy-destination/x.bin'], 2, /must both be s3:\/\/bucket\/key URLs/],
  ])('cp %j exits %d', async (paths, code, message) => {
    const run = await cli(['cp', ...paths, '--engine', 'step-functions', '--state-machine-arn', stateMachineArn, '--quiet']);
    expect(run.code).toBe(code);
    expect(run.err).toMatch(message);
    expect(await uploadsLeft()).toEqual([]);
  });

  test('a bad engine or a missing ARN is a usage error before any request', async () => {
    expect(await cli(['cp', 's3://a-bucket/k', 's3://b-bucket/k', '--engine', 'warp'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--engine: one of local, step-functions/),
    });
    expect(await cli(['cp', 's3://a-bucket/k', 's3://b-bucket/k', '--engine', 'step-functions'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--state-machine-arn/),
    });
    expect(moto.requests).toHaveLength(0);
  });
});
