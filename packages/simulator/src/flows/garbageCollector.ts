/**
 * `kubectl delete deployment NAME` with the default (background) propagation: the API server
 * removes the Deployment at once; the garbage collector (`generic-garbage-collector`) then deletes
 * its ReplicaSet and the ReplicaSet's pods. The collector records no Event — there is no
 * `SuccessfulDelete` `Deleted pod: …` as when a ReplicaSet scales down — so what shows of it is the
 * kubelets stopping the running pods (`Killing` `Stopping container …`) and, for a pod the
 * scheduler still holds, `FailedScheduling` `skip schedule deleting pod: ns/name`
 * (`pkg/scheduler/schedule_one.go`, `skipPodSchedule`).
 */
import type { Actor } from '../cluster.ts';
import type { Epoch } from '../epoch.ts';
import { replicaSetSynced } from './controllerManager.ts';
import { apiPath, del, objectRef, RES } from './kubectl.ts';
import type { Pod, Workload } from './objects.ts';
import { podBody } from './objects.ts';
import { kubeletKillsPod, podRef } from './workload.ts';

const MS = 1000;

/**
 * `kubectl delete deployment NAME`: one DELETE (the builder does not fetch a named object first;
 * no preconditions, background propagation). Its wait for the deletion is not written.
 */
export function kubectlDeleteDeployment(
  ep: Epoch,
  op: number,
  actor: Actor,
  w: Workload,
  t: number,
): { auditId: string; doneUs: number } {
  return ep.api({
    us: t,
    actor,
    verb: 'delete',
    method: 'DELETE',
    uri: apiPath(RES.deployments, w.ns, w.name),
    objectRef: objectRef(RES.deployments, w.ns, w.name),
    code: 200,
    requestObject: { kind: 'DeleteOptions', apiVersion: 'apps/v1', propagationPolicy: 'Background' },
    responseObject: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: w.name, group: 'apps', kind: 'deployments', uid: w.uid },
    },
    op,
  });
}

/**
 * The garbage collector deletes `w`'s ReplicaSet from `t`, then its pods: `running` ones are
 * stopped by their kubelets, `pending` ones (never scheduled) are skipped by the scheduler.
 * Returns when the last pod object is gone (µs).
 */
export function garbageCollectDeployment(
  ep: Epoch,
  op: number,
  w: Workload,
  running: Pod[],
  pending: Pod[],
  t: number,
): number {
  const gc = ep.cluster.actors.controller('generic-garbage-collector');
  const rs = del(ep, op, gc, RES.replicasets, w.ns, w.rsName, w.rsUid, t, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: w.rsName, group: 'apps', kind: 'replicasets', uid: w.rsUid },
  });
  // The ReplicaSet controller finds its ReplicaSet gone (it still logs the sync).
  replicaSetSynced(ep, rs.doneUs + ep.rng.int(1 * MS, 4 * MS), w.ns, w.rsName, op);
  let cur = rs.doneUs + ep.rng.int(2 * MS, 12 * MS);
  let last = cur;
  for (const p of [...running, ...pending]) {
    const r = del(
      ep,
      op,
      gc,
      RES.pods,
      w.ns,
      p.name,
      p.uid,
      cur,
      podBody(p, ep.nextRv(), { phase: p.node ? 'Running' : 'Pending' }),
    );
    if (p.node) {
      last = Math.max(last, kubeletKillsPod(ep, p, op, r.doneUs + ep.rng.int(3 * MS, 15 * MS)));
    } else {
      ep.event({
        us: r.doneUs + ep.rng.int(500, 40 * MS),
        obj: podRef(p),
        type: 'Warning',
        reason: 'FailedScheduling',
        message: `skip schedule deleting pod: ${w.ns}/${p.name}`,
        source: 'default-scheduler',
        action: 'Scheduling',
        op,
      });
      last = Math.max(last, r.doneUs);
    }
    cur = r.doneUs + ep.rng.int(300, 3 * MS);
  }
  return last;
}
