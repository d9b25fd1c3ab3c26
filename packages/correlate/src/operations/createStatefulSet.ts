import type { Stage } from '@kubetrail/model';
import type { ObjectNode } from '../objectGraph.ts';
import type { Op } from '../operation.ts';
import { apiStage, backfill, createdPods, podsStage, podStages, settledStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';
import { podFirstSeen } from './spec.ts';

/** `redis-2` → 2: a StatefulSet's pods are `<name>-<ordinal>`. */
export function ordinalOf(pod: string, statefulSet: string): number | null {
  if (!pod.startsWith(`${statefulSet}-`)) return null;
  const n = pod.slice(statefulSet.length + 1);
  return /^\d+$/.test(n) ? Number(n) : null;
}

const POD_STAGES = [
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
] as const;

/**
 * How many pods the operation brings up: a create, ordinals 0…replicas-1; a scale, the ordinals from
 * the old count (its lowest new ordinal, when the call did not say) up to the new one.
 */
function expectedOrdinals(op: Op, pods: readonly ObjectNode[]): number {
  if (op.desired === null) return pods.length;
  if (op.operation === 'create-statefulset') return op.desired;
  let from = op.scaleFrom;
  if (from === null) {
    for (const p of pods) {
      const n = op.target ? ordinalOf(p.name, op.target.name) : null;
      if (n !== null && (from === null || n < from)) from = n;
    }
  }
  return from === null ? pods.length : Math.max(op.desired - from, pods.length);
}

/** StatefulSet ladders: ordinal pods created, their claims bound, then each pod stage. */
export function statefulSetLadder(op: Op, api = true): Stage[] {
  const pods = createdPods(op);
  const expected = expectedOrdinals(op, pods);
  const stages: Stage[] = api ? [apiStage(op)] : [];
  stages.push(...podStages(op, pods, expected, ['pods-created']));
  const claims = [...op.claims];
  stages.push(
    claims.length === 0
      ? podsStage(op, [], 'pvcs-bound', 0)
      : podsStage(op, claims, 'pvcs-bound', claims.length, ['pvcs-bound'], 'claims'),
  );
  if (claims.length === 0) {
    const last = stages.at(-1)!;
    stages[stages.length - 1] = { ...last, status: 'skipped', reason: 'no volume claim templates seen' };
  }
  stages.push(...podStages(op, pods, expected, POD_STAGES));
  stages.push(settledStage(op, 'workload-ready', stages.at(-1), 'implied by every pod ready'));
  backfill(stages);
  return stages;
}

/**
 * create StatefulSet: pods `<name>-0, -1, …` in order, claims `<template>-<name>-<ordinal>` from its
 * volume claim templates provisioned and bound, every replica ready. Without an audit log it starts
 * when the controller creates ordinal 0.
 */
export const createStatefulSet: OperationSpec = {
  operation: 'create-statefulset',
  kind: 'statefulset',
  verb: 'create',
  resource: 'statefulsets',
  owns: [
    { kind: 'pod', name: '<statefulset>-<ordinal>' },
    { kind: 'persistentvolumeclaim', name: '<claim template>-<statefulset>-<ordinal>' },
  ],
  stages: [
    'api-accepted',
    'pods-created',
    'pvcs-bound',
    'pods-scheduled',
    'volumes-ready',
    'images-pulled',
    'containers-started',
    'pods-ready',
    'workload-ready',
  ],
  startsOnCall: (c) =>
    c.resource === 'statefulsets' &&
    !c.subresource &&
    (c.verb === 'create' || (c.verb === 'patch' && c.code === 201)),
  startsOnFact: (f) =>
    (f.ev.reason === 'SuccessfulCreate' &&
      f.child?.kind === 'pod' &&
      f.childNew &&
      ordinalOf(f.child.name, f.root.name) === 0) ||
    // Seen only on its node: ordinal 0.
    (podFirstSeen(f) && f.root.kind === 'statefulset' && ordinalOf(f.obj.name, f.root.name) === 0),
  startsOnCreation: (obj) => (obj.kind === 'statefulset' ? obj : null),
  ladder: (op) => statefulSetLadder(op),
};
