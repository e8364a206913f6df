/**
 * A live count of per-key outcomes for the batch commands (`restore`, `restore-status`): one line rewritten in place
 * (`\r`) on a terminal, a plain line at most once a second otherwise, and the final counts always.
 */

/** Plain count lines at most this often, ms. */
export const COUNT_INTERVAL_MS = 1_000;

/** Counts by outcome, in first-seen order. */
export class LiveCount {
  public readonly counts = new Map<string, number>();
  private total = 0;
  private lastAt = -Infinity;
  private drawn = false;

  /**
   * @param label the line's prefix, e.g. `restore`
   * @param write plain output (a line); used off a TTY
   * @param stream a TTY stream to redraw one line on; undefined off a TTY
   * @param now the clock, ms
   */
  public constructor(
    private readonly label: string,
    private readonly write: (line: string) => void,
    private readonly stream: NodeJS.WritableStream | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one key's outcome and shows the count when due. */
  public add(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    this.total++;
    if (this.stream) {
      this.stream.write(`\r${this.line()}\x1b[K`);
      this.drawn = true;
    } else if (this.now() - this.lastAt >= COUNT_INTERVAL_MS) {
      this.lastAt = this.now();
      this.write(this.line());
    }
  }

  /** Ends the live line (TTY) or writes the final count (plain) when it was not the last written. */
  public finish(): void {
    if (this.stream) {
      if (this.drawn) this.stream.write(`\r${this.line()}\x1b[K\n`);
    } else if (this.total > 0) this.write(this.line());
  }

  /** `restore: 12 keys: started 10, not-archived 2`. */
  public line(): string {
    const parts = [...this.counts].map(([k, n]) => `${k} ${n}`).join(', ');
    return `${this.label}: ${this.total} key(s)${parts ? `: ${parts}` : ''}`;
  }
}

/** A LiveCount on stderr: redrawn on a TTY, plain lines through `err` otherwise, none when `quiet`. */
export function liveCountFor(label: string, err: (s: string) => void, quiet: boolean, stream: NodeJS.WriteStream = process.stderr): LiveCount {
  if (quiet)
    return new LiveCount(
      label,
      () => undefined,
      undefined,
      () => -Infinity,
    );
  return new LiveCount(label, err, stream.isTTY ? stream : undefined);
}
