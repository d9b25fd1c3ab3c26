/**
 * Test support: a small, fully known bundle written through the real store (writer, FTS,
 * correlation tables), so route tests do not depend on parsers or correlation heuristics.
 */
import {
  formatNs,
  parseRfc3339Ns,
  type FileInfo,
  type ParsedRecord,
  type ParsedSpan,
  type Request,
  type Stage,
} from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { emptyReport } from '@kubetrail/ingest';
export { tempStore } from '@kubetrail/ingest/testing';

export const SEED = {
  bundleId: 'b0123456789abcdef',
  reqId: 'a1b2c3d4-0000-4000-8000-000000000001',
  otherReqId: 'a1b2c3d4-0000-4000-8000-000000000002',
  start: '2024-06-10T11:35:38.120000000Z',
  /** Kubelet noise lines, to make that lane dense. */
  noise: 60,
};

/** A fresh database file in its own temp folder. */

const T0 = parseRfc3339Ns(SEED.start)!;
const at = (ms: number): bigint => T0 + BigInt(Math.round(ms * 1e6));

/** A parsed log record with defaults for everything but its line and message (raw = message). */
export function parsedRecord(over: Partial<ParsedRecord> & { line: number; message: string }): ParsedRecord {
  return {
    lineCount: 1,
    ts: null,
    severity: 'info',
    kind: 'log',
    format: 'klog',
    component: null,
    node: null,
    caller: null,
    fields: null,
    raw: over.message,
    reqId: null,
    auditId: null,
    traceId: null,
    spanId: null,
    ...over,
  };
}

function audit(
  line: number,
  ms: number,
  auditID: string,
  user: string,
  verb: string,
  resource: string,
  name: string,
  code: number,
): ParsedRecord {
  return parsedRecord({
    line,
    ts: at(ms),
    kind: 'audit',
    format: 'audit',
    component: 'audit',
    message: `${verb} ${resource} shop/${name} by ${user} → ${code}`,
    auditId: auditID,
    fields: {
      auditID,
      verb,
      stage: 'ResponseComplete',
      user: { username: user },
      objectRef: { resource, namespace: 'shop', name },
      responseStatus: { code },
      requestReceivedTimestamp: formatNs(at(ms)),
      stageTimestamp: formatNs(at(ms + 12.5)),
    },
  });
}

