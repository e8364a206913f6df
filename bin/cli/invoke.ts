/**
 * `bucketkit invoke <transfer|restore|probe> --function <name|arn> --payload <json|@file>`: invokes a deployed
 * bucketkit handler synchronously and follows its continuations (a copy that needs more than one invocation
 * returns `status: 'InProgress'` and a `continuation`, which is sent back with the same payload) until it is done,
 * with a progress line per invocation on stderr. The final result is printed as JSON on stdout.
 *
 * Exit codes: 0 done, 1 failure (a function error, a failed result, a stalled copy: the last continuation is printed
 * so the work can be resumed), 2 usage (including a payload the function rejects as invalid), 3 not found (the
 * function, bucket or key), 4 access denied.
 */
import { readFileSync } from 'node:fs';
import { Argument, type Command } from 'commander';
import { EXIT_ACCESS_DENIED, EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, UsageError } from './exit-codes';
import { localPathError } from './local-path';
import { createLambdaClient, invokeOnce, type LambdaClientOptions } from './lambda-invoke';
import { RANGES, wholeNumberOption } from './numeric-options';
import type { LambdaClient } from '@aws-sdk/client-lambda';

/** The handlers `invoke` knows. */
export const HANDLERS = ['transfer', 'restore', 'probe'] as const;
/** Invocations at most, by default: a 5 TiB copy in 10,000 parts needs far fewer. */
export const DEFAULT_MAX_INVOCATIONS = 10_000;
/** Consecutive continuations without progress (retryable errors) before giving up. */
export const MAX_STALLED_INVOCATIONS = 5;

/** Options of {@link runInvoke}. */
export interface InvokeOptions extends LambdaClientOptions {
  readonly handler: (typeof HANDLERS)[number];
  readonly functionName: string;
  readonly payload: unknown;
  readonly qualifier?: string;
  readonly maxInvocations?: number;
  /** @default - {@link createLambdaClient} with region and endpoint */
  readonly client?: LambdaClient;
}

/** What the CLI learned from one run: the exit code and the last result. */
export interface InvokeOutcome {
  readonly exitCode: number;
  readonly invocations: number;
  readonly result: unknown;
}

interface HandlerResult {
  status?: string;
  errorType?: string;
  errorMessage?: string;
  field?: string;
  continuation?: unknown;
  progress?: { partsDone?: number; partsTotal?: number; bytesDone?: number; totalBytes?: number; done?: number; total?: number };
  results?: { resultCode?: string }[];
}

/** Reads `--payload`: inline JSON, or `@path` to a JSON file. @throws UsageError */
export function readPayload(value: string): unknown {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      // A payload that cannot be read is an invalid payload (exit 2, as documented), told in local-path.ts's words.
      const local = localPathError(error, value.slice(1), '--payload');
      throw new UsageError(local instanceof Error ? local.message : `--payload: cannot read ${value.slice(1)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload: not valid JSON (${(error as Error).message})`);
  }
}

/** Invokes until the work is done; see the file comment. `progress` gets one line per invocation. */
export async function runInvoke(options: InvokeOptions, progress: (line: string) => void): Promise<InvokeOutcome> {
  const client = options.client ?? createLambdaClient(options);
  const max = options.maxInvocations ?? DEFAULT_MAX_INVOCATIONS;
  let payload = options.payload;
  let stalled = 0;
  let lastDone = -1;
  try {
    for (let n = 1; ; n++) {
      const result = (await invokeOnce(client, options.functionName, payload, options.qualifier)) as HandlerResult | null;
      const r = result ?? {};
      if (r.status === 'InProgress' && r.continuation !== undefined) {
        const done = r.progress?.bytesDone ?? r.progress?.done ?? 0;
        stalled = done > lastDone ? 0 : stalled + 1;
        lastDone = Math.max(lastDone, done);
        progress(`${options.handler}: invocation ${n}: ${describeProgress(r)}; continuing`);
        if (n >= max || stalled >= MAX_STALLED_INVOCATIONS) {
          progress(
            `${options.handler}: stopped after ${n} invocations (${n >= max ? '--max-invocations reached' : 'no progress'}); resume with the continuation in the result`,
          );
          return { exitCode: EXIT_FAILURE, invocations: n, result };
        }
        payload = { ...(payload as object), continuation: r.continuation };
        continue;
      }
      progress(`${options.handler}: invocation ${n}: ${r.status ?? (r.results ? 'batch response' : 'done')}`);
      return { exitCode: exitCodeOf(r), invocations: n, result };
    }
  } finally {
    if (!options.client) client.destroy();
  }
}

