import type { Operation, StoredRecord } from '@kubetrail/model';
import type { Context } from './context.ts';
import type { ControlPlane } from './controlPlane.ts';
import { imageOfLine } from './imagePulls.ts';
import type { KubeEvent } from './kubeEvent.ts';
import type { ObjectNode } from './objectGraph.ts';
import { chainTouchAt, kindOfKind, touch, touchAt } from './objectGraph.ts';
import type { Op } from './operation.ts';
import { childOf, ROOT_KINDS, scalingOf } from './operations/children.ts';
import type { Fact } from './operations/index.ts';
import { OPERATIONS, specForFact, specOf } from './operations/index.ts';
import { changesExisting, deletes, unexplainedKill } from './operations/spec.ts';
import { rolloutSettled } from './operations/rolloutDeployment.ts';
import { NODE_FACT_REASONS, POD_FAILING, POD_SYNC_FAILED, POD_UNSCHEDULABLE } from './nodeLine.ts';
import { CONTROLLER_RESYNCED } from './recorderLine.ts';
import { endsPod, eventFindingFor, oneLine } from './stageSignals.ts';

/** A fact seen twice (an Event and its recorder's log line) within this is one fact. */
const SAME_FACT_NS = 5_000_000_000n;
/** Facts with no operation yet are kept at most this many (then tried again at the end). */
const MAX_ORPHANS = 50_000;
const SECOND_NS = 1_000_000_000n;
/** How long a pod stopped for no visible reason waits for its explanation (its node's cordon). */
const KILL_WAIT_NS = 15n * SECOND_NS;
/** How long after its cordon a drain's evictions stop its node's pods. */
const DRAIN_EVICTS_NS = 60n * SECOND_NS;
/**
 * How long a pod seen only on its node waits before it starts an operation: longer than a kill
 * waits for its explanation, so a drain's replacement pod is the drain's.
 */
const SIGHTING_WAIT_NS = KILL_WAIT_NS + 5n * SECOND_NS;

/** The workload a fact about `obj` belongs to: the top of its owner chain among the root kinds. */
export function rootOf(obj: ObjectNode): ObjectNode {
  let root = obj;
  for (let n = obj.owner, depth = 0; n !== null && depth < 4; n = n.owner, depth++) {
    // A CronJob's Jobs are operations of their own (its runs).
    if (n.kind === 'cronjob') break;
    if (ROOT_KINDS.has(n.kind)) root = n;
  }
  return root;
}

/**
 * Kubernetes Events, and the lines event recorders log for them: the controllers' own account of
 * what they did. They grow the object graph (`Scaled up replica set x`, `Created pod: y`, `create
 * Pod z-0 in StatefulSet z successful`), carry most ladder evidence, and — without an audit log, or
 * for what no call explains — start operations: the registry's specs decide which fact starts
 * which operation (`operations/`), and whether the operation holding a workload takes a fact or a
 * new one begins (a rollout minutes after a create is its own request).
 */
export class Inference {
  /** Facts that found no operation (listed before what they depend on): tried again at the end. */
  private orphans: { rec: StoredRecord; ev: KubeEvent }[] = [];
  /** A fact already taken, by its object, reason and message: the same fact seen again. */
  private readonly seen = new Map<string, { ts: bigint; op: Op }>();

  constructor(
    private readonly ctx: Context,
    private readonly cp: ControlPlane,
  ) {}

