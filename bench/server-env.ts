/**
 * The variables a server script prints (`bash scripts/servers/<name>.sh env`: `export NAME=value` lines), for the
 * benchmarks that start their own server. A value may itself contain `=`; only the first one splits.
 */
import { execFileSync } from 'node:child_process';

export function serverEnv(script: string, env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    execFileSync('bash', [script, 'env'], { env, encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('export '))
      .map((line) => line.slice('export '.length))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
