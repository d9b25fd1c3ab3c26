import { describe, expect, it } from 'vitest';
import { AUDIT_PATH, EVENTS_PATH, generateBundle, renderBundle, truthLines } from './index.ts';
import type { OpTruth, RenderedBundle, ScenarioName } from './index.ts';

interface K8sEvent {
  reason: string;
  message: string;
  type: string;
  involvedObject: { kind: string; name: string; namespace: string };
  source: { component?: string; host?: string };
  count?: number;
}
interface AuditEvent {
  auditID: string;
  level: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  objectRef?: { resource: string; name?: string; namespace?: string; subresource?: string };
  responseStatus?: { code: number; message?: string };
  requestObject?: unknown;
  responseObject?: { metadata?: { uid?: string; ownerReferences?: { kind: string; name: string }[] } };
}

function run(scenarios: ScenarioName[], seed = 21): RenderedBundle {
  return renderBundle(generateBundle({ seed, scenarios, noise: 0 }));
}
const events = (r: RenderedBundle): K8sEvent[] =>
  (JSON.parse(r.files.get(EVENTS_PATH) ?? '{}') as { items: K8sEvent[] }).items;
const audit = (r: RenderedBundle): AuditEvent[] =>
  (r.files.get(AUDIT_PATH) ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);
const file = (r: RenderedBundle, suffix: string): string =>
  [...r.files.entries()]
    .filter(([p]) => p.endsWith(suffix))
    .map(([, c]) => c)
    .join('');
const op = (r: RenderedBundle, key: string): OpTruth => {
  const o = r.truth.ops.find((x) => x.key === key);
  if (!o) throw new Error(`no op ${key}: ${r.truth.ops.map((x) => x.key).join(', ')}`);
  return o;
};
const reasons = (r: RenderedBundle): Set<string> => new Set(events(r).map((e) => e.reason));

