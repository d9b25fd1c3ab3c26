import type { Stage } from '@kubetrail/model';
import type { Op } from '../operation.ts';
import { apiStage, backfill, createdPods, podStages, settledStage, stage, targetStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { firstSyncOfReplicaSet, otherPodsSeen, podFirstSeen } from './spec.ts';

const POD_STAGES = [
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
] as const;

/**
 * create Deployment (`kubectl create`, or an `apply` that creates): its ReplicaSet, the pods, the
 * Deployment available. Without an audit log it starts when its controller scales up the
 * Deployment's first ReplicaSet.
 */
export const createDeployment: OperationSpec = {
  operation: 'create-deployment',
  kind: 'deployment',
  verb: 'create',
  resource: 'deployments',
  owns: [
    { kind: 'replicaset', name: '<deployment>-<pod-template-hash>' },
    { kind: 'pod', name: '<replicaset>-<5 random>' },
  ],
  stages: ['api-accepted', 'replicaset-created', ...POD_STAGES, 'deployment-available'],
  startsOnCall: (c) =>
    c.resource === 'deployments' &&
    !c.subresource &&
    (c.verb === 'create' || (c.verb === 'patch' && c.code === 201)),
  startsOnFact: (f) =>
    (f.ev.reason === 'ScalingReplicaSet' &&
      f.scaling?.up === true &&
      f.child !== null &&
      f.childNew &&
      !f.root.children.some((c) => c !== f.child && c.kind === 'replicaset')) ||
    (firstSyncOfReplicaSet(f) && !f.root.children.some((c) => c !== f.obj && c.kind === 'replicaset')) ||
    // Seen only on its node: the first pod of the Deployment's only ReplicaSet.
    (podFirstSeen(f) &&
      f.child?.kind === 'replicaset' &&
      !otherPodsSeen(f.child, f.obj) &&
      !f.root.children.some((c) => c !== f.child && c.kind === 'replicaset')),
  takes: (op, f) => {
    // The ReplicaSet the fact is about: the one it names, or (its controller's first sync of it)
    // its own object. A ReplicaSet beside the one the create brought is another operation's.
    const rs =
      f.child?.kind === 'replicaset' ? f.child : f.child === null && firstSyncOfReplicaSet(f) ? f.obj : null;
    return rs === null || op.replicaSets.has(rs) || (op.replicaSets.size === 0 && f.scaling?.up !== false);
  },
  startsOnCreation: (obj) => (obj.kind === 'deployment' ? obj : null),
  ladder: createDeploymentLadder,
};

export function createDeploymentLadder(op: Op): Stage[] {
  const pods = createdPods(op);
  const expected = op.desired ?? pods.length;
  const stages: Stage[] = [apiStage(op)];
  const rs = targetStage(op, 'replicaset-created');
  stages.push(rs.status === 'pending' && op.replicaSets.size > 0 ? stage('replicaset-created', 'done') : rs);
  if (op.desired === 0) {
    for (const id of POD_STAGES) stages.push(stage(id, 'skipped', null, { reason: 'zero replicas' }));
  } else stages.push(...podStages(op, pods, expected, POD_STAGES));
  stages.push(settledStage(op, 'deployment-available', stages.at(-1), 'implied by all pods ready'));
  backfill(stages);
  return stages;
}
