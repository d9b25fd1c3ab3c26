import type { Request } from '@kubetrail/model';
import { RequestSchema } from '@kubetrail/model';
import { describe, expect, it } from 'vitest';
import { correlate } from './correlate.ts';
import { collectingSink, memorySource } from './memorySource.ts';
import { happyPods, KCM_DEPLOY, KCM_RS, node, SCHED, Story } from './testRecords.ts';

function run(s: Story, opts = {}) {
  const sink = collectingSink();
  const result = correlate(memorySource(s.records), sink, opts);
  for (const r of result.requests) RequestSchema.parse(r);
  return { ...result, sink };
}

const stageStatus = (r: Request, target = 0): Record<string, string> =>
  Object.fromEntries(r.targets[target]!.stages.map((st) => [st.id, st.status]));

function createDeployment(
  s: Story,
  at: number,
  ns: string,
  name: string,
  auditID: string,
  extra: { user?: string; ip?: string; replicas?: number } = {},
) {
  s.audit(at, {
    auditID,
    verb: 'create',
    user: extra.user ?? 'alice',
    ip: extra.ip,
    resource: 'deployments',
    namespace: ns,
    name,
    code: 201,
    requestObject: {
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { replicas: extra.replicas ?? 2 },
    },
  });
}

/**
 * alice creates Deployment shop/web (1 replica, audit ID u1); its ReplicaSet web-7d4b9c5f6 is
 * scaled up at 10 ms and creates pod web-7d4b9c5f6-abcde at 20 ms. Returns the pod's name.
 */
function rolloutStarted(s: Story): string {
  createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 1 });
  s.event(10, {
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-7d4b9c5f6 to 1',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
  });
  s.event(20, {
    reason: 'SuccessfulCreate',
    message: 'Created pod: web-7d4b9c5f6-abcde',
    kind: 'ReplicaSet',
    namespace: 'shop',
    name: 'web-7d4b9c5f6',
  });
  return 'web-7d4b9c5f6-abcde';
}

