import type { Operation, Stage, Target } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { createDeploymentLadder } from './createDeployment.ts';
import { createPodLadder } from './createPod.ts';
import { deleteDeploymentLadder } from './deleteDeployment.ts';
import { drainNodeLadder } from './drainNode.ts';
import { apiStage, verdict } from './ladder.ts';
import { scaleDeploymentLadder } from './scaleDeployment.ts';

function ladderFor(operation: Operation, op: Op): Stage[] {
  switch (operation) {
    case 'create-deployment':
      return createDeploymentLadder(op);
    case 'create-pod':
      return createPodLadder(op);
    case 'scale-deployment':
      return scaleDeploymentLadder(op);
    case 'delete-deployment':
      return deleteDeploymentLadder(op);
    case 'drain-node':
      return drainNodeLadder(op);
    case 'generic':
      return [apiStage(op)];
  }
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