  onEvent(rec: StoredRecord, ev: KubeEvent, retry = false): void {
    if (rec.ts === null) return;
    // A pod seen on its node (`nodeLine.ts`), not a controller's account of it.
    const fromNode = NODE_FACT_REASONS.has(ev.reason);
    // A node's startup line dates the pod's creation (`podCreationTimestamp`): what it starts
    // began then, and holds the pod's earlier lines (its failing pulls) too.
    const ts = fromNode && ev.firstTs !== null && ev.firstTs < rec.ts ? ev.firstTs : rec.ts;
    const g = this.ctx.graph;
    const kind = kindOfKind(ev.kind);
    const obj = g.ensure(kind, kind === 'node' ? null : ev.namespace, ev.name, ev.uid);
    const component = ev.component ?? rec.component;
    if (fromNode && kind === 'pod') {
      if (!this.firstSighting.has(obj)) this.firstSighting.set(obj, { rec, ev });
      if (ev.reason === POD_SYNC_FAILED) this.failing.add(obj);
    }

    // The same fact from another source (the Event object after its recorder's line).
    const key = `${obj.key}|${ev.reason}|${ev.message}`;
    const twin = this.seen.get(key);
    if (twin !== undefined && ts - twin.ts <= SAME_FACT_NS && twin.ts - ts <= SAME_FACT_NS) {
      if (!NODE_FACT_REASONS.has(ev.reason)) this.link(rec, twin.op, obj);
      return;
    }

    const named = fromNode ? null : childOf(kind, ev.reason, ev.message);
    let child: ObjectNode | null = null;
    let childNew = false;
    if (named !== null) {
      child = g.ensure(named.kind, obj.namespace, named.name, null, obj);
      childNew = child.touches.length === 0;
    }
    if (obj.owner === null && kind !== 'node') {
      if (kind === 'pod') g.discoverByName(obj.namespace, obj.name);
      if (obj.owner === null) g.byConvention(kind, obj.namespace, obj.name);
      if (obj.owner === null && fromNode)
        g.ownersOnNode(obj, ev.host, this.ctx.namelessWaiting('create-job', obj.namespace, ts));
    }
    if (fromNode) {
      if (ev.host !== null && obj.nodeName === null && ev.reason !== POD_UNSCHEDULABLE)
        obj.nodeName = ev.host;
      // What a pod's first sight says about its ReplicaSet: that it exists, with this pod.
      if (obj.owner?.kind === 'replicaset') {
        child = obj.owner;
        childNew = child.touches.length === 0;
      }
    }
    const root = rootOf(obj);
    const scaling = ev.reason === 'ScalingReplicaSet' ? scalingOf(ev.message) : null;
    // core/v1 Events carry whole seconds: the fact happened somewhere in that second, so an
    // operation that touched the object within it (a delete at :45.397 and its `Killing` at :45)
    // holds it.
    const at = rec.kind === 'event' && ts % SECOND_NS === 0n ? ts + SECOND_NS - 1n : ts;
    // The child's own operation, when a call started it first (the CronJob controller's create).
    const holder =
      this.nodeHolder(obj, ev, at) ??
      this.holder(obj, root, at) ??
      (child !== null && !childNew ? (touchAt(child, ts, this.ctx.skewNs)?.op ?? null) : null);
    // A pod its operation already holds: the log pass reads the line.
    if (fromNode && holder !== null && obj.touches.some((t) => t.op === holder)) return;
    // A child first touched by the holder (its create call joined the holder) is new to it too.
    if (child !== null && holder !== null && child.touches[0]?.op === holder && holder.facts === 0)
      childNew = true;
    const fact: Fact = { ev, ts, obj, root, child, childNew, scaling, current: holder };

    let op = holder;
    if (op !== null) {
      // A body-less change (Metadata audit, an httplog line) learns what it was from its first fact.
      if (op.operation === 'generic' && op.target === root && op.facts === 0) {
        // A patch of an existing object is never its creation.
        const s = specForFact(fact, (sp) => !changesExisting(op) || sp.verb !== 'create');
        if (s !== null && s.kind === root.kind) op.operation = s.operation;
      }
      const re = OPERATIONS.find((sp) => sp.reinterprets?.(op!, fact) === true);
      if (re !== undefined) this.reinterpret(op, re.operation, re.verb);
      const takes = specOf(op.operation).takes;
      if (takes !== undefined && !takes(op, fact)) op = null;
      // A pod killed that its holder did not delete: a deletion the registry names (below).
      else if (unexplainedKill(fact)) op = null;
    }
    // A pod stopped that no one holding it deleted: wait a little for what explains it (its node
    // cordoned a few seconds later: a drain), then decide.
    if (
      op === null &&
      unexplainedKill(fact) &&
      !retry &&
      !this.deciding &&
      this.waitingKills.length < MAX_ORPHANS
    ) {
      this.waitingKills.push({ rec, ev, due: ts + KILL_WAIT_NS });
      return;
    }
    // A pod seen only on its node starts an operation only when, a little later, no stronger
    // account of it (a controller's Event, a kill a drain explains) has claimed it.
    if (op === null && fromNode && !retry && !this.deciding && this.waitingSightings.length < MAX_ORPHANS) {
      this.waitingSightings.push({ rec, ev, due: ts + SIGHTING_WAIT_NS });
      return;
    }
    if (op === null) {
      const s = specForFact(fact);
      if (s !== null) {
        const target = child !== null && s.kind === child.kind && s.kind !== root.kind ? child : root;
        op = this.ctx.claimNameless(s.operation, target, ts);
        if (op === null) {
          op = this.ctx.inferOp(s.operation, target, ts, rec);
          op.seenOnNodes = fromNode;
          this.cp.claimCreate(op, target);
        }
      }
    }
    if (op === null) {
      if (!retry && !fromNode && this.orphans.length < MAX_ORPHANS) this.orphans.push({ rec, ev });
      return;
    }
    this.seen.set(key, { ts, op });
    if (this.seen.size > 100_000) this.forget(ts);

    this.take(op, fact, rec, component);
    // The log pass links a node's line, and reads its stage evidence, as for any line.
    if (!fromNode) this.link(rec, op, child ?? obj);
  }

