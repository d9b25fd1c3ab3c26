import type { Stage } from '@kubetrail/model';
import type { AuditCall } from '../auditCall.ts';
import type { Op } from '../operation.ts';
import { apiStage, backfill, createdPods, podStages, settledStage, stage, targetStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { changesExisting, firstSyncOfReplicaSet, otherPodsSeen, podFirstSeen } from './spec.ts';

const POD_STAGES = [
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
] as const;

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** A change of an existing workload's pod template (a new image, env, a restart annotation). */
export function changesTemplate(call: AuditCall): boolean {
  const spec = asObj(call.requestObject?.['spec']);
  return spec !== null && asObj(spec['template']) !== null;
}

/**
 * rollout of a Deployment (`kubectl apply` with a new image, `set image`, `rollout restart`): a new
 * ReplicaSet (a new pod-template hash), its pods ready, the old ones scaled down. Without an audit
 * log (or with a body-less one) it starts when the controller scales up a new ReplicaSet while an
 * older one exists.
 */
export const rolloutDeployment: OperationSpec = {
  operation: 'rollout-deployment',
  kind: 'deployment',
  verb: 'rollout',
  resource: 'deployments',
  owns: [
    { kind: 'replicaset', name: '<deployment>-<new pod-template-hash>' },
    { kind: 'pod', name: '<replicaset>-<5 random>' },
  ],
  stages: ['api-accepted', 'replicaset-created', ...POD_STAGES, 'old-pods-deleted', 'deployment-available'],
  startsOnCall: (c) =>
    c.resource === 'deployments' &&
    !c.subresource &&
    (c.verb === 'patch' || c.verb === 'update') &&
    c.code !== 201 &&
    changesTemplate(c),
  startsOnFact: (f) =>
    (firstSyncOfReplicaSet(f) && f.root.children.some((c) => c !== f.obj && c.kind === 'replicaset')) ||
    // Seen only on its node: the first pod of a ReplicaSet beside an older one (a new template).
    (podFirstSeen(f) &&
      f.child?.kind === 'replicaset' &&
      !otherPodsSeen(f.child, f.obj) &&
      f.root.children.some((c) => c !== f.child && c.kind === 'replicaset')) ||
    (f.ev.reason === 'ScalingReplicaSet' &&
      f.scaling?.up === true &&
      f.child !== null &&
      f.childNew &&
      // A new ReplicaSet beside an older one, or for a Deployment that was only patched: a new template.
      (f.root.children.some((c) => c !== f.child && c.kind === 'replicaset') || changesExisting(f.current))),
  // Events alone: the first `Scaled up replica set NEW to 1` looked like a create until the
  // Deployment scaled down a ReplicaSet the create never had.
  reinterprets: (op, f) =>
    op.operation === 'create-deployment' &&
    op.api === null &&
    f.ev.reason === 'ScalingReplicaSet' &&
    f.scaling?.up === false &&
    f.child !== null &&
    !op.replicaSets.has(f.child),
  takes: (op, f) => {
    if (f.child === null || f.child.kind !== 'replicaset') return true;
    if (op.newReplicaSet === null) return f.scaling?.up !== false;
    return !rolloutSettled(op);
  },
  // A ReplicaSet at revision 2 or later is a rollout of its Deployment.
  startsOnCreation: (obj, revision) =>
    obj.kind === 'replicaset' && obj.owner?.kind === 'deployment' && (revision ?? 1) > 1 ? obj.owner : null,
  ladder: rolloutDeploymentLadder,
};

/** The old ReplicaSets are down to zero: later scalings are new operations. */
export function rolloutSettled(op: Op): boolean {
  return targetStage(op, 'old-pods-deleted').status === 'done';
}

export function rolloutDeploymentLadder(op: Op): Stage[] {
  const pods = createdPods(op);
  const expected = op.desired ?? pods.length;
  const stages: Stage[] = [apiStage(op)];
  const rs = targetStage(op, 'replicaset-created');
  stages.push(
    rs.status === 'pending' && op.newReplicaSet !== null ? stage('replicaset-created', 'done') : rs,
  );
  stages.push(...podStages(op, pods, expected, POD_STAGES));
  const old = targetStage(op, 'old-pods-deleted');
  stages.push(
    old.status === 'pending' && op.oldReplicaSets.size === 0 && stages.at(-1)?.status === 'done'
      ? stage('old-pods-deleted', 'skipped', null, { reason: 'no older ReplicaSet had pods' })
      : old,
  );
  stages.push(settledStage(op, 'deployment-available', stages.at(-2), 'implied by all new pods ready'));
  backfill(stages);
  return stages;
}
