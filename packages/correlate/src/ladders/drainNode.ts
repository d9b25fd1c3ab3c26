import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { backfill, podsStage, stage, targetStage } from './ladder.ts';

const EVICT_PIPELINE = ['pods-evicted', 'pods-deleted', 'containers-killed', 'pods-terminated'] as const;
const TERMINATE_PIPELINE = ['containers-killed', 'pods-terminated'] as const;

/** drain node: node-cordoned → pods-evicted → pods-terminated → replacements-scheduled. */
export function drainNodeLadder(op: Op): Stage[] {
  const evicted = [...op.evicted];
  const stages: Stage[] = [targetStage(op, 'node-cordoned')];
  stages.push(podsStage(op, evicted, 'pods-evicted', evicted.length, EVICT_PIPELINE));
  stages.push(podsStage(op, evicted, 'pods-terminated', evicted.length, TERMINATE_PIPELINE));
  const owned = evicted.filter((p) => p.owner?.kind === 'replicaset').length;
  if (owned === 0 && op.replacements.size === 0) {
    stages.push(
      stage('replacements-scheduled', 'skipped', null, {
        reason: 'no evicted pod had a controller to replace it',
      }),
    );
  } else {
    stages.push(
      podsStage(
        op,
        [...op.replacements],
        'pods-scheduled',
        Math.max(owned, 1),
        ['pods-scheduled'],
        'replacements',
      ),
    );
    const last = stages[stages.length - 1]!;
    stages[stages.length - 1] = {
      ...last,
      id: 'replacements-scheduled',
      label: 'Replacements scheduled elsewhere',
    };
  }
  backfill(stages);
  return stages;
}
