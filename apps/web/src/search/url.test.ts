import { describe, expect, it } from 'vitest';
import { getUrl, parseUrl } from './url';

describe('search url', () => {
  it('round-trips query and page', () => {
    const url = getUrl('b1', { q: 'timed out waiting', offset: 50 });
    expect(url).toBe('/bundles/b1/search?q=timed+out+waiting&offset=50');
    expect(parseUrl(url.slice(url.indexOf('?')))).toEqual({ q: 'timed out waiting', offset: 50 });
  });
  it('omits defaults and ignores junk', () => {
    expect(getUrl('b1', { q: '  ' })).toBe('/bundles/b1/search');
    expect(parseUrl('?offset=-3')).toEqual({ q: '', offset: 0 });
  });
});
