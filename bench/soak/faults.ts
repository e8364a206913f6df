/**
 * The soak's fault plan: per request through the fault proxy, draw one fault (or none) at the rates of issue 9
 * item 12. The rates are per HTTP request, so an operation of several requests meets several draws.
 */
import type { Fault, FaultKind, FaultRule } from '../../test/helpers/fault-proxy';
import { Rng } from './rng';

/** Fault rates per request, as fractions. */
export interface FaultRates {
  /** Connection resets, split evenly over at the request, mid-request-body and mid-response. @default 0.01 */
  readonly reset: number;
  /** `503 SlowDown`. @default 0.01 */
  readonly slowDown: number;
  /** Stalls: the proxy answers nothing for `stallMs`, longer than the client's request timeout. @default 0.005 */
  readonly stall: number;
  /** Truncated response bodies (headers promise more than is sent, then the connection closes). @default 0.002 */
  readonly truncate: number;
}

export const DEFAULT_FAULT_RATES: FaultRates = { reset: 0.01, slowDown: 0.01, stall: 0.005, truncate: 0.002 };

/** How many faults of each kind the plan injected. */
export type FaultCounts = Partial<Record<FaultKind | 'slow-down', number>>;

/**
 * A fault rule for {@link FaultProxy.inject} that draws from `rates` with its own seeded generator, and counts what
 * it injected. Requests for which `applies` is false (e.g. another bucket) are never faulted.
 */
export function faultPlan(seed: number, rates: FaultRates, stallMs: number, applies: (url: string) => boolean): { rule: FaultRule; counts: FaultCounts } {
  const rng = new Rng(seed);
  const counts: FaultCounts = {};
  const count = (kind: keyof FaultCounts): void => void (counts[kind] = (counts[kind] ?? 0) + 1);
  const rule: FaultRule = (req) => {
    if (!applies(req.url ?? '')) return undefined;
    let roll = rng.next();
    let fault: Fault | undefined;
    if ((roll -= rates.reset) < 0) fault = { status: 0, reset: rng.pick(['request', 'mid-body', 'mid-response'] as const) };
    else if ((roll -= rates.slowDown) < 0) fault = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
    else if ((roll -= rates.stall) < 0) fault = { status: 0, stallMs };
    else if ((roll -= rates.truncate) < 0) fault = { status: 0, truncateAt: 0.5 };
    if (fault) count(fault.status === 503 ? 'slow-down' : fault.reset ? `reset-${fault.reset}` : fault.stallMs !== undefined ? 'stall' : 'truncate');
    return fault;
  };
  return { rule, counts };
}
