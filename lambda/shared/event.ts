/**
 * Event parsing: typed readers that name the field on failure. Each handler reads its event with these at the door,
 * before any S3 request, so a bad event fails with a {@link ValidationError} and nothing is half-done.
 *
 * No schema library: the readers are a few lines each and keep the handler bundles small (see docs/architecture.md).
 */
import { ValidationError } from './errors';

/** A JSON object as it arrives in an event. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Reads the fields of one object in an event; `path` prefixes every field name in errors (e.g. `continuation.`). */
export class EventReader {
  public constructor(
    private readonly value: JsonObject,
    private readonly path = '',
  ) {}

  /** Wraps `event`, which must be a JSON object. @throws ValidationError naming `name` */
  public static of(event: unknown, name = 'event'): EventReader {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new ValidationError(name, `must be a JSON object (got ${describe(event)})`);
    return new EventReader(event as JsonObject);
  }

  /** The full path of a field, for messages. */
  public field(name: string): string {
    return `${this.path}${name}`;
  }

  /** True when the field is present (not undefined or null). */
  public has(name: string): boolean {
    return this.value[name] !== undefined && this.value[name] !== null;
  }

  /** A non-empty string of at most `maxLength` characters. */
  public string(name: string, opts: { maxLength?: number; pattern?: RegExp; hint?: string } = {}): string {
    const v = this.value[name];
    if (typeof v !== 'string' || v.length === 0) throw new ValidationError(this.field(name), `must be a non-empty string (got ${describe(v)})`);
    if (opts.maxLength !== undefined && v.length > opts.maxLength)
      throw new ValidationError(this.field(name), `must be at most ${opts.maxLength} characters (got ${v.length})`);
    if (opts.pattern && !opts.pattern.test(v))
      throw new ValidationError(this.field(name), `${opts.hint ?? `must match ${opts.pattern}`} (got ${JSON.stringify(v.slice(0, 80))})`);
    return v;
  }

  /** {@link string}, or undefined when absent. */
  public optionalString(name: string, opts: { maxLength?: number; pattern?: RegExp; hint?: string } = {}): string | undefined {
    return this.has(name) ? this.string(name, opts) : undefined;
  }

  /** An integer in [min, max], or `fallback` when absent. */
  public integer(name: string, min: number, max: number, fallback?: number): number {
    if (!this.has(name)) {
      if (fallback === undefined) throw new ValidationError(this.field(name), 'is required');
      return fallback;
    }
    const v = this.value[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new ValidationError(this.field(name), `must be an integer from ${min} to ${max} (got ${describe(v)})`);
    }
    return v;
  }

  /** A boolean, or `fallback` when absent. */
  public boolean(name: string, fallback: boolean): boolean {
    if (!this.has(name)) return fallback;
    const v = this.value[name];
    if (typeof v !== 'boolean') throw new ValidationError(this.field(name), `must be true or false (got ${describe(v)})`);
    return v;
  }

  /** One of `values`, or undefined when absent. */
  public optionalEnum<T extends string>(name: string, values: readonly T[]): T | undefined {
    if (!this.has(name)) return undefined;
    const v = this.value[name];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new ValidationError(this.field(name), `must be one of ${values.join(', ')} (got ${describe(v)})`);
    }
    return v as T;
  }

  /** A nested object, read with its own path (`parent.`), or undefined when absent. */
  public optionalObject(name: string): EventReader | undefined {
    if (!this.has(name)) return undefined;
    const v = this.value[name];
    if (typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(this.field(name), `must be a JSON object (got ${describe(v)})`);
    return new EventReader(v as JsonObject, `${this.field(name)}.`);
  }

  /** An array of at most `maxItems` entries, each read by `item` with its index in the path (`keys[3]`). */
  public array<T>(name: string, maxItems: number, item: (value: unknown, field: string) => T, opts: { minItems?: number } = {}): T[] {
    const v = this.value[name];
    if (!Array.isArray(v)) throw new ValidationError(this.field(name), `must be an array (got ${describe(v)})`);
    const min = opts.minItems ?? 1;
    if (v.length < min || v.length > maxItems) throw new ValidationError(this.field(name), `must have ${min} to ${maxItems} entries (got ${v.length})`);
    return v.map((entry, i) => item(entry, `${this.field(name)}[${i}]`));
  }

  /** Rejects fields other than `known`, so a misspelt option fails instead of being ignored. */
  public only(known: readonly string[]): void {
    for (const name of Object.keys(this.value)) {
      if (!known.includes(name)) throw new ValidationError(this.field(name), `is not a known field (known: ${known.join(', ')})`);
    }
  }
}

/** A short description of a value for messages: its type, and strings and numbers themselves (cut at 40 chars). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}
