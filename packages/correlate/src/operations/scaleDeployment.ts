import type { Stage } from '@kubetrail/model';
import type { ObjectNode } from '../objectGraph.ts';
import type { Op } from '../operation.ts';
import { stageState } from '../operation.ts';
import { apiStage, backfill, podsStage, podStages, stage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { podFirstSeen, otherPodsSeen } from './spec.ts';

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** A patch whose body changes nothing but spec.replicas is a scale. */
export function onlyReplicas(body: Record<string, unknown> | null): boolean {
  if (!body) return false;
  const keys = Object.keys(body).filter((k) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata');
  const spec = asObj(body['spec']);
  return keys.length === 1 && keys[0] === 'spec' && spec !== null && Object.keys(spec).join() === 'replicas';
}

const UP_STAGES = [
  'pods-created',
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
] as const;

/** Scale ladders for any ReplicaSet-like workload: new pods through the pod stages, or pods deleted. */
export function scaleLadder(op: Op): Stage[] {
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
    stages.push(...podStages(op, created, expected, UP_STAGES));
  }
  backfill(stages);
  return stages;
}

/**
 * scale Deployment (`kubectl scale`, or an apply that changes only replicas): pods created (up) or
 * deleted (down), new pods through every pod stage. Without an audit log it starts when the
 * controller scales an existing ReplicaSet outside a rollout.
 */
export const scaleDeployment: OperationSpec = {
  operation: 'scale-deployment',
  kind: 'deployment',
  verb: 'scale',
  resource: 'deployments',
  owns: [{ kind: 'pod', name: '<replicaset>-<5 random>' }],
  stages: ['api-accepted', ...UP_STAGES, 'pods-deleted'],
  startsOnCall: (c) =>
    c.resource === 'deployments' &&
    (c.verb === 'patch' || c.verb === 'update') &&
    (c.subresource === 'scale' || (!c.subresource && onlyReplicas(c.requestObject))),
  startsOnFact: (f) =>
    (f.ev.reason === 'ScalingReplicaSet' && f.scaling !== null && f.child !== null && !f.childNew) ||
    // Seen only on its node: another pod of a ReplicaSet whose pods were seen before.
    (podFirstSeen(f) && f.child?.kind === 'replicaset' && otherPodsSeen(f.child, f.obj)),
  // A scale is one controller scaling; the next one is another scale.
  takes: (op, f) => f.ev.reason !== 'ScalingReplicaSet' || op.facts === 0,
  ladder: scaleLadder,
};
