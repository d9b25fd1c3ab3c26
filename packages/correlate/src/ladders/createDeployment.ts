import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { apiStage, backfill, livePods, podsStage, stage, targetStage } from './ladder.ts';

/**
 * create Deployment: api-accepted → replicaset-created → pods-created → pods-scheduled →
 * volumes-ready → images-pulled → containers-started → pods-ready → deployment-available.
 */
export function createDeploymentLadder(op: Op): Stage[] {
  const pods = livePods(op);
  const expected = op.desired ?? pods.length;
  const stages: Stage[] = [apiStage(op)];

  const rs = targetStage(op, 'replicaset-created');
  stages.push(rs.status === 'pending' && op.replicaSets.size > 0 ? stage('replicaset-created', 'done') : rs);

  if (op.desired === 0) {
    for (const id of [
      'pods-created',
      'pods-scheduled',
      'volumes-ready',
      'images-pulled',
      'containers-started',
      'pods-ready',
    ] as const)
      stages.push(stage(id, 'skipped', null, { reason: 'zero replicas' }));
  } else {
    const created = podsStage(op, pods, 'pods-created', expected);
    const createFailure = targetStage(op, 'pods-created');
    // FailedCreate (quota, PodSecurity, webhook) fails the stage unless enough pods came anyway.
    stages.push(created.status !== 'done' && createFailure.status === 'failed' ? createFailure : created);
    for (const id of [
      'pods-scheduled',
      'volumes-ready',
      'images-pulled',
      'containers-started',
      'pods-ready',
    ] as const)
      stages.push(podsStage(op, pods, id, expected));
  }

  const available = targetStage(op, 'deployment-available');
  const ready = stages[stages.length - 1]!;
  if (available.status === 'pending' && ready.status === 'done') {
    stages.push(
      stage('deployment-available', 'done', null, { reason: 'implied by all pods ready', at: null }),
    );
    stages[stages.length - 1] = { ...stages[stages.length - 1]!, at: ready.at };
  } else {
    stages.push(available);
  }
  backfill(stages);
  return stages;
}
