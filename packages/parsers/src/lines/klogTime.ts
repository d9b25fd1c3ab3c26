import type { TimeRule } from '@kubetrail/model';
import { yearMonthOfNs } from './timestamp.ts';

/** Where klog-style times (no year, no zone) take their year from, for a whole file. */
export interface YearSource {
  rule: TimeRule;
  /** Reference year; 0 when none. */
  year: number;
  /** Reference month 1–12, or 0 when `year` is exact (the `--year` flag). */
  month: number;
}

/** Picks the file-level year source: `--year`, then the bundle's reference time, then the mtime. */
export function fileYearSource(opts: {
  year: number | null;
  bundleReferenceNs: bigint | null;
  mtimeMs: number | null;
}): YearSource {
  if (opts.year !== null) return { rule: 'flag', year: opts.year, month: 0 };
  if (opts.bundleReferenceNs !== null) return { rule: 'bundle', ...yearMonthOfNs(opts.bundleReferenceNs) };
  if (opts.mtimeMs !== null) {
    const d = new Date(opts.mtimeMs);
    return { rule: 'mtime', year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
  }
  return { rule: 'none', year: 0, month: 0 };
}

/**
 * The year that puts `month` nearest a reference year/month (a December line read against a January
 * reference belongs to the year before). `refMonth` 0 means the reference year is exact.
 */
export function pickYear(month: number, refYear: number, refMonth: number): number {
  if (refMonth === 0) return refYear;
  if (month - refMonth > 6) return refYear - 1;
  if (refMonth - month > 6) return refYear + 1;
  return refYear;
}

/**
 * Turns year-less local times into UTC nanoseconds, caching the calendar arithmetic per second
 * (consecutive lines nearly always share it). `tzOffsetMinutes` is minutes east of UTC.
 */
export class LocalClock {
  private lastYear = 0;
  private lastMonth = 0;
  private lastDay = 0;
  private lastSecondOfDay = -1;
  private lastMs = 0;

  constructor(readonly tzOffsetMinutes: number) {}

  /** Nanoseconds, or null for an impossible date (month 13, Feb 30). `micros` 0–999999. */
  ns(year: number, month: number, day: number, secondOfDay: number, micros: number): bigint | null {
    let ms: number;
    if (
      secondOfDay === this.lastSecondOfDay &&
      day === this.lastDay &&
      month === this.lastMonth &&
      year === this.lastYear
    ) {
      ms = this.lastMs;
    } else {
      if (month < 1 || month > 12 || day < 1 || day > 31 || secondOfDay >= 86_401) return null;
      const dayMs = Date.UTC(year, month - 1, day);
      if (new Date(dayMs).getUTCDate() !== day) return null;
      ms = dayMs + secondOfDay * 1000 - this.tzOffsetMinutes * 60_000;
      this.lastYear = year;
      this.lastMonth = month;
      this.lastDay = day;
      this.lastSecondOfDay = secondOfDay;
      this.lastMs = ms;
    }
    // ms * 1000 stays below 2^53 for any plausible date, so one BigInt conversion suffices.
    return BigInt(ms * 1000 + micros) * 1000n;
  }
}
