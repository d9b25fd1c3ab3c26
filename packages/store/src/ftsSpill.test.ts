import { describe, expect, it } from 'vitest';
import { FtsSpill } from './ftsSpill.ts';
import { openStore } from './store.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ODD: [string, string | null][] = [
  ['plain', null],
  ['', '{"pods":["a"]}'],
  ['two\nlines\r\nand a tab\t', null],
  ['nul \u0000 and \u0001\u0002\u0003\u0004 inside', '{"k":"v"}'],
  ['\u0003', null],
  ['ü 日本 \u2028', '{"x":"\\u0000"}'],
];

describe('FtsSpill', () => {
  it('gives back every message and key/values as written, whatever characters they hold', () => {
    const spill = new FtsSpill();
    for (const [m, f] of ODD) spill.add(m, f);
    spill.close();
    expect([...spill.entries()]).toEqual(ODD);
    spill.remove();
  });

  it('feeds the worker-built index the same text', async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'kt-fts-')), 'db.sqlite'));
    store.beginBundle({ id: 'b', name: 'b', sizeBytes: 1 });
    const w = store.createWriter('b');
    const file = w.addFile({
      path: 'x.log',
      format: 'text',
      wrapper: 'none',
      component: 'x',
      node: null,
      timeRule: 'none',
    });
    const base = {
      lineCount: 1,
      ts: null,
      severity: 'info',
      kind: 'log',
      format: 'text',
      component: null,
      node: null,
      caller: null,
      fields: null,
      reqId: null,
      auditId: null,
      traceId: null,
      spanId: null,
    } as const;
    w.addRecords(file, [
      { ...base, line: 1, message: 'first\nline holds zebra', raw: 'r1' },
      { ...base, line: 2, message: 'nul \u0000 then giraffe', raw: 'r2' },
      { ...base, line: 3, message: 'plain okapi', raw: 'r3' },
    ]);
    w.finishRecords();
    await store.buildFts('b');
    for (const [q, id] of [
      ['zebra', 0],
      ['giraffe', 1],
      ['okapi', 2],
    ] as const)
      expect(store.searchRecords('b', { q, offset: 0, limit: 5 }).hits.map((h) => h.record.id)).toEqual([id]);
    store.close();
  });
});
