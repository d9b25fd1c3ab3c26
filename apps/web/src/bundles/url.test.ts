import { describe, expect, it } from 'vitest';
import { getUrl, parseUrl } from './url';

describe('bundles url', () => {
  it('round-trips the open report', () => {
    expect(getUrl({ report: 'b-1a2b' })).toBe('/?report=b-1a2b');
    expect(parseUrl('?report=b-1a2b')).toEqual({ report: 'b-1a2b' });
  });
  it('defaults to no report', () => {
    expect(getUrl({ report: null })).toBe('/');
    expect(parseUrl('')).toEqual({ report: null });
  });
});
