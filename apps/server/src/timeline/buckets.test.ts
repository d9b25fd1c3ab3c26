import { describe, expect, it } from 'vitest';
import { levelOfDetail, type MarkLike } from './buckets.ts';

const mark = (lane: string, t: number, severityRank = 1, recordId = t): MarkLike => ({
  lane,
  t,
  severityRank,
  recordId,
});

describe('levelOfDetail', () => {
  it('keeps marks when every lane fits its pixels', () => {
    const marks = [mark('a', 1), mark('a', 2), mark('b', 3)];
    const out = levelOfDetail(marks, { from: 0, to: 10, width: 100 });
    expect(out.marks).toEqual(marks);
    expect(out.buckets).toEqual([]);
  });

  it('buckets only the dense lane, with count, worst severity and the worst earliest representative', () => {
    const dense = Array.from({ length: 100 }, (_, i) => mark('dense', i / 10, 1, i)); // 0..9.9 ms
    dense[42] = mark('dense', 4.2, 3, 42);
    dense[47] = mark('dense', 4.7, 3, 47);
    const sparse = [mark('sparse', 5)];
    const out = levelOfDetail([...dense, ...sparse], { from: 0, to: 10, width: 20 }); // capacity 10
    expect(out.marks).toEqual(sparse);
    expect(out.buckets).toHaveLength(10);
    expect(out.buckets.reduce((n, b) => n + b.count, 0)).toBe(100);
    const b4 = out.buckets[4]!;
    expect(b4.t0).toBeCloseTo(4);
    expect(b4.t1).toBeCloseTo(5);
    expect(b4.worstRank).toBe(3);
    expect(b4.representative.recordId).toBe(42);
    expect(out.buckets[0]!.representative.recordId).toBe(0);
  });

  it('clamps marks outside the window into the edge buckets', () => {
    const marks = Array.from({ length: 30 }, (_, i) => mark('x', i - 10));
    const out = levelOfDetail(marks, { from: 0, to: 10, width: 10 });
    expect(out.buckets.reduce((n, b) => n + b.count, 0)).toBe(30);
    expect(out.buckets[0]!.t0).toBe(0);
  });
});
