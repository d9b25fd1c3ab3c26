/**
 * Shapes found in real bundles with no audit log (see apps/server/src/ingest/realOperations.test.ts
 * for the bundles themselves): Deployments deleted and applied again under the same names, a
 * controller manager that logs no Events (only its ReplicaSet syncs), failures that recover, pods
 * their node refuses.
 */
import { describe, expect, it } from 'vitest';
import { correlate } from './correlate.ts';
import { collectingSink, memorySource } from './memorySource.ts';
import { Story } from './testRecords.ts';

function run(s: Story) {
  const sink = collectingSink();
  const result = correlate(memorySource(s.records), sink);
  return { ...result, byRecord: sink.byRecord };
}

const row = (r: {
  startedAt: string;
  targets: { operation: string; name: string; outcome: string; stoppedAt: { stage: string } | null }[];
}): string =>
  `${r.startedAt.slice(11, 19)} ${r.targets[0]!.operation} ${r.targets[0]!.name} ${r.targets[0]!.outcome}@${r.targets[0]!.stoppedAt?.stage ?? '-'}`;

/** `kubectl apply` of a 2-replica Deployment, its Events only (kubectl get events -o json). */
function applied(s: Story, at: number, uid: string, rsUid: string, pods: [string, string]): void {
  s.event(at, {
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-7d4b9c5f6 to 2',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    uid,
    component: 'deployment-controller',
  });
  for (const p of pods)
    s.event(at, {
      reason: 'SuccessfulCreate',
      message: `Created pod: ${p}`,
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'web-7d4b9c5f6',
      uid: rsUid,
      component: 'replicaset-controller',
    });
  s.event(at + 200, {
    reason: 'Scheduled',
    message: `Successfully assigned shop/${pods[0]} to kind-worker`,
    kind: 'Pod',
    namespace: 'shop',
    name: pods[0],
    component: 'default-scheduler',
  });
  s.event(at + 200, {
    reason: 'FailedScheduling',
    type: 'Warning',
    message: "0/4 nodes are available: 1 node(s) didn't match pod topology spread constraints.",
    kind: 'Pod',
    namespace: 'shop',
    name: pods[1],
    component: 'default-scheduler',
  });
  s.event(at + 2000, {
    reason: 'Started',
    message: 'Started container web',
    kind: 'Pod',
    namespace: 'shop',
    name: pods[0],
  });
}

