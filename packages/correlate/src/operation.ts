import type { IdKind, Operation, StageId } from '@kubetrail/model';
import type { ObjectNode } from './objectGraph.ts';

/** One piece of ladder evidence: a record saying a stage is done or failed for one object. */
export interface Signal {
  stage: StageId;
  status: 'done' | 'failed';
  ts: bigint | null;
  component: string | null;
  reason: string | null;
  recordId: number;
}

/** Latest and first-done evidence of one stage for one object (a pod, a ReplicaSet, the target). */
export interface StageState {
  firstDone: Signal | null;
  last: Signal;
  /** The first failure since the last success: its text usually explains best (the pull error, not the back-off). */
  failStart: Signal | null;
  /** The first failure before the stage was first done, and how many failures there were then. */
  firstFail: Signal | null;
  failsBeforeDone: number;
}

/** A user request being assembled (becomes a model `Request`). */
export interface Req {
  reqId: string;
  idKind: IdKind;
  auditIds: string[];
  user: string | null;
  impersonatedUser: string | null;
  userAgent: string | null;
  sourceIps: Set<string>;
  startNs: bigint;
  endNs: bigint;
  code: number | null;
  /** Whether a mutating call decided `reqId`/`code` yet (read-only calls only fill in). */
  hasMutating: boolean;
  ops: Op[];
  records: number;
  /** An explicit reqID seen on its lines: the request takes it as its id (the proposal's id wins). */
  explicitId: string | null;
  /** The control plane's own activity (bootstrap add-ons, static pods): listed apart. */
  system: boolean;
  /** Grouping key (user, user agent, source IP) and time of its last call, for the 1 s rule. */
  groupKey: string | null;
  lastCallNs: bigint;
}

/** One target of a request: an operation on one object, with its ladder evidence. */
export interface Op {
  req: Req;
  operation: Operation;
  verb: string;
  resource: string;
  namespace: string | null;
  name: string;
  target: ObjectNode | null;
  startNs: bigint;
  /** Lines later than this no longer join the operation through the object graph. */
  windowEndNs: bigint;
  /** The accepting (or refusing) API call. Null for inferred operations. */
  api: Signal | null;
  /** Desired pod count (replicas), when known. */
  desired: number | null;
  /**
   * Started by a pod seen on its node (no call, no controller's account): how many pods it wanted
   * is not in the bundle, so counts say how many were seen, never "N of M".
   */
  seenOnNodes: boolean;
  /**
   * The last thing its pods' containers wrote (an error or warning when there was one): what a
   * crash loop's kubelet line does not say.
   */
  lastOutput: { container: string; message: string; ts: bigint | null; loud: boolean } | null;
  /** Scale: direction and the replica count before, when known. */
  scaleDown: boolean | null;
  scaleFrom: number | null;
  /** Pods created (or, for delete/scale-down/drain, affected) because of this operation. */
  pods: Set<ObjectNode>;
  replicaSets: Set<ObjectNode>;
  /** Rollout: the ReplicaSet (or revision) it brought up; the older ones it scales down. */
  newReplicaSet: ObjectNode | null;
  oldReplicaSets: Set<ObjectNode>;
  /** Pods of the older ReplicaSets (or revisions) a rollout deletes. */
  oldPods: Set<ObjectNode>;
  /** StatefulSet volume claims; a CronJob run's Job. */
  claims: Set<ObjectNode>;
  jobs: Set<ObjectNode>;
  /** Controller facts (scalings, creations) this operation took: a scale takes one, a create its first. */
  facts: number;
  /** Objects this operation touched (for CorrelationResult.objects). */
  objects: Set<ObjectNode>;
  /** A later operation on the same target (set when requests are finished). */
  supersededBy: Op | null;
  /** Stage evidence per object. */
  evidence: Map<ObjectNode | null, Map<StageId, StageState>>;
  /** Work seen under way per stage (`Pulling image …`): what a stage was doing when the logs end. */
  progress: Map<StageId, { ts: bigint | null; reason: string; recordId: number }>;
  /** Drain: pods evicted, and their owners waiting for replacements. */
  evicted: Set<ObjectNode>;
  replacements: Set<ObjectNode>;
}

export function newOp(
  req: Req,
  operation: Operation,
  init: {
    verb: string;
    resource: string;
    namespace: string | null;
    name: string;
    target: ObjectNode | null;
    startNs: bigint;
    windowNs: bigint;
  },
): Op {
  const op: Op = {
    req,
    operation,
    verb: init.verb,
    resource: init.resource,
    namespace: init.namespace,
    name: init.name,
    target: init.target,
    startNs: init.startNs,
    windowEndNs: init.startNs + init.windowNs,
    api: null,
    desired: null,
    seenOnNodes: false,
    lastOutput: null,
    scaleDown: null,
    scaleFrom: null,
    pods: new Set(),
    replicaSets: new Set(),
    newReplicaSet: null,
    oldReplicaSets: new Set(),
    oldPods: new Set(),
    claims: new Set(),
    jobs: new Set(),
    facts: 0,
    objects: new Set(),
    supersededBy: null,
    evidence: new Map(),
    progress: new Map(),
    evicted: new Set(),
    replacements: new Set(),
  };
  req.ops.push(op);
  return op;
}

/** Adds evidence for `stage` of `obj` (null = the target itself). Later evidence supersedes. */
export function addSignal(op: Op, obj: ObjectNode | null, sig: Signal): void {
  let stages = op.evidence.get(obj);
  if (!stages) {
    stages = new Map();
    op.evidence.set(obj, stages);
  }
  const prev = stages.get(sig.stage);
  if (!prev) {
    stages.set(sig.stage, {
      firstDone: sig.status === 'done' ? sig : null,
      last: sig,
      failStart: sig.status === 'failed' ? sig : null,
      firstFail: sig.status === 'failed' ? sig : null,
      failsBeforeDone: sig.status === 'failed' ? 1 : 0,
    });
    return;
  }
  if (sig.status === 'failed' && !prev.firstDone) {
    prev.failsBeforeDone++;
    if (!prev.firstFail || (sig.ts !== null && prev.firstFail.ts !== null && sig.ts < prev.firstFail.ts))
      prev.firstFail = sig;
  }
  if (sig.status === 'done' && !prev.firstDone) prev.firstDone = sig;
  if (prev.last.ts !== null && sig.ts !== null && sig.ts < prev.last.ts) return;
  if (sig.status === 'failed' && (prev.last.status === 'done' || !prev.failStart)) prev.failStart = sig;
  prev.last = sig;
}

export function stageState(op: Op, obj: ObjectNode | null, stage: StageId): StageState | undefined {
  return op.evidence.get(obj)?.get(stage);
}
