import type { Operation, Stage, Target } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { createDeploymentLadder } from './createDeployment.ts';
import { createPodLadder } from './createPod.ts';
import { deleteDeploymentLadder } from './deleteDeployment.ts';
import { drainNodeLadder } from './drainNode.ts';
import { apiStage, verdict } from './ladder.ts';
import { scaleDeploymentLadder } from './scaleDeployment.ts';

/** Ladders by operation; an operation without one is judged on its API call alone. */
const LADDERS: Partial<Record<Operation, (op: Op) => Stage[]>> = {
  'create-deployment': createDeploymentLadder,
  'create-pod': createPodLadder,
  'scale-deployment': scaleDeploymentLadder,
  'delete-deployment': deleteDeploymentLadder,
  'drain-node': drainNodeLadder,
};

function ladderFor(operation: Operation, op: Op): Stage[] {
  return LADDERS[operation]?.(op) ?? [apiStage(op)];
}

/** The model `Target` for an operation: its ladder, outcome and stop point. */
export function buildTarget(op: Op): Target {
  const stages = ladderFor(op.operation, op);
  const { outcome, stoppedAt } = verdict(stages, op.api?.status === 'failed', op.progress);
  return {
    verb: op.verb,
    resource: op.resource,
    namespace: op.namespace,
    name: op.name,
    uid: op.target?.uid ?? null,
    operation: op.operation,
    outcome,
    stages,
    stoppedAt,
  };
}
