/**
 * A DaemonSet's pods, one per eligible node. `pkg/controller/daemon` creates them through the
 * shared pod control (`SuccessfulCreate` `Created pod: %v`, source `daemonset-controller`), each
 * with a node affinity to its node, and the default scheduler binds them (DaemonSet pods are
 * scheduled by kube-scheduler since v1.12).
 */
import type { Epoch, InvolvedObject } from '../epoch.ts';
import { create, RES, update } from './kubectl.ts';
import type { OwnerRef, Pod, Workload } from './objects.ts';
import { podBody, workloadBody } from './objects.ts';
import { controllerRevision } from './statefulset.ts';
import type { StartOptions } from './workload.ts';
import { kubeletStartsPod, schedulePod } from './workload.ts';

export const dsRef = (w: Workload): InvolvedObject => ({
  kind: 'DaemonSet',
  namespace: w.ns,
  name: w.name,
  uid: w.uid,
  apiVersion: 'apps/v1',
});
export const dsOwner = (w: Workload): OwnerRef => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  name: w.name,
  uid: w.uid,
});

export function daemonSetSpec(w: Workload): Record<string, unknown> {
  return {
    selector: { matchLabels: w.labels },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
  };
}

/** A DaemonSet pod (its name given, as for kube-system's existing pods, or random). */
export function daemonPod(ep: Epoch, w: Workload, t: number, named?: { name: string; uid: string }): Pod {
  return {
    w,
    name: named?.name ?? `${w.name}-${ep.rng.k8s(5)}`,
    uid: named?.uid ?? ep.uid(t),
    node: null,
    ip: '',
    tokenVolume: `kube-api-access-${ep.rng.k8s(5)}`,
    sandbox: ep.rng.hex(64),
    containerId: '',
    createdUs: t,
    restarts: 0,
    owner: dsOwner(w),
    generateName: `${w.name}-`,
    labels: { ...w.labels, 'controller-revision-hash': w.hash, 'pod-template-generation': '1' },
  };
}

/**
 * The daemonset controller creates `p` for `node`, the scheduler binds it, the kubelet starts it.
 * Returns when it is ready (null: not before the logs end).
 */
export function daemonPodOnNode(
  ep: Epoch,
  op: number,
  p: Pod,
  node: string,
  t: number,
  start: StartOptions = {},
): number | null {
  const w = p.w;
  const dsc = ep.cluster.actors.controller('daemon-set-controller');
  const c = create(
    ep,
    op,
    dsc,
    RES.pods,
    w.ns,
    p.name,
    t,
    podBody(p, null, {}),
    podBody(p, ep.nextRv(), { phase: 'Pending', qosClass: 'BestEffort' }),
    null,
  );
  p.createdUs = c.doneUs;
  ep.event({
    us: c.doneUs + 300,
    obj: dsRef(w),
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `Created pod: ${p.name}`,
    source: 'daemonset-controller',
    op,
  });
  const bound = schedulePod(ep, p, op, c.doneUs + ep.rng.int(2_000, 9_999), node, '', 1);
  if (bound === null) return null;
  return kubeletStartsPod(ep, p, op, bound, null, start);
}

/** The daemonset controller's status write. */
export function daemonSetStatus(
  ep: Epoch,
  op: number,
  w: Workload,
  t: number,
  desired: number,
  ready: number,
): number {
  const body = workloadBody('DaemonSet', 'apps/v1', w, ep.nextRv(), daemonSetSpec(w), {
    currentNumberScheduled: desired,
    numberMisscheduled: 0,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: w.generation ?? 1,
    updatedNumberScheduled: desired,
    numberAvailable: ready,
  });
  return update(
    ep,
    op,
    ep.cluster.actors.controller('daemon-set-controller'),
    RES.daemonsets,
    w.ns,
    w.name,
    w.uid,
    t,
    body,
    'status',
  ).doneUs;
}

/**
 * A pod on each of `nodes` (created one after the other, a few ms apart), then the status. Returns
 * when every pod is ready (null: one is not before the logs end).
 */
export function daemonPods(
  ep: Epoch,
  op: number,
  w: Workload,
  nodes: string[],
  t: number,
  start: (p: Pod) => StartOptions = () => ({}),
): { doneUs: number | null; pods: Pod[] } {
  let at = controllerRevision(ep, op, w, dsOwner(w), t);
  const pods: Pod[] = [];
  let last = 0;
  let allReady = true;
  for (const node of nodes) {
    at += ep.rng.int(2_000, 12_999);
    const p = daemonPod(ep, w, at);
    pods.push(p);
    const ready = daemonPodOnNode(ep, op, p, node, at, start(p));
    if (ready === null) allReady = false;
    else last = Math.max(last, ready);
  }
  daemonSetStatus(ep, op, w, at + ep.rng.int(5_000, 20_999), nodes.length, 0);
  if (!allReady) return { doneUs: null, pods };
  return {
    doneUs: daemonSetStatus(ep, op, w, last + ep.rng.int(200_000, 1_500_999), nodes.length, nodes.length),
    pods,
  };
}
