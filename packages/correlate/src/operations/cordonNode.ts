import type { Stage } from '@kubetrail/model';
import type { AuditCall } from '../auditCall.ts';
import type { Op } from '../operation.ts';
import { apiStage, backfill, stage, targetStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** What a node patch sets `spec.unschedulable` to: true, false, or null when the body does not say. */
export function unschedulableOf(call: AuditCall): boolean | null {
  const spec = asObj(call.requestObject?.['spec']);
  if (spec === null) return null;
  return spec['unschedulable'] === true;
}

export const isNodePatch = (c: AuditCall): boolean =>
  c.resource === 'nodes' && !c.subresource && (c.verb === 'patch' || c.verb === 'update');

/** A node ladder: the API call, then the node's state as its Events and object say. */
export function nodeLadder(op: Op, id: 'node-cordoned' | 'node-uncordoned'): Stage[] {
  const stages: Stage[] = [apiStage(op)];
  const s = targetStage(op, id);
  stages.push(
    s.status === 'pending' && op.api?.status === 'done'
      ? stage(id, 'done', op.api, { reason: 'the API server accepted the patch' })
      : s,
  );
  backfill(stages);
  return stages;
}

/** cordon node (`kubectl cordon`): `spec.unschedulable` set; the node controller says NodeNotSchedulable. */
export const cordonNode: OperationSpec = {
  operation: 'cordon-node',
  kind: 'node',
  verb: 'cordon',
  resource: 'nodes',
  owns: [],
  stages: ['api-accepted', 'node-cordoned'],
  startsOnCall: (c) => isNodePatch(c) && unschedulableOf(c) === true,
  startsOnFact: (f) => f.obj.kind === 'node' && f.ev.reason === 'NodeNotSchedulable',
  // The node schedulable again is the uncordon: an operation of its own.
  takes: (_op, f) => f.ev.reason !== 'NodeSchedulable',
  ladder: (op) => nodeLadder(op, 'node-cordoned'),
};
