import { Duration, Token } from 'aws-cdk-lib';
import { MAX_KEY_LENGTH_BYTES, RuleProblem, ruleProblem } from '../../rules';

/** Lambda's longest timeout, in seconds. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 900;
/** Lambda's memory range, in MB. https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html */
export const MIN_FUNCTION_MEMORY_MB = 128;
/** Lambda's memory range, in MB. https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html */
export const MAX_FUNCTION_MEMORY_MB = 10_240;
/** Retries of a failed asynchronous invocation, at most. https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html */
export const MAX_ASYNC_RETRY_ATTEMPTS = 2;
/** Age of an asynchronous event, in seconds: 60 to 21,600 (6 hours). Same page as {@link MAX_ASYNC_RETRY_ATTEMPTS}. */
export const MIN_ASYNC_EVENT_AGE_SECONDS = 60;
/** Age of an asynchronous event, in seconds: 60 to 21,600 (6 hours). Same page as {@link MAX_ASYNC_RETRY_ATTEMPTS}. */
export const MAX_ASYNC_EVENT_AGE_SECONDS = 21_600;

/** The numeric options every handler function takes, as {@link checkFunctionOptions} reads them. */
export interface FunctionOptionsInput {
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly retryAttempts?: number;
  readonly maxEventAge?: Duration;
}

const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
const knownDuration = (d: Duration | undefined): d is Duration => d !== undefined && !d.isUnresolved();

/** Every problem with the timeout, memory, reserved concurrency and async-invoke options. Tokens are skipped. */
export function checkFunctionOptions(options: FunctionOptionsInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (knownDuration(options.timeout)) {
    const seconds = options.timeout.toMilliseconds() / 1000;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_FUNCTION_TIMEOUT_SECONDS)
      problems.push(
        ruleProblem(
          'BUCKETKIT-HANDLER-TIMEOUT',
          `timeout must be a whole number of seconds from 1 to ${MAX_FUNCTION_TIMEOUT_SECONDS}`,
          options.timeout.toHumanString(),
          `use Duration.seconds(1) to Duration.minutes(15); work longer than that continues in another invocation`,
        ),
      );
  }
  if (
    known(options.memorySize) &&
    (!Number.isInteger(options.memorySize) || options.memorySize < MIN_FUNCTION_MEMORY_MB || options.memorySize > MAX_FUNCTION_MEMORY_MB)
  )
    problems.push(
      ruleProblem(
        'BUCKETKIT-HANDLER-MEMORY',
        `memorySize must be a whole number of MB from ${MIN_FUNCTION_MEMORY_MB} to ${MAX_FUNCTION_MEMORY_MB}`,
        options.memorySize,
        `pick a value from ${MIN_FUNCTION_MEMORY_MB} to ${MAX_FUNCTION_MEMORY_MB}`,
      ),
    );
  const reserved = options.reservedConcurrentExecutions;
  if (known(reserved) && (!Number.isInteger(reserved) || reserved < 0))
    problems.push(
      ruleProblem(
        'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY',
        'reservedConcurrentExecutions must be a whole number, 0 or more',
        reserved,
        'reserve a whole number of concurrent executions, or leave it unset to share the account pool',
      ),
    );
  else if (known(reserved) && reserved === 0)
    problems.push(
      ruleProblem(
        'BUCKETKIT-HANDLER-RESERVED-CONCURRENCY-ZERO',
        'reservedConcurrentExecutions is 0, so Lambda throttles every invocation of this function',
        reserved,
        'reserve at least 1, or leave it unset; keep 0 only to switch the function off on purpose',
      ),
    );
  const retries = options.retryAttempts;
  if (known(retries) && (!Number.isInteger(retries) || retries < 0 || retries > MAX_ASYNC_RETRY_ATTEMPTS))
    problems.push(
      ruleProblem(
        'BUCKETKIT-HANDLER-RETRY-ATTEMPTS',
        `retryAttempts must be 0, 1 or ${MAX_ASYNC_RETRY_ATTEMPTS}`,
        retries,
        `use 0 to ${MAX_ASYNC_RETRY_ATTEMPTS}; events that still fail go to the dead-letter queue`,
      ),
    );
  if (knownDuration(options.maxEventAge)) {
    const seconds = options.maxEventAge.toMilliseconds() / 1000;
    if (!Number.isInteger(seconds) || seconds < MIN_ASYNC_EVENT_AGE_SECONDS || seconds > MAX_ASYNC_EVENT_AGE_SECONDS)
      problems.push(
        ruleProblem(
          'BUCKETKIT-HANDLER-MAX-EVENT-AGE',
          `maxEventAge must be a whole number of seconds from ${MIN_ASYNC_EVENT_AGE_SECONDS} to ${MAX_ASYNC_EVENT_AGE_SECONDS}`,
          options.maxEventAge.toHumanString(),
          'use Duration.minutes(1) to Duration.hours(6)',
        ),
      );
  }
  return problems;
}

/**
 * Every problem with a list of key prefixes that scopes IAM resources (`<bucket ARN>/<prefix>*`). A prefix is
 * literal: `*` and `?` would widen the scope as IAM wildcards, and `${` would start a policy variable. An empty
 * prefix or an empty list would scope nothing, so both are refused (leave the option unset for every key).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 *
 * @param field - the option's name, as messages print it (`sourcePrefixes`)
 */
export function checkPrefixes(field: string, prefixes: readonly string[] | undefined): RuleProblem[] {
  if (prefixes === undefined) return [];
  const problem = (message: string, value: unknown, fix: string) => ruleProblem('BUCKETKIT-HANDLER-PREFIX', `${field}: ${message}`, value, fix);
  if (prefixes.length === 0) return [problem('the list is empty, so the function could reach no key', prefixes, `leave ${field} unset to allow every key`)];
  const problems: RuleProblem[] = [];
  prefixes.forEach((prefix, i) => {
    if (Token.isUnresolved(prefix)) return;
    const at = `${field}[${i}]`;
    if (prefix.length === 0) problems.push(problem(`${at} is empty`, prefix, `leave ${field} unset to allow every key, or name a prefix such as "exports/"`));
    const wildcards = [...new Set(prefix.match(/[*?]|\$\{/g) ?? [])];
    if (wildcards.length > 0)
      problems.push(
        problem(
          `${at} contains ${wildcards.map((w) => `"${w}"`).join(' and ')}, which IAM reads as a wildcard or policy variable, not as key characters`,
          prefix,
          'use a literal key prefix (the function gets every key under it)',
        ),
      );
    const bytes = Buffer.byteLength(prefix, 'utf8');
    if (bytes > MAX_KEY_LENGTH_BYTES)
      problems.push(problem(`${at} is ${bytes} bytes; no S3 key is longer than ${MAX_KEY_LENGTH_BYTES}`, `${prefix.slice(0, 40)}...`, 'shorten the prefix'));
  });
  return problems;
}