describe('requests from audit events', () => {
  it('makes one request per client command, reqID = first mutating call', () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'get-1',
      verb: 'get',
      user: 'alice',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
      code: 404,
    });
    createDeployment(s, 40, 'shop', 'web', 'post-1');
    s.audit(80, {
      auditID: 'post-2',
      verb: 'create',
      user: 'alice',
      resource: 'services',
      namespace: 'shop',
      name: 'web',
      code: 201,
    });
    // 1.5 s later: a new command.
    s.audit(1600, {
      auditID: 'post-3',
      verb: 'create',
      user: 'alice',
      resource: 'configmaps',
      namespace: 'shop',
      name: 'cfg',
      code: 201,
    });
    const { requests, sink } = run(s);
    expect(requests.map((r) => r.reqId)).toEqual(['post-1', 'post-3']);
    const r = requests[0]!;
    expect(r.idKind).toBe('audit');
    expect(r.auditIds).toEqual(['get-1', 'post-1', 'post-2']);
    expect(r.user).toBe('alice');
    expect(r.sourceIps).toEqual(['10.0.0.7']);
    expect(r.code).toBe(201);
    expect(r.targets.map((t) => `${t.verb} ${t.resource} ${t.namespace}/${t.name}`)).toEqual([
      'create deployments shop/web',
      'create services shop/web',
    ]);
    expect(r.startedAt).toBe('2024-06-10T11:35:40.000000000Z');
    // The GET before the create is part of the same command and links to it.
    expect(sink.byRecord.get(1)).toMatchObject({ reqId: 'post-1', kind: 'audit', evidence: 'auditID=get-1' });
    expect(r.records).toBe(3);
  });

  it('keeps different users, agents or IPs apart even in the same millisecond', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'a1', { user: 'alice' });
    createDeployment(s, 0, 'shop', 'api', 'b1', { user: 'bob' });
    createDeployment(s, 1, 'blog', 'web', 'a2', { user: 'alice', ip: '10.0.0.8' });
    const { requests } = run(s);
    expect(requests.map((r) => r.reqId).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('never makes requests of control-plane calls, and links them as steps', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1');
    s.audit(10, {
      auditID: 'c1',
      verb: 'create',
      user: KCM_DEPLOY,
      userAgent: 'kube-controller-manager/v1.30.0',
      resource: 'replicasets',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
      code: 201,
      responseObject: {
        metadata: {
          name: 'web-7d4b9c5f6',
          uid: 'rs-uid',
          ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd-uid' }],
        },
      },
    });
    s.audit(20, {
      auditID: 'c2',
      verb: 'update',
      user: node('kind-worker'),
      resource: 'nodes',
      name: 'kind-worker',
      subresource: 'status',
    });
    s.audit(30, {
      auditID: 'c3',
      verb: 'update',
      user: 'system:serviceaccount:kube-system:generic-garbage-collector',
      resource: 'leases',
      namespace: 'kube-system',
      name: 'kcm',
    });
    const { requests, sink } = run(s);
    expect(requests).toHaveLength(1);
    expect(sink.byRecord.get(2)).toMatchObject({
      reqId: 'u1',
      kind: 'inferred',
      evidence: 'replicaset shop/web-7d4b9c5f6',
    });
    expect(sink.byRecord.has(3)).toBe(false);
    expect(sink.byRecord.has(4)).toBe(false);
  });

  it('takes ladder evidence from scheduler bindings', () => {
    const s = new Story();
    rolloutStarted(s);
    const bind = s.audit(30, {
      auditID: 'b1',
      verb: 'create',
      user: SCHED,
      resource: 'pods',
      subresource: 'binding',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
      code: 201,
      requestObject: {
        kind: 'Binding',
        metadata: { name: 'web-7d4b9c5f6-abcde' },
        target: { kind: 'Node', name: 'kind-worker' },
      },
    });
    const { requests, sink } = run(s);
    expect(sink.byRecord.get(bind.id)).toMatchObject({ reqId: 'u1', kind: 'inferred' });
    const sched = requests[0]!.targets[0]!.stages.find((x) => x.id === 'pods-scheduled');
    expect(sched).toMatchObject({ status: 'done', component: 'kube-scheduler', recordIds: [bind.id] });
    expect(requests[0]!.targets[0]!.stoppedAt?.stage).toBe('volumes-ready');
  });

  it('reports the authenticated user and the impersonated one', () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'i1',
      verb: 'create',
      user: 'system:admin',
      impersonate: 'bob',
      resource: 'configmaps',
      namespace: 'ns1',
      name: 'x',
      code: 201,
    });
    const [r] = run(s).requests;
    expect(r).toMatchObject({ user: 'system:admin', impersonatedUser: 'bob', outcome: 'complete' });
  });

  it('reads a 403 as rejected at api-accepted with the API message', () => {
    const s = new Story();
    const msg =
      'deployments.apps is forbidden: User "bob" cannot create resource "deployments" in API group "apps" in the namespace "shop"';
    s.audit(0, {
      auditID: 'f1',
      verb: 'create',
      user: 'bob',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
      code: 403,
      message: msg,
    });
    const [r] = run(s).requests;
    expect(r!.outcome).toBe('rejected');
    expect(r!.code).toBe(403);
    expect(r!.targets[0]!.stoppedAt).toEqual({
      stage: 'api-accepted',
      component: 'kube-apiserver',
      reason: msg,
      recordId: 1,
    });
  });

  it('lists read-only commands, with a 403 rejected', () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'l1',
      verb: 'list',
      user: 'system:admin',
      impersonate: 'bob',
      resource: 'pods',
      namespace: 'default',
      code: 403,
      message: 'pods is forbidden',
    });
    s.audit(5000, { auditID: 'd1', verb: 'get', user: 'alice' }); // discovery only: not a request
    const { requests } = run(s);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ reqId: 'l1', outcome: 'rejected', impersonatedUser: 'bob' });
    expect(requests[0]!.targets[0]).toMatchObject({
      verb: 'list',
      resource: 'pods',
      namespace: 'default',
      name: '',
    });
  });
});

