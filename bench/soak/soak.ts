/**
 * One soak run against one S3 server: `ops` mixed operations by `concurrency` workers, each on its own keys,
 * through the fault proxy; every operation has a deadline. Returns the figures; never throws for an operation.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Storage } from '../../lib/storage';
import { FaultProxy } from '../../test/helpers/fault-proxy';
import { emptyBucket } from '../../test/helpers/target';
import { DEFAULT_FAULT_RATES, faultPlan, type FaultRates } from './faults';
import { WorkerModel } from './model';
import { OPERATION_WEIGHTS, runOperation, type OperationKind, type Outcome } from './operations';
import { countOrphans } from './orphans';
import { Rng } from './rng';
import { SoakFigures, SoakRecorder } from './report';

export interface SoakOptions {
  readonly target: string;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly ops: number;
  readonly concurrency: number;
  readonly seed: number;
  readonly rates?: FaultRates;
  /** The client's socket inactivity timeout. @default 2000 */
  readonly requestTimeoutMs?: number;
  /** How long a stalled request is held: well past the request timeout. @default 60000 */
  readonly stallMs?: number;
  /** Deadline per small operation; multipart operations get three times this. @default 30000 */
  readonly deadlineMs?: number;
  readonly onProgress?: (done: number) => void;
}

const MULTIPART: ReadonlySet<OperationKind> = new Set(['multipartUpload', 'multipartDownload', 'multipartCopy']);
/** The header that tells the fault plan which operation a request belongs to. */
const OP_HEADER = 'x-bucketkit-soak-op';

export async function runSoak(o: SoakOptions): Promise<SoakFigures> {
  const bucket = `bk-soak-${Date.now().toString(36)}-${o.seed.toString(36)}`.slice(0, 63);
  const direct = new S3Client({ endpoint: o.endpoint, region: o.region, credentials: o.credentials, forcePathStyle: true, maxAttempts: 5 });
  await direct.send(new CreateBucketCommand({ Bucket: bucket }));
  const proxy = await FaultProxy.start(o.endpoint);
  const requestTimeoutMs = o.requestTimeoutMs ?? 2_000;
  const current = new AsyncLocalStorage<number>();
  const recorder = new SoakRecorder(o.target, o.ops);
  const plan = faultPlan(o.seed ^ 0x5eed, o.rates ?? DEFAULT_FAULT_RATES, o.stallMs ?? 60_000, (url) => url.startsWith(`/${bucket}`));
  proxy.inject((req, index) => {
    const fault = plan.rule(req, index);
    if (fault) recorder.fault(Number(req.headers[OP_HEADER] ?? -1), proxy.requests.length, fault);
    return fault;
  });
  // A user's configuration apart from the timeout: default retries (the SDK's 3 attempts) and pool.
  const storage = new S3Storage({ bucket, endpoint: proxy.endpoint, region: o.region, credentials: o.credentials, requestTimeoutMs });
  storage.client.middlewareStack.add(
    (next) => async (args) => {
      const op = current.getStore();
      const request = args.request as { headers?: Record<string, string> };
      if (op !== undefined && request.headers) request.headers[OP_HEADER] = String(op);
      return next(args);
    },
    { step: 'build', name: 'soakOperationHeader' },
  );
  const tmpDir = mkdtempSync(join(tmpdir(), 'bk-soak-'));
  const rss = setInterval(() => recorder.sampleRss(), 200);
  recorder.sampleRss();
  const started = Date.now();
  let next = 0;
  let done = 0;
  const worker = async (w: number): Promise<void> => {
    const model = new WorkerModel(w);
    const rng = new Rng(o.seed * 1009 + w);
    while (next < o.ops) {
      const opId = next++;
      const kind = rng.weighted(OPERATION_WEIGHTS);
      const deadlineMs = (o.deadlineMs ?? 30_000) * (MULTIPART.has(kind) ? 3 : 1);
      const controller = new AbortController();
      const opStart = Date.now();
      const run = current.run(opId, () => runOperation(kind, { storage, direct, bucket, model, rng, opId, signal: controller.signal, tmpDir }));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), deadlineMs)));
      const outcome: Outcome | 'hung' = await Promise.race([run, deadline]);
      clearTimeout(timer);
      if (outcome === 'hung') {
        controller.abort(new Error(`soak deadline of ${deadlineMs} ms`));
        model.newGeneration();
      }
      recorder.record(opId, kind, outcome, Date.now() - opStart);
      o.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  const seconds = (Date.now() - started) / 1000;
  clearInterval(rss);
  recorder.sampleRss();
  const orphans = await countOrphans(direct, bucket);
  await proxy.stop();
  storage.destroy();
  await emptyBucket(direct, bucket).catch(() => undefined);
  direct.destroy();
  rmSync(tmpDir, { recursive: true, force: true });
  return recorder.figures({ seconds, orphans, requests: proxy.requests.length, faults: plan.counts });
}
