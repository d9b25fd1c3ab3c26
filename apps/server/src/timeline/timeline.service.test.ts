import { afterEach, describe, expect, it } from 'vitest';
import {
  formatNs,
  nsToMs,
  parseRfc3339Ns,
  severityRank,
  TimelineQuerySchema,
  type FileInfo,
  type ParsedRecord,
  type Request,
} from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { emptyReport } from '@kubetrail/ingest';
import { tempStore } from '../testing/seedBundle.ts';
import { levelOfDetail } from './buckets.ts';
import { laneForRecord } from './lanes.ts';
import { buildTimeline, preview } from './timeline.service.ts';
import { parsedRecord } from '../testing/seedBundle.ts';

const BUNDLE = 'bdense0123456789';
const REQ = 'dense-request';
const DENSE = 20_000;
const START = '2024-06-10T11:35:38.000000000Z';
const T0 = parseRfc3339Ns(START)!;
const at = (ms: number): bigint => T0 + BigInt(Math.round(ms * 1e6));

// raw differs from message so the tests see that marks never carry the raw line.
const rec = (over: Partial<ParsedRecord> & { line: number; message: string }): ParsedRecord =>
  parsedRecord({ raw: `RAW ${over.message}`, ...over });

/** One request: 20 000 kubelet lines (a dense lane) and a few sparse lines in other lanes. */
function seedDense(store: Store): void {
  store.beginBundle({ id: BUNDLE, name: 'dense', sizeBytes: 1 });
  const w = store.createWriter(BUNDLE);
  const file = (
    component: string,
    node: string | null,
    format: FileInfo['format'],
    records: ParsedRecord[],
  ): void => {
    const info = {
      path: `${component}.log`,
      format,
      wrapper: 'none',
      component,
      node,
      timeRule: 'full',
    } as const;
    const id = w.addFile(info);
    w.addRecords(id, records);
    w.finishFile(id, {
      ...info,
      bytes: 1,
      lines: records.length,
      records: records.length,
      skipped: 0,
      error: null,
    });
  };
  file('kubelet', 'worker-1', 'klog', [
    ...Array.from({ length: DENSE }, (_, i) =>
      rec({
        line: i + 1,
        ts: at(i * 0.5),
        severity: i === 7_777 ? 'error' : i % 1000 === 3 ? 'warning' : 'info',
        message: `SyncLoop tick ${i}`,
        fields: { pod: 'shop/web-0', i },
      }),
    ),
  ]); // ids 0..19999
  file('audit', 'control-plane', 'audit', [
    rec({
      line: 1,
      ts: at(1),
      kind: 'audit',
      format: 'audit',
      message: 'create deployments shop/web by alice',
      fields: {
        auditID: 'a1',
        verb: 'create',
        user: { username: 'alice' },
        objectRef: { resource: 'deployments', namespace: 'shop', name: 'web' },
        responseStatus: { code: 201 },
        requestReceivedTimestamp: formatNs(at(1)),
        stageTimestamp: formatNs(at(3)),
      },
    }),
    rec({
      line: 2,
      ts: at(20),
      kind: 'audit',
      format: 'audit',
      message: 'create replicasets shop/web-1 by deployment-controller',
      fields: {
        auditID: 'a2',
        verb: 'create',
        user: { username: 'system:serviceaccount:kube-system:deployment-controller' },
        objectRef: { resource: 'replicasets', namespace: 'shop', name: 'web-1' },
        responseStatus: { code: 201 },
      },
    }),
  ]); // ids 20000, 20001
  file('kube-controller-manager', 'control-plane', 'klog', [
    rec({
      line: 1,
      ts: at(25),
      caller: 'replica_set.go:676',
      message: 'Too few replicas',
      fields: { need: 1 },
    }),
    rec({
      line: 2,
      ts: at(26),
      caller: 'foo.go:1',
      message: 'by logger',
      fields: { logger: 'job-controller' },
    }),
    rec({
      line: 3,
      ts: at(27),
      caller: 'event.go:389',
      message: 'Event occurred',
      fields: { kind: 'StatefulSet' },
    }),
    rec({ line: 4, ts: at(28), caller: 'other.go:9', severity: 'warning', message: 'plain\nsecond line' }),
  ]); // ids 20002..20005
  file('events', null, 'k8s-event', [
    rec({
      line: 1,
      ts: at(30),
      kind: 'event',
      format: 'k8s-event',
      severity: 'warning',
      message: 'FailedMount',
      fields: { reason: 'FailedMount', source: { component: 'kubelet', host: 'worker-2' } },
    }),
    rec({
      line: 2,
      ts: at(31),
      kind: 'event',
      format: 'k8s-event',
      message: 'Scheduled',
      fields: { reportingController: 'default-scheduler' },
    }),
    rec({ line: 3, ts: at(32), kind: 'event', format: 'k8s-event', message: 'unknown source' }),
  ]); // ids 20006..20008
  w.finish();
  const request = {
    reqId: REQ,
    idKind: 'audit',
    auditIds: ['a1'],
    user: 'alice',
    impersonatedUser: null,
    userAgent: null,
    sourceIps: [],
    startedAt: START,
    endedAt: formatNs(at(DENSE * 0.5)),
    outcome: 'complete',
    code: 201,
    records: 0,
    targets: [],
  } as unknown as Request;
  store.saveCorrelation(BUNDLE, (sink) => {
    for (let id = 0; id < DENSE + 9; id++)
      sink.link({ recordId: id, reqId: REQ, kind: id === DENSE ? 'audit' : 'inferred', evidence: 'seed' });
    return { requests: [request], objects: [] };
  });
  store.finishBundle(BUNDLE, emptyReport());
}

