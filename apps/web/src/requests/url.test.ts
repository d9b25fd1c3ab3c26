import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUESTS_STATE, getUrl, parseUrl, toApiQuery, toRfc3339 } from './url';

describe('requests url', () => {
  it('round-trips every field', () => {
    const state = {
      q: 'nginx',
      outcome: 'failed' as const,
      verb: 'create',
      resource: 'deployments',
      namespace: 'shop',
      user: 'alice',
      since: '2024-06-10T11:00:00Z',
      until: '2024-06-10 12:00',
      system: true,
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
  it('reads links that still say from/to as start bounds', () => {
    expect(parseUrl('?from=2024-06-10T11:00:00Z&to=2024-06-10')).toMatchObject({
      since: '2024-06-10T11:00:00Z',
      until: '2024-06-10',
    });
  });
  it('takes times as people type them', () => {
    expect(toRfc3339('2024-06-10 11:35')).toBe('2024-06-10T11:35:00Z');
    expect(toRfc3339('2024-06-10 11:35', true)).toBe('2024-06-10T11:35:59.999999999Z');
    expect(toRfc3339('2024-06-10')).toBe('2024-06-10T00:00:00Z');
    expect(toRfc3339('2024-06-10', true)).toBe('2024-06-10T23:59:59.999999999Z');
    expect(toRfc3339('2024-06-10T11:35:40.5+02:00')).toBe('2024-06-10T11:35:40.5+02:00');
    expect(toRfc3339('yesterday')).toBeNull();
  });
  it('maps to the API query', () => {
    expect(toApiQuery({ ...DEFAULT_REQUESTS_STATE, since: '2024-06-10 11:35', system: true })).toMatchObject({
      since: '2024-06-10T11:35:00Z',
      system: 'include',
    });
    expect(toApiQuery({ ...DEFAULT_REQUESTS_STATE, q: 'x' })).toMatchObject({
      q: 'x',
      sort: 'time',
      limit: 50,
    });
  });
});
