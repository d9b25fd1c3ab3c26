import { describe, expect, it } from 'vitest';
import { buildScene, KIND_EVENT } from './scene';
import { testTimeline } from './testTimeline';

describe('buildScene', () => {
  it('indexes marks by lane and severity in time order', () => {
    const s = buildScene(testTimeline());
    expect(s.laneIds).toEqual(['client', 'kube-apiserver', 'kube-scheduler', 'events']);
    expect(s.marks.n).toBe(5);
    const sched = Array.from(s.marks.byLane[2] ?? [], (i) => s.marks.recordId[i]);
    expect(sched).toEqual([5, 4]);
    expect(Array.from(s.marks.bySev[3] ?? [], (i) => s.marks.recordId[i])).toEqual([4]);
    expect(s.marks.kind[4]).toBe(KIND_EVENT);
  });
  it('puts API calls in bar row 0 and counts rows per lane', () => {
    const s = buildScene(testTimeline());
    expect(s.bars.n).toBe(1);
    expect(s.barRows[0]).toBe(1);
    expect(s.barRows[1]).toBe(0);
    expect(s.bars.label[0]).toBe('create deployments shop/web → 201');
  });
  it('finds the stop point and orders navigation by time', () => {
    const s = buildScene(testTimeline());
    expect(s.stopT).toBe(1200);
    expect(s.stopLabel).toBe('stopped: Pods scheduled');
    expect(Array.from(s.nav.recordId)).toEqual([1, 2, 3, 5, 4, 6, 7]);
    expect(s.recordT.get(7)).toBe(5000);
  });
  it('gives unknown lanes a lane of their own', () => {
    const tl = testTimeline();
    tl.marks.push({ ...tl.marks[0]!, recordId: 99, lane: 'etcd' });
    const s = buildScene(tl);
    expect(s.laneIds).toContain('etcd');
  });
  it('has no stop point for complete requests', () => {
    const tl = testTimeline();
    tl.request.outcome = 'complete';
    expect(buildScene(tl).stopT).toBeNull();
  });
});
