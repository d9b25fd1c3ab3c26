/**
 * Deployment operations with Kubernetes v1.30 wording: the creation of a new ReplicaSet, a rollout
 * (a new pod template → a new ReplicaSet scaled up step by step while the old one is scaled down,
 * under the default `maxSurge`/`maxUnavailable` of 25 %) and a scale that deletes pods.
 * `pkg/controller/deployment/sync.go` records `Scaled up replica set %s to %d` when it creates a
 * ReplicaSet and `Scaled %s replica set %s to %d from %d` when it resizes one;
 * `pkg/controller/replicaset/replica_set.go` logs `Too few replicas` / `Too many replicas`
 * (`need`, `creating` / `deleting`) and records `SuccessfulCreate` `Created pod: %v` /
 * `SuccessfulDelete` `Deleted pod: %v`.
 */
import type { Epoch } from '../epoch.ts';
import { kobj } from '../klog.ts';
import { replicaSetSynced } from './controllerManager.ts';
import { del, RES, update } from './kubectl.ts';
import type { Pod, Workload } from './objects.ts';
import { podBody, replicaSetBody } from './objects.ts';
import type { StartOptions } from './workload.ts';
import {
  condition,
  depRef,
  kubeletKillsPod,
  kubeletStartsPod,
  putDeploymentStatus,
  replicaSetCreatesPods,
  rsRef,
  schedulePod,
} from './workload.ts';

const MS = 1000;
const S = 1_000_000;

/** The deployment controller creates the ReplicaSet of `w`'s current template with `replicas`. */
export function createReplicaSet(ep: Epoch, w: Workload, op: number, t: number, replicas: number): number {
  w.rsCreatedUs = t;
  const dc = ep.cluster.actors.controller('deployment-controller');
  const r = ep.api({
    us: t,
    actor: dc,
    verb: 'create',
    method: 'POST',
    uri: `/apis/apps/v1/namespaces/${w.ns}/replicasets`,
    objectRef: {
      resource: 'replicasets',
      namespace: w.ns,
      name: w.rsName,
      apiGroup: 'apps',
      apiVersion: 'v1',
    },
    code: 201,
    requestObject: replicaSetBody(w, null, replicas, {}),
    responseObject: replicaSetBody(w, ep.nextRv(), replicas, { replicas: 0 }),
    op,
  });
  ep.event({
    us: r.doneUs + 300,
    obj: depRef(w),
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set ${w.rsName} to ${replicas}`,
    source: 'deployment-controller',
    op,
  });
  return r.doneUs;
}

/** The deployment controller resizes `rs` (a revision of the Deployment) from `from` to `to`. */
export function scaleReplicaSet(
  ep: Epoch,
  rs: Workload,
  op: number,
  t: number,
  from: number,
  to: number,
): number {
  const dc = ep.cluster.actors.controller('deployment-controller');
  const body = replicaSetBody(rs, ep.nextRv(), to, { replicas: from, observedGeneration: 1 });
  const r = update(ep, op, dc, RES.replicasets, rs.ns, rs.rsName, rs.rsUid, t, body);
  ep.event({
    us: r.doneUs + 300,
    obj: depRef(rs),
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.rsName} to ${to} from ${from}`,
    source: 'deployment-controller',
    op,
  });
  return r.doneUs;
}

/**
 * The replicaset controller deletes `pods` of `rs` (it keeps `need`): DELETE by the controller,
 * `SuccessfulDelete`, then the kubelets stop them. Returns when the last pod object is gone.
 */
