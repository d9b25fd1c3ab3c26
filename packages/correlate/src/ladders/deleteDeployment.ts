import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { apiStage, backfill, podsStage } from './ladder.ts';

/** The deletion ladder: what the garbage collector and kubelets do once the object is gone. */
const DELETE_PIPELINE = ['pods-deleted', 'containers-killed', 'pods-terminated'] as const;

/** delete Deployment: api-accepted → replicasets-deleted → pods-deleted → containers-killed. */
export function deleteDeploymentLadder(op: Op): Stage[] {
  const stages: Stage[] = [apiStage(op)];
  const rs = [...op.replicaSets];
  const pods = [...op.pods];
  stages.push(podsStage(op, rs, 'replicasets-deleted', rs.length, ['replicasets-deleted'], 'replicasets'));
  stages.push(podsStage(op, pods, 'pods-deleted', pods.length, DELETE_PIPELINE));
  stages.push(podsStage(op, pods, 'containers-killed', pods.length, DELETE_PIPELINE));
  backfill(stages);
  return stages;
}
