import { describe, expect, it } from 'vitest';
import { clockLabel, placeLabels, tickLabel, ticks, tickStep } from './axis';

const origin = Date.UTC(2024, 5, 10, 11, 35, 40, 0);

describe('axis', () => {
  it('chooses nice steps at least ~96 px apart', () => {
    expect(tickStep(10_000, 1000)).toBe(1000);
    expect(tickStep(1000, 1000)).toBe(100);
    expect(tickStep(1, 1000)).toBe(0.1);
  });
  it('labels with the precision the step needs', () => {
    expect(tickLabel(origin + 250, 1000)).toBe('11:35:40');
    expect(tickLabel(origin + 250, 100)).toBe('11:35:40.250');
    expect(tickLabel(origin + 250.125, 0.005)).toBe('40.250125');
  });
  it('labels tooltips to the microsecond', () => {
    expect(clockLabel(origin + 1492.245)).toBe('11:35:41.492245');
  });
  it('puts ticks on round wall-clock times inside the view', () => {
    const t = ticks(-300, 4700, 500, origin);
    expect(t[0]).toEqual({ t: 0, label: '11:35:40' });
    expect(t.map((x) => x.t)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(ticks(5, 5, 1000, origin)).toEqual([]);
  });
});

describe('placeLabels', () => {
  it('keeps labels under their ticks and inside the axis', () => {
    expect(placeLabels([100, 300], [60, 60], 1000)).toEqual([100, 300]);
    expect(placeLabels([5], [60], 1000)).toEqual([32]);
    expect(placeLabels([995], [60], 1000)).toEqual([968]);
  });
  it('drops a label that would overlap the one before (a label pushed in from the edge too)', () => {
    // Ticks 40 px apart with 60 px labels; the first, pushed in from the edge, also hides the third.
    expect(placeLabels([10, 50, 90, 130], [60, 60, 60, 60], 1000)).toEqual([32, null, null, 130]);
  });
});
