import type { StoredRecord } from '@kubetrail/model';
import type { AuditCall } from './auditCall.ts';
import { callSucceeded } from './auditCall.ts';
import { apiSignal } from './commands.ts';
import type { Context } from './context.ts';
import type { ObjectNode, Touch } from './objectGraph.ts';
import { chainTouchAt, kindOfKind, kindOfResource, PVC_UID_RE, touch, touchAt } from './objectGraph.ts';
import type { Op } from './operation.ts';
import type { StageFinding } from './stageSignals.ts';
import { deploymentStatusFinding, oneLine, podStatusFindings } from './stageSignals.ts';
import { specForCreation } from './operations/index.ts';
import { componentOfUser } from './users.ts';

/** Resources whose calls are cluster housekeeping, never a step of a user's operation. */
const HOUSEKEEPING = new Set([
  'leases',
  'tokenreviews',
  'subjectaccessreviews',
  'selfsubjectaccessreviews',
  'localsubjectaccessreviews',
  'serviceaccounts/token',
  'csinodes',
  'flowschemas',
  'prioritylevelconfigurations',
  'apiservices',
]);

/** A create whose body was not logged (Metadata level): resolved by the controller's Event. */
interface PendingCreate {
  rec: StoredRecord;
  call: AuditCall;
  kind: string;
}

const PENDING_NS = 5_000_000_000n;
/** Calls kept for a second try (bounded: memory never grows with the bundle). */
const MAX_DEFERRED = 10_000;

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Audit events of controllers, the scheduler and kubelets: steps inside user requests. Each is
 * joined to the operation that most recently touched the object it acts on (kind `inferred`), and
 * each may carry ladder evidence (a binding, a pod status, a garbage-collector delete).
 */
export class ControlPlane {
  private pending: PendingCreate[] = [];

  constructor(private readonly ctx: Context) {}

  /**
   * A workload's service account acting for an operation's object (a volume provisioner creating
   * `helper-pod-create-pvc-<uid>` and `pvc-<uid>` for a StatefulSet's claim): a step of that
   * operation, not a command of its own.
   */
  worksForOperation(call: AuditCall): boolean {
    if (!call.user.startsWith('system:serviceaccount:') || !call.name || !call.resource) return false;
    // Named after a claim's UID: provisioner machinery, whether or not the claim is known yet.
    return PVC_UID_RE.test(call.name);
  }

  /** Calls about objects named after a claim not known yet (its UID comes with a later Event). */
  private deferred: { rec: StoredRecord; call: AuditCall }[] = [];
  /** Controller creates no operation claimed yet: the operation a later fact starts takes them. */
  private readonly unclaimed = new Map<ObjectNode, { rec: StoredRecord; call: AuditCall }>();

  /** Tries the deferred calls again, once every fact has been seen. */
  finish(): void {
    const d = this.deferred;
    this.deferred = [];
    for (const x of d) this.onCall(x.rec, x.call, true);
    this.unclaimed.clear();
  }

  /**
   * An operation inferred from a fact about `target` takes the controller's create of it that came
   * first (the CronJob controller's `create jobs` before its `Created job` Event): its API record.
   */
  claimCreate(op: Op, target: ObjectNode): void {
    const u = this.unclaimed.get(target);
    if (!u) return;
    this.unclaimed.delete(target);
    touch(target, op, u.call.ts);
    if (op.api === null) {
      op.api = apiSignal(u.call);
      op.req.auditIds.push(u.call.auditId);
    }
    this.linkCall(u.rec, u.call, op, target);
  }

