import { describe, expect, it } from 'vitest';
import { offsetToRfc3339, originEpochMs, rfc3339ToOffset } from './time';

const origin = '2024-06-10T11:35:40.244334567Z';

describe('timeline time helpers', () => {
  it('converts offsets both ways at nanosecond precision', () => {
    expect(offsetToRfc3339(origin, 1.5)).toBe('2024-06-10T11:35:40.245834567Z');
    expect(offsetToRfc3339(origin, -244.334567)).toBe('2024-06-10T11:35:40.000000000Z');
    expect(rfc3339ToOffset(origin, '2024-06-10T11:35:41.244334567Z')).toBe(1000);
    expect(rfc3339ToOffset(origin, null)).toBeNull();
    expect(rfc3339ToOffset(origin, 'nope')).toBeNull();
  });
  it('gives the origin in epoch ms', () => {
    expect(originEpochMs(origin)).toBeCloseTo(Date.UTC(2024, 5, 10, 11, 35, 40, 244) + 0.334567, 3);
  });
});
