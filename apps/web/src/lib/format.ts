/** Display helpers. Times are shown in UTC: log bundles are shared across time zones. */

/** `2024-06-10T11:35:40.244334567Z` → `2024-06-10 11:35:40.244`. */
export function formatTimestamp(rfc3339: string | null | undefined): string {
  if (!rfc3339) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(rfc3339);
  if (!m) return rfc3339;
  return `${m[1]} ${m[2]}${(m[3] ?? '.000').padEnd(4, '0')}`;
}

/** Time of day only, with milliseconds: `11:35:40.244`. */
export function formatClock(rfc3339: string | null | undefined): string {
  const full = formatTimestamp(rfc3339);
  return full.length > 11 ? full.slice(11) : full;
}

/** A duration in milliseconds as a short human string: `850 µs`, `12 ms`, `1.52 s`, `2 m 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1) return `${sign}${Math.round(a * 1000)} µs`;
  if (a < 1000) return `${sign}${a < 10 ? a.toFixed(1) : Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  if (a < 3_600_000) {
    const m = Math.floor(a / 60_000);
    const s = Math.round((a % 60_000) / 1000);
    return `${sign}${m} m ${String(s).padStart(2, '0')} s`;
  }
  const h = Math.floor(a / 3_600_000);
  const m = Math.round((a % 3_600_000) / 60_000);
  return `${sign}${h} h ${String(m).padStart(2, '0')} m`;
}

/** Bytes as `1.4 MB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const nf = new Intl.NumberFormat('en-US');
/** `12345` → `12,345`. */
export const formatCount = (n: number): string => nf.format(n);

/** `1 request`, `2 requests`: a count with its noun (`plural` when the noun adds more than an s). */
export const countOf = (n: number, noun: string, plural = `${noun}s`): string =>
  `${formatCount(n)} ${n === 1 ? noun : plural}`;
