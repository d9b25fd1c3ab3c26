import type { Scene } from './scene';
import type { Viewport } from './viewport';

/** Vertical geometry of the canvas, in CSS pixels. */
export const AXIS_H = 24;
export const STAGE_H = 20;
export const TOP = AXIS_H + STAGE_H;
export const LANE_PAD = 5;
export const MARK_H = 16;
export const ROW_H = 13;
export const BAR_H = 10;
export const MIN_LANE_H = 34;

export interface LaneRow {
  /** Index into scene.laneIds. */
  lane: number;
  id: string;
  y: number;
  h: number;
  markY: number;
  /** Top of the first bar row. */
  barY: number;
  rows: number;
}

export interface LaneLayout {
  rows: LaneRow[];
  /** Total canvas height. */
  height: number;
  /** scene lane index → index in rows, or -1 when hidden. */
  rowOfLane: Int32Array;
}

/** Stacks the visible lanes top to bottom under the axis and the stage band. */
export function layoutLanes(
  laneIds: readonly string[],
  hidden: ReadonlySet<string>,
  barRows: Uint8Array,
): LaneLayout {
  const rows: LaneRow[] = [];
  const rowOfLane = new Int32Array(laneIds.length).fill(-1);
  let y = TOP;
  laneIds.forEach((id, lane) => {
    if (hidden.has(id)) return;
    const nRows = barRows[lane] ?? 0;
    const h = Math.max(MIN_LANE_H, LANE_PAD * 2 + MARK_H + nRows * ROW_H);
    rowOfLane[lane] = rows.length;
    rows.push({ lane, id, y, h, markY: y + LANE_PAD, barY: y + LANE_PAD + MARK_H + 1, rows: nRows });
    y += h;
  });
  return { rows, height: y + 8, rowOfLane };
}

/** The lane row under a y coordinate, or null (binary search). */
export function rowAt(layout: LaneLayout, y: number): LaneRow | null {
  let lo = 0;
  let hi = layout.rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = layout.rows[mid] as LaneRow;
    if (y < r.y) hi = mid - 1;
    else if (y >= r.y + r.h) lo = mid + 1;
    else return r;
  }
  return null;
}

/** ms ↔ px for a view drawn `width` pixels wide (x = 0 at the view's start). */
export const msToPx = (v: Viewport, width: number, t: number): number =>
  ((t - v.from) * width) / (v.to - v.from);
export const pxToMs = (v: Viewport, width: number, x: number): number =>
  v.from + (x * (v.to - v.from)) / width;

/** First position in `idx` (indices into `t`, sorted by t) whose time is ≥ `value`. */
export function lowerBound(idx: Uint32Array, t: Float64Array, value: number): number {
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((t[idx[mid] as number] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type Hit =
  | { kind: 'mark'; index: number; recordId: number; t: number }
  | { kind: 'bucket'; index: number; recordId: number; t: number }
  | { kind: 'bar'; index: number; recordId: number | null; t: number };

/**
 * What is under the pointer at (x, y) (CSS px, x relative to the drawing area), within `tol`
 * pixels: the most severe mark (the nearest of those), else a bucket, else a bar of the lane's bar
 * rows.
 */
export function hitTest(
  scene: Scene,
  layout: LaneLayout,
  view: Viewport,
  width: number,
  x: number,
  y: number,
  tol = 4,
): Hit | null {
  const row = rowAt(layout, y);
  if (!row || width <= 0) return null;
  const msPerPx = (view.to - view.from) / width;
  const t = pxToMs(view, width, x);

  if (y < row.barY || row.rows === 0) {
    const { marks } = scene;
    const idx = marks.byLane[row.lane];
    if (idx && idx.length) {
      // Every mark within the tolerance: the most severe wins (the error a user aims at is often
      // drawn over or beside info lines), then the nearest.
      const reach = tol * msPerPx;
      let best = -1;
      let bestSev = -1;
      let bestD = Infinity;
      for (let p = lowerBound(idx, marks.t, t - reach); p < idx.length; p++) {
        const i = idx[p] as number;
        const mt = marks.t[i] as number;
        if (mt > t + reach) break;
        const sev = marks.sev[i] as number;
        const d = Math.abs(mt - t);
        if (sev > bestSev || (sev === bestSev && d < bestD)) {
          best = i;
          bestSev = sev;
          bestD = d;
        }
      }
      if (best >= 0)
        return {
          kind: 'mark',
          index: best,
          recordId: marks.recordId[best] as number,
          t: marks.t[best] as number,
        };
    }
    const { buckets } = scene;
    const slack = 1.5 * msPerPx;
    for (let i = 0; i < buckets.n; i++) {
      if (buckets.lane[i] !== row.lane) continue;
      if (t >= (buckets.t0[i] as number) - slack && t <= (buckets.t1[i] as number) + slack)
        return {
          kind: 'bucket',
          index: i,
          recordId: buckets.recordId[i] as number,
          t: buckets.t0[i] as number,
        };
    }
    return null;
  }

  const r = Math.floor((y - row.barY) / ROW_H);
  const { bars } = scene;
  const slack = 2 * msPerPx;
  let best = -1;
  let bestSpan = Infinity;
  for (let i = 0; i < bars.n; i++) {
    if (bars.lane[i] !== row.lane || bars.row[i] !== r) continue;
    const t0 = bars.t0[i] as number;
    const t1 = bars.t1[i] as number;
    if (t >= t0 - slack && t <= t1 + slack && t1 - t0 < bestSpan) {
      best = i;
      bestSpan = t1 - t0;
    }
  }
  if (best < 0) return null;
  const rid = bars.recordId[best] as number;
  return { kind: 'bar', index: best, recordId: rid >= 0 ? rid : null, t: bars.t0[best] as number };
}
