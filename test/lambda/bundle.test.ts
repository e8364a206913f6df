/**
 * The handler bundles, built exactly as `npm run build` builds them (scripts/bundle-handlers.js options, into a
 * temporary folder): no aws-cdk-lib or constructs inside, only @aws-sdk/* and @smithy/* (and Node built-ins) left
 * external, and within the size budget recorded in docs/architecture.md ("Handler bundles").
 */
import { build, type Metafile } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOptions, entries } = require(join(ROOT, 'scripts', 'bundle-handlers.js'));

/** What a cold start loads (the entry and its static imports), minified: budget per handler (docs/architecture.md, "Handler bundles"). */
export const COLD_START_BUDGET_BYTES = 192 * 1024;
/** Every JS file of a handler's folder (lazily loaded chunks included): budget per handler. */
export const TOTAL_BUDGET_BYTES = 352 * 1024;
const HANDLERS = ['transfer', 'restore', 'probe', 'notifications'];

/** Inputs of a bundle that must never be in it: the CDK, constructs, deploy-time code. */
export function forbiddenInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter(
    (p) => /node_modules\/(aws-cdk-lib|constructs|@aws-cdk|cdk-nag)\//.test(p) || /(^|\/)lib\/constructs\//.test(p) || /(^|\/)lib\/index\.ts$/.test(p),
  );
}

/** External imports other than @aws-sdk/*, @smithy/* and Node built-ins. */
export function unexpectedExternals(metafile: Metafile): string[] {
  const externals = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  return [...new Set(externals)].filter((p) => !/^(@aws-sdk\/|@smithy\/|node:)/.test(p) && !/^[a-z_]+$/.test(p));
}

/** Bytes of the entry and every chunk it imports statically. */
export function coldStartBytes(metafile: Metafile, entry: string): number {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file].imports) if (!i.external && i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return [...seen].reduce((sum, f) => sum + metafile.outputs[f].bytes, 0);
}

const built: Record<string, { metafile: Metafile; dir: string }> = {};
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bucketkit-bundles-'));
  for (const [name, entry] of Object.entries(entries() as Record<string, string>)) {
    const options = { ...buildOptions(name, entry), outdir: join(out, name) };
    built[name] = { metafile: (await build(options)).metafile!, dir: options.outdir };
  }
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('every handler folder under lambda/ is bundled', () => {
  expect(Object.keys(built).sort()).toEqual(HANDLERS.filter((h) => Object.keys(entries()).includes(h)).sort());
  expect(Object.keys(built)).toEqual(expect.arrayContaining(['transfer', 'probe', 'notifications']));
});

describe.each(Object.keys(entries()))('%s', (name) => {
  test('holds no aws-cdk-lib, constructs or deploy-time code', () => {
    const { metafile, dir } = built[name];
    expect(forbiddenInputs(metafile)).toEqual([]);
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      if (!file.endsWith('.js')) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).not.toMatch(/aws-cdk-lib|from\s*"constructs"|require\("constructs"\)/);
    }
  });

  test('leaves only @aws-sdk/*, @smithy/* and Node built-ins external, and writes source maps', () => {
    const { metafile } = built[name];
    expect(unexpectedExternals(metafile)).toEqual([]);
    expect(Object.keys(metafile.outputs).some((f) => f.endsWith('/index.js.map'))).toBe(true);
  });

  test(`within budget: cold start <= ${COLD_START_BUDGET_BYTES} B, all JS <= ${TOTAL_BUDGET_BYTES} B`, () => {
    const { metafile } = built[name];
    const entry = Object.keys(metafile.outputs).find((f) => f.endsWith(`${name}/index.js`))!;
    const cold = coldStartBytes(metafile, entry);
    const total = Object.entries(metafile.outputs)
      .filter(([f]) => f.endsWith('.js'))
      .reduce((s, [, o]) => s + o.bytes, 0);
    console.log(`bundle ${name}: cold start ${cold} B, all JS ${total} B`);
    expect(cold).toBeLessThanOrEqual(COLD_START_BUDGET_BYTES);
    expect(total).toBeLessThanOrEqual(TOTAL_BUDGET_BYTES);
  });
});

test('the checks catch what they look for', () => {
  const fake = {
    inputs: { 'node_modules/aws-cdk-lib/core/lib/app.js': {}, 'lib/constructs/bucket/storage-bucket.ts': {}, 'lib/storage/index.ts': {} },
    outputs: {
      'o/index.js': {
        bytes: 10,
        imports: [
          { path: 'left-pad', kind: 'import-statement', external: true },
          { path: '@aws-sdk/client-s3', kind: 'import-statement', external: true },
        ],
      },
    },
  } as unknown as Metafile;
  expect(forbiddenInputs(fake)).toEqual(['node_modules/aws-cdk-lib/core/lib/app.js', 'lib/constructs/bucket/storage-bucket.ts']);
  expect(unexpectedExternals(fake)).toEqual(['left-pad']);
});
