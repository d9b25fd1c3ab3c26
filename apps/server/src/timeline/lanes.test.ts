import { describe, expect, it } from 'vitest';
import { apiCallLane, compareLanes, laneForRecord, type LaneRecord } from './lanes.ts';

const rec = (over: Partial<LaneRecord>): LaneRecord => ({
  kind: 'log',
  component: 'kubelet',
  node: null,
  caller: null,
  fields: null,
  ...over,
});

describe('laneForRecord', () => {
  it('puts kubelet and runtime lines in per-node lanes', () => {
    expect(laneForRecord(rec({ node: 'worker-2' })).id).toBe('kubelet/worker-2');
    expect(laneForRecord(rec({ component: 'containerd', node: 'worker-2' })).id).toBe('containerd/worker-2');
    expect(laneForRecord(rec({ component: 'kube-scheduler', node: 'cp' })).id).toBe('kube-scheduler');
    expect(laneForRecord(rec({ component: 'coredns', node: 'w1' })).id).toBe('coredns/w1');
  });

  it('splits kube-controller-manager by logger, then by caller file', () => {
    const kcm = { component: 'kube-controller-manager', node: 'cp' };
    expect(laneForRecord(rec({ ...kcm, fields: { logger: 'deployment-controller' } })).id).toBe(
      'kube-controller-manager/deployment-controller',
    );
    expect(laneForRecord(rec({ ...kcm, caller: 'replica_set.go:676' })).id).toBe(
      'kube-controller-manager/replicaset-controller',
    );
    expect(laneForRecord(rec({ ...kcm, caller: 'garbagecollector.go:501' })).sub).toBe('garbage-collector');
    expect(laneForRecord(rec({ ...kcm, caller: 'controllermanager.go:12' })).id).toBe(
      'kube-controller-manager',
    );
    expect(laneForRecord(rec({ ...kcm, caller: 'event.go:389', fields: { kind: 'Deployment' } })).sub).toBe(
      'deployment-controller',
    );
  });

  it('puts Events in the lane of their source', () => {
    const ev = (fields: Record<string, unknown>) =>
      laneForRecord(rec({ kind: 'event', component: 'events', fields }));
    expect(ev({ source: { component: 'replicaset-controller' } }).id).toBe(
      'kube-controller-manager/replicaset-controller',
    );
    expect(ev({ source: { component: 'default-scheduler' } }).id).toBe('kube-scheduler');
    expect(ev({ source: { component: 'kubelet', host: 'worker-2' } }).id).toBe('kubelet/worker-2');
    expect(ev({ reportingController: 'kubelet', reportingInstance: 'kubelet-worker-1' }).id).toBe(
      'kubelet/worker-1',
    );
    expect(ev({ source: { component: 'my-operator' } }).id).toBe('events');
    expect(ev({}).id).toBe('events');
  });

  it('gives object state facts a lane of their own, after the Events', () => {
    const state = laneForRecord(rec({ kind: 'state', component: 'kubelet', node: 'worker-2' }));
    expect(state).toMatchObject({ id: 'state', label: 'object state' });
    expect(compareLanes(laneForRecord(rec({ kind: 'event' })), state)).toBeLessThan(0);
  });

  it('assigns audit events by user', () => {
    expect(apiCallLane('alice').id).toBe('client');
    expect(apiCallLane('system:serviceaccount:kube-system:replicaset-controller').id).toBe(
      'kube-controller-manager/replicaset-controller',
    );
    expect(apiCallLane('system:serviceaccount:kube-system:generic-garbage-collector').id).toBe(
      'kube-controller-manager/garbage-collector',
    );
    expect(apiCallLane('system:kube-scheduler').id).toBe('kube-scheduler');
    expect(apiCallLane('system:node:worker-1').id).toBe('kubelet/worker-1');
    expect(
      laneForRecord(rec({ kind: 'audit', component: 'audit', fields: { user: { username: 'bob' } } })).id,
    ).toBe('client');
  });
});

describe('compareLanes', () => {
  it('orders client, apiserver, controllers, scheduler, nodes, others, events', () => {
    const ids = [
      'events',
      'kubelet/worker-2',
      'coredns/w1',
      'containerd/worker-1',
      'kube-scheduler',
      'kube-controller-manager/replicaset-controller',
      'kube-controller-manager',
      'kubelet/worker-1',
      'kube-apiserver',
      'client',
      'kube-controller-manager/deployment-controller',
    ];
    const lanes = ids.map((id) => {
      if (id === 'client') return apiCallLane('alice');
      if (id === 'events') return laneForRecord(rec({ kind: 'event', component: 'events' }));
      const [component = '', rest = null] = id.split('/');
      if (component === 'kube-controller-manager')
        return laneForRecord(rec({ component, fields: rest ? { logger: rest } : null }));
      return laneForRecord(rec({ component, node: rest }));
    });
    expect(lanes.sort(compareLanes).map((l) => l.id)).toEqual([
      'client',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-controller-manager/deployment-controller',
      'kube-controller-manager/replicaset-controller',
      'kube-scheduler',
      'kubelet/worker-1',
      'containerd/worker-1',
      'kubelet/worker-2',
      'coredns/w1',
      'events',
    ]);
  });
});
