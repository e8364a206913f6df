import * as cdk from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RuleProblem, formatProblems } from '../rules';

/** What aws-cdk-lib's `ValidationError` (`core/lib/errors.ts`) adds to `Error` and bucketkit relies on. */
interface CdkConstructError extends Error {
  /** The path of the construct the error is about, when it has one. */
  readonly constructPath?: string;
}

/** The constructor shape of aws-cdk-lib's `ValidationError`. */
type CdkValidationErrorClass = new (name: string, message: string, scope?: IConstruct) => CdkConstructError;

/**
 * aws-cdk-lib's own `ValidationError` class. Its public API only offers the `Errors.isValidationError` predicate:
 * the classes are marked `@internal`, though the package exports them at run time and in its typings. Extending
 * the exported class is the one way to satisfy `Errors.isValidationError` without copying its private brand
 * symbols. Should a later aws-cdk-lib stop exporting it, we fall back to `Error`: the errors keep their rule ids
 * and problems, and `test/constructs/validation-error.test.ts` fails so the upgrade is noticed.
 */
const CDK_VALIDATION_ERROR: CdkValidationErrorClass = (cdk as unknown as { ValidationError?: CdkValidationErrorClass }).ValidationError ?? Error;

/**
 * The error bucketkit's constructs throw when a configuration would fail at deploy time.
 *
 * It carries the rule ids and the problems (each with the offending value and the fix), and it is aws-cdk-lib's
 * validation error too: `Errors.isValidationError(error)` is true, `constructPath` names the construct, and the
 * CDK CLI prints it as it prints its own (`«ValidationError» ...` and the construct's path).
 *
 * Problems found while the app is synthesized are reported through CDK's validation phase instead, so that every
 * construct's problems come out in one error; see {@link StorageBucket}.
 */
export class ValidationError extends CDK_VALIDATION_ERROR {
  /** The rule ids of {@link problems}, in order, without repeats. */
  public readonly ruleIds: string[];
  /** Every problem found, not only the first. */
  public readonly problems: RuleProblem[];

  /**
   * @param scope - the construct whose configuration is wrong (CDK shows its path)
   * @param summary - one line on what was checked, e.g. `invalid notification filter`
   * @param problems - every problem found, each with its rule id, value and fix
   */
  public constructor(scope: IConstruct | undefined, summary: string, problems: readonly RuleProblem[]) {
    super('ValidationError', `${scope ? `${scope.node.path}: ` : ''}${summary}\n${formatProblems(problems)}`, scope);
    // aws-cdk-lib's constructor pins the prototype to its own class; restore ours so `instanceof` works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'ValidationError';
    this.problems = [...problems];
    this.ruleIds = [...new Set(problems.map((p) => p.ruleId))];
  }
}