export function replicaSetDeletesPods(
  ep: Epoch,
  rs: Workload,
  op: number,
  t: number,
  pods: Pod[],
  need: number,
): number {
  const rsc = ep.cluster.actors.controller('replicaset-controller');
  ep.kcm(
    t,
    {
      sev: 'I',
      caller: 'replicaset/replica_set.go:621',
      msg: 'Too many replicas',
      v: 2,
      kv: [
        ['replicaSet', kobj(rs.ns, rs.rsName)],
        ['need', need],
        ['deleting', pods.length],
      ],
    },
    op,
  );
  let cur = t + 2 * MS;
  let last = cur;
  for (const p of pods) {
    const r = del(
      ep,
      op,
      rsc,
      RES.pods,
      rs.ns,
      p.name,
      p.uid,
      cur,
      podBody(p, ep.nextRv(), { phase: 'Running' }),
      {
        gracePeriodSeconds: 30,
      },
    );
    ep.event({
      us: r.doneUs + 300,
      obj: rsRef(rs),
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${p.name}`,
      source: 'replicaset-controller',
      op,
    });
    last = Math.max(last, kubeletKillsPod(ep, p, op, r.doneUs + ep.rng.int(3_000, 15_999)));
    cur = r.doneUs + ep.rng.int(300, 2_500);
  }
  replicaSetSynced(ep, cur, rs.ns, rs.rsName, op, cur - t);
  return last;
}

/** The pods of `rs` the replicaset controller creates: scheduled and started; ready times (null: never). */
function createAndStart(
  ep: Epoch,
  rs: Workload,
  op: number,
  t: number,
  count: number,
  current: number,
  pickNode: (us: number) => string,
  start: (p: Pod) => StartOptions,
): { pod: Pod; readyUs: number | null }[] {
  const res = replicaSetCreatesPods(ep, rs, op, t, count, current);
  return res.pods.map((p) => {
    const at = p.createdUs + ep.rng.int(2_000, 9_999);
    const bound = schedulePod(ep, p, op, at, pickNode(at));
    const readyUs = bound === null ? null : kubeletStartsPod(ep, p, op, bound, null, start(p));
    return { pod: p, readyUs };
  });
}

export interface RolloutSpec {
  /** The revision that runs now, and its pods (all ready). */
  old: Workload;
  oldPods: Pod[];
  /** The new revision (same Deployment name and UID, new template, hash, ReplicaSet). */
  next: Workload;
  /** When the deployment controller sees the new generation (µs). */
  t: number;
  /** A node for a pod scheduled at `us` (µs). */
  pickNode: (us: number) => string;
  /** Start options for each new pod (a missing Secret, a registry that is down). */
  start?: (p: Pod) => StartOptions;
}

/** The result of a rollout: when it finished (null: it did not before the logs end). */
export interface RolloutResult {
  doneUs: number | null;
  /** The new pods that exist at the end. */
  newPods: Pod[];
}

/**
 * A rolling update from `old` to `next`: ReplicaSet created with `maxSurge` replicas, then old
 * scaled down as new pods become ready and new scaled up, until the new ReplicaSet has every
 * replica ready and the old one none. A new pod that never becomes ready stalls it; past
 * `progressDeadlineSeconds` the controller marks the Deployment `ProgressDeadlineExceeded`.
 */
export function rollingUpdate(ep: Epoch, op: number, s: RolloutSpec): RolloutResult {
  const { old, next } = s;
  const start = s.start ?? (() => ({}));
  const replicas = next.replicas;
  const surge = Math.ceil(replicas / 4);
  const minAvailable = replicas - Math.floor(replicas / 4);
  const alive = [...s.oldPods];
  let oldCount = alive.length;
  const fresh: { pod: Pod; readyUs: number | null; counted: boolean }[] = [];
  let ready = 0;

  let t = s.t;
  let newCount = Math.max(1, Math.min(replicas, replicas + surge - oldCount));
  t = createReplicaSet(ep, next, op, t, newCount);
  putDeploymentStatus(ep, next, op, t + 2 * MS, {
    observedGeneration: next.generation ?? 1,
    replicas: oldCount + newCount,
    updatedReplicas: newCount,
    readyReplicas: oldCount,
    availableReplicas: oldCount,
    unavailableReplicas: newCount,
    conditions: [
      condition(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        old.createdUs,
      ),
      condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${next.rsName}" is progressing.`, t),
    ],
  });
  for (const f of createAndStart(ep, next, op, t + ep.rng.int(3_000, 10_999), newCount, 0, s.pickNode, start))
    fresh.push({ ...f, counted: false });

  for (;;) {
    const canRemove = Math.min(oldCount, ready + oldCount - minAvailable);
    if (canRemove > 0) {
      t = scaleReplicaSet(ep, old, op, t + ep.rng.int(2_000, 9_999), oldCount, oldCount - canRemove);
      replicaSetDeletesPods(
        ep,
        old,
        op,
        t + ep.rng.int(3_000, 10_999),
        alive.splice(0, canRemove),
        oldCount - canRemove,
      );
      oldCount -= canRemove;
    }
    const target = Math.min(replicas, replicas + surge - oldCount);
    if (target > newCount) {
      t = scaleReplicaSet(ep, next, op, t + ep.rng.int(2_000, 9_999), newCount, target);
      for (const f of createAndStart(
        ep,
        next,
        op,
        t + ep.rng.int(3_000, 10_999),
        target - newCount,
        newCount,
        s.pickNode,
        start,
      ))
        fresh.push({ ...f, counted: false });
      newCount = target;
    }
    if (ready === replicas && oldCount === 0) break;
    let nextReady: (typeof fresh)[number] | null = null;
    for (const f of fresh) {
      if (f.counted || f.readyUs === null) continue;
      if (!nextReady || f.readyUs < (nextReady.readyUs ?? 0)) nextReady = f;
    }
    if (!nextReady || nextReady.readyUs === null) {
      // Stalled: a new pod never becomes ready.
      const deadline = s.t + (next.progressDeadlineSeconds + 1) * S;
      if (deadline < ep.endUs) {
        putDeploymentStatus(ep, next, op, deadline, {
          observedGeneration: next.generation ?? 1,
          replicas: oldCount + newCount,
          updatedReplicas: newCount,
          readyReplicas: oldCount + ready,
          availableReplicas: oldCount + ready,
          unavailableReplicas: newCount - ready,
          conditions: [
            condition(
              'Available',
              'True',
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
              old.createdUs,
            ),
            condition(
              'Progressing',
              'False',
              'ProgressDeadlineExceeded',
              `ReplicaSet "${next.rsName}" has timed out progressing.`,
              deadline,
            ),
          ],
        });
      }
      return { doneUs: null, newPods: fresh.map((f) => f.pod) };
    }
    nextReady.counted = true;
    ready++;
    t = Math.max(t, nextReady.readyUs) + ep.rng.int(300_000, 1_500_999);
  }
  const done = putDeploymentStatus(ep, next, op, t + ep.rng.int(2_000, 9_999), {
    observedGeneration: next.generation ?? 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      condition(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        old.createdUs,
      ),
      condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${next.rsName}" has successfully progressed.`,
        t,
      ),
    ],
  });
  return { doneUs: done.doneUs, newPods: fresh.map((f) => f.pod) };
}

/**
 * `kubectl scale deployment … --replicas=N` below the current size: the controller scales the
 * ReplicaSet down, the replicaset controller deletes pods, the kubelets stop them. Returns when
 * the Deployment's status says so.
 */
export function scaleDown(ep: Epoch, op: number, w: Workload, pods: Pod[], t: number, to: number): number {
  const from = pods.length;
  const at = scaleReplicaSet(ep, w, op, t, from, to);
  const gone = replicaSetDeletesPods(ep, w, op, at + ep.rng.int(3_000, 10_999), pods.slice(to), to);
  w.replicas = to;
  const st = putDeploymentStatus(ep, w, op, gone + ep.rng.int(5_000, 30_999), {
    observedGeneration: w.generation ?? 1,
    replicas: to,
    updatedReplicas: to,
    readyReplicas: to,
    availableReplicas: to,
    conditions: [
      condition(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        w.createdUs,
      ),
      condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${w.rsName}" has successfully progressed.`,
        w.rsCreatedUs ?? w.createdUs,
      ),
    ],
  });
  return st.doneUs;
}
