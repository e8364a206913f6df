#!/usr/bin/env node
// Second step of `npm run build` (after tsc): bundles the Lambda handlers with esbuild into dist/lambda/, which
// package.json `files` ships. Until lambda/ exists this does nothing. It reports on stderr, so that
// `npm pack --json` (which runs this through prepack) keeps a clean JSON stdout.
//
// Entry points: lambda/<name>/index.ts and lambda/<name>.ts (tests and .d.ts excluded), each bundled with its
// dependencies into dist/lambda/<name>/index.js (CommonJS, Node 22, the Lambda runtime nodejs22.x). Change the
// discovery below if the handlers land in another layout.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lambdaDir = path.join(root, 'lambda');

function entries() {
  const found = {};
  for (const item of fs.readdirSync(lambdaDir, { withFileTypes: true })) {
    if (item.isDirectory()) {
      const index = path.join(lambdaDir, item.name, 'index.ts');
      if (fs.existsSync(index)) found[item.name] = index;
    } else if (/\.ts$/.test(item.name) && !/\.(test|spec|d)\.ts$/.test(item.name)) {
      found[item.name.replace(/\.ts$/, '')] = path.join(lambdaDir, item.name);
    }
  }
  return found;
}

async function main() {
  if (!fs.existsSync(lambdaDir)) {
    console.error('bundle-handlers: no lambda/ folder, nothing to bundle');
    return;
  }
  const found = entries();
  if (Object.keys(found).length === 0) {
    console.error('bundle-handlers: lambda/ has no handler entry points, nothing to bundle');
    return;
  }
  const esbuild = require('esbuild');
  for (const [name, entry] of Object.entries(found)) {
    const outfile = path.join(root, 'dist', 'lambda', name, 'index.js');
    await esbuild.build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node22', format: 'cjs', logLevel: 'warning' });
    console.error(`bundle-handlers: ${path.relative(root, entry)} -> ${path.relative(root, outfile)}`);
  }
}

main().catch((error) => {
  console.error(`bundle-handlers: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
