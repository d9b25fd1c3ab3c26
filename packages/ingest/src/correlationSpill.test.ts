import { afterEach, describe, expect, it } from 'vitest';
import { correlate, collectingSink, type FilePod } from '@kubetrail/correlate';
import type { RecordKind } from '@kubetrail/model';
import { generateBundle, writeBundleDir } from '@kubetrail/simulator';
import type { RecordValues } from '@kubetrail/store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hintsOf } from './bundleSource.ts';
import { CorrelationSpill } from './correlationSpill.ts';
import { ingestPaths } from './ingestPaths.ts';
import { tempStore } from './testing/index.ts';

const spills: CorrelationSpill[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of spills.splice(0)) s.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const values = (
  ts: bigint | null,
  kind: RecordKind,
  message: string,
  fields: unknown = null,
): RecordValues => [
  1,
  ts,
  2,
  kind,
  kind === 'audit' ? 'audit' : 'klog',
  null,
  null,
  'x.go:1',
  message,
  fields === null ? null : JSON.stringify(fields),
  `raw ${message}`,
  null,
  null,
  null,
  null,
  1,
  '[]',
];

/** A deterministic pseudo-random sequence (LCG). */
function rng(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('CorrelationSpill', () => {
  it('reads every record back in (ts, id) order, whatever order its file had', () => {
    const spill = new CorrelationSpill();
    spills.push(spill);
    const random = rng(7);
    const all: { id: number; ts: bigint | null; kind: RecordKind }[] = [];
    let id = 0;
    for (let f = 0; f < 6; f++) {
      spill.beginSegment();
      let t = 1_000n;
      for (let i = 0; i < 400; i++) {
        // Mostly in order; some far back (late audit events), some without a time, a burst reversed.
        const r = random();
        const ts = r < 0.05 ? null : r < 0.2 ? t - BigInt(Math.floor(random() * 500)) : (t += 3n);
        const kind: RecordKind = f === 2 ? 'audit' : random() < 0.1 ? 'event' : 'log';
        spill.add(id, f, values(ts, kind, `m${id}`, { n: id }), 'kubelet', `node-${f}`);
        all.push({ id, ts, kind });
        id++;
      }
    }
    // A file in reverse time order: every record after the first is set aside (more than the
    // sub-run limit), and still comes back in order.
    spill.beginSegment();
    for (let i = 0; i < 200; i++) {
      const ts = 5_000n - BigInt(i);
      spill.add(id, 9, values(ts, 'log', `m${id}`), 'kubelet', null);
      all.push({ id, ts, kind: 'log' });
      id++;
    }
    spill.finish();
    const key = (r: { ts: bigint | null }) => r.ts ?? -(2n ** 63n);
    const expected = [...all].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
    expect([...spill.records()].map((r) => r.id)).toEqual(expected.map((r) => r.id));
    for (const kinds of [['audit'], ['audit', 'event'], ['log']] as RecordKind[][]) {
      expect([...spill.records(kinds)].map((r) => r.id)).toEqual(
        expected.filter((r) => kinds.includes(r.kind)).map((r) => r.id),
      );
    }
    const one = [...spill.records(['log'])].find((r) => r.id === 0 || r.id === 1)!;
    expect(one.message).toBe(`m${one.id}`);
    expect(one).toMatchObject({
      component: 'kubelet',
      node: 'node-0',
      caller: 'x.go:1',
      severity: 'warning',
    });
    expect(one.message).toBe(`m${one.id}`);
    expect(one.fields).toEqual({ n: one.id });
  });

  it('reads only the log lines of the components a filter names (RecordFilter.logComponents)', () => {
    const spill = new CorrelationSpill();
    spills.push(spill);
    const rows: { id: number; kind: RecordKind; component: string }[] = [
      { id: 0, kind: 'log', component: 'kubelet' },
      { id: 1, kind: 'log', component: 'kube-controller-manager' },
      { id: 2, kind: 'event', component: 'kubelet' },
      { id: 3, kind: 'audit', component: 'kube-apiserver' },
      { id: 4, kind: 'log', component: 'kube-scheduler' },
    ];
    spill.beginSegment();
    for (const r of rows) spill.add(r.id, 0, values(BigInt(r.id), r.kind, `m${r.id}`), r.component, null);
    spill.finish();
    const source = spill.source(() => []);
    const ids = (filter: Parameters<typeof source.records>[0]) =>
      [...source.records(filter)].map((r) => r.id);
    expect(ids({ kinds: ['log', 'event', 'audit'], logComponents: ['kube-controller-manager'] })).toEqual([
      1, 2, 3,
    ]);
    expect(ids({ kinds: ['log'], logComponents: ['kubelet', 'kube-scheduler'] })).toEqual([0, 4]);
    // Without `log` among the kinds, or without kinds, the components change nothing.
    expect(ids({ kinds: ['event'], logComponents: ['kube-scheduler'] })).toEqual([2]);
    expect(ids({ logComponents: ['kube-scheduler'] })).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps any message as it was, separators and empty strings included', () => {
    const spill = new CorrelationSpill();
    spills.push(spill);
    const odd = ['', 'a\u0000b', 'x\u0001\u0002\u0003\u0004y', 'null', '\u2028 ü 日本'];
    odd.forEach((m, i) =>
      spill.add(i, 0, values(BigInt(i), 'log', m), m === '' ? '' : 'kubelet', i % 2 ? null : ''),
    );
    spill.finish();
    expect([...spill.records()].map((r) => [r.message, r.component, r.node])).toEqual(
      odd.map((m, i) => [m, m === '' ? '' : 'kubelet', i % 2 ? null : '']),
    );
  });

  it('rebuilds an audit record stored without fields from its raw stage lines', () => {
    const spill = new CorrelationSpill();
    spills.push(spill);
    const ev = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: 'a-1',
      verb: 'get',
      stage: 'ResponseComplete',
    };
    const v = values(5n, 'audit', 'get → 200');
    v[10] = JSON.stringify(ev);
    spill.add(0, 0, v, 'kube-apiserver', null);
    spill.finish();
    const [r] = [...spill.records(['audit'])];
    expect(r?.fields).toMatchObject({ auditID: 'a-1', verb: 'get' });
  });

  it('gives correlation the same links and requests as reading the store back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-spill-'));
    dirs.push(dir);
    await writeBundleDir(generateBundle({ seed: 3, targetLines: 20_000, noise: 600 }), dir);
    const { store } = tempStore();
    try {
      const r = await ingestPaths(store, [dir]);
      expect(r.status).toBe('ready');
      expect(r.report.totals.requests).toBeGreaterThan(5);
      // The pods that files' paths name, as the ingest gives them to correlation.
      const filePods = new Map<number, FilePod>();
      for (const f of store.db
        .prepare<[string], { file_id: number; path: string }>(
          'SELECT file_id, path FROM files WHERE bundle = (SELECT key FROM bundles WHERE id = ?)',
        )
        .all(r.bundleId)) {
        const pod = hintsOf(f.path).pod;
        if (pod) filePods.set(f.file_id, pod);
      }
      const source = store.correlationSource(r.bundleId);
      const sink = collectingSink();
      const fromStore = correlate(source, sink, { filePods });
      source.close();
      const requests = store.listRequests(r.bundleId, { sort: 'time', offset: 0, limit: 1000 });
      expect(requests.requests.map((q) => [q.reqId, q.outcome])).toEqual(
        fromStore.requests.map((q) => [q.reqId, q.outcome]),
      );
      const stored = new Map<number, string[]>();
      for (const q of fromStore.requests)
        for (const rec of store.requestRecords(r.bundleId, q.reqId))
          stored.set(rec.id, [...(stored.get(rec.id) ?? []), `${q.reqId} ${rec.linkKind} ${rec.evidence}`]);
      const expected = new Map<number, string[]>();
      for (const l of sink.links)
        expected.set(l.recordId, [...(expected.get(l.recordId) ?? []), `${l.reqId} ${l.kind} ${l.evidence}`]);
      const sorted = (m: Map<number, string[]>) =>
        [...m].map(([k, v]) => [k, v.sort()]).sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(sorted(stored)).toEqual(sorted(expected));
    } finally {
      store.close();
    }
  }, 120_000);
});
