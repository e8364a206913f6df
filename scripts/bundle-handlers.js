#!/usr/bin/env node
// Second step of `npm run build` (after tsc): bundles the Lambda handlers with esbuild into dist/lambda/, which
// package.json `files` ships, so users never need esbuild or Docker at synth time. It reports on stderr, so that
// `npm pack --json` (which runs this through prepack) keeps a clean JSON stdout.
//
// Entry points: lambda/<name>/index.ts (transfer, restore, probe, notifications; lambda/shared/ has none). Each handler gets its own folder,
// dist/lambda/<name>/, which is the asset a construct deploys (`Code.fromAsset('dist/lambda/<name>')`, handler
// `index.handler`, runtime nodejs22.x):
//   index.js         the entry: ES module, minified, target node22 (package.json beside it says "type": "module")
//   index.js.map     its source map (set NODE_OPTIONS=--enable-source-maps on the function to use it)
//   chunks/*.js      code loaded on first use through import() (the transfer engines, the probes), with maps
//   package.json     {"type":"module"}
// Why ESM with code splitting, not one CommonJS file: what a cold start loads is smaller (docs/architecture.md,
// "Handler bundles"). @aws-sdk/* and @smithy/* stay external: the nodejs22.x runtime provides AWS SDK v3, and a
// second, bundled copy would add about a megabyte per handler; none is pinned.
//   node scripts/bundle-handlers.js [--metafile]   (--metafile also writes dist/lambda/<name>.meta.json, for analysis)
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lambdaDir = path.join(root, 'lambda');
const outRoot = path.join(root, 'dist', 'lambda');

/** The handlers: every lambda/<name>/index.ts. */
function entries() {
  const found = {};
  for (const item of fs.readdirSync(lambdaDir, { withFileTypes: true })) {
    if (!item.isDirectory()) continue;
    const index = path.join(lambdaDir, item.name, 'index.ts');
    if (item.name !== 'shared' && fs.existsSync(index)) found[item.name] = index;
  }
  return found;
}

/** esbuild options for one handler; exported for the bundle test. */
function buildOptions(name, entry) {
  return {
    entryPoints: { index: entry },
    outdir: path.join(outRoot, name),
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    // Error classes name themselves with `new.target.name`: minified names would reach results and logs.
    keepNames: true,
    external: ['@aws-sdk/*', '@smithy/*'],
    // bucketkit/storage and bucketkit/rules resolve through tsconfig.json "paths" to lib/storage and lib/rules.
    tsconfig: path.join(root, 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
  };
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
    const options = buildOptions(name, entry);
    fs.rmSync(options.outdir, { recursive: true, force: true });
    const result = await esbuild.build(options);
    fs.writeFileSync(path.join(options.outdir, 'package.json'), '{ "type": "module" }\n');
    if (process.argv.includes('--metafile')) fs.writeFileSync(path.join(outRoot, `${name}.meta.json`), JSON.stringify(result.metafile));
    const bytes = Object.entries(result.metafile.outputs)
      .filter(([file]) => file.endsWith('.js'))
      .reduce((sum, [, out]) => sum + out.bytes, 0);
    console.error(`bundle-handlers: ${path.relative(root, entry)} -> ${path.relative(root, options.outdir)}/index.js (${bytes} bytes of JS in all)`);
  }
}

module.exports = { buildOptions, entries };

if (require.main === module) {
  main().catch((error) => {
    console.error(`bundle-handlers: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
