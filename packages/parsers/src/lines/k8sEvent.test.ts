import { describe, expect, it } from 'vitest';
import { isK8sEvent, isK8sEventList, k8sEventRecord } from './k8sEvent.ts';

const coreEvent = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-7d4b9c-abcde.17d7', namespace: 'shop', creationTimestamp: '2024-06-10T11:35:41Z' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d4b9c-abcde', uid: 'u-1' },
  reason: 'FailedScheduling',
  message: '0/3 nodes are available: 3 Insufficient cpu.',
  source: { component: 'default-scheduler' },
  firstTimestamp: '2024-06-10T11:35:41Z',
  lastTimestamp: '2024-06-10T11:35:45Z',
  count: 2,
  type: 'Warning',
};

describe('Kubernetes Events', () => {
  it('reads a core/v1 Event', () => {
    expect(isK8sEvent(coreEvent)).toBe(true);
    const r = k8sEventRecord(coreEvent, 3, 20, '{}');
    expect(r).toMatchObject({
      line: 3,
      lineCount: 20,
      ts: 1718019345000000000n,
      severity: 'warning',
      kind: 'event',
      format: 'k8s-event',
      component: 'kube-scheduler',
      message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.',
    });
    expect(r.fields).toMatchObject({
      reason: 'FailedScheduling',
      count: 2,
      involvedObject: { name: 'web-7d4b9c-abcde' },
    });
  });

  it('reads an events.k8s.io/v1 Event (note, regarding, reportingController, eventTime)', () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'shop' },
      regarding: { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d4b9c' },
      reason: 'SuccessfulCreate',
      note: 'Created pod: web-7d4b9c-abcde',
      reportingController: 'replicaset-controller',
      reportingInstance: 'kube-controller-manager-cp',
      eventTime: '2024-06-10T11:35:40.512345Z',
      type: 'Normal',
    };
    expect(isK8sEvent(ev)).toBe(true);
    expect(k8sEventRecord(ev, 1, 1, '')).toMatchObject({
      ts: 1718019340512345000n,
      severity: 'info',
      component: 'kube-controller-manager',
      message: 'SuccessfulCreate: Created pod: web-7d4b9c-abcde',
    });
  });

  it('takes the node from a kubelet source', () => {
    const r = k8sEventRecord(
      { ...coreEvent, reason: 'Pulled', type: 'Normal', source: { component: 'kubelet', host: 'worker-2' } },
      1,
      1,
      '',
    );
    expect(r).toMatchObject({ component: 'kubelet', node: 'worker-2', severity: 'info' });
  });

  it('recognises Lists of Events', () => {
    expect(isK8sEventList({ apiVersion: 'v1', kind: 'List', items: [coreEvent] })).toBe(true);
    expect(isK8sEventList({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod' }] })).toBe(false);
  });
});
