import { App, AppProps, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { spawnSync } from 'child_process';
import type { IConstruct } from 'constructs';
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

/** cdk-nag AwsSolutions errors of a scope, one line per rule and the paths it flags (empty: none). */
export function nagErrors(scope: IConstruct): string[] {
  return new AwsSolutionsChecks()
    .validateScope(scope)
    .violations.filter((v) => v.severity === 'error')
    .map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

/** cfn-lint (scripts/cfn-lint.sh) on one synthesized stack: its error lines and exit status. */
export function cfnLint(app: App, stack: Stack): { errors: string[]; status: number | null } {
  const template = app.synth().getStackArtifact(stack.artifactId).templateFullPath;
  const result = spawnSync('bash', [path.join(__dirname, '../../scripts/cfn-lint.sh'), template], { encoding: 'utf8' });
  return { errors: `${result.stdout}`.split('\n').filter((line) => /:E\d{4}:/.test(line)), status: result.status };
}
