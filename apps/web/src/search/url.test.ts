import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH_STATE, getUrl, parseUrl, toApiScope } from './url';

describe('search url', () => {
  it('round-trips the text, its mode, its scope and the page', () => {
    const state = {
      q: 'pods=["shop/web-1"]',
      fts: true,
      reqId: 'r1',
      component: 'kubelet',
      severity: 'error' as const,
      from: '2024-06-10T11:35:00Z',
      to: '2024-06-10T11:36:00Z',
      offset: 50,
    };
    const url = getUrl('b1', state);
    expect(parseUrl(url.slice(url.indexOf('?')))).toEqual(state);
    expect(toApiScope(state)).toMatchObject({ mode: 'fts', severity: 'error', reqId: 'r1' });
  });
  it('omits defaults and ignores junk', () => {
    expect(getUrl('b1', { q: '  ' })).toBe('/bundles/b1/search');
    expect(parseUrl('?offset=-3&severity=loud&mode=regex')).toEqual(DEFAULT_SEARCH_STATE);
    expect(toApiScope(DEFAULT_SEARCH_STATE).mode).toBeUndefined();
  });
});