  onCall(rec: StoredRecord, call: AuditCall, retry = false): void {
    const res = call.resource;
    if (!res || HOUSEKEEPING.has(res)) return;
    const sub = call.subresource;
    const ns = call.namespace;
    const g = this.ctx.graph;
    const component = componentOfUser(call.user, call.userAgent);
    const ok = callSucceeded(call);

    if (res === 'events') {
      // Event objects are named `<involved object>.<hex>`; the involved object is what matters.
      const name = call.name ?? asObj(asObj(call.requestObject)?.['metadata'])?.['name'];
      if (typeof name !== 'string') return;
      const dot = name.lastIndexOf('.');
      const involved = dot > 0 ? name.slice(0, dot) : name;
      const list = g.byToken.get(ns ? `${ns}/${involved}` : involved);
      const obj = list?.at(-1);
      if (!obj) return;
      const t = touchAt(obj, call.ts, this.ctx.skewNs);
      if (t) this.linkCall(rec, call, t.op, obj);
      return;
    }

    const kind = kindOfResource(res);
    if (call.verb === 'create' && !sub && (res === 'pods' || res === 'replicasets')) {
      this.onCreate(rec, call, kind, component, ok);
      return;
    }
    if (kind === 'node' && call.user.startsWith('system:node:')) return; // heartbeats and status
    if (!call.name) return;
    const ref = call.verb === 'create' && ok ? call.owners[0] : undefined;
    const obj =
      g.get(kind, kind === 'node' ? null : ns, call.name) ??
      (ref
        ? g.ensure(kind, ns, call.name, call.uid, g.ensure(kindOfKind(ref.kind), ns, ref.name, ref.uid))
        : null) ??
      g.discoverByName(ns, call.name) ??
      g.byConvention(kind, ns, call.name) ??
      // A controller's create of an object nothing names yet: known from now on (unclaimed below).
      (call.verb === 'create' && ok && !PVC_UID_RE.test(call.name)
        ? g.ensure(kind, ns, call.name, call.uid)
        : null);
    if (!obj) {
      if (!retry && PVC_UID_RE.test(call.name) && this.deferred.length < MAX_DEFERRED)
        this.deferred.push({ rec, call });
      return;
    }
    if (call.verb === 'create' && ok && call.uid) g.ensure(kind, obj.namespace, obj.name, call.uid);

    let t: Touch | null;
    if (call.verb === 'delete') {
      t = chainTouchAt(obj, call.ts, this.ctx.skewNs);
      if (!t && ok && obj.kind === 'replicaset' && obj.owner?.kind === 'deployment')
        t = { op: this.ctx.inferOp('delete-deployment', obj.owner, call.ts, rec), ts: call.ts };
      if (!t) return;
      if (ok) {
        touch(obj, t.op, call.ts);
        if (obj.deletedAt === null) obj.deletedAt = call.ts;
        if (obj.kind === 'pod') t.op.pods.add(obj);
        if (obj.kind === 'replicaset' && t.op.operation === 'delete-deployment') t.op.replicaSets.add(obj);
        const stage = obj.kind === 'replicaset' ? 'replicasets-deleted' : 'pods-deleted';
        if (obj.kind === 'pod' || obj.kind === 'replicaset')
          this.ctx.signal(
            t.op,
            obj,
            { stage, status: 'done', reason: `deleted by ${component}` },
            rec,
            call.ts,
            component,
          );
        // The kubelet's final delete (grace period 0) means the pod is gone from the node.
        if (obj.kind === 'pod' && call.user.startsWith('system:node:'))
          this.ctx.signal(
            t.op,
            obj,
            { stage: 'pods-terminated', status: 'done', reason: 'removed by kubelet' },
            rec,
            call.ts,
            component,
          );
      }
      this.linkCall(rec, call, t.op, obj);
      return;
    }

    // A ReplicaSet is changed for whatever its Deployment is doing now (a scale after a rollout).
    t =
      obj.kind === 'replicaset'
        ? chainTouchAt(obj, call.ts, this.ctx.skewNs)
        : touchAt(obj, call.ts, this.ctx.skewNs);
    if (!t && obj.touches.length === 0 && obj.owner) {
      // First sight of an object (found by its name): it joins its owner chain's operation.
      t = chainTouchAt(obj.owner, call.ts, this.ctx.skewNs);
      if (t) this.adopt(t.op, obj, call.ts);
    }
    if (!t && call.verb === 'create' && ok) t = this.startedByCreate(rec, call, obj);
    if (!t) {
      if (call.verb === 'create' && ok && this.unclaimed.size < MAX_DEFERRED)
        this.unclaimed.set(obj, { rec, call });
      return;
    }
    const op = t.op;
    const findings: StageFinding[] = [];
    if (res === 'pods' && sub === 'binding') {
      const node = asObj(call.requestObject?.['target'])?.['name'];
      if (ok && typeof node === 'string') obj.nodeName = node;
      findings.push(
        ok
          ? {
              stage: 'pods-scheduled',
              status: 'done',
              reason: typeof node === 'string' ? `bound to ${node}` : 'bound',
            }
          : { stage: 'pods-scheduled', status: 'failed', reason: oneLine(call.message ?? 'binding failed') },
      );
    } else if (res === 'pods' && sub === 'status') {
      findings.push(...podStatusFindings(call.requestObject), ...podStatusFindings(call.responseObject));
    } else if (res === 'deployments' && sub === 'status') {
      const f = deploymentStatusFinding(call.responseObject) ?? deploymentStatusFinding(call.requestObject);
      if (f) findings.push(f);
    }
    for (const f of findings)
      this.ctx.signal(op, obj.kind === 'pod' ? obj : null, f, rec, call.ts, component);
    this.linkCall(rec, call, op, obj);
  }