describe('joins', () => {
  it('joins httplog lines by audit-ID and kubelet lines through the object graph', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1');
    const http = s.log(
      3,
      'kube-apiserver',
      'HTTP',
      { verb: 'POST', URI: '/apis/apps/v1/namespaces/shop/deployments' },
      { auditId: 'u1' },
    );
    happyPods(s, 20, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde', 'fghij'] });
    const kubelet = s.log(500, 'kubelet', 'SyncLoop ADD', {
      source: 'api',
      pods: ['shop/web-7d4b9c5f6-abcde'],
    });
    const noise = s.log(501, 'kubelet', 'SyncLoop ADD', {
      source: 'api',
      pods: ['kube-system/coredns-5d78c9869d-x7k2p'],
    });
    const { requests, sink } = run(s);
    expect(sink.byRecord.get(http.id)).toMatchObject({ reqId: 'u1', kind: 'audit', evidence: 'audit-ID=u1' });
    expect(sink.byRecord.get(kubelet.id)).toMatchObject({
      reqId: 'u1',
      kind: 'inferred',
      evidence: 'pod shop/web-7d4b9c5f6-abcde',
    });
    // The add-on's pod is the cluster's own operation (seen on its node), never the user's.
    expect(sink.byRecord.get(noise.id)?.reqId).not.toBe('u1');
    const addOn = requests.find((r) => r.reqId === sink.byRecord.get(noise.id)?.reqId);
    expect(addOn).toMatchObject({ system: true, idKind: 'inferred' });
    expect(requests.find((r) => r.reqId === 'u1')!.outcome).toBe('complete');
  });

  it('matches whole tokens only: web never takes web-api lines', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'w1', { user: 'alice' });
    createDeployment(s, 100, 'shop', 'web-api', 'a1', { user: 'bob' });
    createDeployment(s, 200, 'blog', 'web', 'b1', { user: 'carol' });
    happyPods(s, 300, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    happyPods(s, 310, { ns: 'shop', deploy: 'web-api', hash: '5f8d7c9b4', pods: ['qwxyz'] });
    happyPods(s, 320, { ns: 'blog', deploy: 'web', hash: '6c5b4d8f9', pods: ['mnpqr'] });
    const l1 = s.log(2000, 'kube-controller-manager', 'Finished syncing deployment', {
      deployment: 'shop/web-api',
    });
    const l2 = s.log(2001, 'kube-controller-manager', 'Finished syncing deployment', {
      deployment: 'shop/web',
    });
    const l3 = s.log(2002, 'kube-controller-manager', 'Finished syncing deployment', {
      deployment: 'blog/web',
    });
    const l4 = s.log(
      2003,
      'containerd',
      'RunPodSandbox for &PodSandboxMetadata{Name:web-api-5f8d7c9b4-qwxyz,Uid:1,Namespace:shop,Attempt:0,}',
    );
    const l5 = s.log(2004, 'kubelet', 'Observed web rollout'); // bare `web`: ambiguous across namespaces
    const { sink, requests } = run(s);
    expect(sink.byRecord.get(l1.id)?.reqId).toBe('a1');
    expect(sink.byRecord.get(l2.id)?.reqId).toBe('w1');
    expect(sink.byRecord.get(l3.id)?.reqId).toBe('b1');
    expect(sink.byRecord.get(l4.id)?.reqId).toBe('a1');
    expect(sink.byRecord.has(l5.id)).toBe(false);
    expect(requests.every((r) => r.outcome === 'complete')).toBe(true);
  });

  it('learns container ids from containerd so later id-only lines join', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 1 });
    happyPods(s, 10, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    const sandbox = 'a'.repeat(63) + 'b';
    s.log(
      100,
      'containerd',
      `RunPodSandbox for &PodSandboxMetadata{Name:web-7d4b9c5f6-abcde,Uid:u,Namespace:shop,Attempt:0,} returns sandbox id "${sandbox}"`,
    );
    const later = s.log(200, 'containerd', `StartContainer for "${sandbox}" returns successfully`);
    const { sink } = run(s);
    expect(sink.byRecord.get(later.id)).toMatchObject({
      reqId: 'u1',
      evidence: 'pod shop/web-7d4b9c5f6-abcde',
    });
  });

  it('recognises ReplicaSets and Pods by their names when no event named them', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 1 });
    const l1 = s.log(10, 'kube-controller-manager', 'Too few replicas', {
      replicaSet: 'shop/web-7d4b9c5f6',
      need: 1,
      creating: 1,
    });
    const l2 = s.log(20, 'kube-scheduler', 'Successfully bound pod to node', {
      pod: 'shop/web-7d4b9c5f6-x2x4z',
      node: 'kind-worker',
    });
    // Five characters is a pod suffix, not a pod-template-hash: not a ReplicaSet of `web` (a pod
    // seen on its node that nothing explains is a bare pod's creation of its own).
    const l3 = s.log(30, 'kubelet', 'SyncLoop ADD', { pods: ['shop/web-bcdfg'] });
    const { sink, requests } = run(s);
    expect(sink.byRecord.get(l1.id)?.reqId).toBe('u1');
    expect(sink.byRecord.get(l2.id)?.reqId).toBe('u1');
    expect(sink.byRecord.get(l3.id)?.reqId).not.toBe('u1');
    expect(requests.find((r) => r.reqId === sink.byRecord.get(l3.id)?.reqId)?.targets[0]).toMatchObject({
      operation: 'create-pod',
      name: 'web-bcdfg',
    });
  });

  it('lets an explicit reqID win and form its own request', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1');
    const e1 = s.log(5, 'kube-apiserver', 'HTTP', {}, { auditId: 'u1', reqId: 'req-123' });
    const e2 = s.log(6, 'kube-controller-manager', 'syncing', {}, { reqId: 'req-123' });
    const e3 = s.log(7, 'kubelet', 'something', {}, { reqId: 'req-999' });
    const { sink, requests } = run(s);
    // The proposal's id names the request its lines joined (SPEC §4: explicit wins): the audit
    // request u1 takes the id req-123, and keeps its audit ID.
    expect(sink.byRecord.get(e1.id)).toMatchObject({
      reqId: 'req-123',
      kind: 'explicit',
      evidence: 'reqID=req-123',
    });
    expect(sink.byRecord.get(e2.id)).toMatchObject({ reqId: 'req-123', kind: 'explicit' });
    const renamed = requests.find((r) => r.reqId === 'req-123');
    expect(renamed).toMatchObject({ idKind: 'reqID', auditIds: ['u1'] });
    expect(requests.some((r) => r.reqId === 'u1')).toBe(false);
    expect(renamed?.targets[0]).toMatchObject({ operation: 'create-deployment', name: 'web' });
    expect(sink.byRecord.get(e3.id)).toMatchObject({ reqId: 'req-999', kind: 'explicit' });
    expect(requests.find((r) => r.reqId === 'req-999')?.idKind).toBe('reqID');
  });

  it('uses the reqID of audit events that carry one', () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'x1',
      verb: 'create',
      user: 'alice',
      resource: 'configmaps',
      namespace: 'a',
      name: 'b',
      code: 201,
      reqId: 'R1',
    });
    s.audit(3000, {
      auditID: 'x2',
      verb: 'create',
      user: 'alice',
      resource: 'configmaps',
      namespace: 'a',
      name: 'c',
      code: 201,
      reqId: 'R1',
    });
    const { requests } = run(s);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ reqId: 'R1', idKind: 'reqID', auditIds: ['x1', 'x2'] });
  });

  it('joins spans by audit-id and by trace id', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1');
    const span = (id: number, traceId: string, auditId: string | null) => ({
      id,
      traceId,
      spanId: `s${id}`,
      parentSpanId: null,
      name: 'x',
      service: null,
      component: 'kube-apiserver',
      node: null,
      start: 0n,
      end: 1n,
      statusCode: 'ok' as const,
      statusMessage: null,
      attributes: {},
      resource: {},
      events: [],
      auditId,
    });
    const sink = collectingSink();
    const traced = s.log(50, 'kubelet', 'traced line', {}, {});
    traced.traceId = 't1';
    correlate(memorySource(s.records, [span(1, 't1', 'u1'), span(2, 't1', null), span(3, 't2', null)]), sink);
    expect(sink.spanLinks.map((l) => [l.spanId, l.reqId, l.kind])).toEqual([
      [1, 'u1', 'audit'],
      [2, 'u1', 'trace'],
    ]);
    expect(sink.byRecord.get(traced.id)).toMatchObject({ reqId: 'u1', kind: 'trace' });
  });
});

