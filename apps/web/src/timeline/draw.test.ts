import { describe, expect, it } from 'vitest';
import { drawTimeline } from './draw';
import { layoutLanes } from './layout';
import { buildScene } from './scene';
import { testTimeline } from './testTimeline';

/** A 2D context that records calls (node has no canvas). */
function fakeContext() {
  const calls: { name: string; args: unknown[] }[] = [];
  const state: Record<string, unknown> = { measureText: (s: string) => ({ width: s.length * 6 }) };
  const ctx = new Proxy(state, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      return (...args: unknown[]) => calls.push({ name: prop, args });
    },
    set(target, prop: string, value) {
      target[prop] = value;
      return true;
    },
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}

const opts = {
  width: 1000,
  height: 400,
  dpr: 1,
  view: { from: 0, to: 10_000 },
  originEpochMs: Date.UTC(2024, 5, 10, 11, 35, 40),
  selected: 4,
  hovered: null,
  loading: false,
};

describe('drawTimeline', () => {
  it('draws marks, labels and the stop point without throwing', () => {
    const scene = buildScene(testTimeline());
    const layout = layoutLanes(scene.laneIds, new Set(), scene.barRows);
    const { ctx, calls } = fakeContext();
    drawTimeline(ctx, scene, layout, opts);
    const texts = calls.filter((c) => c.name === 'fillText').map((c) => c.args[0]);
    expect(texts).toContain('✗ stopped: Pods scheduled');
    expect(texts).toContain('11:35:41');
    expect(calls.some((c) => c.name === 'strokeRect')).toBe(true); // the selection ring
  });
  it('draws one tick per pixel column per lane and severity', () => {
    const tl = testTimeline();
    const base = tl.marks[0]!;
    tl.marks = Array.from({ length: 10_000 }, (_, i) => ({ ...base, recordId: 100 + i, t: 5000 + i * 1e-4 }));
    const scene = buildScene(tl);
    const layout = layoutLanes(scene.laneIds, new Set(), scene.barRows);
    const { ctx, calls } = fakeContext();
    drawTimeline(ctx, scene, layout, { ...opts, selected: null });
    // 10 000 marks within 1 ms = a tenth of a pixel here.
    const ticks = calls.filter(
      (c) =>
        c.name === 'fillRect' &&
        c.args[2] === 2 &&
        c.args[3] === 10 &&
        Math.abs((c.args[0] as number) - 499) < 2,
    );
    expect(ticks.length).toBe(1);
  });
  it('skips hidden lanes', () => {
    const scene = buildScene(testTimeline());
    const layout = layoutLanes(scene.laneIds, new Set(scene.laneIds), scene.barRows);
    const { ctx, calls } = fakeContext();
    drawTimeline(ctx, scene, layout, opts);
    expect(calls.filter((c) => c.name === 'fillRect' && c.args[3] === 10)).toHaveLength(0);
  });
});