  /**
   * A pod stopped on a node that an operation has just cordoned (and no controller deleted it):
   * the node's operation holds it — without an audit log, the only sign of a drain's eviction.
   */
  private nodeHolder(obj: ObjectNode, ev: KubeEvent, ts: bigint): Op | null {
    // The kubelet that stops it says which node it is on (`source.host`).
    const nodeName = obj.nodeName ?? ev.host;
    if (obj.kind !== 'pod' || ev.reason !== 'Killing' || obj.deletedAt !== null || nodeName === null)
      return null;
    // `kubectl drain` evicts controller-managed pods; it refuses bare pods and skips DaemonSets'.
    if (obj.owner === null || obj.owner.kind === 'daemonset') return null;
    const node = this.ctx.graph.get('node', null, nodeName);
    if (!node) return null;
    // The node controller reports NodeNotSchedulable seconds after kubectl cordoned it: a cordon
    // seen up to the kill wait later still covers the kill.
    for (let i = node.touches.length - 1; i >= 0; i--) {
      const t = node.touches[i]!;
      const op = t.op;
      // A drain evicts right after its cordon; a pod stopped minutes into a cordon is something else.
      if (op.operation === 'drain-node' || (op.operation === 'cordon-node' && op.api === null))
        if (op.startNs - KILL_WAIT_NS <= ts && ts <= op.startNs + DRAIN_EVICTS_NS) return op;
    }
    return null;
  }

  /** An inferred operation turns out to be another: what it created becomes what that one brought. */
  private reinterpret(op: Op, operation: Operation, verb: string): void {
    op.operation = operation;
    op.verb = verb;
    if (operation === 'rollout-deployment') {
      op.newReplicaSet ??= [...op.replicaSets].at(-1) ?? null;
      op.desired = null;
    }
  }

  /** Kills waiting for their explanation, and whether they are being decided now. */
  private waitingKills: { rec: StoredRecord; ev: KubeEvent; due: bigint }[] = [];
  private deciding = false;

  /** Pods seen only on their node, waiting for a stronger account of them. */
  private waitingSightings: { rec: StoredRecord; ev: KubeEvent; due: bigint }[] = [];

  /** The waiting kills and sightings whose wait is over by `now` (null: all of them) are decided. */
  decideKills(now: bigint | null): void {
    if (this.waitingSightings.length > 0) {
      const due = this.waitingSightings.filter((k) => now === null || k.due <= now);
      if (due.length > 0) {
        this.waitingSightings = this.waitingSightings.filter((k) => now !== null && k.due > now);
        for (const k of due) this.onEvent(k.rec, k.ev, true);
      }
    }
    if (this.waitingKills.length === 0) return;
    const due = this.waitingKills.filter((k) => now === null || k.due <= now);
    if (due.length === 0) return;
    this.waitingKills = this.waitingKills.filter((k) => now !== null && k.due > now);
    this.deciding = true;
    try {
      for (const k of due) this.onEvent(k.rec, k.ev);
    } finally {
      this.deciding = false;
    }
  }

  /** Facts that found no operation when they came, tried once more now that all have been seen. */
  finish(): void {
    this.decideKills(null);
    const orphans = this.orphans;
    this.orphans = [];
    for (const o of orphans) this.onEvent(o.rec, o.ev, true);
    // Pods their node only saw failing, that nothing holds: the operation their names imply, from
    // their first sighting (a Deployment whose image never pulls leaves nothing else).
    for (const pod of this.failing) {
      const first = this.firstSighting.get(pod);
      if (first === undefined || pod.touches.length > 0) continue;
      this.onEvent(first.rec, { ...first.ev, reason: POD_FAILING }, true);
    }
    this.failing.clear();
    this.firstSighting.clear();
  }

