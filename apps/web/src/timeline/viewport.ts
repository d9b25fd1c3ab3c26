/**
 * Zoom and pan math for the timeline. All times are milliseconds since the timeline's origin
 * (floats); widths are CSS pixels.
 */
export interface Viewport {
  from: number;
  to: number;
}

/** What was last fetched: a window and the pixel width the server bucketed it for. */
export interface FetchWindow extends Viewport {
  width: number;
}

/** The narrowest view: 10 µs across the whole canvas. */
export const MIN_SPAN_MS = 0.01;
/** The widest view: a day. */
export const MAX_SPAN_MS = 86_400_000;

export const span = (v: Viewport): number => v.to - v.from;

/** Keeps a view's span within [MIN_SPAN_MS, MAX_SPAN_MS], preserving its centre. */
export function clampSpan(v: Viewport): Viewport {
  const s = span(v);
  if (s >= MIN_SPAN_MS && s <= MAX_SPAN_MS && Number.isFinite(s)) return v;
  const mid = Number.isFinite(s) ? (v.from + v.to) / 2 : 0;
  const half = (s < MIN_SPAN_MS || !Number.isFinite(s) ? MIN_SPAN_MS : MAX_SPAN_MS) / 2;
  return { from: mid - half, to: mid + half };
}

/**
 * Zooms around `anchor` (ms, usually the time under the pointer), which stays at the same pixel.
 * `factor` < 1 zooms in, > 1 zooms out.
 */
export function zoom(v: Viewport, factor: number, anchor = (v.from + v.to) / 2): Viewport {
  const s = span(v);
  const next = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, s * factor));
  const k = s > 0 ? (anchor - v.from) / s : 0.5;
  return { from: anchor - k * next, to: anchor - k * next + next };
}

/** Shifts the view by `deltaMs` (positive moves later in time). */
export function pan(v: Viewport, deltaMs: number): Viewport {
  return { from: v.from + deltaMs, to: v.to + deltaMs };
}

/** Shifts the view by a pointer drag of `dx` pixels on a canvas `width` pixels wide (drag right = earlier). */
export function panByPixels(v: Viewport, dx: number, width: number): Viewport {
  if (width <= 0) return v;
  return pan(v, (-dx * span(v)) / width);
}

/** Wheel delta (pixels) → zoom factor; one notch (~100 px) zooms by ~20 %. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(Math.max(-300, Math.min(300, deltaY)) * 0.002);
}

/** The view that first shows a request: its extent with 4 % air each side (1 s when it is a point). */
export function initialView(extent: Viewport): Viewport {
  const s = span(extent);
  if (!(s > 0)) return { from: extent.from - 500, to: extent.from + 500 };
  const pad = s * 0.04;
  return clampSpan({ from: extent.from - pad, to: extent.to + pad });
}

/**
 * The window to fetch for a view: three times as wide, centred on it, at three times the pixel
 * width, so panning by up to a screen either way needs no request and keeps the same detail.
 */
export function fetchWindow(v: Viewport, viewWidthPx: number): FetchWindow {
  const s = span(v);
  return {
    from: round3(v.from - s),
    to: round3(v.to + s),
    width: Math.max(10, Math.min(20_000, Math.round(viewWidthPx * 3))),
  };
}

/**
 * Whether a view needs a new fetch: it left the fetched window (unless that window holds the whole
 * `extent` of the request), or it is zoomed in more than 2×
 * past the detail the fetch was made for (the server's buckets would look coarse), or zoomed out
 * so far that the fetched window is under half the view.
 */
export function needsRefetch(
  view: Viewport,
  fetched: FetchWindow,
  viewWidthPx: number,
  extent?: Viewport,
): boolean {
  // A fetch that covers the request's whole extent has every record: no need to refetch to pan.
  const coversAll = extent !== undefined && fetched.from <= extent.from && fetched.to >= extent.to;
  if (!coversAll && (view.from < fetched.from || view.to > fetched.to)) return true;
  const fetchedMsPerPx = span(fetched) / fetched.width;
  const viewMsPerPx = span(view) / Math.max(1, viewWidthPx);
  return viewMsPerPx < fetchedMsPerPx / 2;
}

/**
 * The view that shows `t`: the same view when `t` is anywhere inside it (a selection never moves
 * what the user is looking at), else panned as little as possible to put `t` `margin` (fraction)
 * inside its nearer edge.
 */
export function ensureVisible(v: Viewport, t: number, margin = 0.1): Viewport {
  if (t >= v.from && t <= v.to) return v;
  const s = span(v);
  return t < v.from ? pan(v, t - (v.from + s * margin)) : pan(v, t - (v.to - s * margin));
}

/** Same view up to sub-microsecond noise (avoid feedback loops between URL and canvas). */
export function sameView(a: Viewport | null, b: Viewport | null): boolean {
  if (!a || !b) return a === b;
  const eps = Math.max(1e-6, span(a) * 1e-6);
  return Math.abs(a.from - b.from) <= eps && Math.abs(a.to - b.to) <= eps;
}

/** Microsecond precision is enough for URLs and query keys. */
export const round3 = (n: number): number => Math.round(n * 1000) / 1000;