  /**
   * A controller created a ReplicaSet or Pod: the new object joins the operation of its owner
   * chain (Deployment → ReplicaSet → Pod).
   */
  private onCreate(rec: StoredRecord, call: AuditCall, kind: string, component: string, ok: boolean): void {
    const g = this.ctx.graph;
    const ns = call.namespace;
    const meta = asObj(call.requestObject?.['metadata']);
    const generateName = typeof meta?.['generateName'] === 'string' ? meta['generateName'] : null;
    let owner: ObjectNode | null = null;
    const ref = call.owners[0];
    if (ref) owner = g.ensure(kindOfKind(ref.kind), ns, ref.name, ref.uid);
    else if (generateName && generateName.endsWith('-'))
      owner = g.get('replicaset', ns, generateName.slice(0, -1)) ?? null;
    if (!call.name) {
      if (!owner) {
        this.pending.push({ rec, call, kind });
        return;
      }
      // A failed create has no name: the failure belongs to the owner's operation.
      const t = chainTouchAt(owner, call.ts, this.ctx.skewNs);
      if (!t) return;
      if (!ok) this.createFailed(t.op, rec, call, kind, component);
      this.linkCall(rec, call, t.op, owner);
      return;
    }
    const obj = owner
      ? g.ensure(kind, ns, call.name, ok ? call.uid : null, owner)
      : (g.discoverByName(ns, call.name) ?? g.ensure(kind, ns, call.name, call.uid));
    // A pod a kubelet creates is the mirror of a static pod (owned by its Node since v1.21).
    const mirror = kind === 'pod' && (owner?.kind === 'node' || call.user.startsWith('system:node:'));
    const t =
      chainTouchAt(obj, call.ts, this.ctx.skewNs) ??
      (mirror ? { op: this.ctx.inferOp('create-pod', obj, call.ts, rec), ts: call.ts } : null) ??
      this.inferFromCreate(rec, obj, call.ts);
    if (!t) return;
    this.adopt(t.op, obj, call.ts);
    // The mirror's create is the API's record of a static pod: the operation's call.
    if (mirror && t.op.target === obj && t.op.api === null) {
      t.op.api = apiSignal(call);
      t.op.req.auditIds.push(call.auditId);
    }
    if (ok) {
      const stage = kind === 'replicaset' ? 'replicaset-created' : 'pods-created';
      this.ctx.signal(
        t.op,
        kind === 'pod' ? obj : null,
        { stage, status: 'done', reason: `created by ${component}` },
        rec,
        call.ts,
        component,
      );
    } else {
      this.createFailed(t.op, rec, call, kind, component);
    }
    this.linkCall(rec, call, t.op, obj);
  }

