/**
 * A pod its node refuses, over and over (Kivi's case C7): `kubectl taint nodes NODE
 * key1=value1:NoExecute`, then a Deployment whose pod template pins `nodeName: NODE`. The pods
 * skip the scheduler; for each one
 *
 * - the kubelet's admission rejects it (`lifecycle/predicate.go`: `"Predicate failed on Pod"
 *   err="Predicate TaintToleration failed"`; `kubelet.go` `rejectPod`: Event `TaintToleration`
 *   `Predicate TaintToleration failed`, status `Failed`, `Pod was rejected: …`);
 * - the taint eviction controller (`pkg/controller/tainteviction`, v1.29+) deletes it: `"Deleting
 *   pod" controller="taint-eviction-controller"`, Event `TaintManagerEviction` `Marking for deletion
 *   Pod ns/name` about a hand-built reference (no UID), a `DisruptionTarget` condition, DELETE;
 * - the ReplicaSet controller sees its pod going and creates the next one (`SuccessfulCreate`):
 *   a new pod every ~0.2 s. Its Events go through the recorder's correlator: the 10th and later
 *   `Created pod:` become one `(combined from similar events): Created pod: …` Event whose count
 *   grows, and after 25 the spam filter drops the rest.
 */
import { rfc3339Sec } from '../clock.ts';
import type { Actor } from '../cluster.ts';
import type { CallResult } from './kubectl.ts';
import type { Epoch } from '../epoch.ts';
import { kobj } from '../klog.ts';
import { podChanged, replicaSetSynced } from './controllerManager.ts';
import { apiPath, get, objectRef, RES } from './kubectl.ts';
import type { Workload } from './objects.ts';
import { makePod, podBody } from './objects.ts';
import { kubeletPatchStatus, podRef, rsRef } from './workload.ts';

const MS = 1000;

export interface Taint {
  key: string;
  value: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** `kubectl taint nodes NODE key=value:effect`: GET the node, then a strategic-merge PATCH of its taints. */
export function taintNode(
  ep: Epoch,
  op: number,
  actor: Actor,
  node: string,
  t: number,
  taint: Taint,
): CallResult {
  const g = get(ep, op, actor, RES.nodes, null, node, t);
  return ep.api({
    us: g.doneUs + ep.rng.int(3 * MS, 9 * MS),
    actor,
    verb: 'patch',
    method: 'PATCH',
    uri: `${apiPath(RES.nodes, null, node)}?fieldManager=kubectl-taint`,
    objectRef: objectRef(RES.nodes, null, node),
    code: 200,
    requestObject: { spec: { taints: [{ effect: taint.effect, key: taint.key, value: taint.value }] } },
    responseObject: {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: node, resourceVersion: ep.nextRv() },
      spec: {
        podCIDR: `${ep.cluster.node(node).podCidrPrefix}0/24`,
        taints: [{ effect: taint.effect, key: taint.key, value: taint.value }],
      },
    },
    op,
  });
}

/**
 * The ReplicaSet of `w` (one replica, pinned to `node`, which has an untolerated NoExecute taint)
 * creates a pod from `t`, the node rejects it, the taint eviction controller deletes it, the
 * ReplicaSet creates the next — until the logs end. Returns when the first pod was rejected (µs,
 * null if not before the end) and how many pods were created.
 */
