/**
 * Every numeric option states its real range when refused: exit 2 with the command's usage, the option named, its
 * bounds in the message, and nothing sent. The edges themselves pass.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from './run-cli';
import { RANGES, describeRange, wholeNumberOption, type NumericRange } from '../../bin/cli/numeric-options';
import { UsageError } from '../../bin/cli/exit-codes';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const ROLE = 'arn:aws:iam::123456789012:role/batch';
const SFN = 'arn:aws:states:us-east-1:123456789012:stateMachine:C';
const cp = (...more: string[]): string[] => ['cp', 'a.txt', 's3://good-bucket/k', ...more];
const cpSfn = (...more: string[]): string[] => [
  'cp',
  's3://src-bucket/a',
  's3://dst-bucket/b',
  '--engine',
  'step-functions',
  '--state-machine-arn',
  SFN,
  ...more,
];
const restore = (...more: string[]): string[] => ['restore', 's3://archive-bucket/2020/', '--days', '1', ...more];
const batch = (...more: string[]): string[] => restore('--batch', '--role-arn', ROLE, '--manifest', 's3://ops-bucket/m/', ...more);
const cost = (...more: string[]): string[] => ['cost', '--template', 'none.json', '--size', '1', '--count', '1', '--months', '1', ...more];

// [command line, option, the range it must state, a command whose usage is printed]
test.each<[string[], string, string, string]>([
  [cp('--part-size-mib', '0'), '--part-size-mib', 'a whole number of MiB from 5 to 5120', 'cp'],
  [cp('--part-size-mib', '4'), '--part-size-mib', 'a whole number of MiB from 5 to 5120', 'cp'],
  [cp('--concurrency', '0'), '--concurrency', 'a whole number from 1 to 1024', 'cp'],
  [cp('--concurrency', '1025'), '--concurrency', 'a whole number from 1 to 1024', 'cp'],
  [cp('--multipart-threshold-mib', '-1'), '--multipart-threshold-mib', 'a whole number of MiB from 0 to 5120', 'cp'],
  [cp('--multipart-threshold-mib', '5121'), '--multipart-threshold-mib', 'a whole number of MiB from 0 to 5120', 'cp'],
  [cpSfn('--wait-timeout-minutes', '0'), '--wait-timeout-minutes', 'a whole number of minutes from 1 to 525600', 'cp'],
  [cpSfn('--wait-timeout-minutes', '525601'), '--wait-timeout-minutes', 'a whole number of minutes from 1 to 525600', 'cp'],
  [cpSfn('--poll-interval-ms', '0'), '--poll-interval-ms', 'a whole number of ms from 1 to 3600000', 'cp'],
  [restore('--concurrency', '0'), '--concurrency', 'a whole number from 1 to 1000', 'restore'],
  [restore('--concurrency', '1001'), '--concurrency', 'a whole number from 1 to 1000', 'restore'],
  [['restore', 's3://archive-bucket/2020/', '--days', '0'], '--days', 'a whole number of days from 1 to 2147483647', 'restore'],
  [batch('--priority', '2147483648'), '--priority', 'a whole number from 0 to 2147483647', 'restore'],
  [batch('--wait', '--wait-timeout-minutes', '0'), '--wait-timeout-minutes', 'a whole number of minutes from 1 to 525600', 'restore'],
  [batch('--wait', '--poll-interval-ms', '3600001'), '--poll-interval-ms', 'a whole number of ms from 1 to 3600000', 'restore'],
  [
    restore('--engine', 'step-functions', '--state-machine-arn', SFN, '--wait-timeout-minutes', '0'),
    '--wait-timeout-minutes',
    'a whole number of minutes from 1 to 525600',
    'restore',
  ],
  [cost('--count', '0'), '--count', 'a whole number from 1 to 9007199254740991', 'cost'],
  [cost('--months', '0'), '--months', 'a whole number of months from 1 to 1200', 'cost'],
  [cost('--months', '1201'), '--months', 'a whole number of months from 1 to 1200', 'cost'],
  [['invoke', 'transfer', '--function', 'f', '--payload', '{}', '--max-invocations', '0'], '--max-invocations', 'a whole number from 1 to', 'invoke'],
  [['probe', '--endpoint', 'http://127.0.0.1:9', '--timeout-ms', '0'], '--timeout-ms', 'a whole number of ms from 1 to 600000', 'probe'],
  [['probe', '--endpoint', 'http://127.0.0.1:9', '--timeout-ms', '600001'], '--timeout-ms', 'a whole number of ms from 1 to 600000', 'probe'],
])('%j: %s states its range (%s), exit 2 with the usage, nothing sent', async (args, option, range, command) => {
  const r = await cli(args);
  expect(r.code).toBe(2);
  const first = r.err.split('\n')[0];
  expect(first).toContain(`bucketkit: ${option}: must be ${range}`);
  expect(first).toMatch(/\(got "[^"]*"\)$/);
  expect(first).not.toMatch(/positive integer/);
  expect(r.err).toContain(`Usage: bucketkit ${command} [options]`);
  expect(s3.calls()).toHaveLength(0);
});

test('cost --size states its range: 0 to 5 TiB', async () => {
  const r = await cli(['cost', '--template', 'none.json', '--size', '6TiB', '--count', '1', '--months', '1']);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^bucketkit: --size: must be .*from 0 to 5 TiB .*\(got "6TiB"\)/);
});

test('every range: both edges pass, one past each edge fails naming the option and both bounds', () => {
  for (const [name, range] of Object.entries(RANGES) as [string, NumericRange][]) {
    expect(wholeNumberOption(String(range.min), `--${name}`, range)).toBe(range.min);
    expect(wholeNumberOption(String(range.max), `--${name}`, range)).toBe(range.max);
    expect(wholeNumberOption(undefined, `--${name}`, range)).toBeUndefined();
    for (const bad of [String(range.min - 1), String(range.max + 1), '1.5', 'x', '']) {
      expect(() => wholeNumberOption(bad, `--${name}`, range)).toThrow(UsageError);
      expect(() => wholeNumberOption(bad, `--${name}`, range)).toThrow(`--${name}: must be ${describeRange(range)} (got ${JSON.stringify(bad)})`);
    }
  }
});
