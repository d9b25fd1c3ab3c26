import { SEVERITIES } from '@kubetrail/model';
import type { Histogram, Severity } from '@kubetrail/model';
import { rfc3339ToOffset } from './time';
import type { Viewport } from './viewport';

export type HistogramRow = { t: number; label: string } & Record<Severity, number>;

/** Histogram buckets as chart rows, with `t` in ms since the timeline origin. */
export function toChartRows(h: Histogram, origin: string, label: (t: number) => string): HistogramRow[] {
  const rows: HistogramRow[] = [];
  for (const b of h.buckets) {
    const t = rfc3339ToOffset(origin, b.t);
    if (t === null) continue;
    const row = { t, label: label(t) } as HistogramRow;
    for (const s of SEVERITIES) row[s] = b.counts[s] ?? 0;
    rows.push(row);
  }
  return rows;
}

/** Brush indices covering a view (clamped to the rows). */
export function brushIndices(rows: HistogramRow[], v: Viewport): { startIndex: number; endIndex: number } {
  const last = Math.max(0, rows.length - 1);
  let startIndex = 0;
  while (startIndex < last && (rows[startIndex + 1]?.t ?? Infinity) <= v.from) startIndex++;
  let endIndex = last;
  // The last bucket that starts before the view ends.
  while (endIndex > startIndex && (rows[endIndex]?.t ?? -Infinity) >= v.to) endIndex--;
  return { startIndex, endIndex };
}

/** The view a brush selection means: from its first bucket's start to its last bucket's end. */
export function viewFromBrush(
  rows: HistogramRow[],
  bucketMs: number,
  startIndex: number,
  endIndex: number,
): Viewport | null {
  const a = rows[Math.max(0, Math.min(startIndex, endIndex))];
  const b = rows[Math.min(rows.length - 1, Math.max(startIndex, endIndex))];
  if (!a || !b) return null;
  const to = b.t + Math.max(bucketMs, 0.001);
  return { from: a.t, to };
}
