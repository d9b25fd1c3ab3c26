import { describe, expect, it } from 'vitest';
import type { RecordLink } from '@kubetrail/model';
import { LinkBuffer } from './linkBuffer.ts';

describe('LinkBuffer', () => {
  it('gives back every link as pushed, across growth, with ids past 2^32', () => {
    const buf = new LinkBuffer();
    const links: RecordLink[] = [];
    const kinds = ['explicit', 'audit', 'trace', 'inferred'] as const;
    for (let i = 0; i < 5_000; i++) {
      const l: RecordLink = {
        recordId: i === 4_999 ? 2 ** 40 - 1 : i * 3,
        reqId: `req-${i % 7}`,
        kind: kinds[i % 4]!,
        evidence: i % 2 === 0 ? 'reqID=x' : `pod shop/web-${i}`,
      };
      links.push(l);
      buf.push(l);
    }
    expect(buf.length).toBe(5_000);
    expect([...buf]).toEqual(links);
  });
});
