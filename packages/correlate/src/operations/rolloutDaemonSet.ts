import { daemonSetLadder } from './createDaemonSet.ts';
import { changesTemplate } from './rolloutDeployment.ts';
import type { OperationSpec } from './spec.ts';

/** rollout of a DaemonSet (a new template): each node's pod replaced, every one ready again. */
export const rolloutDaemonSet: OperationSpec = {
  operation: 'rollout-daemonset',
  kind: 'daemonset',
  verb: 'rollout',
  resource: 'daemonsets',
  owns: [{ kind: 'pod', name: '<daemonset>-<5 random> (replacing the old pod on each node)' }],
  stages: [
    'api-accepted',
    'pods-created',
    'pods-scheduled',
    'volumes-ready',
    'images-pulled',
    'containers-started',
    'pods-ready',
    'workload-ready',
  ],
  startsOnCall: (c) =>
    c.resource === 'daemonsets' &&
    !c.subresource &&
    (c.verb === 'patch' || c.verb === 'update') &&
    c.code !== 201 &&
    changesTemplate(c),
  // The controller deletes an old pod before it creates its replacement.
  startsOnFact: (f) => f.ev.reason === 'SuccessfulDelete' && f.child?.kind === 'pod',
  ladder: daemonSetLadder,
};
