import type { Stage } from '@kubetrail/model';
import type { ObjectNode } from '../objectGraph.ts';
import type { Op } from '../operation.ts';
import { stageState } from '../operation.ts';
import { apiStage, backfill, podsStage, stage, targetStage } from './ladder.ts';

/**
 * scale Deployment: api-accepted → pods-created (up) or pods-deleted (down) → pods-ready. A new
 * pod's earlier troubles (unschedulable, image pull) surface as the pods-ready failure.
 */
export function scaleDeploymentLadder(op: Op): Stage[] {
  const stages: Stage[] = [apiStage(op)];
  const created: ObjectNode[] = [];
  const deleted: ObjectNode[] = [];
  for (const p of op.pods) {
    if (stageState(op, p, 'pods-deleted')) deleted.push(p);
    else created.push(p);
  }
  const down = op.scaleDown ?? (deleted.length > 0 && created.length === 0);
  if (down) {
    const expected =
      op.desired !== null && op.scaleFrom !== null ? op.scaleFrom - op.desired : deleted.length;
    stages.push(podsStage(op, deleted, 'pods-deleted', expected, ['pods-deleted']));
    stages.push(stage('pods-ready', 'skipped', null, { reason: 'scaled down: no new pods to wait for' }));
  } else {
    const expected =
      op.desired !== null && op.scaleFrom !== null ? op.desired - op.scaleFrom : created.length;
    const c = podsStage(op, created, 'pods-created', expected);
    const failure = targetStage(op, 'pods-created');
    stages.push(c.status !== 'done' && failure.status === 'failed' ? failure : c);
    stages.push(readyFolding(op, created, expected));
  }
  backfill(stages);
  return stages;
}

/** pods-ready for new pods, reporting the first failing pod stage as the reason. */
function readyFolding(op: Op, pods: ObjectNode[], expected: number): Stage {
  const ready = podsStage(op, pods, 'pods-ready', expected);
  if (ready.status !== 'pending') return ready;
  for (const id of ['pods-scheduled', 'volumes-ready', 'images-pulled', 'containers-started'] as const) {
    const s = podsStage(op, pods, id, expected);
    if (s.status === 'failed') return { ...s, id: 'pods-ready', label: ready.label };
  }
  return ready;
}
