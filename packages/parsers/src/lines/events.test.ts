import { describe, expect, it } from 'vitest';
import { jsonDeeperThan, MAX_JSON_DEPTH, tryJson } from './events.ts';

describe('tryJson', () => {
  it('refuses JSON nested deeper than the bound (serialising it would overflow the stack)', () => {
    const deep = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    expect(tryJson(deep(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(tryJson(deep(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels: not parsed`,
    });
    expect(tryJson(`${'['.repeat(5000)}${']'.repeat(5000)}`).ok).toBe(false);
  });

  it('counts only brackets outside strings, escaped quotes included', () => {
    expect(jsonDeeperThan(`["${'['.repeat(50)}"]`, 2)).toBe(false);
    expect(jsonDeeperThan(`["a\\"${'['.repeat(50)}"]`, 2)).toBe(false);
    expect(jsonDeeperThan(`["a\\\\", [[[1]]]]`, 3)).toBe(true);
    expect(jsonDeeperThan('"unterminated [[[[', 1)).toBe(false);
  });

  it('does not quote the input in its error (log text must not reach the report)', () => {
    const r = tryJson('bearer abc123secret');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).not.toContain('abc123secret');
  });
});
