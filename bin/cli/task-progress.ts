/**
 * Progress of work counted in tasks, not bytes: an S3 Batch Operations job (DescribeJob's `ProgressSummary`) or a
 * Step Functions Map Run (DescribeMapRun's `itemCounts`). A cli-progress bar when stderr is a terminal, plain lines
 * at most once a second otherwise (as progress.ts does for bytes), nothing with `--quiet` or `--json`.
 */
import { Presets, SingleBar } from 'cli-progress';
import { PLAIN_PROGRESS_INTERVAL_MS, formatEta } from './progress';

/** One snapshot of a counted run. */
export interface TaskProgress {
  /** The run's status as the service reports it, e.g. `Active`, `RUNNING`. */
  readonly status: string;
  /** Tasks in all; undefined while the service has not counted them yet. */
  readonly total?: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Tasks finished per second so far, when known (for the ETA). */
  readonly tasksPerSecond?: number;
}

/** Receives snapshots; `finish` once, after the last. */
export interface TaskProgressReporter {
  update(progress: TaskProgress): void;
  finish(): void;
}

/** `job 0123: Active, 120 of 1000 tasks (12%), 3 failed, ETA 2m10s`. */
export function taskProgressLine(label: string, p: TaskProgress): string {
  const done = p.succeeded + p.failed;
  const total = p.total === undefined ? '' : ` of ${p.total}`;
  const pct = p.total ? ` (${Math.floor((100 * done) / p.total)}%)` : '';
  const failed = p.failed ? `, ${p.failed} failed` : '';
  const eta = p.total !== undefined && p.tasksPerSecond ? `, ETA ${formatEta(p.total - done, p.tasksPerSecond)}` : '';
  return `${label}: ${p.status}, ${done}${total} tasks${pct}${failed}${eta}`;
}

/** Plain lines on `write`: at most one per {@link PLAIN_PROGRESS_INTERVAL_MS}, and one whenever the status changes. */
export function plainTaskReporter(label: string, write: (line: string) => void, now: () => number = Date.now): TaskProgressReporter {
  let lastAt = -Infinity;
  let lastLine: string | undefined;
  let lastStatus: string | undefined;
  let pending: string | undefined;
  return {
    update(p) {
      const line = taskProgressLine(label, p);
      pending = line;
      if (p.status === lastStatus && now() - lastAt < PLAIN_PROGRESS_INTERVAL_MS) return;
      if (line === lastLine) return;
      lastAt = now();
      lastStatus = p.status;
      lastLine = line;
      write(line);
    },
    finish() {
      if (pending !== undefined && pending !== lastLine) write(pending);
    },
  };
}

/** A cli-progress bar of tasks on `stream` (a TTY). */
export function barTaskReporter(label: string, stream: NodeJS.WritableStream = process.stderr): TaskProgressReporter {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} tasks | {failed} failed | {status}`, stream, hideCursor: true, barsize: 30, fps: 5 },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const done = p.succeeded + p.failed;
      const payload = { failed: p.failed, status: p.status };
      if (!started) {
        bar.start(p.total ?? done, done, payload);
        started = true;
      } else {
        bar.setTotal(p.total ?? done);
        bar.update(done, payload);
      }
    },
    finish() {
      if (started) bar.stop();
    },
  };
}

/** The reporter for the run: none when `quiet`, a bar on a TTY stderr, plain lines through `err` otherwise. */
export function taskReporterFor(label: string, options: { quiet: boolean; err: (s: string) => void; stream?: NodeJS.WriteStream }): TaskProgressReporter {
  if (options.quiet) return { update: () => undefined, finish: () => undefined };
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? barTaskReporter(label, stream) : plainTaskReporter(label, options.err);
}
