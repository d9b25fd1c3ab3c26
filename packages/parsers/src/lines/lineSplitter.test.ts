import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lineSplitter.ts';

describe('LineSplitter', () => {
  it('splits across chunk boundaries, strips CRLF and keeps a last line without newline', () => {
    const s = new LineSplitter(100);
    const out = [...s.push(Buffer.from('one\r\ntw')), ...s.push(Buffer.from('o\nthr')), ...s.end()];
    expect(out).toEqual(['one', 'two', 'thr']);
    expect(s.lineCount).toBe(3);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const s = new LineSplitter(100);
    const bytes = Buffer.from('héllo\n');
    expect([...s.push(bytes.subarray(0, 2)), ...s.push(bytes.subarray(2))]).toEqual(['héllo']);
  });

  it('replaces invalid UTF-8 instead of failing', () => {
    const s = new LineSplitter(100);
    const out = s.push(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]));
    expect(out).toEqual(['a\uFFFD\uFFFDb']);
  });

  it('cuts an over-long line, reports it, and never holds more than the cap', () => {
    const s = new LineSplitter(10);
    const out: string[] = [];
    out.push(...s.push(Buffer.from('short\n')));
    for (let i = 0; i < 100; i++) out.push(...s.push(Buffer.from('x'.repeat(1000))));
    out.push(...s.push(Buffer.from('tail\nnext\n')));
    expect(out).toEqual(['short', 'xxxxxxxxxx', 'next']);
    expect(s.takeCut()).toEqual([{ line: 2, length: 100_004 }]);
    expect(s.takeCut()).toEqual([]);
  });

  it('cuts an over-long line that arrives in one chunk, and one at end of file', () => {
    const s = new LineSplitter(4);
    expect(s.push(Buffer.from('abcdefgh\nab'))).toEqual(['abcd']);
    expect(s.push(Buffer.from('cdefg'))).toEqual([]);
    expect(s.end()).toEqual(['abcd']);
    expect(s.takeCut().map((c) => c.line)).toEqual([1, 2]);
  });
});
