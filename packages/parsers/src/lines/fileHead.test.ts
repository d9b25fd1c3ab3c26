import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FileInfo, ParsedRecord, ParseSkip } from '@kubetrail/model';
import { noPathHints } from '../bundle/classifyPath.ts';
import { parseFile } from '../parseFile.ts';

async function parse(
  chunks: Buffer[],
): Promise<{ info: FileInfo; records: ParsedRecord[]; skips: ParseSkip[]; bytes: number }> {
  const out = {
    info: undefined as unknown as FileInfo,
    records: [] as ParsedRecord[],
    skips: [] as ParseSkip[],
    bytes: 0,
  };
  for await (const batch of parseFile(Readable.from(chunks), {
    path: 'test.log',
    hints: noPathHints(),
    mtimeMs: null,
    year: 2024,
    tzOffsetMinutes: 0,
    bundleReferenceNs: null,
    limits: { maxDecompressedBytes: 1 << 30, maxLineBytes: 1 << 20 },
  })) {
    for (const e of batch) {
      if (e.type === 'info') out.info = e.info;
      else if (e.type === 'record') out.records.push(e.record);
      else if (e.type === 'skip') out.skips.push(e.skip);
      else if (e.type === 'progress') out.bytes = e.bytes;
    }
  }
  return out;
}

const KLOG = (i: number): string =>
  `I0610 11:35:4${i}.000000    2301 kubelet.go:2345] "SyncLoop ADD" n=${i}\n`;

describe('a copytruncate NUL prefix', () => {
  it('is skipped and reported; the lines after it are kept (also across chunks)', async () => {
    const body = Buffer.from(KLOG(1) + KLOG(2));
    for (const chunks of [
      [Buffer.concat([Buffer.alloc(4096), body])],
      [Buffer.alloc(3000), Buffer.alloc(1096), body],
    ]) {
      const p = await parse(chunks);
      expect(p.info.format).toBe('klog');
      expect(p.records.map((r) => r.message)).toEqual(['SyncLoop ADD', 'SyncLoop ADD']);
      expect(p.records[0]!.raw).toBe(KLOG(1).trimEnd());
      expect(p.skips).toEqual([
        { line: 1, reason: expect.stringMatching(/^4096 NUL bytes at the start/) as unknown },
      ]);
      expect(p.bytes).toBe(4096 + body.length);
    }
  });

  it('does not hide a binary file', async () => {
    const p = await parse([Buffer.concat([Buffer.alloc(64), Buffer.from([1, 0, 2, 0, 3, 0, 255, 0])])]);
    expect(p.records).toEqual([]);
    expect(p.skips).toEqual([{ line: null, reason: 'binary file (NUL bytes)' }]);
  });
});

describe('a JSON-lines file whose first line is longer than the line limit', () => {
  it('is read as lines (the long line cut and reported), not taken for one JSON document', async () => {
    const ev = (id: string, pad = ''): string =>
      `${JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: id, stage: 'ResponseComplete', verb: 'get', requestURI: '/api', pad, requestReceivedTimestamp: '2024-06-10T11:35:40.000000Z' })}\n`;
    const text = ev('a-0', 'x'.repeat(1_500_000)) + ev('a-1') + ev('a-2');
    const p = await parse([Buffer.from(text)]);
    expect(p.info.format).toBe('audit');
    expect(p.records.map((r) => r.auditId)).toEqual(['a-1', 'a-2']);
    expect(p.skips.map((s) => s.line)).toEqual([1, 1]);
    expect(p.skips[0]!.reason).toMatch(/longer than/);
  });
});