/** The timeline's marks/buckets as they were built before level of detail moved into SQL. */
function reference(store: Store, q: { width: number; from: number; to: number }) {
  const records = store.requestRecords(BUNDLE, REQ, {
    fromNs: T0 + BigInt(Math.round(q.from * 1e6)),
    toNs: T0 + BigInt(Math.round(q.to * 1e6)),
  });
  const placed = records.map((r) => ({
    recordId: r.id,
    lane: laneForRecord(r).id,
    t: nsToMs(r.tsNs! - T0),
    ts: r.ts ?? '',
    severity: r.severity,
    severityRank: severityRank(r.severity),
    kind: r.kind,
    message: preview(r),
    linkKind: r.linkKind,
  }));
  const lod = levelOfDetail(placed, q);
  return {
    marks: lod.marks.map(({ severityRank: _rank, ...m }) => m),
    buckets: lod.buckets.map((b) => ({ lane: b.lane, count: b.count, recordId: b.representative.recordId })),
  };
}

const stores: Store[] = [];
afterEach(() => {
  while (stores.length) stores.pop()?.close();
});

describe('timeline level of detail in SQL', () => {
  it('returns buckets for the dense lane and the same marks as before for sparse lanes', () => {
    const { store } = tempStore();
    stores.push(store);
    seedDense(store);
    const q = TimelineQuerySchema.parse({ width: 1200 });
    const tl = buildTimeline({ store }, BUNDLE, REQ, q);
    const ref = reference(store, { width: 1200, from: 0, to: DENSE * 0.5 });

    expect(tl.lanes.map((l) => [l.id, l.count])).toEqual([
      ['client', 1],
      ['kube-controller-manager', 1],
      ['kube-controller-manager/deployment-controller', 1],
      ['kube-controller-manager/job-controller', 1],
      ['kube-controller-manager/replicaset-controller', 1],
      ['kube-controller-manager/statefulset-controller', 1],
      ['kube-scheduler', 1],
      ['kubelet/worker-1', DENSE],
      ['kubelet/worker-2', 1],
      ['events', 1],
    ]);
    expect(tl.marks).toEqual(ref.marks);
    expect(tl.marks).toHaveLength(9);
    expect(tl.marks.some((m) => m.lane === 'kubelet/worker-1')).toBe(false);

    const dense = tl.buckets.filter((b) => b.lane === 'kubelet/worker-1');
    expect(dense).toHaveLength(600);
    expect(dense.reduce((n, b) => n + b.count, 0)).toBe(DENSE);
    expect(tl.buckets.map((b) => [b.lane, b.count, b.recordId])).toEqual(
      ref.buckets.map((b) => [b.lane, b.count, b.recordId]),
    );
    const worst = dense.find((b) => b.worst === 'error');
    expect(worst).toMatchObject({ recordId: 7_777, message: 'SyncLoop tick 7777 pod="shop/web-0" i=7777' });
    expect(tl.apiCalls.map((c) => [c.recordId, c.lane, c.t0, c.t1])).toEqual([
      [DENSE, 'client', 1, 3],
      [DENSE + 1, 'kube-controller-manager/deployment-controller', 20, 20],
    ]);

    // A zoomed window holding fewer lines than pixels: every record is a mark, as before.
    const zoom = buildTimeline(
      { store },
      BUNDLE,
      REQ,
      TimelineQuerySchema.parse({ width: 1200, from: 0, to: 100 }),
    );
    const zoomRef = reference(store, { width: 1200, from: 0, to: 100 });
    expect(zoom.buckets).toEqual([]);
    expect(zoom.marks).toEqual(zoomRef.marks);
    expect(zoom.marks).toHaveLength(201 + 9);

    // A window with kubelet lines only still lists every lane of the request, the others empty:
    // lanes do not come and go while zooming.
    const late = buildTimeline(
      { store },
      BUNDLE,
      REQ,
      TimelineQuerySchema.parse({ width: 1200, from: 5000, to: 5100 }),
    );
    expect(late.lanes.map((l) => l.id)).toEqual(tl.lanes.map((l) => l.id));
    expect(late.lanes.filter((l) => l.count > 0).map((l) => [l.id, l.count])).toEqual([
      ['kubelet/worker-1', 201],
    ]);
    expect(new Set(late.marks.map((m) => m.lane))).toEqual(new Set(['kubelet/worker-1']));
  });
});
