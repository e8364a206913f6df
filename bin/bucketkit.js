#!/usr/bin/env node
// Entry of the `bucketkit` command: the compiled CLI when the package is built, the TypeScript source otherwise.
const path = require('node:path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'bin', 'cli.js'));
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  require('tsx/cjs');
  cli = require('./cli.ts');
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bucketkit: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
