import { describe, expect, it } from 'vitest';
import { clockLabel, tickLabel, ticks, tickStep } from './axis';

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
