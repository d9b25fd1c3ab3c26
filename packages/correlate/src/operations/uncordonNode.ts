import { isNodePatch, nodeLadder, unschedulableOf } from './cordonNode.ts';
import type { OperationSpec } from './spec.ts';

/** uncordon node (`kubectl uncordon`): `spec.unschedulable` cleared; NodeSchedulable. */
export const uncordonNode: OperationSpec = {
  operation: 'uncordon-node',
  kind: 'node',
  verb: 'uncordon',
  resource: 'nodes',
  owns: [],
  stages: ['api-accepted', 'node-uncordoned'],
  startsOnCall: (c) => isNodePatch(c) && unschedulableOf(c) === false,
  startsOnFact: (f) => f.obj.kind === 'node' && f.ev.reason === 'NodeSchedulable',
  ladder: (op) => nodeLadder(op, 'node-uncordoned'),
};