/** Writes the seed bundle (ready, with one failed request and one complete one) and returns the store. */
export function seedBundle(store: Store): void {
  const { bundleId, reqId, otherReqId } = SEED;
  store.beginBundle({ id: bundleId, name: 'seed bundle', sizeBytes: 1234 });
  const w = store.createWriter(bundleId);
  const files: [FileInfo, ParsedRecord[]][] = [
    [
      {
        path: 'kubernetes/audit.log',
        format: 'audit',
        wrapper: 'none',
        component: 'audit',
        node: 'control-plane',
        timeRule: 'full',
      },
      [
        audit(1, 0, reqId, 'alice', 'create', 'deployments', 'nginx', 201), // id 0
        audit(
          2,
          40,
          'c0ffee00-0000-4000-8000-000000000009',
          'system:serviceaccount:kube-system:deployment-controller',
          'create',
          'replicasets',
          'nginx-7d4',
          201,
        ), // id 1
        audit(3, 5000, otherReqId, 'bob', 'create', 'configmaps', 'settings', 201), // id 2
      ],
    ],
    [
      {
        path: 'control-plane/kube-controller-manager.log',
        format: 'klog',
        wrapper: 'cri',
        component: 'kube-controller-manager',
        node: 'control-plane',
        timeRule: 'wrapper',
      },
      [
        parsedRecord({
          line: 1,
          ts: at(45),
          caller: 'replica_set.go:676',
          message: 'Too few replicas replicaSet="shop/nginx-7d4" need=1 creating=1',
        }), // id 3
      ],
    ],
    [
      {
        path: 'worker-2/kubelet.log',
        format: 'klog',
        wrapper: 'journald',
        component: 'kubelet',
        node: 'worker-2',
        timeRule: 'wrapper',
      },
      [
        ...Array.from({ length: SEED.noise }, (_, i) =>
          parsedRecord({
            line: i + 1,
            ts: at(100 + i * 10),
            caller: 'kubelet.go:2400',
            message: `SyncLoop tick ${i} pod="shop/nginx-7d4-abcde"`,
          }),
        ), // ids 4..63
        parsedRecord({
          line: SEED.noise + 1,
          ts: at(2100),
          severity: 'error',
          caller: 'pod_workers.go:1301',
          message:
            'Error syncing pod, skipping err="unmounted volumes=[data]: timed out waiting for the condition" pod="shop/nginx-7d4-abcde"',
        }), // id 64
      ],
    ],
    [
      {
        path: 'shop/events.json',
        format: 'k8s-event',
        wrapper: 'none',
        component: 'events',
        node: null,
        timeRule: 'full',
      },
      [
        parsedRecord({
          line: 1,
          ts: at(2200),
          kind: 'event',
          format: 'k8s-event',
          severity: 'warning',
          message: 'FailedMount: Unable to attach or mount volumes: unmounted volumes=[data]',
          fields: { reason: 'FailedMount', source: { component: 'kubelet', host: 'worker-2' } },
        }), // id 65
        parsedRecord({
          line: 2,
          ts: at(9000),
          kind: 'event',
          format: 'k8s-event',
          message: 'unrelated coredns restart',
        }), // id 66
      ],
    ],
  ];
  for (const [info, records] of files) {
    const fileId = w.addFile(info);
    w.addRecords(fileId, records);
    w.finishFile(fileId, {
      ...info,
      bytes: 100 * records.length,
      lines: records.length,
      records: records.length,
      skipped: 0,
      error: null,
    });
  }
  const span = (
    spanId: string,
    parent: string | null,
    name: string,
    ms0: number,
    ms1: number,
  ): ParsedSpan => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    parentSpanId: parent,
    name,
    service: 'apiserver',
    component: 'kube-apiserver',
    node: 'control-plane',
    start: at(ms0),
    end: at(ms1),
    statusCode: 'ok',
    statusMessage: null,
    attributes: {},
    resource: {},
    events: [],
    auditId: parent ? null : reqId,
  });
  const spanFile = w.addFile({
    path: 'traces.json',
    format: 'otlp',
    wrapper: 'none',
    component: 'kube-apiserver',
    node: null,
    timeRule: 'full',
  });
  w.addSpans(spanFile, [
    span('00f067aa0ba902b7', null, 'HTTP POST', 0, 12),
    span('00f067aa0ba902b8', '00f067aa0ba902b7', 'etcd txn', 2, 10),
  ]);
  w.finishFile(spanFile, {
    path: 'traces.json',
    format: 'otlp',
    wrapper: 'none',
    component: 'kube-apiserver',
    node: null,
    bytes: 10,
    lines: 1,
    records: 0,
    skipped: 0,
    timeRule: 'full',
    error: null,
  });
  w.finish();

  const stage = (
    id: Stage['id'],
    status: Stage['status'],
    ms: number | null,
    component: string | null,
    recordIds: number[],
    reason: string | null = null,
  ): Stage => ({
    id,
    label: id,
    status,
    at: ms === null ? null : formatNs(at(ms)),
    component,
    reason,
    recordIds,
  });
  const failed: Request = {
    reqId,
    idKind: 'audit',
    auditIds: [reqId],
    user: 'alice',
    impersonatedUser: null,
    userAgent: 'kubectl/v1.30.0',
    sourceIps: ['10.0.0.7'],
    startedAt: formatNs(at(0)),
    endedAt: formatNs(at(2200)),
    outcome: 'failed',
    code: 201,
    records: 0,
    system: false,
    targets: [
      {
        verb: 'create',
        resource: 'deployments',
        namespace: 'shop',
        name: 'nginx',
        uid: null,
        operation: 'create-deployment',
        outcome: 'failed',
        stages: [
          stage('api-accepted', 'done', 0, 'kube-apiserver', [0]),
          stage('replicaset-created', 'done', 40, 'kube-controller-manager', [1]),
          stage('pods-created', 'done', 45, 'kube-controller-manager', [3]),
          stage('volumes-ready', 'failed', 2100, 'kubelet', [64], 'timed out waiting for the condition'),
          stage('images-pulled', 'pending', null, null, []),
        ],
        stoppedAt: {
          stage: 'volumes-ready',
          component: 'kubelet',
          reason: 'timed out waiting for the condition',
          recordId: 64,
        },
      },
    ],
  };
  const ok: Request = {
    ...failed,
    reqId: otherReqId,
    auditIds: [otherReqId],
    user: 'bob',
    startedAt: formatNs(at(5000)),
    endedAt: formatNs(at(5012)),
    outcome: 'complete',
    targets: [
      {
        ...failed.targets[0]!,
        resource: 'configmaps',
        name: 'settings',
        operation: 'generic',
        outcome: 'complete',
        stages: [stage('api-accepted', 'done', 5000, 'kube-apiserver', [2])],
        stoppedAt: null,
      },
    ],
  };
  store.saveCorrelation(bundleId, (sink) => {
    sink.link({ recordId: 0, reqId, kind: 'audit', evidence: `auditID=${reqId}` });
    sink.link({ recordId: 1, reqId, kind: 'inferred', evidence: 'deployment shop/nginx' });
    sink.link({ recordId: 3, reqId, kind: 'inferred', evidence: 'replicaset shop/nginx-7d4' });
    for (let id = 4; id <= 64; id++)
      sink.link({ recordId: id, reqId, kind: 'inferred', evidence: 'pod shop/nginx-7d4-abcde' });
    sink.link({ recordId: 65, reqId, kind: 'inferred', evidence: 'pod shop/nginx-7d4-abcde' });
    sink.link({ recordId: 2, reqId: otherReqId, kind: 'audit', evidence: `auditID=${otherReqId}` });
    sink.spanLink({ spanId: 0, reqId, kind: 'audit', evidence: `audit-id=${reqId}` });
    sink.spanLink({ spanId: 1, reqId, kind: 'trace', evidence: 'trace 0af76519…' });
    return {
      requests: [failed, ok],
      objects: [
        { reqId, object: 'pods/shop/nginx-7d4-abcde' },
        { reqId: otherReqId, object: 'pods/shop/nginx-7d4-abcde' },
      ],
    };
  });
  const report = emptyReport();
  report.totals.records = 67;
  store.finishBundle(bundleId, report);
}
