import { describe, expect, it } from 'vitest';
import { fileYearSource, LocalClock, pickYear } from './klogTime.ts';

describe('pickYear', () => {
  it('takes the year that puts the date nearest the reference', () => {
    expect(pickYear(6, 2024, 6)).toBe(2024);
    expect(pickYear(12, 2025, 1)).toBe(2024); // December line, January reference
    expect(pickYear(1, 2024, 12)).toBe(2025); // January line, December reference
    expect(pickYear(12, 2025, 0)).toBe(2025); // --year is exact
  });
});

describe('fileYearSource', () => {
  it('prefers --year, then the bundle reference, then the mtime', () => {
    const ref = 1718019340000000000n; // 2024-06-10
    const mtime = Date.UTC(2023, 0, 5);
    expect(fileYearSource({ year: 2022, bundleReferenceNs: ref, mtimeMs: mtime })).toEqual({
      rule: 'flag',
      year: 2022,
      month: 0,
    });
    expect(fileYearSource({ year: null, bundleReferenceNs: ref, mtimeMs: mtime })).toEqual({
      rule: 'bundle',
      year: 2024,
      month: 6,
    });
    expect(fileYearSource({ year: null, bundleReferenceNs: null, mtimeMs: mtime })).toEqual({
      rule: 'mtime',
      year: 2023,
      month: 1,
    });
    expect(fileYearSource({ year: null, bundleReferenceNs: null, mtimeMs: null }).rule).toBe('none');
  });
});

describe('LocalClock', () => {
  it('computes UTC nanoseconds and applies the zone offset', () => {
    const utc = new LocalClock(0);
    expect(utc.ns(2024, 6, 10, 11 * 3600 + 35 * 60 + 40, 244334)).toBe(1718019340244334000n);
    const cest = new LocalClock(120);
    expect(cest.ns(2024, 6, 10, 13 * 3600 + 35 * 60 + 40, 244334)).toBe(1718019340244334000n);
  });
  it('refuses impossible dates and reuses its cache correctly', () => {
    const c = new LocalClock(0);
    expect(c.ns(2024, 2, 30, 0, 0)).toBeNull();
    expect(c.ns(2023, 13, 1, 0, 0)).toBeNull();
    expect(c.ns(2024, 6, 10, 1, 5)).toBe(c.ns(2024, 6, 10, 1, 0)! + 5000n);
  });
});
