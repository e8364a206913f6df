/** Collects the soak's outcomes and turns them into figures, a verdict against the goals, and text. */
import { faultKind, type Fault } from '../../test/helpers/fault-proxy';
import type { FaultCounts } from './faults';
import type { OperationKind, Outcome } from './operations';

/** Goals of issue 9 item 12. */
export const GOALS = { successRate: 0.9999, corrupt: 0, orphans: 0, hung: 0 } as const;

/** One operation that did not succeed, with what was injected into its requests. */
export interface Failure {
  readonly opId: number;
  readonly kind: OperationKind;
  readonly outcome: 'failed' | 'corrupt' | 'hung';
  readonly error: string;
  readonly faults: string[];
  readonly ms: number;
}

export interface SoakFigures {
  readonly target: string;
  readonly ops: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly hung: number;
  readonly corrupt: { readonly bytes: number; readonly metadata: number; readonly listing: number };
  readonly orphans: { readonly count: number; readonly keys: string[] };
  readonly successRate: number;
  readonly peakRssMiB: number;
  readonly seconds: number;
  readonly requests: number;
  readonly faults: FaultCounts;
  readonly byKind: Record<string, { ops: number; notOk: number }>;
  readonly failures: Failure[];
  readonly goalsMet: boolean;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; s3Code?: string; cause?: unknown };
  const cause = e.cause instanceof Error ? ` <- ${e.cause.name}: ${e.cause.message.split('\n')[0]}` : '';
  return `${e.name}${e.code ? `(${e.code}${e.s3Code ? `/${e.s3Code}` : ''})` : ''}: ${e.message.split('\n')[0].slice(0, 240)}${cause.slice(0, 200)}`;
}

export class SoakRecorder {
  private readonly faultsByOp = new Map<number, string[]>();
  private readonly failures: Failure[] = [];
  private readonly byKind: Record<string, { ops: number; notOk: number }> = {};
  private succeeded = 0;
  private failed = 0;
  private hung = 0;
  private readonly corrupt = { bytes: 0, metadata: 0, listing: 0 };
  private peakRss = 0;

  public constructor(
    private readonly target: string,
    private readonly ops: number,
  ) {}

  public fault(opId: number, requestNumber: number, fault: Fault): void {
    const list = this.faultsByOp.get(opId) ?? [];
    list.push(`${fault.status === 503 ? 'slow-down' : faultKind(fault)}@req${requestNumber}`);
    this.faultsByOp.set(opId, list);
  }

  public sampleRss(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  }

  public record(opId: number, kind: OperationKind, outcome: Outcome | 'hung', ms: number): void {
    const k = (this.byKind[kind] ??= { ops: 0, notOk: 0 });
    k.ops++;
    const faults = this.faultsByOp.get(opId) ?? [];
    this.faultsByOp.delete(opId);
    if (outcome !== 'hung' && outcome.ok) {
      this.succeeded++;
      return;
    }
    k.notOk++;
    if (outcome === 'hung') {
      this.hung++;
      this.failures.push({ opId, kind, outcome: 'hung', error: `did not settle within its deadline (${ms} ms)`, faults, ms });
      return;
    }
    if (outcome.corrupt) this.corrupt[outcome.corrupt.what]++;
    else this.failed++;
    const error = [outcome.corrupt?.detail, outcome.error === undefined ? undefined : describe(outcome.error)].filter(Boolean).join(' / ');
    this.failures.push({ opId, kind, outcome: outcome.corrupt ? 'corrupt' : 'failed', error, faults, ms });
  }

  public figures(extra: { seconds: number; orphans: { count: number; keys: string[] }; requests: number; faults: FaultCounts }): SoakFigures {
    const successRate = this.succeeded / this.ops;
    const corruptTotal = this.corrupt.bytes + this.corrupt.metadata + this.corrupt.listing;
    return {
      target: this.target,
      ops: this.ops,
      succeeded: this.succeeded,
      failed: this.failed,
      hung: this.hung,
      corrupt: { ...this.corrupt },
      successRate,
      peakRssMiB: Math.round(this.peakRss / 1024 / 1024),
      byKind: this.byKind,
      failures: this.failures,
      goalsMet: successRate >= GOALS.successRate && corruptTotal === GOALS.corrupt && extra.orphans.count === GOALS.orphans && this.hung === GOALS.hung,
      ...extra,
    };
  }
}

/** The plain one-line summary test:compat prints per target. */
export function summaryLine(f: SoakFigures): string {
  const corrupt = f.corrupt.bytes + f.corrupt.metadata + f.corrupt.listing;
  return (
    `soak ${f.target}: ${f.ops} ops, ${(f.successRate * 100).toFixed(2)}% succeeded (${f.failed} failed, ${f.hung} hung, ${corrupt} corrupt ` +
    `[bytes ${f.corrupt.bytes}, metadata ${f.corrupt.metadata}, listing ${f.corrupt.listing}]), ${f.orphans.count} orphaned uploads, ` +
    `peak RSS ${f.peakRssMiB} MiB, ${f.seconds.toFixed(0)} s, ${f.requests} requests, faults ${JSON.stringify(f.faults)}: ${f.goalsMet ? 'goals met' : 'GOALS MISSED'}`
  );
}

/** The figures as a Markdown table row plus the failures, grouped by error. */
export function markdown(f: SoakFigures): string {
  const corrupt = f.corrupt.bytes + f.corrupt.metadata + f.corrupt.listing;
  const groups = new Map<string, Failure[]>();
  for (const x of f.failures) {
    const key = `${x.kind} ${x.outcome}: ${x.error.replace(/soak\/w\d+\/g\d+\/\w+/g, '<key>').replace(/\d{3,}/g, 'N')}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  const lines = [
    `| ${f.target} | ${f.ops} | ${(f.successRate * 100).toFixed(3)}% | ${f.failed} | ${corrupt} (bytes ${f.corrupt.bytes}, metadata ${f.corrupt.metadata}, listing ${f.corrupt.listing}) | ${f.orphans.count} | ${f.hung} | ${f.peakRssMiB} MiB | ${f.seconds.toFixed(0)} s | ${f.requests} |`,
    '',
    `Faults injected on ${f.target}: ${Object.entries(f.faults)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}.`,
    '',
    ...[...groups].map(([key, xs]) => `- ${xs.length} × ${key} — faults on those operations: ${xs.map((x) => `[${x.faults.join(' ') || 'none'}]`).join(' ')}`),
  ];
  return lines.join('\n');
}
