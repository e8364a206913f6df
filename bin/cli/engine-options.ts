/**
 * The engines of `cp` and `restore` and the options that belong to each, in one table: `local` (this process, the
 * default), `batch` (`--batch`: S3 Batch Operations jobs, batch-commands.ts) and `step-functions`
 * (`--engine step-functions`: a LargeObjectCopy or BulkRestore state machine, cp-engine.ts and sfn-restore.ts).
 * An option given to an engine it does not belong to is a usage error before any request, never silently ignored.
 */
import { UsageError } from './exit-codes';

/** An engine of `cp` and `restore`. */
export type EngineName = 'local' | 'batch' | 'step-functions';
/** The values `--engine` takes (`--batch` picks the batch engine). */
export const ENGINE_CHOICES = ['local', 'step-functions'] as const;

/** An engine-bound option: its commander key and the engines it works with. */
export interface EngineBoundOption {
  /** The key commander stores the option under. */
  readonly key: string;
  readonly engines: readonly EngineName[];
}

/**
 * Which option belongs to which engine, for `cp` and `restore` both (an option a command lacks is never set). An
 * option not listed here works with every engine.
 */
export const ENGINE_OPTIONS: Readonly<Record<string, EngineBoundOption>> = {
  '--state-file': { key: 'stateFile', engines: ['local'] },
  '--concurrency': { key: 'concurrency', engines: ['local'] },
  '--multipart-threshold-mib': { key: 'multipartThresholdMib', engines: ['local'] },
  '--part-size-mib': { key: 'partSizeMib', engines: ['local', 'step-functions'] },
  '--state-machine-arn': { key: 'stateMachineArn', engines: ['step-functions'] },
  '--csv-manifest-key': { key: 'csvManifestKey', engines: ['step-functions'] },
  '--inventory-manifest-key': { key: 'inventoryManifestKey', engines: ['step-functions'] },
  '--role-arn': { key: 'roleArn', engines: ['batch'] },
  '--manifest': { key: 'manifest', engines: ['batch'] },
  '--report': { key: 'report', engines: ['batch'] },
  '--report-scope': { key: 'reportScope', engines: ['batch'] },
  '--priority': { key: 'priority', engines: ['batch'] },
  '--confirm': { key: 'confirm', engines: ['batch'] },
  '--account-id': { key: 'accountId', engines: ['batch'] },
  '--wait': { key: 'wait', engines: ['batch'] },
  '--function-arn': { key: 'functionArn', engines: ['batch'] },
  '--wait-timeout-minutes': { key: 'waitTimeoutMinutes', engines: ['batch', 'step-functions'] },
  '--poll-interval-ms': { key: 'pollIntervalMs', engines: ['batch', 'step-functions'] },
};

const PHRASES: Readonly<Record<string, string>> = {
  local: 'the local engine (no --batch, no --engine step-functions)',
  batch: '--batch',
  'step-functions': '--engine step-functions',
  'local,step-functions': 'the local engine or --engine step-functions (not --batch)',
  'batch,step-functions': '--batch --wait or --engine step-functions',
};

/**
 * The engine the options ask for. @throws UsageError for an unknown `--engine`, `--batch` with `--engine` (even
 * `local`), or options of another engine ({@link ENGINE_OPTIONS}; all of them named in one message)
 */
export function selectEngine(options: object): EngineName {
  const opts = options as Readonly<Record<string, unknown>>;
  const named = opts.engine as string | undefined;
  if (named !== undefined && !(ENGINE_CHOICES as readonly string[]).includes(named))
    throw new UsageError(`--engine: one of ${ENGINE_CHOICES.join(', ')} (got ${JSON.stringify(named)})`);
  if (opts.batch === true && named !== undefined)
    throw new UsageError(`--batch and --engine ${named}: pick one engine (--batch is an engine of its own; --engine local means no --batch)`);
  const engine: EngineName = opts.batch === true ? 'batch' : ((named ?? 'local') as EngineName);
  // Every misplaced option is named at once.
  const problems = Object.entries(ENGINE_OPTIONS)
    .filter(([, { key, engines }]) => opts[key] !== undefined && opts[key] !== false && !engines.includes(engine))
    .map(([flag, { engines }]) => `${flag} needs ${PHRASES[engines.join(',')]}`);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return engine;
}

/** A Step Functions state machine ARN. https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_.-]{1,80}$/;

/**
 * Checks `--state-machine-arn` before any request. @throws UsageError when it is missing (naming `construct`, the
 * state machine the engine wants) or is not a state machine ARN
 */
export function stateMachineArnOf(value: string | undefined, construct: string): string {
  if (value === undefined || value === '') throw new UsageError(`--engine step-functions needs --state-machine-arn <arn> (${construct})`);
  if (!STATE_MACHINE_ARN.test(value))
    throw new UsageError(`--state-machine-arn: expected arn:aws:states:<region>:<account>:stateMachine:<name> (got ${JSON.stringify(value)})`);
  return value;
}
