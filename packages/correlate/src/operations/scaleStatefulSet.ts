import { statefulSetLadder, ordinalOf } from './createStatefulSet.ts';
import { scaleLadder, onlyReplicas } from './scaleDeployment.ts';
import type { OperationSpec } from './spec.ts';
import { podFirstSeen } from './spec.ts';

/**
 * scale StatefulSet: the next ordinals created (and their claims bound), or the highest deleted.
 * Without an audit log it starts when the controller creates an ordinal above 0 that no operation
 * is creating, or deletes one.
 */
export const scaleStatefulSet: OperationSpec = {
  operation: 'scale-statefulset',
  kind: 'statefulset',
  verb: 'scale',
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
    'pods-deleted',
  ],
  startsOnCall: (c) =>
    c.resource === 'statefulsets' &&
    (c.verb === 'patch' || c.verb === 'update') &&
    (c.subresource === 'scale' || (!c.subresource && onlyReplicas(c.requestObject))),
  startsOnFact: (f) =>
    (f.ev.reason === 'SuccessfulCreate' &&
      f.child?.kind === 'pod' &&
      f.childNew &&
      (ordinalOf(f.child.name, f.root.name) ?? 0) > 0) ||
    (f.ev.reason === 'SuccessfulDelete' && f.child?.kind === 'pod') ||
    // Seen only on its node: a higher ordinal with no operation bringing up the lower ones.
    (podFirstSeen(f) && f.root.kind === 'statefulset' && (ordinalOf(f.obj.name, f.root.name) ?? 0) > 0),
  ladder: (op) => (op.scaleDown === true ? scaleLadder(op) : statefulSetLadder(op)),
};
