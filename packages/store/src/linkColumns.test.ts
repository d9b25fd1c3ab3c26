import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedRecord, Request, Severity } from '@kubetrail/model';
import { decodeLinkColumns, LINK_COLUMNS_MIN, LinkColumnsWriter } from './linkColumns.ts';
import { openStore, type Store } from './store.ts';

const T0 = 1718019340_000_000_000n; // 2024-06-10T11:35:40Z
const N = LINK_COLUMNS_MIN + 5_000;
const SEVERITIES: Severity[] = ['debug', 'info', 'info', 'warning', 'error'];

function record(i: number): ParsedRecord {
  // Deterministic, uneven times (some before the request starts, several per ns), five severities.
  const ts = T0 - 50_000_000n + BigInt((i * 7919) % 9_000) * 1_000_000n + BigInt(i % 3);
  return {
    line: i + 1,
    lineCount: 1,
    ts: i % 997 === 0 ? null : ts,
    severity: SEVERITIES[(i * 31) % 5]!,
    kind: 'log',
    format: 'klog',
    component: i % 4 === 0 ? 'kube-scheduler' : null,
    node: i % 2 === 0 ? 'kind-worker' : 'kind-worker2',
    caller: 'kubelet.go:1',
    message: `line ${i}`,
    fields: null,
    raw: `line ${i}`,
    reqId: null,
    auditId: null,
    traceId: null,
    spanId: null,
  };
}

const request: Request = {
  reqId: 'big',
  idKind: 'reqID',
  auditIds: [],
  user: null,
  impersonatedUser: null,
  userAgent: null,
  sourceIps: [],
  startedAt: '2024-06-10T11:35:40.000000000Z',
  endedAt: '2024-06-10T11:35:49.000000000Z',
  outcome: 'complete',
  code: null,
  records: N,
  system: false,
  targets: [],
};

function bigBundle(): Store {
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'kubetrail-cols-')), 'test.db'));
  store.beginBundle({ id: 'b', name: 'b', sizeBytes: 1 });
  const w = store.createWriter('b');
  const fileId = w.addFile({
    path: 'kubelet.log',
    format: 'klog',
    wrapper: 'none',
    component: 'kubelet',
    node: null,
    timeRule: 'flag',
  });
  w.addRecords(
    fileId,
    Array.from({ length: N }, (_, i) => record(i)),
  );
  w.finish();
  store.saveCorrelation('b', (sink) => {
    for (let i = 0; i < N; i++)
      sink.link({ recordId: i, reqId: 'big', kind: 'explicit', evidence: 'reqID=big' });
    return { requests: [request], objects: [] };
  });
  store.finishBundle('b', {
    files: [],
    totals: { files: 1, lines: N, records: N, skipped: 0, spans: 0, requests: 1 },
    components: [],
    nodes: [],
    skips: [],
    notes: [],
    timeRange: null,
    durationMs: 1,
  });
  return store;
}

describe('link columns', () => {
  it('round-trips through the blob layout', () => {
    const rows = [
      { ts: T0 - 5n, record: 7, lane: 2, severity: 3 },
      { ts: T0 + 1_000_000_007n, record: 2 ** 32 - 1, lane: 65_535, severity: 4 },
    ];
    const exact = new LinkColumnsWriter(T0, rows.length);
    for (const r of rows) exact.push(r);
    const blob = exact.finish();
    // At an odd offset inside a bigger buffer, as a driver may hand it back.
    const shifted = Buffer.concat([Buffer.from([9]), blob]).subarray(1);
    const c = decodeLinkColumns(T0, 2, shifted);
    expect([...c.dNs]).toEqual([-5, 1_000_000_007]);
    expect([...c.record]).toEqual([7, 2 ** 32 - 1]);
    expect([...c.lane]).toEqual([2, 65_535]);
    expect([...c.severity]).toEqual([3, 4]);
    expect(() => decodeLinkColumns(T0, 3, blob)).toThrow(/bytes for 3 links/);
    // Fewer links than the writer was sized for (rows can vanish between count and read): the
    // blob is laid out for the links it holds.
    const w = new LinkColumnsWriter(T0, 5);
    for (const r of rows) w.push(r);
    expect(decodeLinkColumns(T0, 2, w.finish())).toEqual(c);
    const full = new LinkColumnsWriter(T0, 1);
    full.push(rows[0]!);
    expect(() => full.push(rows[1]!)).toThrow(/more than 1 links/);
  });

  it('gives the same buckets and histogram as the SQL queries', () => {
    const store = bigBundle();
    expect(store.db.prepare('SELECT n FROM link_columns').all()).toEqual([
      { n: N - Math.ceil(N / 997) }, // links of records without a time are not placed
    ]);
    const windows = [
      { fromNs: T0 - 60_000_000n, toNs: T0 + 10_000_000_000n },
      { fromNs: T0 + 1_234_567n, toNs: T0 + 3_000_000_001n, errorsOnly: true },
      { fromNs: T0 + 2_000_000_000n, toNs: T0 + 2_000_000_000n },
    ];
    const grids = [
      { originNs: T0, fromMs: -60, bucketMs: 15.1, buckets: 600 },
      { originNs: T0, fromMs: 1.234567, bucketMs: 3.33, buckets: 640 },
      { originNs: T0, fromMs: 2000, bucketMs: 0.001, buckets: 10 },
    ];
    const viaColumns = windows.map((w, i) => store.timelineBuckets('b', 'big', w, grids[i]!));
    const histograms = [
      store.histogram('b', { reqId: 'big', buckets: 120 }),
      store.histogram('b', { reqId: 'big', buckets: 7, fromNs: T0, toNs: T0 + 5_000_000_000n }),
    ];
    expect(viaColumns[0]!.reduce((n, b) => n + b.count, 0)).toBe(N - Math.ceil(N / 997));

    // The same store without its columns: SQL answers.
    store.db.exec('DELETE FROM link_columns');
    const file = store.file;
    store.close();
    const sqlOnly = openStore(file);
    const sort = <T extends { sig: string; index: number }>(xs: T[]) =>
      [...xs].sort((a, b) => (a.sig === b.sig ? a.index - b.index : a.sig < b.sig ? -1 : 1));
    windows.forEach((w, i) => {
      expect(sort(viaColumns[i]!)).toEqual(sort(sqlOnly.timelineBuckets('b', 'big', w, grids[i]!)));
    });
    expect(sqlOnly.histogram('b', { reqId: 'big', buckets: 120 })).toEqual(histograms[0]);
    expect(
      sqlOnly.histogram('b', { reqId: 'big', buckets: 7, fromNs: T0, toNs: T0 + 5_000_000_000n }),
    ).toEqual(histograms[1]);
    // A bundle correlated before migration 0004 gets its columns when the store opens.
    sqlOnly.db.exec('UPDATE bundles SET columns_built = 0');
    sqlOnly.close();
    const upgraded = openStore(file);
    expect(upgraded.db.prepare('SELECT count(*) AS n FROM link_columns').get()).toEqual({ n: 1 });
    expect(upgraded.histogram('b', { reqId: 'big', buckets: 120 })).toEqual(histograms[0]);
    upgraded.close();
  });
});
