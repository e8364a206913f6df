import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { buildExampleApp } from '../../bin/app';
import { checkerPlainBucketScenario } from '../../integ/scenarios/checker-plain-bucket';
import { scenarioApp } from '../../integ/scenarios/common';
import { defaultsScenario } from '../../integ/scenarios/defaults';
import { kmsAccelerationScenario } from '../../integ/scenarios/kms-acceleration';
import { lifecycleWaterfallScenario } from '../../integ/scenarios/lifecycle-waterfall';
import { notificationsScenario } from '../../integ/scenarios/notifications';
import { probeFunctionScenario } from '../../integ/scenarios/probe-function';
import { restoreFunctionScenario } from '../../integ/scenarios/restore-function';
import { transferFunctionScenario } from '../../integ/scenarios/transfer-function';
import { scaleOutScenario } from '../../integ/scenarios/scale-out';
import { TestApps } from './support';

// cdk-nag's AwsSolutions pack and cfn-lint on the example app and on every integ scenario.
// Every acknowledgement in the code carries a written reason (checked below).

const apps = new TestApps();
afterAll(() => apps.cleanUp());

interface Target {
  readonly name: string;
  readonly app: App;
  readonly stacks: Stack[];
}

const TARGETS: Target[] = [
  (() => {
    const { app, stack, scaleOut } = buildExampleApp(apps.app());
    return { name: 'example app (bin/app.ts, examples/scale-out-app.ts)', app, stacks: [stack, scaleOut] };
  })(),
  ...(
    [
      ['integ.defaults', defaultsScenario],
      ['integ.kms-acceleration', kmsAccelerationScenario],
      ['integ.lifecycle-waterfall', lifecycleWaterfallScenario],
      ['integ.notifications', notificationsScenario],
      ['integ.checker-plain-bucket', checkerPlainBucketScenario],
      ['integ.transfer-function', transferFunctionScenario],
      ['integ.restore-function', restoreFunctionScenario],
      ['integ.probe-function', probeFunctionScenario],
      ['integ.scale-out', scaleOutScenario],
    ] as const
  ).map(([name, build]) => {
    const { app, stacks } = build(scenarioApp(apps.app()));
    return { name, app, stacks };
  }),
];
const ASSEMBLIES = new Map(TARGETS.map((t) => [t, t.app.synth()]));

describe.each(TARGETS)('$name', (target) => {
  test('cdk-nag AwsSolutions: zero unacknowledged errors', () => {
    for (const stack of target.stacks) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      const errors = report.violations
        .filter((v) => v.severity === 'error')
        .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(errors).toEqual([]);
    }
  });

  test('BucketRulesChecker and CDK: no error annotations', () => {
    // Read the messages of the assembly already synthesized: Annotations.fromStack would synthesize again,
    // and integ-tests' own aspects do not survive a second run.
    const assembly = ASSEMBLIES.get(target)!;
    for (const stack of target.stacks) {
      const errors = assembly.getStackArtifact(stack.artifactId).messages.filter((m) => m.level === 'error');
      expect(errors.map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([]);
    }
  });

  test('every acknowledgement has a written reason', () => {
    const reasons = target.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.trim().length).toBeGreaterThanOrEqual(40);
  });
});

test('cfn-lint: zero errors on every synthesized template (test and assertion stacks)', () => {
  const templates = [...ASSEMBLIES.values()].flatMap((assembly) => assembly.stacks.map((s) => s.templateFullPath));
  expect(templates.length).toBe(2 + 9 * 2);
  const result = spawnSync('bash', [path.join(__dirname, '../../scripts/cfn-lint.sh'), ...templates], { encoding: 'utf8' });
  const errors = `${result.stdout}`.split('\n').filter((line) => /:E\d{4}:/.test(line));
  expect(errors).toEqual([]);
  expect(result.status).toBe(0);
}, 180_000);
