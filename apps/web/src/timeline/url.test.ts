import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMELINE_STATE, getUrl, parseUrl, timelineHref, toSearch } from './url';

describe('timeline url', () => {
  it('round-trips a full view', () => {
    const state = {
      from: -12.5,
      to: 4031.25,
      hidden: ['kubelet/worker-1', 'events'],
      sel: 1234,
      span: '0af7651916cd43dd8448eb211c80319c:00f067aa0ba902b7',
      errorsOnly: true,
    };
    const url = getUrl('b1', 'req/1', state);
    expect(url).toBe(
      '/bundles/b1/requests/req%2F1?from=-12.5&to=4031.25&sel=1234&span=0af7651916cd43dd8448eb211c80319c%3A00f067aa0ba902b7&errors=1&hide=events%2Ckubelet%2Fworker-1',
    );
    const back = parseUrl(url.slice(url.indexOf('?')));
    expect(back).toEqual({ ...state, hidden: ['events', 'kubelet/worker-1'] });
  });
  it('ignores a span that is not <traceId>:<spanId>', () => {
    expect(parseUrl('?span=javascript:alert(1)').span).toBeNull();
  });
  it('rounds times to microseconds', () => {
    expect(toSearch({ from: 1.23456789, to: 2 })).toBe('from=1.235&to=2');
  });
  it('omits defaults and parses empty', () => {
    expect(getUrl('b', 'r')).toBe('/bundles/b/requests/r');
    expect(parseUrl('')).toEqual(DEFAULT_TIMELINE_STATE);
    expect(timelineHref('b', 'r', 7)).toBe('/bundles/b/requests/r?sel=7');
  });
  it('drops invalid windows and selections', () => {
    expect(parseUrl('?from=10&to=5')).toMatchObject({ from: null, to: null });
    expect(parseUrl('?from=abc&to=5')).toMatchObject({ from: null, to: null });
    expect(parseUrl('?from=1')).toMatchObject({ from: null, to: null });
    expect(parseUrl('?sel=-1').sel).toBeNull();
    expect(parseUrl('?sel=1.5').sel).toBeNull();
    expect(parseUrl('?errors=yes').errorsOnly).toBe(false);
  });
  it('accepts repeated hide params and dedupes', () => {
    expect(parseUrl('?hide=a&hide=b,a').hidden).toEqual(['a', 'b']);
  });
});
