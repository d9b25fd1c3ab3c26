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
  it('puts spans below the API calls by depth and keeps their index for the detail panel', () => {
    const base = {
      traceId: 'a'.repeat(32),
      service: 'apiserver',
      component: 'kube-apiserver',
      node: null,
      start: '2024-06-10T11:35:40.000000000Z',
      end: '2024-06-10T11:35:40.010000000Z',
      statusCode: 'unset' as const,
      statusMessage: null,
      attributes: {},
      resource: {},
      events: [],
      lane: 'client',
      critical: true,
    };
    const s = buildScene(
      testTimeline({
        spans: [
          {
            ...base,
            id: 0,
            spanId: '1'.repeat(16),
            parentSpanId: null,
            name: 'HTTP POST',
            t0: 0,
            t1: 10,
            depth: 0,
          },
          {
            ...base,
            id: 1,
            spanId: '2'.repeat(16),
            parentSpanId: '1'.repeat(16),
            name: 'Create',
            t0: 2,
            t1: 8,
            depth: 1,
          },
        ],
      }),
    );
    expect(s.bars.n).toBe(3);
    const create = s.bars.label.indexOf('Create');
    expect(s.bars.row[create]).toBe(2);
    expect(s.bars.spanIndex[create]).toBe(1);
    expect(s.bars.spanIndex[s.bars.label.indexOf('create deployments shop/web → 201')]).toBe(-1);
    expect(s.barRows[0]).toBe(3);
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
