import { deleteLadder } from './deleteDeployment.ts';
import type { OperationSpec } from './spec.ts';
import { unexplainedKill } from './spec.ts';

/** delete StatefulSet: its pods deleted, containers killed (claims stay, by design). */
export const deleteStatefulSet: OperationSpec = {
  operation: 'delete-statefulset',
  kind: 'statefulset',
  verb: 'delete',
  resource: 'statefulsets',
  owns: [{ kind: 'pod', name: '<statefulset>-<ordinal>' }],
  stages: ['api-accepted', 'pods-deleted', 'containers-killed'],
  startsOnCall: (c) => c.resource === 'statefulsets' && !c.subresource && c.verb === 'delete',
  // Without a call: its pods' containers stopped with no controller deleting them.
  startsOnFact: (f) => unexplainedKill(f) && f.root.kind === 'statefulset' && f.root !== f.obj,
  ladder: (op) => deleteLadder(op, false),
};
