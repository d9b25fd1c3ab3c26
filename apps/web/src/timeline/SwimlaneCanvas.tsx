import { useEffect, useImperativeHandle, useRef } from 'react';
import type { Ref } from 'react';
import { SEVERITIES } from '@kubetrail/model';
import { formatDuration } from '../lib/format';
import { cleanLogText } from '../lib/ansi';
import { clockLabel } from './axis';
import { drawTimeline } from './draw';
import { AXIS_H, hitTest, pxToMs } from './layout';
import type { Hit, LaneLayout } from './layout';
import type { Scene } from './scene';
import { clampSpan, panByPixels, sameView, wheelFactor, zoom } from './viewport';
import type { Viewport } from './viewport';

/** Imperative control for keyboard zoom and pan without a React render per frame. */
export interface CanvasControl {
  getView: () => Viewport;
  setView: (v: Viewport) => void;
}

interface Props {
  scene: Scene;
  layout: LaneLayout;
  laneLabels: string[];
  view: Viewport;
  width: number;
  originEpochMs: number;
  selected: number | null;
  loading: boolean;
  /** The colour theme: a change redraws with its colours. */
  theme?: 'light' | 'dark';
  onSelect: (recordId: number) => void;
  /** A trace span's bar was clicked: its index in the timeline's `spans`. */
  onSelectSpan?: (spanIndex: number) => void;
  /** Called ~150 ms after the last zoom or pan, with the view to store (URL) and fetch for. */
  onViewCommit: (v: Viewport) => void;
  controlRef: Ref<CanvasControl>;
  summary: string;
}

const COMMIT_DELAY_MS = 150;

/**
 * The swimlanes, drawn on a canvas. Zoom and pan change a view held in a ref and redraw on the
 * next animation frame from the cached scene; React only hears about it once the gesture settles.
 */
