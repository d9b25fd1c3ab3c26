import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { apiStage, backfill, podsStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { unexplainedKill } from './spec.ts';

const KILL_PIPELINE = ['containers-killed', 'pods-terminated'] as const;

/** delete Pod: its containers killed, the pod gone from its node. */
export const deletePod: OperationSpec = {
  operation: 'delete-pod',
  kind: 'pod',
  verb: 'delete',
  resource: 'pods',
  owns: [],
  stages: ['api-accepted', 'containers-killed', 'pods-terminated'],
  startsOnCall: (c) => c.resource === 'pods' && !c.subresource && c.verb === 'delete',
  startsOnFact: (f) => unexplainedKill(f) && f.obj.owner === null,
  ladder: deletePodLadder,
};

function deletePodLadder(op: Op): Stage[] {
  const pods = op.target ? [op.target] : [];
  const stages: Stage[] = [apiStage(op)];
  for (const id of KILL_PIPELINE) stages.push(podsStage(op, pods, id, 1, KILL_PIPELINE));
  backfill(stages);
  return stages;
}
