import { describe, expect, it } from 'vitest';
import type { StoredSpan } from '@kubetrail/model';
import { correlate } from './correlate.ts';
import { collectingSink, memorySource } from './memorySource.ts';
import { happyPods, ms, Story } from './testRecords.ts';

let nextSpan = 0;
function span(
  over: Partial<StoredSpan> & {
    traceId: string;
    spanId: string;
    name: string;
    startMs: number;
    endMs: number;
  },
): StoredSpan {
  const { startMs, endMs, ...rest } = over;
  return {
    id: nextSpan++,
    parentSpanId: null,
    service: 'apiserver',
    component: 'kube-apiserver',
    node: 'kind-control-plane',
    start: ms(startMs),
    end: ms(endMs),
    statusCode: 'unset',
    statusMessage: null,
    attributes: {},
    resource: {},
    events: [],
    auditId: null,
    ...rest,
  };
}

const TRACE_A = 'a'.repeat(32);
const TRACE_K = 'b'.repeat(32);

function story(): Story {
  const s = new Story();
  s.audit(0, {
    auditID: 'audit-create',
    verb: 'create',
    user: 'alice',
    resource: 'deployments',
    namespace: 'shop',
    name: 'web',
    code: 201,
    requestObject: { spec: { replicas: 1 } },
  });
  happyPods(s, 30, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
  return s;
}

describe('span links', () => {
  it('joins apiserver spans by audit-id, their trace by trace id, kubelet spans by the pod they name', () => {
    const spans = [
      span({ traceId: TRACE_A, spanId: '1'.repeat(16), name: 'HTTP POST', startMs: 0, endMs: 5 }),
      span({
        traceId: TRACE_A,
        spanId: '2'.repeat(16),
        parentSpanId: '1'.repeat(16),
        name: 'Create',
        startMs: 1,
        endMs: 4,
        attributes: { 'audit-id': 'audit-create' },
        auditId: 'audit-create',
      }),
      span({
        traceId: TRACE_K,
        spanId: '3'.repeat(16),
        name: 'syncPod',
        service: 'kubelet',
        component: 'kubelet',
        node: 'kind-worker',
        startMs: 60,
        endMs: 700,
        attributes: { 'k8s.namespace.name': 'shop', 'k8s.pod.name': 'web-7d4b9c5f6-abcde' },
      }),
      span({
        traceId: TRACE_K,
        spanId: '4'.repeat(16),
        parentSpanId: '3'.repeat(16),
        name: 'runtime.v1.RuntimeService/RunPodSandbox',
        service: 'kubelet',
        component: 'kubelet',
        startMs: 100,
        endMs: 500,
      }),
      // Names a pod nobody touched: stays unlinked.
      span({
        traceId: 'c'.repeat(32),
        spanId: '5'.repeat(16),
        name: 'syncPod',
        component: 'kubelet',
        startMs: 60,
        endMs: 70,
        attributes: { 'k8s.namespace.name': 'other', 'k8s.pod.name': 'x' },
      }),
    ];
    const sink = collectingSink();
    const res = correlate(memorySource(story().records, spans), sink);
    const reqId = res.requests[0]!.reqId;
    const links = new Map(sink.spanLinks.map((l) => [l.spanId, l]));
    expect(links.get(spans[0]!.id)).toMatchObject({ reqId, kind: 'trace', evidence: `traceID=${TRACE_A}` });
    expect(links.get(spans[1]!.id)).toMatchObject({
      reqId,
      kind: 'audit',
      evidence: 'audit-id=audit-create',
    });
    expect(links.get(spans[2]!.id)).toMatchObject({
      reqId,
      kind: 'inferred',
      evidence: 'pod shop/web-7d4b9c5f6-abcde',
    });
    expect(links.get(spans[3]!.id)).toMatchObject({ reqId, kind: 'trace' });
    expect(links.has(spans[4]!.id)).toBe(false);
  });

  it('makes a trace request of a user’s mutating apiserver trace when nothing else claims it', () => {
    const spans = [
      span({
        traceId: TRACE_A,
        spanId: '1'.repeat(16),
        name: 'HTTP POST',
        startMs: 0,
        endMs: 5,
        attributes: {
          'http.method': 'POST',
          'user_agent.original': 'kubectl/v1.30.0',
          'http.status_code': 201,
        },
      }),
      span({
        traceId: TRACE_A,
        spanId: '2'.repeat(16),
        parentSpanId: '1'.repeat(16),
        name: 'Create',
        startMs: 1,
        endMs: 4,
        auditId: 'live-audit',
      }),
      // Control-plane clients are steps of a request, never one.
      span({
        traceId: 'd'.repeat(32),
        spanId: '3'.repeat(16),
        name: 'HTTP PATCH',
        startMs: 10,
        endMs: 12,
        attributes: { 'http.method': 'PATCH', 'user_agent.original': 'kubelet/v1.30.0 (linux/amd64)' },
      }),
    ];
    const sink = collectingSink();
    const res = correlate(memorySource([], spans), sink);
    expect(res.requests).toHaveLength(1);
    expect(res.requests[0]).toMatchObject({
      reqId: 'live-audit',
      idKind: 'trace',
      code: 201,
      auditIds: ['live-audit'],
      userAgent: 'kubectl/v1.30.0',
    });
    expect(sink.spanLinks.map((l) => l.spanId).sort()).toEqual([spans[0]!.id, spans[1]!.id]);
  });
});
