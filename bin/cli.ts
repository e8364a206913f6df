/**
 * The `bucketkit` command: `bucketkit --help`, `bucketkit <command> --help` (cp, ls, rm, restore, restore-status,
 * versions, undelete, cost, probe, invoke).
 * Commands live in bin/cli/ (one file per command, on commander); this file is the entry that `bin/bucketkit.js`
 * runs (compiled to dist/bin/cli.js).
 *
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, ...).
 */
import { main } from './cli/program';

export { main } from './cli/program';
export { parseArgs, formatTable, USAGE } from './cli/probe';
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_ACCESS_DENIED, exitCodeFor } from './cli/exit-codes';

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`bucketkit: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