  /** Each pod's first line on a node, and the pods whose sync failed there (for `finish`). */
  private readonly firstSighting = new Map<ObjectNode, { rec: StoredRecord; ev: KubeEvent }>();
  private readonly failing = new Set<ObjectNode>();

  /** The operation that holds a fact's object (or, for a child's first fact, its owner chain). */
  private holder(obj: ObjectNode, root: ObjectNode, ts: bigint): Op | null {
    const skew = this.ctx.skewNs;
    const own = touchAt(obj, ts, skew);
    const chain = obj !== root || obj.owner !== null ? chainTouchAt(obj, ts, skew) : null;
    // A deletion of an owner takes over what it owns, whoever touched it before.
    if (own !== null && chain !== null && chain.op !== own.op && deletes(chain.op) && chain.ts >= own.ts)
      return chain.op;
    return own?.op ?? chain?.op ?? null;
  }

  /** Puts a fact's objects into the operation, and what it says into the ladder. */
  private take(op: Op, f: Fact, rec: StoredRecord, component: string | null): void {
    const { ev, ts, obj, child } = f;
    // A controller's start-up resync says nothing about what the operation was.
    if (ev.reason !== CONTROLLER_RESYNCED) op.facts++;
    if (
      op.operation === 'drain-node' &&
      obj.kind === 'pod' &&
      ev.reason === 'Killing' &&
      !op.replacements.has(obj)
    ) {
      // A pod of the drained node stopped: evicted. Its controller's replacement joins the drain.
      touch(obj, op, ts);
      op.evicted.add(obj);
      if (obj.owner !== null) touch(obj.owner, op, ts);
      this.ctx.signal(
        op,
        obj,
        { stage: 'pods-evicted', status: 'done', reason: `stopped on cordoned node ${obj.nodeName ?? '?'}` },
        rec,
        ts,
        component,
      );
    } else if (obj !== op.target && obj !== f.root) this.cp.adopt(op, obj, ts);
    else this.cp.touchTarget(op, obj, ts);
    if (child !== null) {
      const deleted = ev.reason === 'SuccessfulDelete';
      if (child.kind === 'replicaset') this.replicaSet(op, f, rec, component);
      else if (deleted) this.deleted(op, child, rec, ts, component, ev.message);
      else {
        this.cp.adopt(op, child, ts);
        const stage =
          child.kind === 'job'
            ? 'job-created'
            : child.kind === 'persistentvolumeclaim'
              ? null
              : 'pods-created';
        if (stage !== null)
          this.ctx.signal(
            op,
            child.kind === 'pod' ? child : null,
            { stage, status: 'done', reason: oneLine(ev.message) },
            rec,
            ts,
            component,
          );
        if (child.kind === 'pod') this.cp.resolvePending('pod', child.namespace, ts, op, child, true);
      }
    }
    if (obj.kind === 'pod') this.podFact(op, obj, ev, ts);
    if (NODE_FACT_REASONS.has(ev.reason)) return;
    const finding = eventFindingFor(obj.kind, ev);
    if (finding !== null) {
      const on = obj.kind === 'pod' || obj.kind === 'persistentvolumeclaim' ? obj : null;
      this.ctx.signal(op, on, finding, rec, ts, component);
    } else if (ev.reason === 'Pulling' || ev.reason === 'Created' || ev.reason === 'ExternalProvisioning') {
      const stage =
        ev.reason === 'Pulling'
          ? 'images-pulled'
          : ev.reason === 'Created'
            ? 'containers-started'
            : 'pvcs-bound';
      op.progress.set(stage, {
        ts: ev.firstTs ?? ts,
        reason: `${ev.message} (${obj.name})`,
        recordId: rec.id,
      });
    }
    if (obj.kind === 'replicaset' && ev.reason === 'FailedCreate')
      this.cp.resolvePending('pod', obj.namespace, ts, op, null, false);
  }

