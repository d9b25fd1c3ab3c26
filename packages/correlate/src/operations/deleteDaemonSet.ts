import { deleteLadder } from './deleteDeployment.ts';
import type { OperationSpec } from './spec.ts';
import { unexplainedKill } from './spec.ts';

/** delete DaemonSet: its pods deleted by the garbage collector, containers killed. */
export const deleteDaemonSet: OperationSpec = {
  operation: 'delete-daemonset',
  kind: 'daemonset',
  verb: 'delete',
  resource: 'daemonsets',
  owns: [{ kind: 'pod', name: '<daemonset>-<5 random>' }],
  stages: ['api-accepted', 'pods-deleted', 'containers-killed'],
  startsOnCall: (c) => c.resource === 'daemonsets' && !c.subresource && c.verb === 'delete',
  // Without a call: its pods' containers stopped with no controller deleting them.
  startsOnFact: (f) => unexplainedKill(f) && f.root.kind === 'daemonset' && f.root !== f.obj,
  ladder: (op) => deleteLadder(op, false),
};
