import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BulkRestore, DEFAULT_RESTORE_RESULTS_PREFIX } from '../../../lib/constructs/scale-out';
import { aslErrors, definitionOf } from '../../constructs/scale-out/support';
import { SfnClient } from './sfn-client';
import { SfnMoto } from './sfn-moto';

// The synthesized BulkRestore definition, executed by moto's Step Functions interpreter (Distributed Map, S3 listing
// and CSV readers, aws-sdk:s3:restoreObject against moto S3). What moto cannot run is named in docs/scale-out.md.

jest.setTimeout(300_000);

const BUCKET = 'bulk-restore-archive';
// 200 in npm test; test:compat runs 1,000 (BUCKETKIT_BULK_RESTORE_OBJECTS, scripts/test-compat.sh).
const OBJECTS = Number(process.env.BUCKETKIT_BULK_RESTORE_OBJECTS ?? 200);
let moto: SfnMoto;
let s3c: S3Client;
let sfnc: SfnClient;
let stateMachineArn: string;

const restoreRequests = () => moto.matching(/^POST \/[^?]*\?restore/);

beforeAll(async () => {
  moto = await SfnMoto.start();
  s3c = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  sfnc = new SfnClient(moto.endpoint);
  await s3c.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const keys = Array.from({ length: OBJECTS }, (_, i) => `archive/${String(i).padStart(4, '0')}.bin`);
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((Key) => s3c.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key, StorageClass: 'GLACIER' }))));
  }
  for (const Key of ['mixed/cold-1', 'mixed/cold-2']) await s3c.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key, StorageClass: 'GLACIER' }));
  await s3c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'mixed/warm', Body: 'warm' }));
  await s3c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'manifests/restore.csv', Body: `${BUCKET},mixed/cold-1\n${BUCKET},mixed/warm\n` }));
  await s3c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'manifests/missing.csv', Body: `${BUCKET},mixed/no-such-key\n` }));

  const stack = new Stack(new App(), 'BulkRestoreOnMoto');
  const restore = new BulkRestore(stack, 'Restore', {
    bucket: s3.Bucket.fromBucketName(stack, 'Archive', BUCKET),
    maxConcurrency: 50,
    // moto's parser accepts only STANDARD children (docs/scale-out.md); the default is EXPRESS.
    childExecutionType: sfn.StateMachineType.STANDARD,
  });
  const definition = definitionOf(restore.stateMachine);
  expect(aslErrors(definition)).toEqual([]);
  // moto rejects ReaderConfig.InputType MANIFEST at CreateStateMachine (docs/scale-out.md): the inventory branch
  // alone is swapped for a Fail state here; the construct tests check that branch with asl-validator and assertions.
  const states = definition.States as Record<string, unknown>;
  expect(states['Restore (inventory)']).toMatchObject({ ItemReader: { ReaderConfig: { InputType: 'MANIFEST' } } });
  states['Restore (inventory)'] = { Type: 'Fail', Error: 'NotOnMoto', Cause: 'moto cannot read S3 Inventory manifests' };
  stateMachineArn = await sfnc.create('bulk-restore', definition);
});

afterAll(async () => {
  s3c?.destroy();
  await moto?.stop();
});

test(`a prefix listing of ${OBJECTS} GLACIER objects: every object restored, the Map Run counts ${OBJECTS} successes, the ResultWriter writes its manifest`, async () => {
  const started = Date.now();
  const result = await sfnc.run(stateMachineArn, { prefix: 'archive/', tier: 'Bulk', days: 2 }, 280_000);
  expect(result).toMatchObject({ status: 'SUCCEEDED' });
  const output = JSON.parse(result.output!) as { ResultWriterDetails: { Bucket: string; Key: string } };
  expect(output.ResultWriterDetails.Bucket).toBe(BUCKET);
  expect(output.ResultWriterDetails.Key.startsWith(DEFAULT_RESTORE_RESULTS_PREFIX)).toBe(true);
  const manifest = JSON.parse(await (await s3c.send(new GetObjectCommand({ Bucket: BUCKET, Key: output.ResultWriterDetails.Key }))).Body!.transformToString());
  expect(manifest.DestinationBucket).toBe(BUCKET);

  const [run] = await sfnc.mapRuns(result.executionArn);
  expect(run.itemCounts).toMatchObject({ total: OBJECTS, succeeded: OBJECTS, failed: 0 });
  expect(restoreRequests()).toHaveLength(OBJECTS);

  const listed = await s3c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'archive/' }));
  expect(listed.KeyCount).toBe(OBJECTS);
  let restored = 0;
  for (let i = 0; i < OBJECTS; i += 100) {
    const heads = await Promise.all(listed.Contents!.slice(i, i + 100).map((o) => s3c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: o.Key! }))));
    restored += heads.filter((h) => h.Restore?.includes('ongoing-request="false"')).length;
  }
  expect(restored).toBe(OBJECTS);
  console.log(`BulkRestore on moto: ${OBJECTS} objects restored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('a CSV manifest (bucket,key rows): an archived key is restored, a STANDARD key counts as not-archived, not as a failure', async () => {
  moto.requests.length = 0;
  const result = await sfnc.run(stateMachineArn, { csvManifestKey: 'manifests/restore.csv' });
  expect(result).toMatchObject({ status: 'SUCCEEDED' });
  const [run] = await sfnc.mapRuns(result.executionArn);
  expect(run.itemCounts).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
  expect(restoreRequests().map((r) => r.url.split('?')[0])).toEqual(expect.arrayContaining([`/${BUCKET}/mixed/cold-1`, `/${BUCKET}/mixed/warm`]));
  expect((await s3c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'mixed/cold-1' }))).Restore).toContain('ongoing-request="false"');
  expect((await s3c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'mixed/cold-2' }))).Restore).toBeUndefined();
});

test('a key that does not exist: its child fails with S3 NoSuchKey (the Map Run counts it failed)', async () => {
  const result = await sfnc.run(stateMachineArn, { csvManifestKey: 'manifests/missing.csv' });
  const [run] = await sfnc.mapRuns(result.executionArn);
  expect(run.itemCounts).toMatchObject({ total: 1, succeeded: 0, failed: 1 });
  // AWS fails the execution (States.ExceedToleratedFailureThreshold: 0 failures tolerated). moto 5.2.5 parses the
  // tolerated-failure fields but never enforces them, so its execution succeeds: asserted here so that a moto that
  // starts enforcing them is noticed (docs/scale-out.md, "What moto runs").
  expect(result.status).toBe('SUCCEEDED');
});

test.each([
  [{ prefix: 'archive/', days: 0 }, 'days'],
  [{ prefix: 'archive/', tier: 'Fast' }, 'tier'],
  [{ prefix: 'archive/', csvManifestKey: 'manifests/restore.csv' }, 'source'],
  [{}, 'prefix'],
])('bad input %j fails with InvalidArgument naming %s, before any S3 request', async (input, field) => {
  moto.requests.length = 0;
  const result = await sfnc.run(stateMachineArn, input);
  expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidArgument' });
  expect(result.cause).toMatch(new RegExp(`^${field}: `));
  expect(moto.requests).toHaveLength(0);
});