describe('real shapes without an audit log', () => {
  it('tells a Deployment deleted and applied again (new UIDs) from one that scaled', () => {
    const s = new Story();
    applied(s, 0, '3b491625-246f-4aae-8521-caffef02704d', 'f5e82a5b-345e-4452-b317-a78c37ff8431', [
      'web-7d4b9c5f6-aaaaa',
      'web-7d4b9c5f6-bbbbb',
    ]);
    // `kubectl delete deploy/web` 7 min later: the garbage collector takes the pods; no controller
    // says `Deleted pod`, the kubelet stops the container.
    s.event(420_000, {
      reason: 'Killing',
      message: 'Stopping container web',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-aaaaa',
    });
    // Applied again 3 min later: same names, new UIDs.
    applied(s, 600_000, 'e5124bf1-417a-4c99-b091-0abb67f01d2b', '597a8e4f-c172-4479-a737-cd3bb8a8b1f4', [
      'web-7d4b9c5f6-ccccc',
      'web-7d4b9c5f6-ddddd',
    ]);
    const { requests } = run(s);
    expect(requests.map(row)).toEqual([
      '11:35:40 create-deployment web failed@pods-scheduled',
      '11:42:40 delete-deployment web complete@-',
      '11:45:40 create-deployment web failed@pods-scheduled',
    ]);
    for (const r of requests.filter((x) => x.targets[0]!.operation === 'create-deployment'))
      expect(r.targets[0]!.stoppedAt!.reason).toMatch(/^1 of 2 pods: 0\/4 nodes are available/);
  });

  it('starts a create from the first ReplicaSet sync line, and calls a recovered failure complete', () => {
    const s = new Story();
    s.log(0, 'kube-controller-manager', 'Caches are synced for ReplicaSet');
    // The start-up resync of an existing ReplicaSet: no operation.
    s.log(500, 'kube-controller-manager', 'Finished syncing', {
      kind: 'ReplicaSet',
      key: 'kube-system/coredns-6f6b679f8f',
      duration: '1ms',
    });
    s.log(300_000, 'kube-controller-manager', 'Finished syncing', {
      kind: 'ReplicaSet',
      key: 'default/service-b-8587c97ccf',
      duration: '12ms',
    });
    const pod = 'default/service-b-8587c97ccf-tnl8s';
    for (let i = 0; i < 3; i++)
      s.log(300_200 + i * 14_000, 'kubelet', 'Error syncing pod, skipping', {
        err: 'failed to "StartContainer" for "service-b" with CreateContainerConfigError: "secret \\"my-secret\\" not found"',
        pod,
      });
    s.log(420_000, 'kubelet', 'Observed pod startup duration', { pod, podStartSLOduration: '119.8' });
    const { requests } = run(s);
    expect(requests.map(row)).toEqual(['11:40:40 create-deployment service-b complete@-']);
    const started = requests[0]!.targets[0]!.stages.find((x) => x.id === 'containers-started')!;
    expect(started.reason).toBe(
      '1 of 1 pods, after 2 min of CreateContainerConfigError: "secret \\"my-secret\\" not found" (3 failures)',
    );
  });

  it('counts only the pods that exist: pods their node refuses are gone, and explain the stop', () => {
    const s = new Story();
    s.event(0, {
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set php-7f879b889b to 1',
      kind: 'Deployment',
      namespace: 'default',
      name: 'php',
      component: 'deployment-controller',
    });
    for (let i = 0; i < 5; i++) {
      const p = `php-7f879b889b-pod${i}x`.slice(0, 20);
      s.event(i * 300, {
        reason: 'SuccessfulCreate',
        message: `Created pod: ${p}`,
        kind: 'ReplicaSet',
        namespace: 'default',
        name: 'php-7f879b889b',
        component: 'replicaset-controller',
      });
      s.event(i * 300 + 10, {
        reason: 'TaintToleration',
        type: 'Warning',
        message: 'Predicate TaintToleration failed',
        kind: 'Pod',
        namespace: 'default',
        name: p,
      });
      s.event(i * 300 + 20, {
        reason: 'TaintManagerEviction',
        message: `Marking for deletion Pod default/${p}`,
        kind: 'Pod',
        namespace: 'default',
        name: p,
        component: 'taint-eviction-controller',
      });
    }
    const { requests } = run(s);
    expect(requests.map(row)).toEqual(['11:35:40 create-deployment php failed@pods-scheduled']);
    expect(requests[0]!.targets[0]!.stoppedAt!.reason).toMatch(/Predicate TaintToleration failed/);
  });

  it("joins kubectl's wait-for-deletion reads (404) to the drain that evicted, not a refused request", () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'c1',
      verb: 'patch',
      user: 'alice',
      resource: 'nodes',
      name: 'kind-worker',
      code: 200,
      requestObject: { spec: { unschedulable: true } },
    });
    s.audit(300, {
      auditID: 'e1',
      verb: 'create',
      user: 'alice',
      resource: 'pods',
      subresource: 'eviction',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-aaaaa',
      code: 201,
    });
    // kubectl polls until the pod is gone; the gap is over a second, so these are a new command.
    for (let i = 0; i < 3; i++)
      s.audit(5_000 + i * 1_500, {
        auditID: `g${i}`,
        verb: 'get',
        user: 'alice',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-7d4b9c5f6-aaaaa',
        code: 404,
        message: 'pods "web-7d4b9c5f6-aaaaa" not found',
      });
    // A later, unrelated refused read stays a request of its own.
    s.audit(60_000, {
      auditID: 'x1',
      verb: 'get',
      user: 'alice',
      resource: 'secrets',
      namespace: 'shop',
      name: 'db',
      code: 403,
      message: 'forbidden',
    });
    const { requests } = run(s);
    expect(requests.map((r) => `${r.reqId} ${r.targets[0]!.operation} ${r.outcome}`)).toEqual([
      'c1 drain-node ' + requests[0]!.outcome,
      'x1 generic rejected',
    ]);
    expect(requests[0]!.auditIds).toEqual(['c1', 'e1', 'g0', 'g1', 'g2']);
  });
});
