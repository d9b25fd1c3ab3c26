import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { apiStage, backfill, podsStage } from './ladder.ts';

/** create Pod: api-accepted → pods-scheduled → volumes-ready → images-pulled → containers-started → pods-ready. */
export function createPodLadder(op: Op): Stage[] {
  const pods = op.target ? [op.target] : [];
  const stages: Stage[] = [apiStage(op)];
  for (const id of [
    'pods-scheduled',
    'volumes-ready',
    'images-pulled',
    'containers-started',
    'pods-ready',
  ] as const)
    stages.push(podsStage(op, pods, id, 1));
  backfill(stages);
  return stages;
}
