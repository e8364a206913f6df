/**
 * Handler-sized bundle: a file that imports S3Storage from bucketkit/storage and calls only head(), bundled with
 * esbuild for Node 20 with `@aws-sdk/*` and `@smithy/*` external (the Lambda runtime provides the SDK and its Smithy packages). Prints the sizes as JSON:
 *
 *   npm run bench:bundle                # this checkout
 *   npm run bench:bundle -- <dir>       # another checkout (e.g. a git worktree of an older commit)
 *
 * - `cjs`: one CommonJS file, what most handler builds produce; it holds every module reachable from the entry,
 *   including those loaded lazily with import().
 * - `esm`: ESM with code splitting: `entryBytes` is the code a cold start loads for head() (the entry and the
 *   chunks it imports statically); the lazily imported engines and probes go to chunks loaded only when first
 *   used (`chunkBytes`).
 * - `inputs`: the bytes each lib/ folder contributes to the cjs file, largest first.
 */
import { build, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? join(__dirname, '..'));
const work = mkdtempSync(join(tmpdir(), 'bucketkit-bundle-'));

const outputs = (m: Metafile) => Object.entries(m.outputs).filter(([file]) => !file.endsWith('.map'));

/** The handler's output file and every chunk it imports statically: the code a cold start loads. */
function coldStart(m: Metafile): Set<string> {
  const entry = outputs(m).find(([, o]) => o.entryPoint?.endsWith('handler.ts'));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of m.outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  if (entry) visit(entry[0]);
  return seen;
}

async function main(): Promise<void> {
  const entry = join(work, 'handler.ts');
  writeFileSync(
    entry,
    `import { S3Storage } from ${JSON.stringify(join(root, 'lib', 'storage'))};\n` +
      `const storage = new S3Storage({ bucket: process.env.BUCKET ?? 'b' });\n` +
      `export const handler = async (event: { key: string }) => (await storage.head(event.key)).size;\n`,
  );
  const common = {
    entryPoints: [entry],
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    external: ['@aws-sdk/*', '@smithy/*'],
    metafile: true,
    logLevel: 'silent' as const,
    absWorkingDir: root,
  };
  const cjs = await build({ ...common, format: 'cjs', outfile: join(work, 'cjs', 'index.js') });
  const esm = await build({ ...common, format: 'esm', splitting: true, outdir: join(work, 'esm'), outExtension: { '.js': '.mjs' } });
  const cjsMin = await build({ ...common, minify: true, format: 'cjs', outfile: join(work, 'cjs-min', 'index.js') });
  const esmMin = await build({ ...common, minify: true, format: 'esm', splitting: true, outdir: join(work, 'esm-min'), outExtension: { '.js': '.mjs' } });
  const entryOf = (m: Metafile) => {
    const files = coldStart(m);
    return outputs(m)
      .filter(([file]) => files.has(file))
      .reduce((s, [, o]) => s + o.bytes, 0);
  };
  const esmOut = outputs(esm.metafile as Metafile);
  const cold = coldStart(esm.metafile as Metafile);
  const entryBytes = esmOut.filter(([file]) => cold.has(file)).reduce((s, [, o]) => s + o.bytes, 0);
  const chunkBytes = esmOut.filter(([file]) => !cold.has(file)).reduce((s, [, o]) => s + o.bytes, 0);
  const byFolder = new Map<string, number>();
  for (const [, out] of outputs(cjs.metafile as Metafile)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const folder = input.replace(/^.*?lib\//, 'lib/').replace(/\/[^/]+$/, '');
      byFolder.set(folder, (byFolder.get(folder) ?? 0) + bytesInOutput);
    }
  }
  const cjsBytes = outputs(cjs.metafile as Metafile).reduce((s, [, o]) => s + o.bytes, 0);
  const report = {
    root,
    cjs: { bytes: cjsBytes, minifiedBytes: outputs(cjsMin.metafile as Metafile).reduce((s, [, o]) => s + o.bytes, 0) },
    esm: { entryBytes, chunkBytes, chunks: esmOut.length - 1, minifiedEntryBytes: entryOf(esmMin.metafile as Metafile) },
    entryInputs: Object.fromEntries(
      esmOut
        .filter(([file]) => cold.has(file))
        .flatMap(([, o]) => Object.entries(o.inputs).map(([input, v]) => [input.replace(/^.*?lib\//, 'lib/'), v.bytesInOutput] as const))
        .sort((a, b) => b[1] - a[1]),
    ),
    inputs: Object.fromEntries([...byFolder].sort((a, b) => b[1] - a[1])),
  };
  console.log(JSON.stringify(report, null, 2));
}

main()
  .finally(() => rmSync(work, { recursive: true, force: true }))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
