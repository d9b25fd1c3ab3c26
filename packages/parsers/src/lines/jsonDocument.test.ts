import { describe, expect, it } from 'vitest';
import { JsonItemStream } from './jsonDocument.ts';

function items(text: string, chunk: number, max = 1 << 20) {
  const s = new JsonItemStream(max);
  const out = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...s.push(text.slice(i, i + chunk)));
  return { s, out };
}

describe('JsonItemStream', () => {
  const list = JSON.stringify(
    {
      apiVersion: 'v1',
      items: [{ a: '}{"' }, { b: { c: [1, { d: 2 }] } }],
      kind: 'List',
      metadata: { x: [{}] },
    },
    null,
    2,
  );

  it('streams the items of a List with their lines, whatever the chunking', () => {
    const lines = list.split('\n');
    for (const chunk of [1, 3, 17, list.length]) {
      const { s, out } = items(list, chunk);
      expect(out.map((i) => JSON.parse(i.text) as unknown)).toEqual([
        { a: '}{"' },
        { b: { c: [1, { d: 2 }] } },
      ]);
      expect(lines[out[0]!.start - 1]!.trim()).toBe('{');
      expect(lines[out[1]!.end - 1]!.trim()).toBe('}');
      expect(s.hasList).toBe(true);
      expect(s.balanced).toBe(true);
      expect(s.envelopeText()).toBeNull();
    }
  });

  it('streams a top-level array and resourceSpans', () => {
    expect(items('[\n{"a":1},\n{"b":2}\n]', 4).out).toEqual([
      { text: '{"a":1}', start: 2, end: 2 },
      { text: '{"b":2}', start: 3, end: 3 },
    ]);
    expect(items('{"resourceSpans":[{"x":1}]}', 5).out.map((i) => i.text)).toEqual(['{"x":1}']);
  });

  it('keeps a single object whole (arrays under other keys are not item lists)', () => {
    const ev = JSON.stringify({ auditID: 'a', sourceIPs: ['1.2.3.4'], objects: [{ a: 1 }] }, null, 2);
    const { s, out } = items(ev, 7);
    expect(out).toEqual([]);
    expect(s.hasList).toBe(false);
    expect(s.envelopeText()).toBe(ev);
  });

  it('drops items and envelopes over the cap, and notices truncation', () => {
    const big = `{"items":[{"a":"${'x'.repeat(100)}"},{"b":1}]}`;
    const { s, out } = items(big, 10, 50);
    expect(out.map((i) => i.text)).toEqual(['{"b":1}']);
    expect(s.oversize).toEqual([1]);
    const single = items(`{"a":"${'x'.repeat(100)}"}`, 10, 50).s;
    expect(single.envelopeText()).toBeNull();
    expect(single.envelopeTooBig).toBe(true);
    expect(items('{"items":[{"a":1}', 4).s.balanced).toBe(false);
  });
});
