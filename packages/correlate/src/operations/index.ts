import type { Operation, Stage, Target } from '@kubetrail/model';
import { formatNs, STAGE_LABELS } from '@kubetrail/model';
import { oneLine } from '../stageSignals.ts';
import type { AuditCall } from '../auditCall.ts';
import type { ObjectNode } from '../objectGraph.ts';
import type { Op } from '../operation.ts';
import { verdict } from '../stages.ts';
import { cordonNode } from './cordonNode.ts';
import { createDaemonSet } from './createDaemonSet.ts';
import { createDeployment } from './createDeployment.ts';
import { createJob } from './createJob.ts';
import { createPod } from './createPod.ts';
import { createStatefulSet } from './createStatefulSet.ts';
import { cronJobRun } from './cronJobRun.ts';
import { deleteDaemonSet } from './deleteDaemonSet.ts';
import { deleteDeployment } from './deleteDeployment.ts';
import { deletePod } from './deletePod.ts';
import { deleteStatefulSet } from './deleteStatefulSet.ts';
import { drainNode } from './drainNode.ts';
import { generic } from './generic.ts';
import { rolloutDaemonSet } from './rolloutDaemonSet.ts';
import { rolloutDeployment } from './rolloutDeployment.ts';
import { rolloutStatefulSet } from './rolloutStatefulSet.ts';
import { scaleDeployment } from './scaleDeployment.ts';
import { scaleStatefulSet } from './scaleStatefulSet.ts';
import type { Fact, OperationSpec } from './spec.ts';
import { uncordonNode } from './uncordonNode.ts';

/**
 * Every operation kubetrail knows, in the order the engines ask them (for a fact about one root,
 * create before rollout before scale). Adding one: a spec file beside these, one line here.
 */
export const OPERATIONS: readonly OperationSpec[] = [
  createDeployment,
  rolloutDeployment,
  scaleDeployment,
  deleteDeployment,
  createStatefulSet,
  rolloutStatefulSet,
  scaleStatefulSet,
  deleteStatefulSet,
  createDaemonSet,
  rolloutDaemonSet,
  deleteDaemonSet,
  cronJobRun,
  createJob,
  createPod,
  deletePod,
  drainNode,
  cordonNode,
  uncordonNode,
  generic,
];

const BY_OPERATION = new Map<Operation, OperationSpec>(OPERATIONS.map((s) => [s.operation, s]));

export function specOf(operation: Operation): OperationSpec {
  return BY_OPERATION.get(operation) ?? generic;
}

/** The operation a user's API call starts, or null (a call no spec claims). */
export function specForCall(call: AuditCall): OperationSpec | null {
  for (const s of OPERATIONS) if (s.startsOnCall?.(call) === true) return s;
  return null;
}

/** The operation a controller fact starts (no operation holds its root, or the holder does not take it). */
export function specForFact(f: Fact, allowed?: (s: OperationSpec) => boolean): OperationSpec | null {
  for (const s of OPERATIONS) {
    // Only specs of the fact's root kind (or of the child it names: a CronJob's run is its Job).
    if (s.kind !== f.root.kind && s.kind !== f.child?.kind && s.kind !== f.obj.kind) continue;
    if ((allowed?.(s) ?? true) && s.startsOnFact?.(f) === true) return s;
  }
  return null;
}

/** The operation an object's appearance starts, with its target, or null. */
export function specForCreation(
  obj: ObjectNode,
  revision: number | null,
): { spec: OperationSpec; target: ObjectNode } | null {
  for (const s of OPERATIONS) {
    const target = s.startsOnCreation?.(obj, revision) ?? null;
    if (target !== null) return { spec: s, target };
  }
  return null;
}

/** Stop reasons of a container that ran and failed (not one that never started). */
const CRASHED = /CrashLoopBackOff|Back-off restarting failed container|exit code|RunContainerError/;

/** The model `Target` for an operation: its ladder, outcome and stop point. */
export function buildTarget(op: Op): Target {
  const stages: Stage[] = specOf(op.operation).ladder(op);
  const { outcome, stoppedAt } = verdict(stages, op.api?.status === 'failed', op.progress);
  // A stop with no evidence, on an object a later operation took over (a rollout, a delete): the
  // bundle no longer shows how it ended, and the reason says why rather than "the logs end".
  const next = op.supersededBy;
  if (
    stoppedAt !== null &&
    next !== null &&
    stages.find((x) => x.id === stoppedAt.stage)?.status === 'pending'
  )
    stoppedAt.reason = `${STAGE_LABELS[stoppedAt.stage]}: no evidence left — ${next.verb} ${next.resource} at ${formatNs(next.startNs).slice(0, 19).replace('T', ' ')} UTC took the object over`;
  // A container that keeps failing: the kubelet says it backs off, its own output says why.
  const out = op.lastOutput;
  if (
    stoppedAt !== null &&
    out !== null &&
    (stoppedAt.stage === 'pods-ready' || stoppedAt.stage === 'containers-started') &&
    stages.find((x) => x.id === stoppedAt.stage)?.status === 'failed' &&
    CRASHED.test(stoppedAt.reason)
  )
    stoppedAt.reason = `${stoppedAt.reason} — last output of ${out.container}: ${oneLine(out.message).slice(0, 300)}`;
  return {
    verb: op.verb,
    resource: op.resource,
    namespace: op.namespace,
    name: op.name,
    uid: op.target?.uid ?? null,
    operation: op.operation,
    outcome,
    stages,
    stoppedAt,
  };
}

export type { Fact, OperationSpec } from './spec.ts';
