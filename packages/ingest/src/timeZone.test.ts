import { describe, expect, it } from 'vitest';
import { parseTimeZone, resolveOffsetMinutes, zoneOffsetMinutes } from './timeZone.ts';

describe('parseTimeZone', () => {
  it('reads UTC and fixed offsets', () => {
    expect(parseTimeZone('UTC')).toEqual({ kind: 'fixed', offsetMinutes: 0 });
    expect(parseTimeZone('Z')).toEqual({ kind: 'fixed', offsetMinutes: 0 });
    expect(parseTimeZone('+02:00')).toEqual({ kind: 'fixed', offsetMinutes: 120 });
    expect(parseTimeZone('-0530')).toEqual({ kind: 'fixed', offsetMinutes: -330 });
    expect(parseTimeZone('+2')).toEqual({ kind: 'fixed', offsetMinutes: 120 });
  });

  it('reads IANA names and refuses nonsense', () => {
    expect(parseTimeZone('Europe/Berlin')).toEqual({ kind: 'iana', name: 'Europe/Berlin' });
    expect(() => parseTimeZone('Mars/Olympus')).toThrow(/unknown time zone/);
    expect(() => parseTimeZone('+25:00')).toThrow(/invalid/);
  });

  it('finds the offset of a zone at an instant (DST aware)', () => {
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2024, 0, 15))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2024, 6, 15))).toBe(120);
    expect(zoneOffsetMinutes('Asia/Kolkata', Date.UTC(2024, 6, 15))).toBe(330);
    expect(resolveOffsetMinutes({ kind: 'iana', name: 'America/New_York' }, Date.UTC(2024, 0, 15))).toBe(
      -300,
    );
    expect(resolveOffsetMinutes({ kind: 'fixed', offsetMinutes: 90 }, null)).toBe(90);
  });
});
