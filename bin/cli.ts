/**
 * The `bucketkit` command.
 *
 *   bucketkit probe --endpoint URL [--region R] [--json] [--timeout-ms N] [--kms-key-id ID]
 *
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, ...).
 */
import { FEATURES, probeCapabilities, CapabilityReport } from '../lib/storage';

const USAGE = 'usage: bucketkit probe --endpoint URL [--region R] [--json] [--timeout-ms N] [--kms-key-id ID]';

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

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], out: (s: string) => void = console.log): Promise<number> {
  const { command, options } = parseArgs(argv);
  if (command !== 'probe' || typeof options.endpoint !== 'string') {
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`bucketkit: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