export function rejectedPodLoop(
  ep: Epoch,
  op: number,
  w: Workload,
  node: string,
  t: number,
): { firstRejectUs: number | null; pods: number } {
  const rng = ep.rng;
  const rsc = ep.cluster.actors.controller('replicaset-controller');
  const tec = ep.cluster.actors.controller('taint-eviction-controller');
  const kubelet = ep.cluster.actors.kubelet(node);
  const message = 'Predicate TaintToleration failed';
  let firstRejectUs: number | null = null;
  let pods = 0;
  while (t < ep.endUs) {
    ep.kcm(
      t,
      {
        sev: 'I',
        caller: 'replicaset/replica_set.go:604',
        msg: 'Too few replicas',
        v: 2,
        kv: [
          ['replicaSet', kobj(w.ns, w.rsName)],
          ['need', 1],
          ['creating', 1],
        ],
      },
      op,
    );
    const p = makePod(rng, w, t);
    if (ep.v1Uids) p.uid = ep.uid(t);
    p.node = node;
    const pk: [string, { kobj: string }[]] = ['pods', [kobj(w.ns, p.name)]];
    const made = ep.api({
      us: t + 1 * MS,
      actor: rsc,
      verb: 'create',
      method: 'POST',
      uri: apiPath(RES.pods, w.ns),
      objectRef: objectRef(RES.pods, w.ns, p.name),
      code: 201,
      requestObject: podBody(p, null, {}),
      responseObject: podBody(p, ep.nextRv(), { phase: 'Pending', qosClass: 'Guaranteed' }),
      op,
    });
    pods++;
    p.createdUs = made.doneUs;
    ep.event({
      us: made.doneUs + 300,
      obj: rsRef(w),
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${p.name}`,
      source: 'replicaset-controller',
      op,
      correlate: true,
    });
    replicaSetSynced(ep, made.doneUs + 500, w.ns, w.rsName, op, made.doneUs + 500 - t);
    // The kubelet is told of a pod bound to it and refuses it at admission.
    const add = made.doneUs + rng.int(3 * MS, 12 * MS);
    ep.kubelet(
      node,
      add,
      {
        sev: 'I',
        caller: 'kubelet/kubelet.go:2434',
        msg: 'SyncLoop ADD',
        v: 2,
        kv: [['source', 'api'], pk],
      },
      op,
    );
    ep.kubelet(
      node,
      add + rng.int(100, 400),
      {
        sev: 'I',
        caller: 'lifecycle/predicate.go:148',
        msg: 'Predicate failed on Pod',
        v: 2,
        kv: [
          ['pod', kobj(w.ns, p.name)],
          ['err', message],
        ],
      },
      op,
    );
    ep.event({
      us: add + 500,
      obj: podRef(p),
      type: 'Warning',
      reason: 'TaintToleration',
      message,
      source: 'kubelet',
      host: node,
      op,
      correlate: true,
    });
    if (firstRejectUs === null && add + 500 < ep.endUs) firstRejectUs = add + 500;
    // The taint eviction controller sees a pod on a node whose NoExecute taint it does not tolerate.
    const mark = made.doneUs + rng.int(100 * MS, 180 * MS);
    ep.kcm(
      mark,
      {
        sev: 'I',
        caller: 'tainteviction/taint_eviction.go:125',
        msg: 'Deleting pod',
        v: 0,
        kv: [
          ['controller', 'taint-eviction-controller'],
          ['pod', kobj(w.ns, p.name)],
        ],
      },
      op,
    );
    ep.event({
      us: mark + 200,
      obj: { kind: 'Pod', namespace: w.ns, name: p.name, uid: '', apiVersion: 'v1', handBuilt: true },
      type: 'Normal',
      reason: 'TaintManagerEviction',
      message: `Marking for deletion Pod ${w.ns}/${p.name}`,
      source: 'taint-eviction-controller',
      op,
      correlate: true,
    });
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: rfc3339Sec(mark),
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    };
    const patched = ep.api({
      us: mark + rng.int(1 * MS, 4 * MS),
      actor: tec,
      verb: 'patch',
      method: 'PATCH',
      uri: apiPath(RES.pods, w.ns, p.name, 'status'),
      objectRef: objectRef(RES.pods, w.ns, p.name, { subresource: 'status' }),
      code: 200,
      requestObject: { metadata: { uid: p.uid }, status: { conditions: [condition] } },
      responseObject: podBody(p, ep.nextRv(), { phase: 'Pending', conditions: [condition] }),
      op,
    });
    const gone = ep.api({
      us: patched.doneUs + rng.int(1 * MS, 3 * MS),
      actor: tec,
      verb: 'delete',
      method: 'DELETE',
      uri: apiPath(RES.pods, w.ns, p.name),
      objectRef: objectRef(RES.pods, w.ns, p.name),
      code: 200,
      requestObject: { kind: 'DeleteOptions', apiVersion: 'v1' },
      responseObject: podBody(p, ep.nextRv(), { phase: 'Pending', conditions: [condition] }),
      op,
    });
    podChanged(ep, p, gone.doneUs, op);
    ep.kubelet(
      node,
      gone.doneUs + rng.int(1 * MS, 5 * MS),
      {
        sev: 'I',
        caller: 'kubelet/kubelet.go:2450',
        msg: 'SyncLoop DELETE',
        v: 2,
        kv: [['source', 'api'], pk],
      },
      op,
    );
    // The status manager writes the rejection, then the kubelet removes the terminated pod.
    const failedAt = kubeletPatchStatus(ep, p, op, add + rng.int(150 * MS, 600 * MS), {
      phase: 'Failed',
      reason: 'TaintToleration',
      message: `Pod was rejected: ${message}`,
      startTime: rfc3339Sec(add),
    });
    const removed = ep.api({
      us: failedAt + rng.int(10 * MS, 60 * MS),
      actor: kubelet,
      verb: 'delete',
      method: 'DELETE',
      uri: apiPath(RES.pods, w.ns, p.name),
      objectRef: objectRef(RES.pods, w.ns, p.name),
      code: 200,
      requestObject: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        gracePeriodSeconds: 0,
        preconditions: { uid: p.uid },
      },
      responseObject: podBody(p, ep.nextRv(), { phase: 'Failed', reason: 'TaintToleration' }),
      op,
    });
    ep.kubelet(
      node,
      removed.doneUs + 1 * MS,
      {
        sev: 'I',
        caller: 'kubelet/kubelet.go:2444',
        msg: 'SyncLoop REMOVE',
        v: 2,
        kv: [['source', 'api'], pk],
      },
      op,
    );
    // The ReplicaSet controller no longer counts a pod being deleted: it makes another.
    t = gone.doneUs + rng.int(10 * MS, 40 * MS);
  }
  return { firstRejectUs, pods };
}
