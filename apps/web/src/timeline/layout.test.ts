import { describe, expect, it } from 'vitest';
import { hitTest, layoutLanes, lowerBound, msToPx, pxToMs, rowAt, TOP } from './layout';
import { buildScene } from './scene';
import { testTimeline } from './testTimeline';

describe('layoutLanes', () => {
  it('stacks visible lanes and skips hidden ones', () => {
    const s = buildScene(testTimeline());
    const l = layoutLanes(s.laneIds, new Set(['kube-apiserver']), s.barRows);
    expect(l.rows.map((r) => r.id)).toEqual(['client', 'kube-scheduler', 'events']);
    expect(l.rows[0]?.y).toBe(TOP);
    expect(l.rows[1]?.y).toBe(TOP + (l.rows[0]?.h ?? 0));
    expect(l.rows[0]!.h).toBeGreaterThan(l.rows[1]!.h); // the client lane has a bar row
    expect(Array.from(l.rowOfLane)).toEqual([0, -1, 1, 2]);
    expect(rowAt(l, TOP + 1)?.id).toBe('client');
    expect(rowAt(l, 0)).toBeNull();
    expect(rowAt(l, l.height + 100)).toBeNull();
  });
});

describe('scale', () => {
  it('maps ms to px and back', () => {
    const v = { from: 100, to: 300 };
    expect(msToPx(v, 400, 200)).toBe(200);
    expect(pxToMs(v, 400, 200)).toBe(200);
    expect(pxToMs(v, 400, msToPx(v, 400, 123.4))).toBeCloseTo(123.4);
  });
  it('lowerBound finds the first index at or after a time', () => {
    const t = Float64Array.from([5, 1, 3]);
    const idx = Uint32Array.from([1, 2, 0]);
    expect(lowerBound(idx, t, 0)).toBe(0);
    expect(lowerBound(idx, t, 3)).toBe(1);
    expect(lowerBound(idx, t, 4)).toBe(2);
    expect(lowerBound(idx, t, 9)).toBe(3);
  });
});

describe('hitTest', () => {
  const s = buildScene(testTimeline());
  const l = layoutLanes(s.laneIds, new Set(), s.barRows);
  const v = { from: 0, to: 10_000 }; // 1000 px → 10 ms per px
  const sched = l.rows.find((r) => r.id === 'kube-scheduler')!;
  const client = l.rows.find((r) => r.id === 'client')!;

  it('finds the nearest mark within the tolerance', () => {
    const hit = hitTest(s, l, v, 1000, 120.2, sched.markY + 4);
    expect(hit).toMatchObject({ kind: 'mark', recordId: 4 });
    expect(hitTest(s, l, v, 1000, 110, sched.markY + 4)).toBeNull(); // 100 ms away = 10 px
  });
  it('prefers the most severe mark within reach over a nearer, milder one', () => {
    const tl = testTimeline();
    const base = tl.marks.find((m) => m.recordId === 4)!;
    // An info line drawn exactly where the pointer is, an error 2 px away: the error wins.
    tl.marks.push(
      { ...base, recordId: 40, t: 500, severity: 'info' },
      { ...base, recordId: 41, t: 520, severity: 'error' },
    );
    const scene = buildScene(tl);
    const lay = layoutLanes(scene.laneIds, new Set(), scene.barRows);
    const row = lay.rows.find((r) => r.id === 'kube-scheduler')!;
    expect(hitTest(scene, lay, v, 1000, 50, row.markY + 4)).toMatchObject({ kind: 'mark', recordId: 41 });
    // Two of the same severity: the nearest.
    expect(hitTest(scene, lay, v, 1000, 120, row.markY + 4)).toMatchObject({ kind: 'mark', recordId: 4 });
  });
  it('finds buckets by their extent', () => {
    expect(hitTest(s, l, v, 1000, 550, sched.markY + 4)).toMatchObject({ kind: 'bucket', recordId: 7 });
  });
  it('finds bars in the bar rows', () => {
    expect(hitTest(s, l, v, 1000, 1, client.barY + 3)).toMatchObject({ kind: 'bar', recordId: 1 });
    expect(hitTest(s, l, v, 1000, 500, client.barY + 3)).toBeNull();
  });
  it('misses outside lanes', () => {
    expect(hitTest(s, l, v, 1000, 1, 2)).toBeNull();
  });
});
