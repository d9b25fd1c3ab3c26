import type { Stage } from '@kubetrail/model';
import type { ObjectNode } from '../objectGraph.ts';
import type { Op } from '../operation.ts';
import { stageState } from '../operation.ts';
import { apiStage, backfill, podsStage, stage } from '../stages.ts';
import type { Fact, OperationSpec } from './spec.ts';
import { podFirstSeen } from './spec.ts';

const POD_STAGES = [
  'pods-scheduled',
  'volumes-ready',
  'images-pulled',
  'containers-started',
  'pods-ready',
] as const;

/**
 * create Pod (a bare pod, or a static pod's mirror): scheduled (or placed on its node), volumes,
 * images, containers, ready. Without an audit log it starts when a pod no controller owns is
 * scheduled.
 */
export const createPod: OperationSpec = {
  operation: 'create-pod',
  kind: 'pod',
  verb: 'create',
  resource: 'pods',
  owns: [],
  stages: ['api-accepted', ...POD_STAGES],
  startsOnCall: (c) =>
    c.resource === 'pods' &&
    !c.subresource &&
    (c.verb === 'create' || (c.verb === 'patch' && c.code === 201)),
  startsOnFact: (f) =>
    f.obj.kind === 'pod' &&
    (f.obj.owner === null || f.obj.owner.kind === 'node') &&
    (f.ev.reason === 'Scheduled' || (isStaticPodFact(f) && f.obj.touches.length === 0) || podFirstSeen(f)),
  startsOnCreation: (obj) =>
    obj.kind === 'pod' && (obj.owner === null || obj.owner.kind === 'node') ? obj : null,
  ladder: createPodLadder,
};

/** The kubelet's first words about a pod it starts. */
const STARTUP_REASONS = new Set(['Pulling', 'Pulled', 'Created', 'Started', 'SandboxChanged']);

/**
 * A static pod (a manifest in the kubelet's `staticPodPath`: the control plane on kubeadm, kind and
 * minikube) is never scheduled: the kubelet starts it, and its Events carry the manifest's hash as
 * the pod UID (32 hex digits, no dashes) rather than an API-server UUID.
 */
function isStaticPodFact(f: Fact): boolean {
  return STARTUP_REASONS.has(f.ev.reason) && f.ev.uid !== null && STATIC_UID_RE.test(f.ev.uid);
}

const STATIC_UID_RE = /^[0-9a-f]{32}$/;

/** A static pod, or its mirror (owned by its Node). */
export function isStaticPod(pod: ObjectNode): boolean {
  return pod.owner?.kind === 'node' || (pod.uid !== null && STATIC_UID_RE.test(pod.uid));
}

export function createPodLadder(op: Op): Stage[] {
  const pods = op.target ? [op.target] : [];
  const stages: Stage[] = [apiStage(op)];
  const staticPod = op.target !== null && isStaticPod(op.target);
  for (const id of POD_STAGES)
    stages.push(
      id === 'pods-scheduled' && staticPod && stageState(op, op.target, id) === undefined
        ? stage(id, 'skipped', null, { reason: 'a static pod: its kubelet runs it from a manifest' })
        : podsStage(op, pods, id, 1),
    );
  backfill(stages);
  return stages;
}
