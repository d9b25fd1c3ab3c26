import { describe, expect, it } from 'vitest';
import { epochNumberNs, rfc3339Ns } from './timestamp.ts';

describe('rfc3339Ns', () => {
  it('parses the CRI form with nanoseconds, and other forms through the slow path', () => {
    expect(rfc3339Ns('2024-06-10T11:35:40.244334567Z')).toBe(1718019340244334567n);
    expect(rfc3339Ns('2024-06-10T11:35:40Z')).toBe(1718019340000000000n);
    expect(rfc3339Ns('2024-06-10T11:35:40.5Z')).toBe(1718019340500000000n);
    expect(rfc3339Ns('2024-06-10T13:35:40.5+02:00')).toBe(1718019340500000000n);
    expect(rfc3339Ns('2024-06-10T11:35:4x.1Z')).toBeNull();
    expect(rfc3339Ns('nonsense')).toBeNull();
  });
});

describe('epochNumberNs', () => {
  it('tells seconds from milliseconds by magnitude', () => {
    expect(epochNumberNs(1718019340.244)).toBe(epochNumberNs(1718019340244));
    const ns = epochNumberNs(1718019340244.334)!;
    expect(ns / 1000n).toBeGreaterThanOrEqual(1718019340244333n);
    expect(ns / 1000n).toBeLessThanOrEqual(1718019340244335n);
    expect(epochNumberNs(-1)).toBeNull();
  });
});
