/**
 * Node operations: `kubectl cordon` / `uncordon` (GET, then a PATCH of `spec.unschedulable`) and
 * `kubectl drain --ignore-daemonsets` (cordon, list the node's pods, evict each, poll until it is
 * gone). The node lifecycle controller adds or removes the `node.kubernetes.io/unschedulable`
 * taint; the kubelet notices at its next status update and records `NodeNotSchedulable` /
 * `NodeSchedulable` (`Node %s status is now: %s`, `pkg/kubelet/nodestatus/setters.go`).
 */
import type { Actor } from '../cluster.ts';
import type { Epoch, InvolvedObject } from '../epoch.ts';
import { get, RES } from './kubectl.ts';
import type { Pod } from './objects.ts';
import { kubeletKillsPod } from './workload.ts';

const S = 1_000_000;

/** The kubelet's reference to its Node: no namespace, no API version, the node name as UID. */
export const nodeEventRef = (node: string): InvolvedObject => ({
  kind: 'Node',
  namespace: '',
  name: node,
  uid: node,
  apiVersion: '',
});

const nodeRef = (name: string) => ({ resource: 'nodes', name, apiVersion: 'v1' });

/**
 * `kubectl cordon NODE` (on) or `kubectl uncordon NODE` (off). Returns the PATCH (its audit ID
 * is the operation's) and when the kubelet has recorded the change.
 */
export function setUnschedulable(
  ep: Epoch,
  op: number,
  actor: Actor,
  node: string,
  t: number,
  on: boolean,
): { auditId: string; doneUs: number; seenUs: number } {
  const g = get(ep, op, actor, RES.nodes, null, node, t);
  const patch = ep.api({
    us: g.doneUs + ep.rng.int(3_000, 8_999),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/nodes/${node}`,
    objectRef: nodeRef(node),
    code: 200,
    requestObject: { spec: { unschedulable: on ? true : null } },
    responseObject: {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: node, resourceVersion: ep.nextRv() },
      spec: { podCIDR: `${ep.cluster.node(node).podCidrPrefix}0/24`, ...(on ? { unschedulable: true } : {}) },
    },
    op,
  });
  ep.api({
    us: patch.doneUs + ep.rng.int(20_000, 80_999),
    actor: ep.cluster.actors.controller('node-controller'),
    verb: 'patch',
    method: 'PATCH',
    uri: `/api/v1/nodes/${node}`,
    objectRef: nodeRef(node),
    code: 200,
    requestObject: on
      ? {
          spec: {
            taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: null }],
          },
        }
      : { spec: { taints: null } },
    op,
  });
  const seenUs = patch.doneUs + ep.rng.int(500_000, 9_999_999);
  const reason = on ? 'NodeNotSchedulable' : 'NodeSchedulable';
  ep.event({
    us: seenUs,
    obj: nodeEventRef(node),
    type: 'Normal',
    reason,
    message: `Node ${node} status is now: ${reason}`,
    source: 'kubelet',
    host: node,
    op,
  });
  return { auditId: patch.auditId, doneUs: patch.doneUs, seenUs };
}

/**
 * The drain's evictions after the cordon: list the node's pods, evict each (`pods/eviction`), and
 * poll it with GET every second until the answer is 404 — those reads are part of the drain.
 * Returns when the last pod object is gone.
 */
export function evictPods(ep: Epoch, op: number, actor: Actor, node: string, pods: Pod[], t: number): number {
  const list = ep.api({
    us: t,
    actor,
    verb: 'list',
    method: 'LIST',
    uri: `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`,
    objectRef: { resource: 'pods', apiVersion: 'v1' },
    code: 200,
    op,
  });
  let at = list.doneUs + ep.rng.int(5_000, 15_999);
  let lastGone = at;
  for (const p of pods) {
    const ns = p.w.ns;
    const ev = ep.api({
      us: at,
      actor,
      verb: 'create',
      method: 'POST',
      uri: `/api/v1/namespaces/${ns}/pods/${p.name}/eviction`,
      objectRef: { resource: 'pods', namespace: ns, name: p.name, apiVersion: 'v1', subresource: 'eviction' },
      code: 201,
      requestObject: {
        kind: 'Eviction',
        apiVersion: 'policy/v1',
        metadata: { name: p.name, namespace: ns, creationTimestamp: null },
        deleteOptions: {},
      },
      responseObject: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
      op,
    });
    const gone = kubeletKillsPod(ep, p, op, ev.doneUs + ep.rng.int(3_000, 15_999));
    lastGone = Math.max(lastGone, gone);
    for (let g = ev.doneUs + 1 * S; g < gone + 1 * S; g += 1 * S)
      get(ep, op, actor, RES.pods, ns, p.name, g, g >= gone);
    at = ev.doneUs + ep.rng.int(2_000, 6_999);
  }
  return lastGone;
}
