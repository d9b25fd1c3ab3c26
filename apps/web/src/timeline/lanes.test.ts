import { describe, expect, it } from 'vitest';
import { laneText } from './lanes';

const lane = (component: string, node: string | null, sub: string | null) => ({
  id: 'x',
  label: `${component}${sub ? `/${sub}` : ''}${node ? ` · ${node}` : ''}`,
  component,
  node,
  sub,
  count: 1,
});

describe('laneText', () => {
  it('puts the node on the second line', () => {
    expect(laneText(lane('kubelet', 'kind-worker2', null), 'x')).toEqual({
      main: 'kubelet',
      sub: 'kind-worker2',
    });
  });
  it('names the controller first', () => {
    expect(laneText(lane('kube-controller-manager', null, 'replicaset-controller'), 'x')).toEqual({
      main: 'replicaset-controller',
      sub: 'kube-controller-manager',
    });
  });
  it('uses the label for plain lanes and the fallback for unknown ones', () => {
    expect(laneText(lane('client', null, null), 'x')).toEqual({ main: 'client', sub: '' });
    expect(laneText(undefined, 'etcd')).toEqual({ main: 'etcd', sub: '' });
  });
});
