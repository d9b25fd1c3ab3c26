/** Time-axis ticks: nice steps in milliseconds, labels in UTC wall-clock time. */
const STEPS_MS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
  10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
  21_600_000, 43_200_000, 86_400_000,
];

export interface Tick {
  /** ms since origin */
  t: number;
  label: string;
}

/** The smallest nice step that keeps ticks at least `minPx` apart. */
export function tickStep(spanMs: number, widthPx: number, minPx = 96): number {
  const want = (spanMs / Math.max(1, widthPx)) * minPx;
  return STEPS_MS.find((s) => s >= want) ?? (STEPS_MS[STEPS_MS.length - 1] as number);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A tick label for absolute time `epochMs` (UTC), precise enough for `step`:
 * `11:35:40` for ≥ 1 s, `11:35:40.250` for ≥ 1 ms, `40.250125` (seconds and µs) below.
 */
export function tickLabel(epochMs: number, step: number): string {
  const whole = Math.floor(epochMs);
  const d = new Date(whole);
  const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (step >= 1000) return hms;
  const ms = pad(d.getUTCMilliseconds(), 3);
  if (step >= 1) return `${hms}.${ms}`;
  const us = pad(Math.round((epochMs - whole) * 1000) % 1000, 3);
  return `${pad(d.getUTCSeconds())}.${ms}${us}`;
}

/**
 * Ticks for the view [from, to] (ms since origin) drawn `widthPx` wide. Ticks fall on round
 * wall-clock times (`originEpochMs` is the origin as ms since the Unix epoch).
 */
export function ticks(from: number, to: number, widthPx: number, originEpochMs: number): Tick[] {
  if (!(to > from) || widthPx <= 0) return [];
  const step = tickStep(to - from, widthPx);
  const first = Math.ceil((originEpochMs + from) / step) * step;
  const out: Tick[] = [];
  for (let abs = first; abs <= originEpochMs + to && out.length < 200; abs += step) {
    // Snap to the step grid to avoid accumulating float error.
    const snapped = Math.round(abs / step) * step;
    out.push({ t: snapped - originEpochMs, label: tickLabel(snapped, step) });
  }
  return out;
}

/** Wall-clock time with microseconds for tooltips: `11:35:31.492245` (UTC). */
export function clockLabel(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const d = new Date(whole);
  const us = Math.round((epochMs - whole) * 1000);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(Math.min(999, us), 3)}`;
}

/**
 * Where each tick label's centre goes (px), or null where it would overlap its neighbour: labels
 * are `widths` wide, kept inside [0, width], at least `gap` apart. A label pushed in from an edge
 * no longer sits under its tick, so it may collide with the next one: that one is then dropped.
 */
export function placeLabels(
  xs: readonly number[],
  widths: readonly number[],
  width: number,
  gap = 8,
): (number | null)[] {
  let right = -Infinity;
  return xs.map((x, i) => {
    const w = widths[i] ?? 0;
    const c = Math.min(width - w / 2 - 2, Math.max(w / 2 + 2, x));
    if (c - w / 2 < right + gap) return null;
    right = c + w / 2;
    return c;
  });
}
