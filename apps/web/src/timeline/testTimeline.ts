import { TimelineSchema } from '@kubetrail/model';
import type { Mark, Request, Timeline } from '@kubetrail/model';

/** A small but complete timeline response for unit tests (validated against the real schema). */
export function testTimeline(over: Partial<Timeline> = {}): Timeline {
  const request: Request = {
    reqId: 'r1',
    idKind: 'audit',
    auditIds: ['a1'],
    user: 'alice',
    impersonatedUser: null,
    userAgent: 'kubectl/v1.30.0',
    sourceIps: ['10.0.0.7'],
    startedAt: '2024-06-10T11:35:40.000000000Z',
    endedAt: '2024-06-10T11:35:50.000000000Z',
    outcome: 'failed',
    code: 201,
    records: 5,
    system: false,
    targets: [
      {
        verb: 'create',
        resource: 'deployments',
        namespace: 'shop',
        name: 'web',
        uid: null,
        operation: 'create-deployment',
        outcome: 'failed',
        stages: [],
        stoppedAt: { stage: 'pods-scheduled', component: 'kube-scheduler', reason: '0/3 nodes', recordId: 4 },
      },
    ],
  };
  const mark = (
    recordId: number,
    lane: string,
    t: number,
    severity: Mark['severity'],
    kind: Mark['kind'] = 'log',
  ): Mark => ({
    recordId,
    lane,
    t,
    ts: '2024-06-10T11:35:40.000000000Z',
    severity,
    kind,
    message: `m${recordId}`,
    linkKind: 'inferred',
  });
  const tl: Timeline = {
    request,
    origin: '2024-06-10T11:35:40.000000000Z',
    from: 0,
    to: 10_000,
    extent: { from: 0, to: 10_000 },
    lanes: [
      { id: 'client', label: 'client', component: 'client', node: null, sub: null, count: 1 },
      {
        id: 'kube-apiserver',
        label: 'kube-apiserver',
        component: 'kube-apiserver',
        node: null,
        sub: null,
        count: 2,
      },
      {
        id: 'kube-scheduler',
        label: 'kube-scheduler',
        component: 'kube-scheduler',
        node: null,
        sub: null,
        count: 2,
      },
      { id: 'events', label: 'Events', component: 'events', node: null, sub: null, count: 1 },
    ],
    marks: [
      mark(2, 'kube-apiserver', 10, 'info'),
      mark(3, 'kube-apiserver', 500, 'warning'),
      mark(4, 'kube-scheduler', 1200, 'error'),
      mark(5, 'kube-scheduler', 1000, 'info'),
      mark(6, 'events', 1250, 'warning', 'event'),
    ],
    buckets: [
      { lane: 'kube-scheduler', t0: 5000, t1: 6000, count: 40, worst: 'info', recordId: 7, message: 'many' },
    ],
    apiCalls: [
      {
        recordId: 1,
        lane: 'client',
        auditId: 'a1',
        t0: 0,
        t1: 20,
        verb: 'create',
        resource: 'deployments',
        namespace: 'shop',
        name: 'web',
        user: 'alice',
        code: 201,
      },
    ],
    spans: [],
    stageMarks: [
      { stage: 'api-accepted', target: 'deployments/web', status: 'done', t: 20, recordId: 1 },
      { stage: 'pods-scheduled', target: 'deployments/web', status: 'failed', t: 1200, recordId: 4 },
    ],
    ...over,
  };
  return TimelineSchema.parse(tl);
}
