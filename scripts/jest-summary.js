#!/usr/bin/env node
// Prints Jest's result as one plain line, "<label>: N passed, N failed[, N skipped]", from a --json output file.
const fs = require('node:fs');
const [file, label = 'jest'] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
const suitesFailed = r.numFailedTestSuites;
console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests + (r.numRuntimeErrorTestSuites || 0)} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (suitesFailed > 0 && r.numFailedTests === 0) console.log(`(${suitesFailed} test suite(s) failed to run)`);
process.exit(r.success ? 0 : 1);