  /** `Scaled up/down replica set x`: what it means for a create, a rollout and a scale. */
  private replicaSet(op: Op, f: Fact, rec: StoredRecord, component: string | null): void {
    const rs = f.child!;
    const s = f.scaling;
    const ts = f.ts;
    this.cp.adopt(op, rs, ts);
    if (op.operation === 'create-deployment') {
      if (s?.up === true) op.desired = s.to;
      this.ctx.signal(
        op,
        null,
        { stage: 'replicaset-created', status: 'done', reason: oneLine(f.ev.message) },
        rec,
        ts,
        component,
      );
      this.cp.resolvePending('replicaset', rs.namespace, ts, op, rs, true);
    } else if (op.operation === 'rollout-deployment') {
      // New to this rollout: first heard of now, or first touched by it (its create call).
      const fresh = f.childNew || rs.touches[0]?.op === op || (rs.touches[0]?.ts ?? -1n) >= op.startNs;
      if (op.newReplicaSet === null && s?.up !== false && fresh && !op.oldReplicaSets.has(rs)) {
        op.newReplicaSet = rs;
        this.ctx.signal(
          op,
          null,
          { stage: 'replicaset-created', status: 'done', reason: oneLine(f.ev.message) },
          rec,
          ts,
          component,
        );
        this.cp.resolvePending('replicaset', rs.namespace, ts, op, rs, true);
        for (const old of f.root.children)
          if (old !== rs && old.kind === 'replicaset' && old.deletedAt === null) op.oldReplicaSets.add(old);
      }
      if (rs === op.newReplicaSet) {
        if (s?.up === true) op.desired = Math.max(op.desired ?? 0, s.to);
      } else if (s !== null) {
        op.oldReplicaSets.add(rs);
        this.oldScaledDown(op, rs, s.to, rec, component);
      }
    } else if (op.operation === 'scale-deployment' && s !== null) {
      op.desired = s.to;
      op.scaleDown ??= !s.up;
      if (s.from !== null) op.scaleFrom ??= s.from;
    }
  }

  /** Where each old ReplicaSet of a rollout was last scaled to. */
  private readonly oldAt = new Map<ObjectNode, number>();

  private oldScaledDown(
    op: Op,
    rs: ObjectNode,
    to: number,
    rec: StoredRecord,
    component: string | null,
  ): void {
    this.oldAt.set(rs, to);
    const allDown = [...op.oldReplicaSets].every((o) => (this.oldAt.get(o) ?? 1) === 0);
    if (allDown && !rolloutSettled(op))
      this.ctx.signal(
        op,
        null,
        {
          stage: 'old-pods-deleted',
          status: 'done',
          reason: `old ReplicaSets scaled down to 0 (${rs.name})`,
        },
        rec,
        rec.ts,
        component,
      );
    else
      op.progress.set('old-pods-deleted', {
        ts: rec.ts,
        reason: `${rs.name} scaled down to ${to}`,
        recordId: rec.id,
      });
  }

  private deleted(
    op: Op,
    pod: ObjectNode,
    rec: StoredRecord,
    ts: bigint,
    component: string | null,
    message: string,
  ): void {
    if (pod.deletedAt === null) pod.deletedAt = ts;
    // What follows about the pod (its kubelet killing it) is this operation's doing.
    touch(pod, op, ts);
    if (op.operation.startsWith('rollout-')) op.oldPods.add(pod);
    else op.pods.add(pod);
    this.ctx.signal(
      op,
      pod,
      { stage: 'pods-deleted', status: 'done', reason: oneLine(message) },
      rec,
      ts,
      component,
    );
  }

  /** A pod's own Events: where it was scheduled, which image it pulls on which node. */
  private podFact(op: Op, pod: ObjectNode, ev: KubeEvent, ts: bigint): void {
    if (endsPod(ev.reason)) {
      pod.rejected = true;
      if (pod.deletedAt === null) pod.deletedAt = ts;
    }
    if (ev.reason === 'Scheduled') {
      const m = / to (\S+?)\.?$/.exec(ev.message);
      if (m) pod.nodeName = m[1]!;
    }
    if (ev.reason === 'Pulling' || ev.reason === 'Pulled') {
      const image = imageOfLine(ev.message) ?? /image "([^"]+)"/.exec(ev.message)?.[1] ?? null;
      const nodeName = pod.nodeName ?? ev.host;
      if (image && nodeName) this.ctx.pulls.note(nodeName, image, ev.firstTs ?? ts, ts, op, pod);
    }
  }

  private link(rec: StoredRecord, op: Op, obj: ObjectNode): void {
    if (rec.reqId) {
      this.ctx.link(
        rec,
        this.ctx.explicitFor(rec.reqId, rec.ts ?? op.startNs, op.req),
        'explicit',
        `reqID=${rec.reqId}`,
      );
      return;
    }
    this.ctx.link(rec, op.req, 'inferred', obj.key);
  }

  private forget(now: bigint): void {
    for (const [k, v] of this.seen) if (now - v.ts > SAME_FACT_NS * 2n) this.seen.delete(k);
  }
}
