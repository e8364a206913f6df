#!/usr/bin/env node
// Prints what `cdk synth` wrote: each stack, its resource counts by type, and its assets.
const fs = require('node:fs');
const path = require('node:path');
const out = process.argv[2] || 'cdk.out';
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const stacks = Object.entries(manifest.artifacts || {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
console.log(`cdk.out: ${stacks.length} stack(s)`);
for (const [name, artifact] of stacks) {
  const template = JSON.parse(fs.readFileSync(path.join(out, artifact.properties.templateFile), 'utf8'));
  const counts = {};
  for (const r of Object.values(template.Resources || {})) counts[r.Type] = (counts[r.Type] || 0) + 1;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`\n${name}: ${total} resources`);
  for (const [type, n] of Object.entries(counts).sort()) console.log(`  ${String(n).padStart(3)}  ${type}`);
  const assetsFile = (artifact.dependencies || []).map((d) => manifest.artifacts[d]).find((a) => a && a.type === 'cdk:asset-manifest');
  if (assetsFile) {
    const assets = JSON.parse(fs.readFileSync(path.join(out, assetsFile.properties.file), 'utf8'));
    const files = Object.values(assets.files || {}).filter((f) => !String(f.source.path).endsWith('.template.json'));
    console.log(`  assets: ${files.length} file asset(s), ${Object.keys(assets.dockerImages || {}).length} image asset(s)`);
    for (const f of files) {
      // A placeholder handler (integ/fixtures/handler-bundles) synthesizes like the real one but fails every call.
      const entry = path.join(out, String(f.source.path), 'index.js');
      const placeholder = fs.existsSync(entry) && fs.readFileSync(entry, 'utf8').includes('bucketkit placeholder');
      console.log(`    ${f.displayName || f.source.path}${placeholder ? '  (placeholder handler: run npm run build for the real one)' : ''}`);
    }
  }
}
