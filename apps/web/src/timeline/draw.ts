import { placeLabels, ticks } from './axis';
import { COLORS, SEVERITY_BY_RANK } from './colors';
import { AXIS_H, BAR_H, MARK_H, ROW_H, STAGE_H, TOP, lowerBound } from './layout';
import type { LaneLayout } from './layout';
import { BAR_SPAN, KIND_EVENT, KIND_STATE } from './scene';
import type { Scene } from './scene';
import type { Viewport } from './viewport';
import { formatDuration } from '../lib/format';

export interface DrawOptions {
  width: number;
  height: number;
  dpr: number;
  view: Viewport;
  originEpochMs: number;
  selected: number | null;
  hovered: number | null;
  /** True while the data for this view is still being fetched (dims nothing, adds a hint). */
  loading: boolean;
  /** A range being selected on the time axis (ms), shaded. */
  brush?: { from: number; to: number } | null;
}

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const FONT_BOLD = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/**
 * Draws the whole timeline in one pass: lanes, grid and axis, buckets, marks (one path per
 * severity), bars, stage lines, the stop point, selection. Only what is inside the view is drawn.
 */
export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  layout: LaneLayout,
  o: DrawOptions,
): void {
  const { width: W, height: H, view } = o;
  const k = W / (view.to - view.from);
  const X = (t: number) => (t - view.from) * k;
  ctx.setTransform(o.dpr, 0, 0, o.dpr, 0, 0);
  ctx.fillStyle = COLORS.bg;
  ctx.fillRect(0, 0, W, H);

  // Lane backgrounds.
  layout.rows.forEach((r, i) => {
    if (i % 2 === 1) {
      ctx.fillStyle = COLORS.laneAlt;
      ctx.fillRect(0, r.y, W, r.h);
    }
  });
  ctx.fillStyle = COLORS.laneLine;
  for (const r of layout.rows) ctx.fillRect(0, r.y + r.h - 1, W, 1);

  // Grid and axis.
  const tk = ticks(view.from, view.to, W, o.originEpochMs);
  ctx.fillStyle = COLORS.grid;
  for (const t of tk) ctx.fillRect(Math.round(X(t.t)), TOP, 1, H - TOP);
  ctx.fillStyle = COLORS.axisBg;
  ctx.fillRect(0, 0, W, AXIS_H);
  ctx.fillStyle = COLORS.axisLine;
  ctx.fillRect(0, AXIS_H - 1, W, 1);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  const tickX = tk.map((t) => Math.round(X(t.t)));
  const at = placeLabels(
    tickX,
    tk.map((t) => ctx.measureText(t.label).width),
    W,
  );
  tk.forEach((t, i) => {
    const x = tickX[i] as number;
    ctx.fillStyle = COLORS.axisLine;
    ctx.fillRect(x, AXIS_H - 6, 1, 6);
    const lx = at[i];
    if (lx === null || lx === undefined) return;
    ctx.fillStyle = COLORS.axisText;
    ctx.fillText(t.label, lx, AXIS_H / 2 - 2);
  });
  ctx.textAlign = 'left';

  // Buckets: a block per bucket, coloured by its worst severity, denser = more opaque.
  const { buckets } = scene;
  for (let i = 0; i < buckets.n; i++) {
    const row = layout.rows[layout.rowOfLane[buckets.lane[i] as number] as number];
    if (!row) continue;
    const x0 = X(buckets.t0[i] as number);
    const x1 = X(buckets.t1[i] as number);
    if (x1 < -2 || x0 > W + 2) continue;
    const c = buckets.count[i] as number;
    ctx.globalAlpha = Math.min(0.95, 0.35 + Math.log10(c + 1) * 0.2);
    ctx.fillStyle = SEVERITY_BY_RANK[buckets.sev[i] as number] ?? '#888';
    const h = Math.min(MARK_H, 6 + Math.log2(c + 1) * 1.5);
    ctx.fillRect(x0, row.markY + (MARK_H - h), Math.max(2, x1 - x0), h);
  }
  ctx.globalAlpha = 1;

  // Marks, one severity at a time (least severe first, so errors end on top): ticks for lines,
  // diamonds for Kubernetes Events. A lane draws at most one tick per device pixel column and
  // severity, so 50 000 marks cost no more than the pixels they cover.
  const { marks } = scene;
  const laneCount = scene.laneIds.length;
  const lastCol = new Float64Array(laneCount);
  const lastEvt = new Float64Array(laneCount);
  const rowY = new Float64Array(laneCount).fill(NaN);
  for (let l = 0; l < laneCount; l++) {
    const row = layout.rows[layout.rowOfLane[l] as number];
    if (row) rowY[l] = row.markY;
  }
  const snap = 1 / o.dpr;
  for (let s = 0; s < 5; s++) {
    const idx = marks.bySev[s];
    if (!idx || idx.length === 0) continue;
    const lo = lowerBound(idx, marks.t, view.from - 6 / k);
    const hi = lowerBound(idx, marks.t, view.to + 6 / k);
    if (lo >= hi) continue;
    lastCol.fill(-Infinity);
    lastEvt.fill(-Infinity);
    ctx.fillStyle = SEVERITY_BY_RANK[s] ?? '#888';
    const tall = s >= 3;
    const w = tall ? 3 : 2;
    const y0 = tall ? 0 : 3;
    const h = tall ? MARK_H : MARK_H - 6;
    let events = false;
    for (let p = lo; p < hi; p++) {
      const i = idx[p] as number;
      const lane = marks.lane[i] as number;
      const y = rowY[lane] as number;
      if (Number.isNaN(y)) continue;
      const x = X(marks.t[i] as number);
      if (marks.kind[i] === KIND_EVENT || marks.kind[i] === KIND_STATE) {
        events = true;
        continue;
      }
      const col = Math.round(x / snap);
      if (col === lastCol[lane]) continue;
      lastCol[lane] = col;
      ctx.fillRect(x - w / 2, y + y0, w, h);
    }
    if (!events) continue;
    ctx.beginPath();
    for (let p = lo; p < hi; p++) {
      const i = idx[p] as number;
      if (marks.kind[i] === KIND_STATE) {
        // An object's state (a condition, a container state): a square.
        const lane = marks.lane[i] as number;
        const y = rowY[lane] as number;
        if (Number.isNaN(y)) continue;
        const x = X(marks.t[i] as number);
        ctx.rect(x - 4, y + MARK_H / 2 - 4, 8, 8);
        continue;
      }
      if (marks.kind[i] !== KIND_EVENT) continue;
      const lane = marks.lane[i] as number;
      const y = rowY[lane] as number;
      if (Number.isNaN(y)) continue;
      const x = X(marks.t[i] as number);
      if (x - (lastEvt[lane] as number) < 2) continue;
      lastEvt[lane] = x;
      const cy = y + MARK_H / 2;
      ctx.moveTo(x, cy - 6);
      ctx.lineTo(x + 5, cy);
      ctx.lineTo(x, cy + 6);
      ctx.lineTo(x - 5, cy);
      ctx.closePath();
    }
    ctx.fill();
  }

  // Bars: API calls and spans. All bars first, then labels (so no bar covers a label); a label
  // goes inside its bar when it fits, else after it when the row is free up to the next bar.
  const { bars } = scene;
  const barY = new Float64Array(bars.n).fill(NaN);
  for (let i = 0; i < bars.n; i++) {
    const row = layout.rows[layout.rowOfLane[bars.lane[i] as number] as number];
    if (!row) continue;
    const x0 = X(bars.t0[i] as number);
    const x1 = X(bars.t1[i] as number);
    if (x1 < -2 || x0 > W + 2) continue;
    const y = row.barY + (bars.row[i] as number) * ROW_H;
    barY[i] = y;
    const isSpan = bars.type[i] === BAR_SPAN;
    ctx.fillStyle = bars.error[i]
      ? isSpan
        ? COLORS.spanError
        : COLORS.apiBarError
      : isSpan
        ? bars.critical[i]
          ? COLORS.spanCritical
          : COLORS.spanBar
        : COLORS.apiBar;
    ctx.fillRect(x0, y, Math.max(2, x1 - x0), BAR_H);
  }
  ctx.font = FONT;
  const labelEnd = new Map<number, number>();
  for (let i = 0; i < bars.n; i++) {
    const y = barY[i] as number;
    if (Number.isNaN(y)) continue;
    const t0 = bars.t0[i] as number;
    const t1 = bars.t1[i] as number;
    const x0 = X(t0);
    const x1 = Math.max(x0 + 2, X(t1));
    const key = (bars.lane[i] as number) * 256 + (bars.row[i] as number);
    const free = labelEnd.get(key) ?? -Infinity;
    // Where the next bar of the same row starts (bars are sorted by start).
    let next = Infinity;
    for (let j = i + 1; j < bars.n && j < i + 64; j++) {
      if (bars.lane[j] === bars.lane[i] && bars.row[j] === bars.row[i]) {
        next = X(bars.t0[j] as number);
        break;
      }
    }
    const text = `${bars.label[i] ?? ''} · ${formatDuration(t1 - t0)}`;
    const tw = ctx.measureText(text).width;
    const vx0 = Math.max(0, x0);
    const vx1 = Math.min(W, x1);
    if (tw + 6 <= vx1 - vx0 && vx0 >= free) {
      ctx.fillStyle = COLORS.barText;
      ctx.fillText(text, vx0 + 3, y + BAR_H / 2 + 0.5);
      labelEnd.set(key, vx0 + tw + 8);
    } else if (x1 > 0 && x1 >= free && x1 + tw + 6 < Math.min(W, next)) {
      ctx.fillStyle = COLORS.barTextDark;
      ctx.fillText(text, x1 + 3, y + BAR_H / 2 + 0.5);
      labelEnd.set(key, x1 + tw + 8);
    }
  }

  // Stage lines with labels in the stage band; failed stages and the stop point win space.
  ctx.fillStyle = COLORS.axisBg;
  ctx.fillRect(0, AXIS_H, W, STAGE_H);
  ctx.fillStyle = COLORS.laneLine;
  ctx.fillRect(0, TOP - 1, W, 1);
  const taken: [number, number][] = [];
  const place = (x: number, w: number): number | null => {
    let lx = Math.min(W - w - 2, Math.max(2, x + 3));
    for (let tries = 0; tries < 2; tries++) {
      const clash = taken.find(([a, b]) => lx < b + 4 && lx + w > a - 4);
      if (!clash) {
        taken.push([lx, lx + w]);
        return lx;
      }
      if (tries === 0) lx = Math.min(W - w - 2, Math.max(2, x - w - 3));
    }
    return null;
  };
  const stageLine = (t: number, color: string, label: string, dashed: boolean, bold: boolean) => {
    const x = Math.round(X(t)) + 0.5;
    if (x < -1 || x > W + 1) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = bold ? 2 : 1;
    ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H);
    ctx.lineTo(x, H);
    ctx.stroke();
    ctx.font = bold ? FONT_BOLD : FONT;
    const tw = ctx.measureText(label).width;
    const lx = place(x, tw);
    if (lx !== null) {
      ctx.fillStyle = bold ? COLORS.stopLabelBg : COLORS.labelBg;
      ctx.fillRect(lx - 2, AXIS_H + 2, tw + 4, STAGE_H - 4);
      ctx.fillStyle = color;
      ctx.fillText(label, lx, AXIS_H + STAGE_H / 2);
    }
  };
  if (scene.stopT !== null)
    stageLine(scene.stopT, COLORS.stop, `✗ ${scene.stopLabel ?? 'stopped'}`, false, true);
  for (const st of scene.stages) {
    if (scene.stopT !== null && st.status === 'failed' && Math.abs(st.t - scene.stopT) < 1e-9) continue;
    const failed = st.status === 'failed';
    stageLine(
      st.t,
      failed ? COLORS.stageFailed : st.status === 'done' ? COLORS.stageDone : COLORS.stagePending,
      `${failed ? '✗' : '✓'} ${st.label}`,
      !failed,
      failed,
    );
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1;

  // Hover and selection rings.
  const ring = (recordId: number | null, color: string, width: number) => {
    if (recordId === null) return;
    const t = scene.recordT.get(recordId);
    if (t === undefined) return;
    const lane = scene.recordLane.get(recordId);
    const row = lane === undefined ? undefined : layout.rows[layout.rowOfLane[lane] as number];
    if (!row) return;
    const x = X(t);
    if (x < -10 || x > W + 10) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.strokeRect(x - 5, row.markY - 3, 10, MARK_H + 6);
    if (width > 1) {
      ctx.globalAlpha = 0.35;
      ctx.fillStyle = color;
      ctx.fillRect(Math.round(x), TOP, 1, H - TOP);
      ctx.globalAlpha = 1;
    }
  };
  if (o.hovered !== o.selected) ring(o.hovered, COLORS.hover, 1);
  ring(o.selected, COLORS.select, 2);
  ctx.lineWidth = 1;

  if (o.brush) {
    const x0 = X(o.brush.from);
    const x1 = X(o.brush.to);
    ctx.globalAlpha = 0.15;
    ctx.fillStyle = COLORS.select;
    ctx.fillRect(x0, 0, x1 - x0, H);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = COLORS.select;
    ctx.strokeRect(x0 + 0.5, 0.5, x1 - x0, H - 1);
  }

  if (o.loading) {
    ctx.font = FONT;
    ctx.fillStyle = COLORS.axisText;
    ctx.textAlign = 'right';
    ctx.fillText('loading…', W - 6, AXIS_H + STAGE_H / 2);
    ctx.textAlign = 'left';
  }
}
