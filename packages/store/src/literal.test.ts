import { describe, expect, it } from 'vitest';
import { findLiteral, literalSnippet, parseLiteral, withoutHeader } from './literal.ts';

describe('parseLiteral', () => {
  it('narrows by whole words, the last one as a prefix when the needle ends inside a word', () => {
    expect(parseLiteral('pods=["default/db-qcbn')?.fts).toBe('"default" AND "pods" AND "db" AND "qcbn" *');
    expect(parseLiteral('pods=["default/db-qcbn"]')?.fts).toBe('"default" AND "pods" AND "qcbn" AND "db"');
    // A trailing * is the habit of search boxes, not a character of the line.
    expect(parseLiteral('db-qcbn*')?.text).toBe('db-qcbn');
    expect(parseLiteral('db-qcbn*')?.fts).toBe('"db" AND "qcbn" *');
  });

  it('checks lines one by one when no word can narrow the search', () => {
    for (const q of ['(', '"', 'E0610', 'ab', '11:35:41.000001']) {
      const n = parseLiteral(q);
      expect(n, q).not.toBeNull();
      expect(n?.fts, q).toBeNull();
    }
    expect(parseLiteral('   ')).toBeNull();
    expect(parseLiteral('**')).toBeNull();
  });

  it('leaves a pasted line header out of the index query (the index does not hold it)', () => {
    const line = 'E0610 11:35:41.000001       1 kubelet.go:2434] "Error syncing pod" pod="shop/db-0"';
    expect(withoutHeader(line)).toBe('"Error syncing pod" pod="shop/db-0"');
    expect(withoutHeader('2024-06-10T11:35:40.244334567Z stderr F I0610 11:35:40.244334 1 x.go:1] hi')).toBe(
      'hi',
    );
    expect(withoutHeader('Jun 10 11:35:40 kind-worker kubelet[23617]: I0610 11:35:40.1 1 x.go:1] hi')).toBe(
      'hi',
    );
    // Numbers at the start of a message are words, not a header.
    expect(withoutHeader('0/3 nodes are available')).toBe('0/3 nodes are available');
    expect(parseLiteral(line)?.fts).toBe('"syncing" AND "error" AND "shop" AND "pod" AND "db" AND "0"');
  });

  it('matches as typed, ignoring case, any white space for any white space, and JSON-escaped quotes', () => {
    const n = parseLiteral('pods=["shop/web-1"]')!;
    expect(findLiteral(n, 'x pods=["shop/web-1"] y')).toEqual({ start: 2, end: 21 });
    expect(findLiteral(n, '{"log":"x pods=[\\"shop/web-1\\"]"}')).not.toBeNull();
    expect(findLiteral(n, 'pods=["shop/web-12"]')).toBeNull();
    const spaced = parseLiteral('E0610 11:35:41.000001 1 kubelet.go:2434]')!;
    expect(findLiteral(spaced, 'e0610 11:35:41.000001       1 kubelet.go:2434] x')).not.toBeNull();
    // Symbols are characters like any other: `(` is a parenthesis, `.` a dot.
    expect(findLiteral(parseLiteral('a.c')!, 'abc')).toBeNull();
    expect(findLiteral(parseLiteral('(')!, 'f(x)')).toEqual({ start: 1, end: 2 });
  });

  it('cuts a snippet around the match in a long line and marks the match', () => {
    const long = `${'a'.repeat(500)}NEEDLE${'b'.repeat(500)}`;
    const s = literalSnippet(long, findLiteral(parseLiteral('needle')!, long)!);
    expect(s.replaceAll('\u0002', '[').replaceAll('\u0003', ']')).toMatch(/^…a+\[NEEDLE\]b+…$/);
    expect(s.length).toBeLessThan(400);
    expect(literalSnippet('x y', { start: 2, end: 3 })).toBe('x \u0002y\u0003');
  });
});
