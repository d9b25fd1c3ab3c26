import { describe, expect, it } from 'vitest';
import { apiUrl, toApiError } from './client';

describe('apiUrl', () => {
  it('drops empty values and encodes the rest', () => {
    expect(apiUrl('/api/x', { q: 'a b', outcome: undefined, n: 0, e: '', t: true, f: false })).toBe(
      '/api/x?q=a+b&n=0&t=1',
    );
    expect(apiUrl('/api/x')).toBe('/api/x');
  });
});

describe('toApiError', () => {
  it('reads the API error shape', () => {
    const e = toApiError(404, JSON.stringify({ error: { code: 'not_found', message: 'no such bundle' } }));
    expect(e.status).toBe(404);
    expect(e.code).toBe('not_found');
    expect(e.message).toBe('no such bundle');
  });
  it('falls back for non-JSON bodies', () => {
    const e = toApiError(502, '<html>Bad gateway</html>');
    expect(e.code).toBe('http_502');
    expect(e.message).toContain('Bad gateway');
  });
});
