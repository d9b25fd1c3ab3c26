import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { stageState } from '../operation.ts';
import { apiStage, backfill, podsStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { unexplainedKill } from './spec.ts';

/** The deletion ladder: what the garbage collector and kubelets do once the object is gone. */
const DELETE_PIPELINE = ['pods-deleted', 'containers-killed', 'pods-terminated'] as const;

/** Deletion of a workload: its ReplicaSets (if any) and pods deleted, their containers killed. */
export function deleteLadder(op: Op, withReplicaSets: boolean): Stage[] {
  const stages: Stage[] = [apiStage(op)];
  const rs = [...op.replicaSets];
  const pods = [...op.pods];
  if (withReplicaSets)
    stages.push(podsStage(op, rs, 'replicasets-deleted', rs.length, ['replicasets-deleted'], 'replicasets'));
  stages.push(podsStage(op, pods, 'pods-deleted', pods.length, DELETE_PIPELINE));
  // A pod that never reached a node (Pending: unschedulable) has no container to kill.
  const ran = pods.filter((p) => p.nodeName !== null || stageState(op, p, 'containers-killed') !== undefined);
  stages.push(podsStage(op, ran, 'containers-killed', ran.length, DELETE_PIPELINE));
  backfill(stages);
  return stages;
}

/** delete Deployment: its ReplicaSets and pods deleted by the garbage collector, containers killed. */
export const deleteDeployment: OperationSpec = {
  operation: 'delete-deployment',
  kind: 'deployment',
  verb: 'delete',
  resource: 'deployments',
  owns: [
    { kind: 'replicaset', name: '<deployment>-<pod-template-hash>' },
    { kind: 'pod', name: '<replicaset>-<5 random>' },
  ],
  stages: ['api-accepted', 'replicasets-deleted', 'pods-deleted', 'containers-killed'],
  startsOnCall: (c) => c.resource === 'deployments' && !c.subresource && c.verb === 'delete',
  // Without a call: its pods' containers stopped with no controller deleting them.
  startsOnFact: (f) => unexplainedKill(f) && f.root.kind === 'deployment' && f.root !== f.obj,
  ladder: (op) => deleteLadder(op, true),
};
