import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatNs } from '@kubetrail/model';
import type { ParsedRecord, StateFields } from '@kubetrail/model';
import { normalizeGoFields, jsonTagOf } from './goFields.ts';
import { k8sObjectRecords } from './k8sObject.ts';

const dump = readFileSync(new URL('../bundle/fixtures/cluster-info-dump.json', import.meta.url), 'utf8');
/** The JSON lists of the fixture dump (its documents open with `{` at column 0). */
const docs = dump
  .split(/\n(?=\{\n)/)
  .map((d) => d.split('\n==== ')[0]!)
  .map((d) => JSON.parse(d) as { kind: string; items: Record<string, unknown>[] });
const item = (kind: string, name: string): Record<string, unknown> => {
  for (const d of docs)
    for (const i of d.items)
      if ((i.metadata as { name: string }).name === name && d.kind === `${kind}List`) return i;
  throw new Error(`${kind} ${name} not in fixture`);
};
const fields = (r: ParsedRecord): StateFields => r.fields as unknown as StateFields;
const at = (r: ParsedRecord | undefined): string | null => (r?.ts == null ? null : formatNs(r.ts));

describe('k8sObjectRecords', () => {
  it("states a pod's identity, owner, conditions and a container stuck in ImagePullBackOff", () => {
    const rs = k8sObjectRecords(item('Pod', 'web-7c5ddbdf54-x8k2p'), 'Pod', 10, 40, '{…}');
    const created = rs[0]!;
    expect(created).toMatchObject({
      kind: 'state',
      format: 'k8s-object',
      line: 10,
      lineCount: 40,
      node: 'kind-worker',
    });
    expect(created.message).toBe(
      'Pod shop/web-7c5ddbdf54-x8k2p created (owner ReplicaSet web-7c5ddbdf54, node kind-worker)',
    );
    expect(fields(created).object).toMatchObject({
      kind: 'Pod',
      namespace: 'shop',
      uid: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      owners: [{ kind: 'ReplicaSet', name: 'web-7c5ddbdf54' }],
      templateHash: '7c5ddbdf54',
    });
    expect(at(created)).toBe('2024-10-29T12:31:02.000000000Z');
    const waiting = rs.find((r) => fields(r).state === 'waiting')!;
    expect(waiting).toMatchObject({ severity: 'error', component: 'kubelet', lineCount: 0 });
    expect(waiting.message).toBe(
      'Pod shop/web-7c5ddbdf54-x8k2p container web waiting: ImagePullBackOff: Back-off pulling image "shop/web:2.1"',
    );
    // A waiting container has no time of its own: it takes when the pod last changed, and says so.
    expect(fields(waiting).approx).toBe(true);
    const ready = rs.find((r) => fields(r).condition === 'Ready')!;
    expect(ready).toMatchObject({ severity: 'warning' });
    expect(ready.message).toContain('condition Ready=False ContainersNotReady');
    expect(rs.find((r) => fields(r).condition === 'PodScheduled')?.component).toBe('kube-scheduler');
  });

  it('states a Deployment that exceeded its progress deadline, with the transition time', () => {
    const rs = k8sObjectRecords(item('Deployment', 'web'), 'Deployment', 1, 1, '{}');
    expect(rs[0]!.message).toBe('Deployment shop/web created (revision 1, 1 replicas desired)');
    const progressing = rs.find((r) => fields(r).condition === 'Progressing')!;
    expect(progressing).toMatchObject({ severity: 'warning', component: 'kube-controller-manager' });
    expect(fields(progressing)).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(at(progressing)).toBe('2024-10-29T12:41:03.000000000Z');
    expect(rs.find((r) => fields(r).fact === 'status')?.message).toContain('unavailableReplicas 1');
  });

  it('says which `kubectl logs` run of a container started when', () => {
    const pod = {
      metadata: { name: 'db-0', namespace: 'shop', uid: 'u1', creationTimestamp: '2022-12-20T23:40:30Z' },
      spec: { nodeName: 'n1' },
      status: {
        containerStatuses: [
          {
            name: 'db',
            restartCount: 25,
            state: { running: { startedAt: '2022-12-21T09:42:41Z' } },
            lastState: {
              terminated: {
                exitCode: 255,
                reason: 'Unknown',
                startedAt: '2022-12-20T23:40:35Z',
                finishedAt: '2022-12-21T09:42:35Z',
              },
            },
          },
          {
            name: 'sidecar',
            restartCount: 3,
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: '2022-12-21T09:50:00Z',
                finishedAt: '2022-12-21T09:50:02Z',
              },
            },
          },
        ],
      },
    };
    const rs = k8sObjectRecords(pod, 'Pod', 1, 1, '{}');
    const runs = rs
      .filter((r) => fields(r).logRun != null)
      .map((r) => [fields(r).container, fields(r).logRun, at(r)]);
    expect(runs).toEqual([
      ['db', 'current', '2022-12-21T09:42:41.000000000Z'],
      ['db', 'previous', '2022-12-20T23:40:35.000000000Z'],
      // Waiting to restart: plain `kubectl logs` shows the run that just failed.
      ['sidecar', 'current', '2022-12-21T09:50:00.000000000Z'],
    ]);
    const crashed = rs.find((r) => fields(r).container === 'sidecar' && fields(r).state === 'terminated')!;
    expect(crashed).toMatchObject({ severity: 'error' });
    expect(crashed.message).toContain('previous run terminated: Error (exit code 1) (restarts 3)');
  });
});

describe('old dumps with Go field names', () => {
  it('renames fields as their JSON tags and moves inline ObjectMeta under metadata', () => {
    expect(['UID', 'APIVersion', 'PodIP', 'QOSClass', 'LastTransitionTime', 'name'].map(jsonTagOf)).toEqual([
      'uid',
      'apiVersion',
      'podIP',
      'qosClass',
      'lastTransitionTime',
      'name',
    ]);
    // An item of the real 2018 dump (k8s 1.9): kubectl printed the internal types.
    const old = {
      name: 'coredns-5984fb8cbb-fw45p',
      namespace: 'kube-system',
      uid: '62589f30-1924-11e8-927b-525400ad3b43',
      creationTimestamp: '2018-02-24T05:34:29Z',
      labels: { 'pod-template-hash': '1540964766' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'coredns-5984fb8cbb', uid: 'x' }],
      Spec: { NodeName: 'node2' },
      Status: {
        Conditions: [{ Type: 'Ready', Status: 'True', LastTransitionTime: '2018-02-24T05:35:11Z' }],
        ContainerStatuses: [
          { Name: 'coredns', State: { Running: { StartedAt: '2018-02-24T05:35:10Z' } }, RestartCount: 0 },
        ],
      },
    };
    const o = normalizeGoFields(old) as Record<string, unknown>;
    expect(o).toMatchObject({
      metadata: { name: 'coredns-5984fb8cbb-fw45p', namespace: 'kube-system' },
      spec: { nodeName: 'node2' },
    });
    const rs = k8sObjectRecords(o, 'Pod', 1, 1, '{}');
    expect(rs.map((r) => r.message)).toEqual([
      'Pod kube-system/coredns-5984fb8cbb-fw45p created (owner ReplicaSet coredns-5984fb8cbb, node node2)',
      'Pod kube-system/coredns-5984fb8cbb-fw45p condition Ready=True',
      'Pod kube-system/coredns-5984fb8cbb-fw45p container coredns running',
    ]);
    expect(at(rs[2])).toBe('2018-02-24T05:35:10.000000000Z');
  });
});