  /**
   * A controller's create that starts an operation by itself (the CronJob controller creating a
   * run's Job): the registry's `startsOnCreation` decides; the call is the operation's API record.
   */
  private startedByCreate(rec: StoredRecord, call: AuditCall, obj: ObjectNode): Touch | null {
    const s = specForCreation(obj, null);
    if (s === null || s.target !== obj) return null;
    const op = this.ctx.inferOp(s.spec.operation, obj, call.ts, rec);
    op.api = apiSignal(call);
    op.req.auditIds.push(call.auditId);
    return { op, ts: call.ts };
  }

  private createFailed(op: Op, rec: StoredRecord, call: AuditCall, kind: string, component: string): void {
    const stage = kind === 'replicaset' ? 'replicaset-created' : 'pods-created';
    this.ctx.signal(
      op,
      null,
      { stage, status: 'failed', reason: oneLine(call.message ?? `HTTP ${call.code ?? '?'}`) },
      rec,
      call.ts,
      component,
    );
  }

  private inferFromCreate(rec: StoredRecord, obj: ObjectNode, ts: bigint): Touch | null {
    const deploy = obj.kind === 'replicaset' ? obj.owner : obj.owner?.owner;
    if (!deploy || deploy.kind !== 'deployment') return null;
    return { op: this.ctx.inferOp('create-deployment', deploy, ts, rec), ts };
  }

  /** Puts a new child object into the operation: touched, and counted for its ladder. */
  adopt(op: Op, obj: ObjectNode, ts: bigint): void {
    touch(obj, op, ts);
    if (obj.kind === 'replicaset') op.replicaSets.add(obj);
    else if (obj.kind === 'persistentvolumeclaim') op.claims.add(obj);
    else if (obj.kind === 'job') op.jobs.add(obj);
    else if (obj.kind === 'pod') {
      // A provisioner's helper pod works for a claim: part of the operation, not one of its pods.
      if (obj.owner?.kind === 'persistentvolumeclaim') return;
      if (op.operation === 'drain-node') op.replacements.add(obj);
      // A rollout's pods of older ReplicaSets are the ones it scales down.
      else if (
        op.operation.startsWith('rollout-') &&
        op.newReplicaSet !== null &&
        obj.owner !== null &&
        op.oldReplicaSets.has(obj.owner)
      )
        op.oldPods.add(obj);
      else op.pods.add(obj);
    }
  }

  /** The operation acted on its own target (a later Event about the workload itself). */
  touchTarget(op: Op, obj: ObjectNode, ts: bigint): void {
    touch(obj, op, ts);
  }

  /** Resolves a nameless create once the controller's Event names what it created. */
  resolvePending(
    kind: string,
    namespace: string | null,
    ts: bigint,
    op: Op,
    obj: ObjectNode | null,
    ok: boolean,
  ): void {
    const p = this.pending;
    while (p.length > 0 && p[0]!.call.ts < ts - PENDING_NS) p.shift();
    const i = p.findIndex(
      (x) =>
        x.kind === kind &&
        x.call.namespace === namespace &&
        callSucceeded(x.call) === ok &&
        x.call.ts <= ts + this.ctx.skewNs,
    );
    if (i < 0) return;
    const [hit] = p.splice(i, 1);
    if (!hit) return;
    this.linkCall(hit.rec, hit.call, op, obj ?? op.target);
  }

  private linkCall(rec: StoredRecord, call: AuditCall, op: Op, obj: ObjectNode | null): void {
    // An explicit reqID on the event wins over the object graph.
    const explicit = rec.reqId ? this.ctx.reqById.get(rec.reqId) : undefined;
    if (explicit) this.ctx.link(rec, explicit, 'explicit', `reqID=${rec.reqId}`);
    else
      this.ctx.link(
        rec,
        op.req,
        'inferred',
        obj ? obj.key : `${call.resource ?? ''} ${call.namespace ?? ''}`,
      );
    this.ctx.auditReq.set(call.auditId, explicit ?? op.req);
  }
}
