#!/usr/bin/env node
// Entry of the `bucketkit` command. It runs the compiled CLI, dist/bin/cli.js, which `npm pack` builds (prepack)
// and an installed package always contains. Only in a source checkout (bin/cli.ts next to this file) may it run
// the TypeScript source instead, through tsx, when dist/ has not been built.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'bin', 'cli.js');
const source = path.join(__dirname, 'cli.ts');

function fail(message) {
  console.error(`bucketkit: ${message}`);
  process.exit(1);
}

function loadCli() {
  // Decide by the file, not by catching MODULE_NOT_FOUND: a dependency missing inside the CLI must surface as itself.
  if (fs.existsSync(compiled)) return require(compiled);
  if (!fs.existsSync(source)) {
    fail(`this installation is incomplete: ${compiled} is missing. Reinstall bucketkit.`);
  }
  let loader;
  try {
    loader = path.join(path.dirname(require.resolve('tsx/package.json', { paths: [root] })), 'dist', 'loader.mjs');
  } catch {
    fail('dist/bin/cli.js is not built. In this checkout run `npm run build`, or `npm ci` to get tsx and run from source.');
  }
  // tsx's full loader (require() of .ts and the import() calls that load the transfer engines and the probes on
  // first use) must be in place before the first module loads, so the source runs in a child node with --import.
  const { spawn } = require('node:child_process');
  const { pathToFileURL } = require('node:url');
  const child = spawn(process.execPath, ['--import', pathToFileURL(loader).href, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Signals sent to this process (kill, a supervisor's SIGTERM) reach the child, which runs the CLI's own handlers
  // (aborting uploads, keeping resume state); this process exits with the child's status or signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => fail(error.message));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
  return undefined;
}

const cli = loadCli();
if (cli)
  cli.main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`bucketkit: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
