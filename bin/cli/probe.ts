/**
 * `bucketkit probe`: the capability report of an S3 endpoint.
 *
 *   bucketkit probe [--endpoint URL] [--region R] [--json] [--timeout-ms N] [--kms-key-id ID]
 *
 * The endpoint is `--endpoint`, else `AWS_ENDPOINT_URL_S3`, as for the other S3 commands.
 *
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, ...).
 * The code below `parseArgs` was moved verbatim from bin/cli.ts (the command's behaviour is unchanged); commander
 * now parses the arguments and hands them to {@link runProbe} in the shape `parseArgs` returns.
 */
import type { Command } from 'commander';
import { FEATURES, probeCapabilities, CapabilityReport } from '../../lib/storage';
import { EXIT_INCOMPLETE, UsageError } from './exit-codes';
import { RANGES, wholeNumberOption } from './numeric-options';
import { endpointOf, openStorage } from './s3-target';

export const USAGE = 'usage: bucketkit probe --endpoint URL [--region R] [--json] [--timeout-ms N] [--kms-key-id ID]';

/** Parses `--name value` and `--flag` arguments. */
export function parseArgs(argv: readonly string[]): { command?: string; options: Record<string, string | true> } {
  const [command, ...rest] = argv;
  const options: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const name = arg.slice(2);
    const next = rest[i + 1];
    if (next === undefined || next.startsWith('--')) options[name] = true;
    else {
      options[name] = next;
      i++;
    }
  }
  return { command, options };
}

/** The report as an aligned text table. */
export function formatTable(report: CapabilityReport): string {
  const width = Math.max(...FEATURES.map((f) => f.length));
  const lines = [`endpoint ${report.endpoint}  provider hint: ${report.provider} (${report.providerEvidence})`, ''];
  for (const feature of FEATURES) {
    const c = report.features[feature];
    lines.push(`${feature.padEnd(width)}  ${c.status.padEnd(11)}  ${c.evidence}`);
  }
  return lines.join('\n');
}

/**
 * The features a report could not tell (status `unknown`, except those left out of the run), with a line on what to
 * do, or undefined when every probed feature has a verdict.
 */
export function undeterminedSummary(report: CapabilityReport): string | undefined {
  const open = FEATURES.filter((f) => report.features[f].status === 'unknown' && report.features[f].reason !== 'not-probed');
  if (open.length === 0) return undefined;
  const list = open.map((f) => `${f} (${report.features[f].reason ?? 'unknown'})`).join(', ');
  return `bucketkit probe: ${open.length} of ${FEATURES.length} features could not be determined: ${list}. A timeout or a failure unrelated to the feature is not a verdict; re-run (with a larger --timeout-ms for timeouts, --kms-key-id for needs-input).`;
}

/**
 * Runs the probe with options as {@link parseArgs} returns them; returns the exit code: 0, or
 * {@link EXIT_INCOMPLETE} (with a line on `err`) when some features could not be determined because a probe timed
 * out or failed for a reason unrelated to its feature; features that only need an input (`needs-input`) are listed
 * on `err` but exit 0.
 */
export async function runProbe(
  options: Record<string, string | true>,
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
): Promise<number> {
  if (typeof options.endpoint !== 'string') {
    out(USAGE);
    return 2;
  }
  const timeout = options['timeout-ms'];
  const report = await probeCapabilities(
    { endpoint: options.endpoint, region: typeof options.region === 'string' ? options.region : undefined },
    {
      probeTimeoutMs: typeof timeout === 'string' ? Number(timeout) : undefined,
      kmsKeyId: typeof options['kms-key-id'] === 'string' ? options['kms-key-id'] : undefined,
    },
  );
  out(options.json ? JSON.stringify(report, null, 2) : formatTable(report));
  const undetermined = undeterminedSummary(report);
  if (undetermined === undefined) return 0;
  err(undetermined);
  // A feature that needs an input this run did not have (SSE-KMS without --kms-key-id) is a complete answer about
  // the run; only timeouts and failures unrelated to a feature make the run incomplete.
  const failed = FEATURES.some(
    (f) => report.features[f].status === 'unknown' && (report.features[f].reason === 'timeout' || report.features[f].reason === 'error'),
  );
  return failed ? EXIT_INCOMPLETE : 0;
}

/** Adds `probe` to the program. */
export function addProbeCommand(program: Command, out: (s: string) => void, done: (code: number) => void): void {
  program
    .command('probe')
    .description('measure what an S3-compatible endpoint supports (28 probes in a scratch bucket it creates and deletes)')
    .option('--endpoint <url>', 'the S3 endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3)')
    .option('--region <region>', 'the region to sign for')
    .option('--json', 'print the report as JSON')
    .option('--timeout-ms <ms>', `time allowed for each probe, in ms, ${RANGES.probeTimeoutMs.min} to ${RANGES.probeTimeoutMs.max} (default 15000)`)
    .option('--kms-key-id <id>', 'a KMS key id to try SSE-KMS with')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 failure, 2 usage, 5 incomplete (some features could not be determined: a probe timed out or\n' +
        'failed for a reason unrelated to its feature). A feature that only needs an input (SSE-KMS without --kms-key-id) is\n' +
        'listed on stderr but exits 0.',
    )
    .action(async (opts: { endpoint?: string; region?: string; json?: boolean; timeoutMs?: string; kmsKeyId?: string }) => {
      // As the other S3 commands (s3-target.ts): --endpoint, else AWS_ENDPOINT_URL_S3; probe has no Amazon S3 default.
      const endpoint = endpointOf(opts);
      if (endpoint === undefined) throw new UsageError('probe needs --endpoint <url> or AWS_ENDPOINT_URL_S3 (the S3-compatible endpoint to measure)');
      // The endpoint and region checked as every other S3 command checks them (the library's rules, the error naming
      // --endpoint or AWS_ENDPOINT_URL_S3 with the usage), not as the library's `config.endpoint` from deep inside.
      openStorage('bucketkit-probe-check', opts).destroy();
      const options: Record<string, string | true> = { endpoint };
      if (opts.region !== undefined) options.region = opts.region;
      if (opts.json) options.json = true;
      if (opts.timeoutMs !== undefined) options['timeout-ms'] = String(wholeNumberOption(opts.timeoutMs, '--timeout-ms', RANGES.probeTimeoutMs));
      if (opts.kmsKeyId !== undefined) options['kms-key-id'] = opts.kmsKeyId;
      done(await runProbe(options, out));
    });
}
