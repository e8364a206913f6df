import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CapabilityReport } from '../../types/compatibility';
import type { ProbeOptions } from '../../types/compatibility';
import type { ProbeConfig } from './probes/context';
import { probeCapabilities } from './probe-entry';

/**
 * How long a report with a feature the probe could not tell (`unknown` from a timeout or an unrelated failure) stays
 * cached, at most: one minute, so a passing network hiccup does not stand for the whole TTL.
 */
export const UNKNOWN_REPORT_TTL_MS = 60_000;

/** True when a report holds an `unknown` that a later run may resolve (a timeout or an unrelated failure). */
export function hasTransientUnknown(report: CapabilityReport): boolean {
  return Object.values(report.features).some((c) => c.status === 'unknown' && (c.reason === 'timeout' || c.reason === 'error'));
}

/**
 * Caches reports by endpoint with a time-to-live, in memory (a Lambda's warm container) or in a JSON file. A report
 * with a transient `unknown` is kept at most {@link UNKNOWN_REPORT_TTL_MS}.
 */
export class CapabilityCache {
  private readonly memory = new Map<string, { report: CapabilityReport; expires: number }>();

  /**
   * @param ttlMs how long a report stays fresh
   * @param filePath where to persist reports; in memory only when omitted
   */
  public constructor(
    private readonly ttlMs: number,
    private readonly filePath?: string,
  ) {}

  /** A fresh cached report, or a new probe run (then cached). */
  public async get(config: ProbeConfig, options?: ProbeOptions, now = Date.now()): Promise<CapabilityReport> {
    const key = config.endpoint ?? 'aws';
    const cached = this.memory.get(key) ?? (await this.readFile(key));
    // A report is reused only for the endpoint it was made for, while fresh.
    if (cached && cached.expires > now) return cached.report;
    const report = await probeCapabilities(config, options);
    await this.set(key, report, now);
    return report;
  }

  /** Forgets every report, in memory (the file, if any, is left for other processes). */
  public clear(): void {
    this.memory.clear();
  }

  /** Stores a report. */
  public async set(key: string, report: CapabilityReport, now = Date.now()): Promise<void> {
    const ttl = hasTransientUnknown(report) ? Math.min(this.ttlMs, UNKNOWN_REPORT_TTL_MS) : this.ttlMs;
    const entry = { report, expires: now + ttl };
    this.memory.set(key, entry);
    if (!this.filePath) return;
    const all = await this.readAll();
    all[key] = entry;
    await mkdir(dirname(this.filePath), { recursive: true });
    await writeFile(this.filePath, JSON.stringify(all, null, 2));
  }

  private async readFile(key: string) {
    return (await this.readAll())[key];
  }

  private async readAll(): Promise<Record<string, { report: CapabilityReport; expires: number }>> {
    if (!this.filePath) return {};
    try {
      return JSON.parse(await readFile(this.filePath, 'utf8'));
    } catch {
      return {};
    }
  }
}
