/**
 * `bucketkit probe`: the capability report of an S3 endpoint.
 *
 *   bucketkit probe --endpoint URL [--region R] [--json] [--timeout-ms N] [--kms-key-id ID]
 *
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, ...).
 * The code below `parseArgs` was moved verbatim from bin/cli.ts (the command's behaviour is unchanged); commander
 * now parses the arguments and hands them to {@link runProbe} in the shape `parseArgs` returns.
 */
import type { Command } from 'commander';
import { FEATURES, probeCapabilities, CapabilityReport } from '../../lib/storage';

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

/** Runs the probe with options as {@link parseArgs} returns them; returns the exit code. */
export async function runProbe(options: Record<string, string | true>, out: (s: string) => void = console.log): Promise<number> {
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
  return 0;
}

/** Adds `probe` to the program. */
export function addProbeCommand(program: Command, out: (s: string) => void, done: (code: number) => void): void {
  program
    .command('probe')
    .description('measure what an S3-compatible endpoint supports (28 probes in a scratch bucket it creates and deletes)')
    .requiredOption('--endpoint <url>', 'the S3 endpoint, e.g. http://127.0.0.1:9000')
    .option('--region <region>', 'the region to sign for')
    .option('--json', 'print the report as JSON')
    .option('--timeout-ms <ms>', 'time allowed for each probe, in ms (default 15000)')
    .option('--kms-key-id <id>', 'a KMS key id to try SSE-KMS with')
    .action(async (opts: { endpoint: string; region?: string; json?: boolean; timeoutMs?: string; kmsKeyId?: string }) => {
      const options: Record<string, string | true> = { endpoint: opts.endpoint };
      if (opts.region !== undefined) options.region = opts.region;
      if (opts.json) options.json = true;
      if (opts.timeoutMs !== undefined) options['timeout-ms'] = opts.timeoutMs;
      if (opts.kmsKeyId !== undefined) options['kms-key-id'] = opts.kmsKeyId;
      done(await runProbe(options, out));
    });
}