function describeProgress(r: HandlerResult): string {
  const p = r.progress ?? {};
  if (p.totalBytes) {
    const pct = ((100 * (p.bytesDone ?? 0)) / p.totalBytes).toFixed(0);
    return `${mib(p.bytesDone ?? 0)} of ${mib(p.totalBytes)} MiB (${pct}%), ${p.partsDone ?? 0} of ${p.partsTotal ?? '?'} parts`;
  }
  if (p.total !== undefined) return `${p.done ?? 0} of ${p.total}`;
  return 'in progress';
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** The exit code for a handler's final result. */
export function exitCodeOf(r: HandlerResult): number {
  if (r.results) return r.results.every((t) => t.resultCode === 'Succeeded') ? EXIT_OK : EXIT_FAILURE;
  if (r.status !== 'Failed') return EXIT_OK;
  if (r.errorType === 'ValidationError') return EXIT_USAGE;
  if (r.errorType === 'ObjectNotFoundError' || r.errorType === 'BucketNotFoundError') return EXIT_NOT_FOUND;
  if (r.errorType === 'AccessDeniedError') return EXIT_ACCESS_DENIED;
  return EXIT_FAILURE;
}

/** Adds `invoke` to the program. */
export function addInvokeCommand(program: Command, out: (s: string) => void, err: (s: string) => void, done: (code: number) => void): void {
  program
    .command('invoke')
    .description('invoke a deployed bucketkit handler synchronously and follow its continuations until the work is done')
    .addArgument(new Argument('<handler>', 'which handler the function runs').choices(HANDLERS))
    .requiredOption('--function <name|arn>', 'the function name or ARN (the Lambda emulator serves only the name "function")')
    .requiredOption('--payload <json|@file>', 'the event: inline JSON, or @path to a JSON file')
    .option('--endpoint <url>', 'a custom Lambda endpoint, e.g. the emulator (default: AWS_ENDPOINT_URL_LAMBDA, else Lambda)')
    .option('--region <region>', 'the region (default: the SDK chain, AWS_REGION)')
    .option('--qualifier <version|alias>', 'a function version or alias')
    .option('--max-invocations <n>', `stop following continuations after n invocations (default ${DEFAULT_MAX_INVOCATIONS})`)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  bucketkit invoke transfer --function my-transfer --payload \'{"sourceBucket":"a","sourceKey":"big.bin","destinationBucket":"b"}\'\n' +
        "  bucketkit invoke probe --function my-probe --payload '{}'\n" +
        '  bucketkit invoke restore --function my-restore --payload @restore.json\n\n' +
        'Exit codes: 0 ok, 1 failure, 2 usage or an invalid payload, 3 not found, 4 access denied.',
    )
    .action(
      async (
        handler: (typeof HANDLERS)[number],
        opts: { function: string; payload: string; endpoint?: string; region?: string; qualifier?: string; maxInvocations?: string },
      ) => {
        const maxInvocations = wholeNumberOption(opts.maxInvocations, '--max-invocations', RANGES.maxInvocations);
        const outcome = await runInvoke(
          {
            handler,
            functionName: opts.function,
            payload: readPayload(opts.payload),
            endpoint: opts.endpoint,
            region: opts.region,
            qualifier: opts.qualifier,
            maxInvocations,
          },
          err,
        );
        out(JSON.stringify(outcome.result, null, 2));
        done(outcome.exitCode);
      },
    );
}
