import { describe, expect, it } from 'vitest';
import { formatNs, parseRfc3339Ns } from './time.ts';

describe('time', () => {
  it('round-trips nanoseconds through RFC 3339', () => {
    const ns = parseRfc3339Ns('2024-06-10T11:35:40.244334567Z');
    expect(ns).toBe(1718019340244334567n);
    expect(formatNs(ns!)).toBe('2024-06-10T11:35:40.244334567Z');
  });
  it('applies offsets and pads short fractions', () => {
    expect(formatNs(parseRfc3339Ns('2024-06-10T13:35:40.5+02:00')!)).toBe('2024-06-10T11:35:40.500000000Z');
  });
  it('rejects garbage', () => {
    expect(parseRfc3339Ns('yesterday')).toBeNull();
    expect(parseRfc3339Ns('2024-13-45T10:00:00Z')).toBeNull();
    expect(parseRfc3339Ns('2024-02-30T10:00:00Z')).toBeNull();
    expect(parseRfc3339Ns('2024-02-10T25:00:00Z')).toBeNull();
  });
  it('reads years 0001–0099 as written, not as 1901–1999', () => {
    const ms = (s: string): number => Number(parseRfc3339Ns(s)! / 1_000_000n);
    expect(new Date(ms('0001-06-10T11:35:40Z')).getUTCFullYear()).toBe(1);
    expect(new Date(ms('0050-02-28T00:00:00Z')).getUTCFullYear()).toBe(50);
    expect(parseRfc3339Ns('0050-02-30T00:00:00Z')).toBeNull();
    expect(formatNs(parseRfc3339Ns('1999-12-31T23:59:59Z')!)).toBe('1999-12-31T23:59:59.000000000Z');
  });
});
