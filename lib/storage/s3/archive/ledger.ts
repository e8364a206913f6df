import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RestoreTier } from '../../../rules/storage-classes';

/** The states a ledger line records: `requested` is written before RestoreObject is sent, the others after. */
export type LedgerState = 'requested' | 'started' | 'already-restored' | 'in-progress' | 'not-archived' | 'failed';

/** One line of a restore ledger (JSON lines; the last line for a key wins). */
export interface LedgerEntry {
  readonly key: string;
  readonly versionId?: string;
  readonly tier: RestoreTier;
  /** ISO 8601. */
  readonly requestedAt: string;
  readonly state: LedgerState;
}

const id = (key: string, versionId?: string) => `${versionId ?? ''}\u0000${key}`;

/**
 * An append-only restore ledger. Each line is written with one `write(2)` before the call returns, so a process that
 * is SIGKILLed leaves every line it wrote (at worst a torn last line, which is ignored). It holds keys, version ids,
 * tiers, times and states only: never credentials.
 */
export class RestoreLedger {
  private readonly fd: number;
  private readonly last = new Map<string, LedgerEntry>();

  public constructor(public readonly path: string) {
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as LedgerEntry;
          if (typeof entry.key === 'string' && typeof entry.state === 'string') this.last.set(id(entry.key, entry.versionId), entry);
        } catch {
          // A torn last line from a killed run: the key counts as not recorded.
        }
      }
    }
    this.fd = openSync(path, 'a');
    // A torn line must not glue itself to the next one.
    writeSync(this.fd, '\n');
  }

  /** The last entry for a key, if any. */
  public get(key: string, versionId?: string): LedgerEntry | undefined {
    return this.last.get(id(key, versionId));
  }

  /** Appends an entry (synchronously: it is in the file when this returns). */
  public record(entry: LedgerEntry): void {
    this.last.set(id(entry.key, entry.versionId), entry);
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  public close(): void {
    closeSync(this.fd);
  }
}
