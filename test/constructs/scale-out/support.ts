import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- asl-validator ships CommonJS without typings
const aslValidator = require('asl-validator') as (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslResult;

interface AslResult {
  readonly isValid: boolean;
  readonly errors: readonly { readonly message?: string; readonly 'Error code'?: string; readonly path?: string }[];
}

/** Values for the pseudo parameters and references a synthesized definition may contain. */
export const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Resolves Fn::Join / Ref / Fn::GetAtt / Fn::Select / Fn::Split in a template value, with `refs` for logical ids. */
export function resolveCfn(value: unknown, refs: Readonly<Record<string, string>> = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveCfn(v, refs));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) {
    const name = String(o.Ref);
    return refs[name] ?? PSEUDO[name] ?? `ref-${name.toLowerCase()}`;
  }
  if ('Fn::GetAtt' in o) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    return refs[`${id}.${attr}`] ?? (attr === 'Arn' ? `arn:aws:s3:::${refs[id] ?? `ref-${id.toLowerCase()}`}` : `${id}-${attr}`);
  }
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => String(resolveCfn(p, refs))).join(sep);
  }
  if ('Fn::Select' in o) {
    const [i, list] = o['Fn::Select'] as [number, unknown];
    return (resolveCfn(list, refs) as unknown[])[i];
  }
  if ('Fn::Split' in o) {
    const [sep, s] = o['Fn::Split'] as [string, unknown];
    return String(resolveCfn(s, refs)).split(sep);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveCfn(v, refs)]));
}

/** The state machine's ASL definition as JSON, with CloudFormation references resolved through `refs`. */
export function definitionOf(stateMachine: sfn.StateMachine, refs: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const stack = Stack.of(stateMachine);
  const resource = (stateMachine.node.defaultChild as sfn.CfnStateMachine).logicalId;
  const template = stack.resolve(
    (stack as unknown as { _toCloudFormation(): Record<string, Record<string, { Properties: { DefinitionString: unknown } }>> })._toCloudFormation(),
  );
  const body = template.Resources[stack.resolve(resource) as string].Properties.DefinitionString;
  return JSON.parse(String(resolveCfn(body, refs))) as Record<string, unknown>;
}

/** asl-validator's errors for a definition (a copy: the validator writes QueryLanguage into what it is given). */
export function aslErrors(definition: unknown): string[] {
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  return result.isValid ? [] : result.errors.map((e) => `${e['Error code'] ?? ''} ${e.path ?? ''} ${e.message ?? JSON.stringify(e)}`.trim());
}

/** Every state of a definition, nested processors included, by name. */
export function allStates(definition: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const walk = (machine: Record<string, unknown>) => {
    for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Record<string, unknown>>)) {
      out.set(name, state);
      const inner = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
      if (inner) walk(inner);
      for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) walk(branch);
    }
  };
  walk(definition);
  return out;
}
