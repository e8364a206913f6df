import { App, AppProps } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Apps that synthesize into one temporary folder per test file, removed by {@link cleanUp}
 * (a bare `new App()` leaves a /tmp/cdk.outXXXX folder behind for every synth).
 */
export class TestApps {
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'bucketkit-constructs-'));
  private count = 0;

  public app(props: AppProps = {}): App {
    this.count += 1;
    return new App({ ...props, outdir: path.join(this.root, `app${this.count}`) });
  }

  public get directory(): string {
    return this.root;
  }

  public cleanUp(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