describe('create Deployment ladder', () => {
  it('completes with all nine stages', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1');
    happyPods(s, 20, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde', 'fghij'] });
    const [r] = run(s).requests;
    expect(stageStatus(r!)).toEqual({
      'api-accepted': 'done',
      'replicaset-created': 'done',
      'pods-created': 'done',
      'pods-scheduled': 'done',
      'volumes-ready': 'skipped',
      'images-pulled': 'done',
      'containers-started': 'done',
      'pods-ready': 'done',
      'deployment-available': 'done',
    });
    expect(r!.targets[0]!.operation).toBe('create-deployment');
    expect(r!.outcome).toBe('complete');
    expect(r!.targets[0]!.stoppedAt).toBeNull();
  });

  function failing(events: (s: Story, pod: string) => void) {
    const s = new Story();
    events(s, rolloutStarted(s));
    return run(s).requests[0]!;
  }

  it('stops at pods-scheduled with the scheduler reason', () => {
    const r = failing((s, pod) => {
      s.event(30, {
        reason: 'FailedScheduling',
        type: 'Warning',
        message:
          '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.log(31, 'kube-scheduler', 'Unable to schedule pod; no fit; waiting', {
        pod: `shop/${pod}`,
        err: '0/3 nodes are available: 3 Insufficient cpu.',
      });
    });
    expect(r.outcome).toBe('failed');
    expect(r.targets[0]!.stoppedAt).toMatchObject({
      stage: 'pods-scheduled',
      component: 'kube-scheduler',
      reason: '0/3 nodes are available: 3 Insufficient cpu.',
    });
  });

  it('stops at volumes-ready on a mount timeout', () => {
    const r = failing((s, pod) => {
      s.event(30, {
        reason: 'Scheduled',
        message: `Successfully assigned shop/${pod} to kind-worker2`,
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(130_000, {
        reason: 'FailedMount',
        type: 'Warning',
        message:
          'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
    });
    expect(r.targets[0]!.stoppedAt?.stage).toBe('volumes-ready');
    expect(r.targets[0]!.stoppedAt?.reason).toContain('timed out waiting for the condition');
    expect(r.outcome).toBe('failed');
  });

  it('stops at images-pulled with the pull error, not the back-off', () => {
    const r = failing((s, pod) => {
      s.event(30, {
        reason: 'Scheduled',
        message: `Successfully assigned shop/${pod} to kind-worker`,
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(40, {
        reason: 'Pulling',
        message: 'Pulling image "nginx:doesnotexist"',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(900, {
        reason: 'Failed',
        type: 'Warning',
        message: 'Failed to pull image "nginx:doesnotexist": not found',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(901, {
        reason: 'Failed',
        type: 'Warning',
        message: 'Error: ErrImagePull',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(2000, {
        reason: 'BackOff',
        message: 'Back-off pulling image "nginx:doesnotexist"',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
    });
    expect(r.targets[0]!.stoppedAt).toMatchObject({
      stage: 'images-pulled',
      reason: 'Failed to pull image "nginx:doesnotexist": not found',
    });
    expect(stageStatus(r)['volumes-ready']).toBe('skipped');
  });

  it('stops at pods-ready on a crash loop and on a failing readiness probe', () => {
    const crash = failing((s, pod) => {
      s.event(30, {
        reason: 'Scheduled',
        message: `Successfully assigned shop/${pod} to kind-worker`,
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(60, {
        reason: 'Started',
        message: 'Started container web',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(5000, {
        reason: 'BackOff',
        type: 'Warning',
        message: `Back-off restarting failed container web in pod ${pod}_shop(uid)`,
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
    });
    expect(crash.targets[0]!.stoppedAt?.stage).toBe('pods-ready');
    expect(crash.targets[0]!.stoppedAt?.reason).toContain('CrashLoopBackOff');
    const probe = failing((s, pod) => {
      s.event(60, {
        reason: 'Started',
        message: 'Started container web',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
      s.event(9000, {
        reason: 'Unhealthy',
        type: 'Warning',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
        kind: 'Pod',
        namespace: 'shop',
        name: pod,
      });
    });
    expect(probe.targets[0]!.stoppedAt).toMatchObject({
      stage: 'pods-ready',
      reason: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    });
    expect(probe.outcome).toBe('failed');
  });

  it('stops at pods-created on FailedCreate (quota)', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 3 });
    s.event(10, {
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-7d4b9c5f6 to 3',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
    s.audit(15, {
      auditID: 'q1',
      verb: 'create',
      user: KCM_RS,
      resource: 'pods',
      namespace: 'shop',
      code: 403,
      message: 'pods "web-7d4b9c5f6-x" is forbidden: exceeded quota: compute',
    });
    const quota =
      'Error creating: pods "web-7d4b9c5f6-7xk2p" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=4, limited: cpu=4';
    s.event(16, {
      reason: 'FailedCreate',
      type: 'Warning',
      message: quota,
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
    });
    const { requests, sink } = run(s);
    expect(requests[0]!.targets[0]!.stoppedAt).toMatchObject({
      stage: 'pods-created',
      reason: quota,
      component: 'kube-controller-manager',
    });
    expect(requests[0]!.outcome).toBe('failed');
    // The nameless Metadata-level create is resolved through the FailedCreate event.
    expect(sink.byRecord.get(3)?.reqId).toBe('u1');
  });

  it('reads incomplete when the logs end mid-way', () => {
    const s = new Story();
    rolloutStarted(s);
    const r = run(s).requests[0]!;
    expect(r.outcome).toBe('incomplete');
    expect(r.targets[0]!.stoppedAt?.stage).toBe('pods-scheduled');
  });
});

describe('other ladders', () => {
  it('create Pod', () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'p1',
      verb: 'create',
      user: 'alice',
      resource: 'pods',
      namespace: 'shop',
      name: 'debug',
      code: 201,
    });
    s.event(10, {
      reason: 'Scheduled',
      message: 'Successfully assigned shop/debug to kind-worker',
      kind: 'Pod',
      namespace: 'shop',
      name: 'debug',
    });
    s.event(20, {
      reason: 'Pulled',
      message: 'Successfully pulled image "busybox"',
      kind: 'Pod',
      namespace: 'shop',
      name: 'debug',
    });
    s.event(30, {
      reason: 'Started',
      message: 'Started container debug',
      kind: 'Pod',
      namespace: 'shop',
      name: 'debug',
    });
    s.log(40, 'kubelet', 'SyncLoop (probe)', { probe: 'readiness', status: 'ready', pod: 'shop/debug' });
    const r = run(s).requests[0]!;
    expect(r.targets[0]!.operation).toBe('create-pod');
    expect(r.targets[0]!.stages.map((x) => x.id)).toEqual([
      'api-accepted',
      'pods-scheduled',
      'volumes-ready',
      'images-pulled',
      'containers-started',
      'pods-ready',
    ]);
    expect(r.outcome).toBe('complete');
  });

  it('scale Deployment up and down', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 1 });
    happyPods(s, 10, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    s.audit(60_000, {
      auditID: 'sc1',
      verb: 'patch',
      user: 'alice',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'shop',
      name: 'web',
      code: 200,
    });
    s.event(60_010, {
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-7d4b9c5f6 from 1 to 2',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
    s.event(60_020, {
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-7d4b9c5f6-zzzzz',
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
    });
    s.event(60_030, {
      reason: 'Started',
      message: 'Started container web',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-zzzzz',
    });
    const oldPodLine = s.log(60_040, 'kubelet', 'SyncLoop (probe)', {
      probe: 'readiness',
      status: 'ready',
      pod: 'shop/web-7d4b9c5f6-abcde',
    });
    s.log(61_000, 'kubelet', 'SyncLoop (probe)', {
      probe: 'readiness',
      status: 'ready',
      pod: 'shop/web-7d4b9c5f6-zzzzz',
    });
    s.audit(120_000, {
      auditID: 'sc2',
      verb: 'patch',
      user: 'alice',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'shop',
      name: 'web',
      code: 200,
    });
    s.event(120_010, {
      reason: 'ScalingReplicaSet',
      message: 'Scaled down replica set web-7d4b9c5f6 from 2 to 1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
    s.event(120_020, {
      reason: 'SuccessfulDelete',
      message: 'Deleted pod: web-7d4b9c5f6-zzzzz',
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
    });
    const kill = s.event(120_030, {
      reason: 'Killing',
      message: 'Stopping container web',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-zzzzz',
    });
    const { requests, sink } = run(s);
    const up = requests.find((r) => r.reqId === 'sc1')!;
    const down = requests.find((r) => r.reqId === 'sc2')!;
    expect(up.targets[0]).toMatchObject({
      verb: 'scale',
      operation: 'scale-deployment',
      outcome: 'complete',
    });
    // A scale up runs the new pods through every pod stage (no volumes were seen: skipped).
    expect(stageStatus(up)).toEqual({
      'api-accepted': 'done',
      'pods-created': 'done',
      'pods-scheduled': 'done',
      'volumes-ready': 'skipped',
      'images-pulled': 'done',
      'containers-started': 'done',
      'pods-ready': 'done',
    });
    expect(stageStatus(down)).toEqual({
      'api-accepted': 'done',
      'pods-deleted': 'done',
      'pods-ready': 'skipped',
    });
    expect(down.outcome).toBe('complete');
    // An old pod was not touched by the scale: its lines stay with the create.
    expect(sink.byRecord.get(oldPodLine.id)?.reqId).toBe('u1');
    expect(sink.byRecord.get(kill.id)?.reqId).toBe('sc2');
  });

  it('delete Deployment', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 1 });
    happyPods(s, 10, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    s.audit(60_000, {
      auditID: 'd1',
      verb: 'delete',
      user: 'alice',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
      code: 200,
    });
    const gc = 'system:serviceaccount:kube-system:generic-garbage-collector';
    const g1 = s.audit(60_050, {
      auditID: 'g1',
      verb: 'delete',
      user: gc,
      resource: 'replicasets',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
    });
    s.audit(60_100, {
      auditID: 'g2',
      verb: 'delete',
      user: gc,
      resource: 'pods',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
    });
    s.event(60_110, {
      reason: 'Killing',
      message: 'Stopping container web',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
    });
    s.audit(61_000, {
      auditID: 'k1',
      verb: 'delete',
      user: node('kind-worker'),
      resource: 'pods',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
    });
    const { requests, sink } = run(s);
    const del = requests.find((r) => r.reqId === 'd1')!;
    expect(del.targets[0]!.operation).toBe('delete-deployment');
    expect(stageStatus(del)).toEqual({
      'api-accepted': 'done',
      'replicasets-deleted': 'done',
      'pods-deleted': 'done',
      'containers-killed': 'done',
    });
    expect(del.outcome).toBe('complete');
    expect(sink.byRecord.get(g1.id)?.reqId).toBe('d1');
  });

  it('drain node', () => {
    const s = new Story();
    createDeployment(s, 0, 'shop', 'web', 'u1', { replicas: 1 });
    happyPods(s, 10, {
      ns: 'shop',
      deploy: 'web',
      hash: '7d4b9c5f6',
      pods: ['abcde'],
      nodeName: 'kind-worker',
    });
    s.audit(60_000, {
      auditID: 'n1',
      verb: 'patch',
      user: 'alice',
      resource: 'nodes',
      name: 'kind-worker',
      code: 200,
    });
    s.audit(60_100, { auditID: 'n2', verb: 'list', user: 'alice', resource: 'pods', code: 200 });
    s.audit(60_200, {
      auditID: 'n3',
      verb: 'create',
      user: 'alice',
      resource: 'pods',
      subresource: 'eviction',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
      code: 201,
    });
    s.event(60_250, {
      reason: 'Killing',
      message: 'Stopping container web',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
    });
    s.event(60_260, {
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-7d4b9c5f6-rrrrr',
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
    });
    const sched = s.event(60_270, {
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web-7d4b9c5f6-rrrrr to kind-worker2',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-rrrrr',
    });
    const { requests, sink } = run(s);
    const drain = requests.find((r) => r.reqId === 'n1')!;
    expect(drain.targets).toHaveLength(1);
    expect(drain.targets[0]).toMatchObject({
      verb: 'drain',
      resource: 'nodes',
      name: 'kind-worker',
      operation: 'drain-node',
    });
    expect(stageStatus(drain)).toEqual({
      'node-cordoned': 'done',
      'pods-evicted': 'done',
      'pods-terminated': 'done',
      'replacements-scheduled': 'done',
    });
    expect(drain.outcome).toBe('complete');
    expect(sink.byRecord.get(sched.id)?.reqId).toBe('n1');
  });
});

describe('without an audit log', () => {
  it('infers the operation from the first controller activity, with a stable reqID', () => {
    const build = () => {
      const s = new Story();
      happyPods(s, 10, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
      return s;
    };
    const a = run(build());
    const b = run(build());
    expect(a.requests).toHaveLength(1);
    const r = a.requests[0]!;
    expect(r.idKind).toBe('inferred');
    expect(r.reqId).toBe(b.requests[0]!.reqId);
    expect(r.targets[0]).toMatchObject({
      verb: 'create',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
      operation: 'create-deployment',
      outcome: 'complete',
    });
    expect(r.user).toBeNull();
    expect(a.objects.map((o) => o.object)).toContain('pod shop/web-7d4b9c5f6-abcde');
  });
});
