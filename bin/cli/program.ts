/**
 * The `bucketkit` command line on commander: one file per command in this folder, exit codes in exit-codes.ts.
 * `bucketkit --help`, `bucketkit <command> --help` and `bucketkit --version` print and exit 0; a bad argument prints
 * the error and the command's usage and exits 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, exitCodeFor } from './exit-codes';
import { addCostCommand } from './cost';
import { addCpCommand } from './cp';
import { addInvokeCommand } from './invoke';
import { isFileSystemError, localPathError } from './local-path';
import { addLsCommand } from './ls';
import { addProbeCommand } from './probe';
import { addRestoreCommand } from './restore';
import { addRestoreStatusCommand } from './restore-status';
import { addRmCommand } from './rm';
import { addUndeleteCommand } from './undelete';
import { addVersionsCommand } from './versions';
import { certificateHint } from './hints';

/**
 * bucketkit's version: `version` of the nearest package.json above this file (the checkout's in a source run,
 * the installed package's from dist/), or `unknown`.
 */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** Runs the CLI with `argv` (without `node` and the script); returns the exit code. */
export async function main(argv: readonly string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<number> {
  let code = EXIT_OK;
  const setCode = (c: number): void => {
    code = c;
  };
  const program = new Command('bucketkit')
    .description('bucketkit: S3 storage, compatibility probes and the bucketkit Lambda handlers, from the command line')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => out(s.replace(/\n$/, '')), writeErr: (s) => err(s.replace(/\n$/, '')) });
  addCpCommand(program, out, err);
  addLsCommand(program, out);
  addRmCommand(program, out, err, setCode);
  addRestoreCommand(program, out, err, setCode);
  addRestoreStatusCommand(program, out, err);
  addVersionsCommand(program, out);
  addUndeleteCommand(program, out);
  addCostCommand(program, out);
  addProbeCommand(program, out, setCode);
  addInvokeCommand(program, out, err, setCode);
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      err(`bucketkit: ${error.message}`);
      const command = program.commands.find((c) => c.name() === argv[0]);
      err((command ?? program).helpInformation().replace(/\n$/, ''));
      return EXIT_USAGE;
    }
    // A file-system error no command put in words (local-path.ts) still gets one line naming its path.
    const shown = isFileSystemError(error) ? localPathError(error, error.path) : error;
    err(`bucketkit: ${shown instanceof Error ? shown.message : String(shown)}${certificateHint(shown)}`);
    const mapped = exitCodeFor(shown);
    return mapped === EXIT_OK ? EXIT_FAILURE : mapped;
  }
}
