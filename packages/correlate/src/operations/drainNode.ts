import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { backfill, podsStage, stage, targetStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';

const EVICT_PIPELINE = ['pods-evicted', 'pods-deleted', 'containers-killed', 'pods-terminated'] as const;
const TERMINATE_PIPELINE = ['containers-killed', 'pods-terminated'] as const;

/**
 * drain node (`kubectl drain`: a cordon, then an eviction per pod, then reads until they are
 * gone): node cordoned, pods evicted and terminated, replacements scheduled elsewhere. Started by
 * the command's evictions; its cordon and follow-up reads are part of it.
 */
export const drainNode: OperationSpec = {
  operation: 'drain-node',
  kind: 'node',
  verb: 'drain',
  resource: 'nodes',
  owns: [{ kind: 'pod', name: 'the pods evicted from the node, and their replacements' }],
  stages: ['node-cordoned', 'pods-evicted', 'pods-terminated', 'replacements-scheduled'],
  startsOnCall: (c) => c.resource === 'pods' && c.subresource === 'eviction' && c.verb === 'create',
  // Events alone: a cordon followed by its node's pods being stopped was a drain.
  reinterprets: (op, f) =>
    op.operation === 'cordon-node' && f.ev.reason === 'Killing' && f.obj.kind === 'pod',
  // The node schedulable again is the uncordon: an operation of its own.
  takes: (_op, f) => f.ev.reason !== 'NodeSchedulable',
  ladder: drainNodeLadder,
};

function drainNodeLadder(op: Op): Stage[] {
  const evicted = [...op.evicted];
  const stages: Stage[] = [targetStage(op, 'node-cordoned')];
  stages.push(podsStage(op, evicted, 'pods-evicted', evicted.length, EVICT_PIPELINE));
  stages.push(podsStage(op, evicted, 'pods-terminated', evicted.length, TERMINATE_PIPELINE));
  const owned = evicted.filter((p) => p.owner !== null).length;
  if (owned === 0 && op.replacements.size === 0) {
    stages.push(
      stage('replacements-scheduled', 'skipped', null, {
        reason: 'no evicted pod had a controller to replace it',
      }),
    );
  } else {
    const last = podsStage(
      op,
      [...op.replacements],
      'pods-scheduled',
      Math.max(owned, 1),
      ['pods-scheduled'],
      'replacements',
    );
    stages.push({ ...last, id: 'replacements-scheduled', label: 'Replacements scheduled elsewhere' });
  }
  backfill(stages);
  return stages;
}