export function SwimlaneCanvas(props: Props) {
  const { scene, layout, view, width, originEpochMs, selected, loading, laneLabels } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const live = useRef({
    view,
    scene,
    layout,
    width,
    originEpochMs,
    selected,
    loading,
    hovered: null as number | null,
    laneLabels,
    /** A range being dragged on the time axis (ms), to zoom to on release. */
    brush: null as { from: number; to: number } | null,
  });
  const lastPropView = useRef(view);
  const frame = useRef(0);
  const commitTimer = useRef<number | undefined>(undefined);
  const onCommit = useRef(props.onViewCommit);
  const onSelect = useRef(props.onSelect);
  const onSelectSpan = useRef(props.onSelectSpan);
  useEffect(() => {
    onCommit.current = props.onViewCommit;
    onSelect.current = props.onSelect;
    onSelectSpan.current = props.onSelectSpan;
  });

  const draw = () => {
    frame.current = 0;
    const canvas = canvasRef.current;
    const s = live.current;
    if (!canvas || s.width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const H = s.layout.height;
    const pw = Math.round(s.width * dpr);
    const ph = Math.round(H * dpr);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
      canvas.style.width = `${s.width}px`;
      canvas.style.height = `${H}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const t0 = performance.now();
    drawTimeline(ctx, s.scene, s.layout, {
      width: s.width,
      height: H,
      dpr,
      view: s.view,
      originEpochMs: s.originEpochMs,
      selected: s.selected,
      hovered: s.hovered,
      loading: s.loading,
      brush: s.brush,
    });
    // Visible in the browser's performance timeline (and read by the UI benchmark).
    performance.measure('kubetrail:draw', { start: t0, end: performance.now() });
  };
  const schedule = () => {
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  };
  const setLiveView = (v: Viewport) => {
    live.current.view = clampSpan(v);
    schedule();
    window.clearTimeout(commitTimer.current);
    commitTimer.current = window.setTimeout(() => onCommit.current(live.current.view), COMMIT_DELAY_MS);
  };

  useImperativeHandle(props.controlRef, () => ({ getView: () => live.current.view, setView: setLiveView }));

  // Props → live state, then redraw.
  useEffect(() => {
    const s = live.current;
    s.scene = scene;
    s.layout = layout;
    s.width = width;
    s.originEpochMs = originEpochMs;
    s.selected = selected;
    s.loading = loading;
    s.laneLabels = laneLabels;
    // Adopt the view from props only when the props' values change (a link, the brush, "Fit"), so a
    // parent re-render in the middle of a drag does not snap the view back.
    if (!sameView(view, lastPropView.current)) {
      lastPropView.current = view;
      s.view = view;
    }
    schedule();
  });
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      window.clearTimeout(commitTimer.current);
    },
    [],
  );

  // Pointer and wheel interaction.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let drag: { x: number; view: Viewport; moved: boolean; id: number; axis: boolean } | null = null;
    const local = (e: MouseEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const hit = (x: number, y: number): Hit | null => {
      const s = live.current;
      return hitTest(s.scene, s.layout, s.view, s.width, x, y);
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const s = live.current;
      const { x } = local(e);
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) {
        setLiveView(panByPixels(s.view, -(e.shiftKey ? e.deltaY : e.deltaX), s.width));
      } else {
        const anchor = s.view.from + (x / s.width) * (s.view.to - s.view.from);
        setLiveView(zoom(s.view, wheelFactor(e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY), anchor));
      }
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      // On the time axis a drag selects a range to zoom to; in the lanes it pans.
      const axis = local(e).y < AXIS_H;
      drag = { x: e.clientX, view: live.current.view, moved: false, id: e.pointerId, axis };
    };
    const msAt = (clientX: number, v: Viewport) => {
      const r = canvas.getBoundingClientRect();
      return pxToMs(v, live.current.width, clientX - r.left);
    };
    const onMove = (e: PointerEvent) => {
      if (drag) {
        const dx = e.clientX - drag.x;
        if (!drag.moved && Math.abs(dx) > 3) {
          drag.moved = true;
          canvas.setPointerCapture(drag.id);
          canvas.classList.add('dragging');
          hideTip();
        }
        if (drag.moved && drag.axis) {
          const a = msAt(drag.x, drag.view);
          const b = msAt(e.clientX, drag.view);
          live.current.brush = { from: Math.min(a, b), to: Math.max(a, b) };
          schedule();
          return;
        }
        if (drag.moved) {
          setLiveView(panByPixels(drag.view, dx, live.current.width));
          return;
        }
      }
      const { x, y } = local(e);
      const h = hit(x, y);
      const id = h?.recordId ?? null;
      if (id !== live.current.hovered) {
        live.current.hovered = id;
        schedule();
      }
      if (h) showTip(h, x, y);
      else hideTip();
      canvas.classList.toggle('pointing', h !== null);
    };
    const onUp = (e: PointerEvent) => {
      const d = drag;
      drag = null;
      canvas.classList.remove('dragging');
      if (!d) return;
      if (d.moved) {
        if (canvas.hasPointerCapture(d.id)) canvas.releasePointerCapture(d.id);
        const brush = live.current.brush;
        live.current.brush = null;
        if (brush && brush.to > brush.from) setLiveView(brush);
        else schedule();
        return;
      }
      const { x, y } = local(e);
      const h = hit(x, y);
      if (h?.recordId != null) onSelect.current(h.recordId);
      else if (h?.kind === 'bar') {
        const spanIndex = live.current.scene.bars.spanIndex[h.index] ?? -1;
        if (spanIndex >= 0) onSelectSpan.current?.(spanIndex);
      }
    };
    const onLeave = () => {
      if (live.current.hovered !== null) {
        live.current.hovered = null;
        schedule();
      }
      hideTip();
    };
    const hideTip = () => {
      const tip = tipRef.current;
      if (tip) tip.hidden = true;
    };
    const showTip = (h: Hit, x: number, y: number) => {
      const tip = tipRef.current;
      const s = live.current;
      if (!tip) return;
      let title = '';
      let body = '';
      const at = clockLabel(s.originEpochMs + h.t);
      if (h.kind === 'mark') {
        const m = s.scene.marks;
        title = `${at} · ${SEVERITIES[m.sev[h.index] as number] ?? ''} · ${s.laneLabels[m.lane[h.index] as number] ?? ''}`;
        body = m.message[h.index] ?? '';
      } else if (h.kind === 'bucket') {
        const b = s.scene.buckets;
        const n = b.count[h.index] as number;
        title = `${at} · ${n} lines (worst: ${SEVERITIES[b.sev[h.index] as number] ?? ''}) · ${formatDuration((b.t1[h.index] as number) - (b.t0[h.index] as number))}`;
        body = b.message[h.index] ?? '';
      } else {
        const b = s.scene.bars;
        title = `${at} · ${formatDuration((b.t1[h.index] as number) - (b.t0[h.index] as number))}`;
        body = b.label[h.index] ?? '';
      }
      const [t, m] = tip.children;
      if (t) t.textContent = title;
      if (m) m.textContent = cleanLogText(body.length > 300 ? `${body.slice(0, 300)}…` : body);
      tip.hidden = false;
      // Placed in the window, not the lanes' box (which clips): beside the pointer, flipped to
      // stay inside the window's edges.
      const box = canvas.getBoundingClientRect();
      const px = box.left + x;
      const py = box.top + y;
      const tw = tip.offsetWidth;
      const th = tip.offsetHeight;
      const left = px + 14 + tw > window.innerWidth ? Math.max(4, px - 14 - tw) : px + 14;
      const top = py + 16 + th > window.innerHeight ? Math.max(4, py - 12 - th) : py + 16;
      tip.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointermove', onMove);
    canvas.addEventListener('pointerup', onUp);
    canvas.addEventListener('pointerleave', onLeave);
    return () => {
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointerleave', onLeave);
    };
    // setLiveView and schedule only touch refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div
      className="lanes-canvas"
      role="img"
      aria-label="Timeline"
      aria-describedby="timeline-summary"
      tabIndex={0}
    >
      <span id="timeline-summary" className="visually-hidden">
        {props.summary}
      </span>
      <canvas ref={canvasRef} aria-hidden="true" />
      <div ref={tipRef} className="tooltip" hidden>
        <div className="tooltip-title" />
        <div className="tooltip-body mono" />
      </div>
    </div>
  );
}
