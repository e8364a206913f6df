import { RuleId, RuleSeverity, ruleSeverity } from './catalog';

/**
 * One problem a rule found. Every check returns all the problems it finds; it never stops at the first.
 */
export interface RuleProblem {
  /** A stable id from the catalogue (`lib/rules/catalog.ts`, listed in docs/rules.md), e.g. `S3-BUCKET-NAME-CHARS`. */
  readonly ruleId: string;
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** The offending value, as received. */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix: string;
  /** `error` fails synth or a request; `warning` is advice (for example minimum-storage-duration charges). */
  readonly severity: RuleSeverity;
}

/**
 * A problem for a catalogued rule, with the severity the catalogue gives it.
 * @param ruleId - a {@link RuleId}: the compiler refuses an id that is not in the catalogue.
 */
export function ruleProblem(ruleId: RuleId, message: string, value: unknown, fix: string): RuleProblem {
  return { ruleId, message, value, fix, severity: ruleSeverity(ruleId) };
}

/** Formats problems as one message: a line each, with the rule id, the value and the fix. */
export function formatProblems(problems: readonly RuleProblem[]): string {
  return problems.map((p) => `[${p.ruleId}] ${p.message}${p.value !== undefined ? ` (got ${safeJson(p.value)})` : ''}. Fix: ${p.fix}`).join('\n');
}

/** JSON.stringify that never throws (BigInt, cycles, null-prototype objects) and never prints `undefined`. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}
