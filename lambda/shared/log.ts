/**
 * Structured JSON logs: one line per entry on stdout, with the Lambda request id, so CloudWatch Logs Insights can
 * filter on any field. Secrets never appear: any field whose name looks like a credential or a customer key is
 * replaced by `[redacted]`, at any depth, and callers log chosen fields, never whole events.
 */

/** Log levels, lowest first. `LOG_LEVEL` (Lambda's advanced logging controls set `AWS_LAMBDA_LOG_LEVEL`) picks the lowest printed. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names that are never printed: credentials, session tokens, SSE-C keys, passwords, authorization headers. */
export const REDACTED_FIELD = /secret|password|passphrase|credential|session.?token|access.?key.?id|authorization|customer.?key|^sse.?c|signature/i;

/** Where a line goes; stdout by default. */
export type LogSink = (line: string) => void;

/** A logger bound to one invocation. */
export class Logger {
  private readonly min: number;

  /**
   * @param base fields on every line, e.g. `{ requestId, function }`
   * @param sink where lines go @default process.stdout
   * @param level the lowest level printed @default `AWS_LAMBDA_LOG_LEVEL` or `LOG_LEVEL` or 'info'
   */
  public constructor(
    private readonly base: Readonly<Record<string, unknown>>,
    private readonly sink: LogSink = (line) => process.stdout.write(`${line}\n`),
    level: string | undefined = process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.LOG_LEVEL,
  ) {
    const i = LOG_LEVELS.indexOf((level ?? 'info').toLowerCase() as LogLevel);
    this.min = i < 0 ? 1 : i;
  }

  public debug(message: string, fields: Record<string, unknown> = {}): void {
    this.write('debug', message, fields);
  }
  public info(message: string, fields: Record<string, unknown> = {}): void {
    this.write('info', message, fields);
  }
  public warn(message: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', message, fields);
  }
  public error(message: string, fields: Record<string, unknown> = {}): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    if (LOG_LEVELS.indexOf(level) < this.min) return;
    this.sink(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...redact(this.base), ...redact(fields) }));
  }
}

/** A copy of `value` with every field named like a secret replaced by `[redacted]`, at any depth (cycles cut). */
export function redact<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[cycle]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen)) as T;
  if (value instanceof Error) return { name: value.name, message: value.message } as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACTED_FIELD.test(k) ? '[redacted]' : redact(v, seen);
  return out as T;
}

/** A logger that prints nothing (tests, and cores called as a library). */
export const SILENT = new Logger({}, () => undefined);
