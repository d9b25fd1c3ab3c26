import { describe, expect, it } from 'vitest';
import type { Histogram } from '@kubetrail/model';
import { brushIndices, toChartRows, viewFromBrush } from './histogram';

const origin = '2024-06-10T11:35:40.000000000Z';
const hist: Histogram = {
  partial: false,
  from: '2024-06-10T11:35:40Z',
  to: '2024-06-10T11:35:44Z',
  bucketMs: 1000,
  buckets: [0, 1, 2, 3].map((i) => ({
    t: `2024-06-10T11:35:4${i}.000000000Z`,
    counts: { debug: 0, info: i, warning: 0, error: 1, fatal: 0 },
  })),
};

describe('histogram rows', () => {
  const rows = toChartRows(hist, origin, (t) => `+${t}`);
  it('converts buckets to offsets with every severity filled', () => {
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual({ t: 2000, label: '+2000', debug: 0, info: 2, warning: 0, error: 1, fatal: 0 });
  });
  it('maps views to brush indices and back', () => {
    expect(brushIndices(rows, { from: 0, to: 4000 })).toEqual({ startIndex: 0, endIndex: 3 });
    expect(brushIndices(rows, { from: 1500, to: 2500 })).toEqual({ startIndex: 1, endIndex: 2 });
    expect(brushIndices(rows, { from: -50, to: 99999 })).toEqual({ startIndex: 0, endIndex: 3 });
    expect(viewFromBrush(rows, 1000, 1, 2)).toEqual({ from: 1000, to: 3000 });
    expect(viewFromBrush([], 1000, 0, 0)).toBeNull();
  });
});
