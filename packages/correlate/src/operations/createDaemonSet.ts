import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { apiStage, backfill, createdPods, podStages, settledStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { otherPodsSeen, podFirstSeen } from './spec.ts';

const POD_STAGES = [
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
] as const;

/** DaemonSet ladders: a pod per eligible node through the pod stages, every one ready. */
export function daemonSetLadder(op: Op): Stage[] {
  const pods = createdPods(op);
  const expected = op.desired ?? pods.length;
  const stages: Stage[] = [apiStage(op)];
  stages.push(...podStages(op, pods, expected, POD_STAGES));
  stages.push(settledStage(op, 'workload-ready', stages.at(-1), 'implied by a ready pod on every node'));
  backfill(stages);
  return stages;
}

/**
 * create DaemonSet: a pod `<name>-<5 random>` on every eligible node. Without an audit log it
 * starts when the controller creates the DaemonSet's first pod.
 */
export const createDaemonSet: OperationSpec = {
  operation: 'create-daemonset',
  kind: 'daemonset',
  verb: 'create',
  resource: 'daemonsets',
  owns: [{ kind: 'pod', name: '<daemonset>-<5 random>, one per node' }],
  stages: ['api-accepted', ...POD_STAGES, 'workload-ready'],
  startsOnCall: (c) =>
    c.resource === 'daemonsets' &&
    !c.subresource &&
    (c.verb === 'create' || (c.verb === 'patch' && c.code === 201)),
  startsOnFact: (f) =>
    (f.ev.reason === 'SuccessfulCreate' &&
      f.child?.kind === 'pod' &&
      f.childNew &&
      !f.root.children.some((c) => c !== f.child && c.kind === 'pod')) ||
    // Seen only on its node: its first pod (the others, on other nodes, join it).
    (podFirstSeen(f) && f.root.kind === 'daemonset' && !otherPodsSeen(f.root, f.obj)),
  startsOnCreation: (obj) => (obj.kind === 'daemonset' ? obj : null),
  ladder: daemonSetLadder,
};
