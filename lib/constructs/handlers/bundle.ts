import * as fs from 'node:fs';
import * as path from 'node:path';
import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RuleProblem, ruleProblem } from '../../rules';

/** The handlers bucketkit ships, each pre-built by `npm run build` into `dist/lambda/<name>/index.js`. */
export type HandlerName = 'transfer' | 'restore' | 'probe' | 'notifications';

/**
 * CDK context key: a folder holding `<name>/index.js` (or `index.mjs`) for each handler, used instead of the
 * bundles shipped in the package. For tests, and for teams that build the handlers themselves (for example with
 * a pinned AWS SDK). A relative path is resolved against the working directory of the synth, as `cdk.json` is.
 */
export const HANDLER_BUNDLE_CONTEXT_KEY = 'bucketkit:handlerBundleDirectory';

/** The file names Lambda's Node.js runtime loads for the handler `index.handler`. */
const ENTRY_FILES = ['index.js', 'index.mjs'];

/**
 * The root of the bucketkit package: the nearest folder above this file that holds a `package.json`. That is
 * the checkout when running from `lib/` (tests, tsx) and `node_modules/bucketkit` when running from `dist/lib/`.
 */
export function packageRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** Where the package keeps its pre-built handler bundles: `<package root>/dist/lambda`. */
export function defaultHandlerBundleDirectory(): string {
  return path.join(packageRoot(), 'dist', 'lambda');
}

/** The bundle folder of one handler, as the asset `Code.fromAsset` takes. */
export interface HandlerBundle {
  /** The folder holding `index.js` (or `index.mjs`); absolute. */
  readonly directory: string;
  /** Empty when the bundle is there; else the one problem that says where it was looked for and how to fix it. */
  readonly problems: RuleProblem[];
}

/**
 * Finds the pre-built bundle of `name`: in the folder of the context key {@link HANDLER_BUNDLE_CONTEXT_KEY} when
 * it is set, else in the package's `dist/lambda`. Nothing is built here: users never need esbuild or Docker at
 * synth (the published package ships the bundles; a checkout builds them with `npm run build`).
 */
export function findHandlerBundle(scope: IConstruct, name: HandlerName): HandlerBundle {
  const override: unknown = scope.node.tryGetContext(HANDLER_BUNDLE_CONTEXT_KEY);
  const usable = typeof override === 'string' && override.length > 0 && !Token.isUnresolved(override);
  const base = usable ? path.resolve(override) : defaultHandlerBundleDirectory();
  const directory = path.join(base, name);
  if (ENTRY_FILES.some((file) => fs.existsSync(path.join(directory, file)))) return { directory, problems: [] };
  const where = usable ? `the folder of the context key ${HANDLER_BUNDLE_CONTEXT_KEY}` : 'the bucketkit package';
  return {
    directory,
    problems: [
      ruleProblem(
        'BUCKETKIT-HANDLER-BUNDLE-MISSING',
        `The ${name} handler bundle is not in ${where}: no ${ENTRY_FILES.join(' or ')} in ${directory}`,
        directory,
        usable
          ? `point ${HANDLER_BUNDLE_CONTEXT_KEY} at a folder holding ${name}/index.js, or remove the key to use the bundles shipped with bucketkit`
          : 'reinstall bucketkit (the published package ships dist/lambda/), or run `npm run build` in a bucketkit checkout',
      ),
    ],
  };
}
