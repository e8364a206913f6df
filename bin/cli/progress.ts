/**
 * Transfer progress for the CLI: a cli-progress bar (bytes, rate, ETA) when stderr is a terminal, plain lines at
 * most once a second when it is not (a log file, CI), nothing with `--json` or `--quiet`.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { TransferProgress } from '../../lib/storage';
import { formatBytes } from './s3-target';

/** Receives a transfer's progress snapshots; `finish` is called once, after the last. */
export interface ProgressReporter {
  update(progress: TransferProgress): void;
  finish(): void;
}

/** Plain lines at most this often, ms. */
export const PLAIN_PROGRESS_INTERVAL_MS = 1_000;

/** `12.3 MiB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** Seconds left at `bytesPerSecond`, as `1h02m`, `3m07s` or `42s`; `?` when the rate or total is unknown. */
export function formatEta(remainingBytes: number, bytesPerSecond: number): string {
  if (!(bytesPerSecond > 0) || !Number.isFinite(remainingBytes)) return '?';
  const s = Math.ceil(remainingBytes / bytesPerSecond);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One plain progress line: `label: 48.0 MiB of 200.0 MiB (24%), 3 of 13 parts, 12.3 MiB/s, ETA 13s`. */
export function progressLine(label: string, p: TransferProgress): string {
  const total = p.totalBytes;
  const pct = total ? ` (${Math.floor((100 * p.transferredBytes) / total)}%)` : '';
  const parts = p.totalParts ? `, ${p.partsDone} of ${p.totalParts} parts` : '';
  const eta = total === undefined ? '' : `, ETA ${formatEta(total - p.transferredBytes, p.bytesPerSecond)}`;
  return `${label}: ${formatBytes(p.transferredBytes)}${total === undefined ? '' : ` of ${formatBytes(total)}`}${pct}${parts}, ${formatRate(p.bytesPerSecond)}${eta}`;
}

/** Plain lines on `write`, at most one per {@link PLAIN_PROGRESS_INTERVAL_MS}, and the last one always. */
export function plainReporter(label: string, write: (line: string) => void, now: () => number = Date.now): ProgressReporter {
  let lastAt = -Infinity;
  let last: TransferProgress | undefined;
  let lastWritten: TransferProgress | undefined;
  return {
    update(p) {
      last = p;
      if (now() - lastAt < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastAt = now();
      lastWritten = p;
      write(progressLine(label, p));
    },
    finish() {
      if (last && last !== lastWritten) write(progressLine(label, last));
    },
  };
}

/** A cli-progress bar on `stream` (a TTY): bar, percent, bytes done of total, rate and ETA. */
export function barReporter(label: string, stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {done} / {size} | {rate} | ETA {etaText}`,
      stream: stream as NodeJS.WritableStream & { isTTY?: boolean },
      hideCursor: true,
      barsize: 30,
      fps: 10,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const total = p.totalBytes ?? p.transferredBytes;
      const payload = {
        done: formatBytes(p.transferredBytes),
        size: p.totalBytes === undefined ? '?' : formatBytes(p.totalBytes),
        rate: formatRate(p.bytesPerSecond),
        etaText: formatEta(total - p.transferredBytes, p.bytesPerSecond),
      };
      if (!started) {
        bar.start(total, p.transferredBytes, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.transferredBytes, payload);
      }
    },
    finish() {
      if (started) bar.stop();
    },
  };
}

/** No output. */
export const SILENT_REPORTER: ProgressReporter = { update: () => undefined, finish: () => undefined };

/** The reporter for the run: none when `quiet`, a bar on a TTY stderr, plain lines otherwise. */
export function reporterFor(label: string, options: { quiet: boolean; err: (s: string) => void; stream?: NodeJS.WriteStream }): ProgressReporter {
  if (options.quiet) return SILENT_REPORTER;
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? barReporter(label, stream) : plainReporter(label, options.err);
}