describe('scenarios', () => {
  it('complete: every stage of a Deployment creation, ending Available', () => {
    const r = run(['complete']);
    const o = op(r, 'create deployments shop/frontend');
    expect(o).toMatchObject({
      outcome: 'complete',
      stoppedAt: null,
      verb: 'create',
      resource: 'deployments',
      user: 'kubernetes-admin',
      operation: 'create-deployment',
    });
    expect(reasons(r)).toEqual(
      new Set([
        'ScalingReplicaSet',
        'SuccessfulCreate',
        'Scheduled',
        'Pulling',
        'Pulled',
        'Created',
        'Started',
      ]),
    );
    const a = audit(r);
    const users = new Set(
      a.map(
        (e) =>
          `${e.user.username} ${e.verb} ${e.objectRef?.resource ?? ''}/${e.objectRef?.subresource ?? ''}`,
      ),
    );
    expect(users).toContain('system:serviceaccount:kube-system:deployment-controller create replicasets/');
    expect(users).toContain('system:serviceaccount:kube-system:replicaset-controller create pods/');
    expect(users).toContain('system:kube-scheduler create pods/binding');
    expect([...users].some((u) => /^system:node:kind-worker2? patch pods\/status$/.test(u))).toBe(true);
    const pod = a.find(
      (e) => e.stage === 'ResponseComplete' && e.verb === 'create' && e.objectRef?.resource === 'pods',
    );
    expect(pod?.responseObject?.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
    expect(r.files.get(AUDIT_PATH)).toContain('Deployment has minimum availability.');
    expect(file(r, 'kubelet.log')).toContain('"SyncLoop ADD" source="api" pods=["shop/frontend-');
    expect(file(r, 'kubelet.log')).toContain('MountVolume.SetUp succeeded for volume \\"kube-api-access-');
    expect(file(r, 'containerd.log')).toMatch(
      /msg="StartContainer for \\"[0-9a-f]{64}\\" returns successfully"/,
    );
    expect(file(r, 'kube-scheduler/0.log')).toMatch(
      /"Successfully bound pod to node" pod="shop\/frontend-[a-z0-9]+-[a-z0-9]{5}" node="kind-worker2?" evaluatedNodes=3 feasibleNodes=2/,
    );
    expect(file(r, 'kube-controller-manager/0.log')).toMatch(
      /message="Scaled up replica set frontend-[a-z0-9]+ to 3 from 0"/,
    );
    expect(file(r, '/frontend/0.log')).toContain('Configuration complete; ready for start up');
  });

  it('bad-image: ErrImagePull and ImagePullBackOff, stopped at images-pulled', () => {
    const r = run(['bad-image']);
    expect(op(r, 'create deployments shop/cart')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'images-pulled',
      stoppedComponent: 'kubelet',
    });
    const msgs = events(r).map((e) => e.message);
    expect(msgs).toContain('Error: ErrImagePull');
    expect(msgs).toContain('Error: ImagePullBackOff');
    expect(msgs).toContain('Back-off pulling image "nginx:1.25-nope"');
    expect(msgs).toContain(
      'Failed to pull image "nginx:1.25-nope": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.25-nope": failed to resolve reference "docker.io/library/nginx:1.25-nope": docker.io/library/nginx:1.25-nope: not found',
    );
    expect(events(r).find((e) => e.message === 'Error: ErrImagePull')?.count).toBeGreaterThan(1);
    expect(file(r, 'containerd.log')).toContain(
      'msg="PullImage \\"nginx:1.25-nope\\" failed" error="failed to pull and unpack image',
    );
    expect(file(r, 'kubelet.log')).toContain('with ErrImagePull: ');
    expect(r.files.get(AUDIT_PATH)).toContain('has timed out progressing.');
  });

  it("unschedulable: FailedScheduling with the scheduler's reasons", () => {
    const r = run(['unschedulable']);
    expect(op(r, 'create deployments shop/analytics')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'pods-scheduled',
      user: 'bob',
    });
    const fs = events(r).filter((e) => e.reason === 'FailedScheduling');
    expect(fs).toHaveLength(2);
    expect(fs[0]?.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect(file(r, 'kube-scheduler/0.log')).toContain(
      '"Unable to schedule pod; no fit; waiting" pod="shop/analytics-',
    );
    expect(file(r, 'kubelet.log')).not.toContain('analytics');
  });

  it('unschedulable with a third worker counts four nodes', () => {
    const r = renderBundle(generateBundle({ seed: 2, scenarios: ['unschedulable'], noise: 0, workers: 3 }));
    expect(events(r).find((e) => e.reason === 'FailedScheduling')?.message).toMatch(
      /^0\/4 nodes are available: .*, 3 Insufficient cpu\./,
    );
  });

  it('volume-timeout: the kubelet on kind-worker2 times out mounting volume data', () => {
    const r = run(['volume-timeout']);
    expect(op(r, 'create deployments shop/db')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'volumes-ready',
      reason: 'timed out waiting for the condition',
    });
    const k = r.files.get('kind-worker2/kubelet.log') ?? '';
    expect(k).toContain(
      '"Unable to attach or mount volumes for pod; skipping pod" err="unmounted volumes=[data], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition" pod="shop/db-',
    );
    expect(k).toContain('MountVolume.SetUp failed for volume "nfs-db-data"');
    const fm = events(r).filter((e) => e.reason === 'FailedMount');
    expect(fm.map((e) => e.source.host)).toEqual(fm.map(() => 'kind-worker2'));
    expect(fm.map((e) => e.message)).toContain(
      'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition',
    );
    expect(r.files.get('kind-worker/kubelet.log') ?? '').not.toContain('shop/db-');
    expect(file(r, 'containerd.log')).not.toContain('Name:db-');
  });

  it('quota-exceeded: FailedCreate from the replicaset controller', () => {
    const r = run(['quota-exceeded']);
    expect(op(r, 'create deployments billing/invoicer')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'pods-created',
    });
    const fc = events(r).filter((e) => e.reason === 'FailedCreate');
    expect(fc.length).toBeGreaterThan(3);
    expect(fc[0]?.message).toMatch(
      /^Error creating: pods "invoicer-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute-quota, requested: limits\.cpu=2, used: limits\.cpu=0, limited: limits\.cpu=1$/,
    );
    expect(audit(r).filter((e) => e.responseStatus?.code === 403).length).toBe(fc.length);
    expect(reasons(r).has('Scheduled')).toBe(false);
  });

  it("webhook-denied: rejected at the API with the webhook's message", () => {
    const r = run(['webhook-denied']);
    const o = op(r, 'create deployments shop/privileged-app');
    expect(o).toMatchObject({ outcome: 'rejected', stoppedAt: 'api-accepted', code: 400 });
    const done = audit(r).find((e) => e.auditID === o.auditId && e.stage === 'ResponseComplete');
    expect(done?.responseStatus?.code).toBe(400);
    expect(done?.responseStatus?.message).toMatch(
      /^admission webhook "validate\.kyverno\.svc-fail" denied the request: /,
    );
    expect(audit(r).some((e) => e.objectRef?.resource === 'replicasets')).toBe(false);
    expect(events(r)).toHaveLength(0);
    // The slow request's trace is one record over several physical lines; all of them belong to the op.
    const path = [...r.files.keys()].find((p) => p.endsWith('/kube-apiserver/0.log')) ?? '';
    const lines = (r.files.get(path) ?? '').split('\n');
    const first = lines.findIndex((l) => l.includes('trace.go:236] Trace['));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(lines[first + 1]).toMatch(/stderr F Trace\[\d+\]: ---"Write to database call failed"/);
    const truth = [...truthLines(r.truth)].filter((l) => l.file === path);
    expect(truth[first + 1]?.op).toBe(o.key);
  });

  it('crash-loop: restarts with back-off and CrashLoopBackOff', () => {
    const r = run(['crash-loop']);
    expect(op(r, 'create deployments blog/worker')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'pods-ready',
    });
    const bo = events(r).find((e) => e.reason === 'BackOff');
    expect(bo?.message).toMatch(
      /^Back-off restarting failed container worker in pod worker-[a-z0-9]+-[a-z0-9]{5}_blog\([0-9a-f-]{36}\)$/,
    );
    expect(bo?.count).toBeGreaterThan(2);
    expect(file(r, 'kubelet.log')).toContain(
      'with CrashLoopBackOff: \\"back-off 10s restarting failed container=worker pod=worker-',
    );
    expect(
      [...r.files.keys()].filter((p) => p.includes('_worker-') && /\/worker\/\d+\.log$/.test(p)).length,
    ).toBeGreaterThan(2);
  });

  it('readiness-failing: Unhealthy events every period', () => {
    const r = run(['readiness-failing']);
    expect(op(r, 'create deployments blog/api')).toMatchObject({
      outcome: 'failed',
      stoppedAt: 'pods-ready',
    });
    const u = events(r).filter((e) => e.reason === 'Unhealthy');
    expect(u.map((e) => e.message)).toContain(
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    expect(u.reduce((s, e) => s + (e.count ?? 0), 0)).toBeGreaterThan(10);
    expect(file(r, 'kubelet.log')).toContain('"Probe failed" probeType="Readiness" pod="blog/api-');
  });

  it('concurrency: three applies by three users within 300 ms, similar names, one failing', () => {
    const r = run(['concurrency']);
    const ops = r.truth.ops;
    expect(ops.map((o) => o.key)).toEqual([
      'create deployments shop/web',
      'create deployments shop/web-api',
      'create deployments blog/web',
    ]);
    expect(new Set(ops.map((o) => o.user)).size).toBe(3);
    const starts = ops.map((o) => Date.parse(o.start));
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(300);
    expect(ops.map((o) => o.outcome)).toEqual(['complete', 'failed', 'complete']);
    // Pods of shop/web must not be attributed to shop/web-api and vice versa.
    for (const l of truthLines(r.truth)) {
      if (l.file.includes('/pods/shop_web-api-')) expect(l.op).toBe('create deployments shop/web-api');
      else if (l.file.includes('/pods/shop_web-')) expect(l.op).toBe('create deployments shop/web');
      if (l.file.includes('/pods/blog_web-')) expect(l.op).toBe('create deployments blog/web');
    }
  });

  it('explicit-reqid: every component line of the operation carries its reqID', () => {
    const r = run(['explicit-reqid', 'complete']);
    const o = op(r, 'create deployments shop/checkout');
    expect(o.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(op(r, 'create deployments shop/frontend').reqId).toBeNull();
    let checked = 0;
    for (const l of truthLines(r.truth)) {
      if (l.op !== o.key || ['audit', 'events', 'checkout'].includes(l.component)) continue;
      const text = (r.files.get(l.file) ?? '').split('\n')[l.line - 1] ?? '';
      expect(text, `${l.file}:${l.line}`).toContain(`reqID="${o.reqId ?? ''}"`);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    expect(r.files.get('kind-worker/kubelet.log')).not.toMatch(/frontend.*reqID=/);
  });

  it('json-logging: components write component-base JSON with KObj objects', () => {
    const r = run(['complete', 'json-logging']);
    const kubelet = (r.files.get('kind-worker/kubelet.log') ?? '').split('\n').filter(Boolean);
    for (const l of kubelet) {
      const j = JSON.parse(l.replace(/^.*? kubelet\[\d+\]: /, '')) as {
        ts: number;
        caller: string;
        msg: string;
      };
      expect(j.ts).toBeGreaterThan(1.7e12);
      expect(j.caller).toMatch(/^[\w]+\/[\w]+\.go:\d+$/);
    }
    expect(r.files.get('kind-worker/kubelet.log')).toMatch(
      /"msg":"SyncLoop ADD","v":2,"source":"api","pods":\[\{"name":"frontend-[a-z0-9]+-[a-z0-9]{5}","namespace":"shop"\}\]/,
    );
    const json = run(['complete', 'json-logging', 'explicit-reqid']);
    expect(json.files.get('kind-worker/kubelet.log')).toMatch(/"reqID":"[0-9a-f-]{36}"\}$/m);
  });

  it('metadata-audit: no request or response bodies', () => {
    const r = run(['complete', 'metadata-audit']);
    const a = audit(r);
    expect(a.length).toBeGreaterThan(20);
    for (const e of a) {
      expect(e.level).toBe('Metadata');
      expect(e.requestObject).toBeUndefined();
      expect(e.responseObject).toBeUndefined();
    }
  });

  it('no-audit: no audit log, and no audit IDs in the truth', () => {
    const r = run(['complete', 'bad-image', 'no-audit']);
    expect(r.files.has(AUDIT_PATH)).toBe(false);
    for (const o of r.truth.ops) expect(o.auditId).toBeNull();
    expect(r.truth.files.some((f) => f.component === 'audit')).toBe(false);
  });

  it('drain-node: cordon, evictions, pods killed, replacements on another node, then uncordon', () => {
    const r = run(['drain-node']);
    const o = op(r, 'drain nodes kind-worker');
    expect(o).toMatchObject({
      operation: 'drain-node',
      verb: 'patch',
      resource: 'nodes',
      namespace: null,
      user: 'alice',
      sourceIP: '10.0.0.7',
    });
    const a = audit(r).filter((e) => e.stage === 'ResponseComplete');
    const cordon = a.find((e) => e.auditID === o.auditId);
    expect(cordon?.verb).toBe('patch');
    expect(
      a.filter((e) => e.objectRef?.subresource === 'eviction' && e.user.username === 'alice'),
    ).toHaveLength(2);
    const killing = events(r).filter((e) => e.reason === 'Killing');
    expect(killing.map((e) => e.source.host)).toEqual(['kind-worker', 'kind-worker']);
    const scheduled = events(r).filter((e) => e.reason === 'Scheduled');
    expect(scheduled).toHaveLength(2);
    for (const e of scheduled) expect(e.message).toMatch(/ to kind-worker2$/);
    expect(r.files.get('kind-worker/kubelet.log')).toContain('"Killing container with a grace period"');
    expect(r.files.get('kind-worker/containerd.log')).toContain('StopPodSandbox for');
    expect(op(r, 'uncordon nodes kind-worker').operation).toBe('uncordon-node');
  });

  it('scale-deployment: the scale patch, a ScalingReplicaSet from 2 to 4, two new pods', () => {
    const r = run(['scale-deployment']);
    const o = op(r, 'scale deployments shop/catalog');
    expect(o).toMatchObject({
      operation: 'scale-deployment',
      verb: 'patch',
      subresource: 'scale',
      outcome: 'complete',
    });
    expect(events(r).find((e) => e.reason === 'ScalingReplicaSet')?.message).toMatch(
      /^Scaled up replica set catalog-[a-z0-9]+ to 4 from 2$/,
    );
    expect(events(r).filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(2);
    expect(events(r).filter((e) => e.reason === 'Started')).toHaveLength(2);
  });

  it('delete-deployment: the garbage collector deletes the ReplicaSet and pods, the kubelet kills them', () => {
    const r = run(['delete-deployment']);
    const o = op(r, 'delete deployments shop/legacy');
    expect(o).toMatchObject({ operation: 'delete-deployment', verb: 'delete', user: 'bob' });
    const gc = audit(r).filter(
      (e) =>
        e.stage === 'ResponseComplete' &&
        e.user.username === 'system:serviceaccount:kube-system:generic-garbage-collector',
    );
    expect(gc.map((e) => e.objectRef?.resource)).toEqual(['replicasets', 'pods', 'pods']);
    expect(events(r).filter((e) => e.reason === 'Killing')).toHaveLength(2);
    expect(
      audit(r).filter(
        (e) =>
          e.stage === 'ResponseComplete' && e.verb === 'delete' && e.user.username.startsWith('system:node:'),
      ),
    ).toHaveLength(2);
  });

  it('logs-end-midway: the logs end while the images are still being pulled', () => {
    const r = run(['logs-end-midway']);
    const o = op(r, 'create deployments shop/reports');
    expect(o).toMatchObject({ outcome: 'incomplete', stoppedAt: 'images-pulled' });
    expect(Date.parse(r.truth.to) - Date.parse(o.start)).toBe(2000);
    expect(reasons(r)).toContain('Scheduled');
    expect(reasons(r)).not.toContain('Pulled');
    expect(reasons(r)).not.toContain('Failed');
  });

  it('background noise: leases, watches, kindnet, kube-proxy, coredns, etcd, all without an op', () => {
    const r = renderBundle(generateBundle({ seed: 9, scenarios: [], noise: 600 }));
    expect(r.truth.ops).toHaveLength(0);
    for (const l of truthLines(r.truth)) expect(l.op).toBeNull();
    const all = [...r.files.values()].join('');
    expect(all).toContain('/leases/kube-controller-manager?timeout=5s');
    expect(all).toContain('verb="WATCH"');
    expect(all).toContain('Handling node with IPs: map[');
    expect(all).toContain('"SyncProxyRules complete"');
    expect(all).toMatch(/\[INFO\] 10\.244\.\d+\.\d+:\d+ - \d+ "A+ IN /);
    expect(all).toContain('"msg":"compact tree index"');
    expect(all).toContain('"Pod status updated" pod="kube-system/etcd-kind-control-plane" status="Running"');
  });

  it('every scenario together still fits in one window', () => {
    const r = renderBundle(generateBundle({ seed: 10 }));
    expect(r.truth.ops.map((o) => o.scenario)).toEqual(
      expect.arrayContaining(['complete', 'volume-timeout', 'drain-node', 'delete-deployment']),
    );
    expect(r.truth.ops.filter((o) => o.outcome === 'complete').length).toBeGreaterThan(5);
    expect(op(r, 'create deployments shop/db').stoppedAt).toBe('volumes-ready');
    expect(r.files.get('kind-worker2/kubelet.log')).toContain(
      'Unable to attach or mount volumes for pod; skipping pod',
    );
    // A node that pulled nginx:1.25 earlier in the window finds it present for later pods.
    expect(events(r).map((e) => e.message)).toContain(
      'Container image "nginx:1.25" already present on machine',
    );
  });
});
