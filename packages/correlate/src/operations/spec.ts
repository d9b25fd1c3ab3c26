import type { Operation, Stage, StageId } from '@kubetrail/model';
import type { AuditCall } from '../auditCall.ts';
import type { KubeEvent } from '../kubeEvent.ts';
import type { ObjectNode } from '../objectGraph.ts';
import { PVC_UID_RE } from '../objectGraph.ts';
import type { Op } from '../operation.ts';
import { NEW_POD_REASONS } from '../nodeLine.ts';
import { CONTROLLER_SYNCED } from '../recorderLine.ts';

/**
 * What a controller said about a workload (an Event, or its event-recorder log line), read for the
 * operation it belongs to: the workload at the root of the owner chain, the child the message names
 * (`Created pod: x`, `Scaled up replica set y`), and what the message says about it.
 */
export interface Fact {
  ev: KubeEvent;
  ts: bigint;
  /** The object the Event is about (`involvedObject`). */
  obj: ObjectNode;
  /** The workload whose operations the fact belongs to (Deployment for a ReplicaSet's facts). */
  root: ObjectNode;
  /** The child the message names, when it names one. */
  child: ObjectNode | null;
  /** True when this fact is the first the correlation heard of `child`. */
  childNew: boolean;
  /** `Scaled up/down replica set x from a to b`, when the message says so. */
  scaling: { up: boolean; from: number | null; to: number } | null;
  /** The operation that currently holds the root (its last touch within its window), if any. */
  current: Op | null;
}

/** How an operation's child objects are named, for documentation and name discovery. */
export interface ChildSpec {
  kind: string;
  /** `<deployment>-<hash>`, `<replicaset>-<5>`, `<claim>-<statefulset>-<ordinal>`… */
  name: string;
}

/**
 * One operation as data: what starts it, which kinds it owns and how their names are formed,
 * which evidence it takes, and its ladder. The engines (commands, inference, ladders) consult the
 * registry (`operations/index.ts`); adding an operation is one file here.
 */
export interface OperationSpec {
  operation: Operation;
  /** The kind of its target (lower case): `deployment`, `statefulset`, `pod`, `node`… */
  kind: string;
  /** Verb and resource shown for it when it was inferred rather than read from an audit call. */
  verb: string;
  resource: string;
  owns: readonly ChildSpec[];
  /** The stages of its ladder, in order (ids are stable API values). */
  stages: readonly StageId[];
  /** An API call that starts it (the user's `kubectl` call). */
  startsOnCall?: (call: AuditCall) => boolean;
  /**
   * With no call to start it (no audit log, or a call whose body said nothing): a controller fact
   * that starts it. Specs of the fact's root kind are asked in registry order; the first wins.
   */
  startsOnFact?: (f: Fact) => boolean;
  /**
   * An object appearing in the cluster's state (its `creationTimestamp`, from a List file) that
   * starts this operation, when nothing else did: its target, or null. Events expire after an hour;
   * in a dump taken later, state is the evidence.
   */
  startsOnCreation?: (obj: ObjectNode, revision: number | null) => ObjectNode | null;
  /** Whether the operation that holds the root takes this fact (else a new operation may start). */
  takes?: (op: Op, f: Fact) => boolean;
  /**
   * An operation inferred as another (no call said what it was) that this fact shows was this one:
   * a "create" whose Deployment then scales down an older ReplicaSet was a rollout. The engine
   * renames it and lets it take the fact.
   */
  reinterprets?: (op: Op, f: Fact) => boolean;
  /** Objects a fact adds to the operation (beyond its child): default none. */
  ladder: (op: Op) => Stage[];
}

/**
 * The operation holding the root is a change of an object that already existed: a body-less
 * `patch`/`update` (Metadata audit, an httplog line) that has not learned what it was yet.
 */
export function changesExisting(op: Op | null): boolean {
  return op !== null && op.operation === 'generic' && (op.verb === 'patch' || op.verb === 'update');
}

/**
 * A pod's containers stopped (`Killing: Stopping container x`) with no controller having deleted
 * the pod (no `Deleted pod: x`, no delete call) and no deleting operation holding it: what was
 * deleted is the pod's owner (the garbage collector takes its pods down) or, for a pod nothing
 * owns, the pod itself. Not a liveness restart (`… failed liveness probe, will be restarted`).
 */
export function unexplainedKill(f: Fact): boolean {
  return (
    f.ev.reason === 'Killing' &&
    f.obj.kind === 'pod' &&
    f.obj.deletedAt === null &&
    /^Stopping container/.test(f.ev.message) &&
    (f.current === null || !deletes(f.current))
  );
}

/** Operations that take down what their target owns. */
export const deletes = (op: Op): boolean =>
  op.operation.startsWith('delete-') || op.operation === 'drain-node';

/**
 * The first line a ReplicaSet controller wrote about a ReplicaSet no one had heard of (no Event,
 * no call): the ReplicaSet was just created, by its Deployment.
 */
export function firstSyncOfReplicaSet(f: Fact): boolean {
  return (
    f.ev.reason === CONTROLLER_SYNCED &&
    f.obj.kind === 'replicaset' &&
    f.obj.touches.length === 0 &&
    f.root.kind === 'deployment' &&
    f.root !== f.obj
  );
}

/**
 * A pod first heard of on its node (the scheduler binding it, the kubelet admitting or starting
 * it, the runtime creating its sandbox: `nodeLine.ts`), with no operation holding it or its owners:
 * the only sign of the operation that made it when no controller's account of it is in the bundle.
 */
export function podFirstSeen(f: Fact): boolean {
  return (
    NEW_POD_REASONS.has(f.ev.reason) &&
    f.obj.kind === 'pod' &&
    f.obj.touches.length === 0 &&
    // A volume provisioner's helper pod (`helper-pod-create-pvc-<uid>`) is a step of a claim's
    // provisioning, never an operation of its own.
    !PVC_UID_RE.test(f.obj.name)
  );
}

/** Pods of `owner` other than `pod` that an operation already held (seen before it). */
export const otherPodsSeen = (owner: ObjectNode, pod: ObjectNode): boolean =>
  owner.children.some((c) => c !== pod && c.kind === 'pod' && c.touches.length > 0);
