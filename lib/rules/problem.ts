/**
 * One problem a rule found. Every check returns all the problems it finds; it never stops at the first.
 */
export interface RuleProblem {
  /** A stable id, e.g. `S3-BUCKET-NAME-CHARS`. */
  readonly ruleId: string;
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** The offending value, as received. */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix: string;
  /** `error` fails synth or a request; `warning` is advice (for example minimum-storage-duration charges). */
  readonly severity: 'error' | 'warning';
}

/** Formats problems as one message: a line each, with the rule id, the value and the fix. */
export function formatProblems(problems: readonly RuleProblem[]): string {
  return problems
    .map((p) => `[${p.ruleId}] ${p.message}${p.value !== undefined ? ` (got ${JSON.stringify(p.value)})` : ''}. Fix: ${p.fix}`)
    .join('\n');
}
