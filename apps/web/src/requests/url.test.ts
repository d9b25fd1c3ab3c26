import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUESTS_STATE, getUrl, parseUrl, toApiQuery } from './url';

describe('requests url', () => {
  it('round-trips every field', () => {
    const state = {
      q: 'nginx',
      outcome: 'failed' as const,
      verb: 'create',
      resource: 'deployments',
      namespace: 'shop',
      user: 'alice',
      from: '2024-06-10T11:00:00Z',
      to: '2024-06-10T12:00:00Z',
      sort: 'user' as const,
      offset: 100,
    };
    const url = getUrl('b1', state);
    expect(url.startsWith('/bundles/b1?')).toBe(true);
    expect(parseUrl(url.slice(url.indexOf('?')))).toEqual(state);
  });
  it('omits defaults', () => {
    expect(getUrl('b 1', {})).toBe('/bundles/b%201');
    expect(parseUrl('')).toEqual(DEFAULT_REQUESTS_STATE);
  });
  it('ignores invalid values', () => {
    expect(parseUrl('?outcome=great&sort=random&offset=-5')).toEqual(DEFAULT_REQUESTS_STATE);
    expect(parseUrl('?offset=abc').offset).toBe(0);
  });
  it('maps to the API query', () => {
    expect(toApiQuery({ ...DEFAULT_REQUESTS_STATE, q: 'x' })).toMatchObject({
      q: 'x',
      sort: 'time',
      limit: 50,
    });
  });
});
