import { changesTemplate } from './rolloutDeployment.ts';
import { statefulSetLadder } from './createStatefulSet.ts';
import type { OperationSpec } from './spec.ts';

/**
 * rollout of a StatefulSet (a new template): each pod deleted and recreated at the new revision,
 * highest ordinal first, every replica ready again.
 */
export const rolloutStatefulSet: OperationSpec = {
  operation: 'rollout-statefulset',
  kind: 'statefulset',
  verb: 'rollout',
  resource: 'statefulsets',
  owns: [{ kind: 'pod', name: '<statefulset>-<ordinal> (recreated)' }],
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
    (c.verb === 'patch' || c.verb === 'update') &&
    c.code !== 201 &&
    changesTemplate(c),
  ladder: (op) => statefulSetLadder(op),
};
