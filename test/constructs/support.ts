import { App, AppProps } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HANDLER_BUNDLE_CONTEXT_KEY } from '../../lib';
import { PLACEHOLDER_HANDLER_BUNDLES } from '../../integ/scenarios/common';

/**
 * Apps that synthesize into one temporary folder per test file, removed by {@link cleanUp}
 * (a bare `new App()` leaves a /tmp/cdk.outXXXX folder behind for every synth). The handler functions deploy the
 * placeholder bundles, so the tests do not depend on whether `npm run build` has run.
 */
export class TestApps {
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'bucketkit-constructs-'));
  private count = 0;

  public app(props: AppProps = {}): App {
    this.count += 1;
    const context = { [HANDLER_BUNDLE_CONTEXT_KEY]: PLACEHOLDER_HANDLER_BUNDLES, ...props.context };
    return new App({ ...props, context, outdir: path.join(this.root, `app${this.count}`) });
  }

  public get directory(): string {
    return this.root;
  }

  public cleanUp(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
