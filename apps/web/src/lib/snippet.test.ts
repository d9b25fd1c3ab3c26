import { describe, expect, it } from 'vitest';
import { parseSnippet } from './snippet';

describe('parseSnippet', () => {
  it('splits marked matches', () => {
    expect(parseSnippet('a \u0002volume\u0003 b \u0002data\u0003')).toEqual([
      { text: 'a ', match: false },
      { text: 'volume', match: true },
      { text: ' b ', match: false },
      { text: 'data', match: true },
    ]);
  });
  it('handles no markers and unbalanced markers', () => {
    expect(parseSnippet('plain')).toEqual([{ text: 'plain', match: false }]);
    expect(parseSnippet('x\u0002y')).toEqual([
      { text: 'x', match: false },
      { text: 'y', match: true },
    ]);
    expect(parseSnippet('')).toEqual([]);
  });
  it('keeps HTML as text and strips ANSI', () => {
    expect(parseSnippet('<b>\u001b[1m\u0002x\u0003</b>')).toEqual([
      { text: '<b>', match: false },
      { text: 'x', match: true },
      { text: '</b>', match: false },
    ]);
  });
});
