import { describe, expect, it } from 'vitest';
import { layoutSpans, type SpanLike } from './spanLayout.ts';

const s = (spanId: string, parentSpanId: string | null, start: number, end: number): SpanLike => ({
  spanId,
  parentSpanId,
  start,
  end,
});

describe('layoutSpans', () => {
  it('computes depth by parent and tolerates missing parents', () => {
    const out = layoutSpans([s('a', null, 0, 10), s('b', 'a', 1, 5), s('c', 'b', 2, 3), s('d', 'zz', 0, 1)]);
    expect(out.get('a')!.depth).toBe(0);
    expect(out.get('b')!.depth).toBe(1);
    expect(out.get('c')!.depth).toBe(2);
    expect(out.get('d')!.depth).toBe(0);
  });

  it('flags the chain that decided the end time', () => {
    // root 0..100; children: fast 0..5, hidden 20..30 (overlapped by slow), slow 10..90 (with a
    // grandchild 50..88), tail 95..99
    const out = layoutSpans([
      s('root', null, 0, 100),
      s('fast', 'root', 0, 5),
      s('hidden', 'root', 20, 30),
      s('slow', 'root', 10, 90),
      s('gc', 'slow', 50, 88),
      s('early', 'slow', 11, 12),
      s('tail', 'root', 95, 99),
    ]);
    const critical = [...out].filter(([, p]) => p.critical).map(([id]) => id);
    expect(critical.sort()).toEqual(['early', 'fast', 'gc', 'root', 'slow', 'tail']);
    expect(out.get('hidden')!.critical).toBe(false);
  });

  it('survives parent cycles', () => {
    const out = layoutSpans([s('a', 'b', 0, 1), s('b', 'a', 0, 1)]);
    expect(out.size).toBe(2);
  });
});
