import { describe, expect, it } from 'vitest';
import { callerComponent, eventSourceComponent, unitComponent } from './callerComponent.ts';

describe('callerComponent', () => {
  it('maps component-specific klog caller files', () => {
    expect(callerComponent('httplog.go:132')).toBe('kube-apiserver');
    expect(callerComponent('replica_set.go:676')).toBe('kube-controller-manager');
    expect(callerComponent('schedule_one.go:286')).toBe('kube-scheduler');
    expect(callerComponent('kubelet.go:2400')).toBe('kubelet');
    expect(callerComponent('kuberuntime_container.go:808')).toBe('kubelet');
    expect(callerComponent('operation_generator.go:637')).toBe('kubelet');
    expect(callerComponent('scheduler/schedule_one.go:1')).toBe('kube-scheduler');
  });
  it('leaves shared or unknown files alone', () => {
    expect(callerComponent('reflector.go:351')).toBeNull();
    expect(callerComponent(null)).toBeNull();
  });
});

describe('unitComponent / eventSourceComponent', () => {
  it('maps journald units and event sources', () => {
    expect(unitComponent('kubelet.service')).toBe('kubelet');
    expect(unitComponent('containerd')).toBe('containerd');
    expect(unitComponent('systemd')).toBe('systemd');
    expect(eventSourceComponent('default-scheduler')).toBe('kube-scheduler');
    expect(eventSourceComponent('replicaset-controller')).toBe('kube-controller-manager');
    expect(eventSourceComponent('kubelet')).toBe('kubelet');
    expect(eventSourceComponent('my-operator')).toBe('my-operator');
  });
});
